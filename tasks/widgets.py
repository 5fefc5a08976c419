"""The task list's filter widgets: Django's own, with lean templates (templates/tasks/widgets/) in Bootstrap's markup.

The filter bar renders about fifty options on every view of /tasks/. Django's select template includes a template
for each option and another for its attributes (~40 µs an option); these templates write the option in place,
from one flat list of options.
"""
from __future__ import annotations

from django import forms
from django.forms import BoundField
from django.urls import reverse

# Label, control and errors of one filter (BoundField.as_field_group): the markup crispy-forms wrote for Bootstrap 5.
field_group = "tasks/widgets/field.html"


class FilterBoundField(BoundField):
    """A filter of the list: Bootstrap's `is-invalid` on a control with errors (beside Django's aria-invalid), and
    the key its markup is kept under."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if "aria-invalid" in attrs:
            attrs["class"] = f"{(widget or self.field.widget).attrs.get('class', '')} is-invalid".lstrip()
        return attrs

    @property
    def markup_key(self) -> str:
        """What the field's markup depends on besides the language: its value, its choices and its errors, as one
        string that no other three can spell (a repr), for {% cache %} (templates/tasks/partials/filter_bar.html)."""
        choices = [(str(value), str(label)) for value, label in getattr(self.field.widget, "choices", ())]
        return repr((self.value(), choices, [str(error) for error in self.errors]))


def flat_options(context: dict) -> dict:
    """The widget's options in one list (these drop-downs have no groups): Django's optgroups puts each option in a
    group of its own, and a template loop that unpacks a group per option costs ~4 µs an option."""
    widget = context["widget"]
    widget["options"] = [option for _group, options, _index in widget["optgroups"] for option in options]
    return context


class FilterSelect(forms.Select):
    template_name = "tasks/widgets/select.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "select form-select", **(attrs or {})}, choices)

    def get_context(self, name, value, attrs):
        return flat_options(super().get_context(name, value, attrs))


class SearchedSelect(FilterSelect):
    """A drop-down whose choices are searched on the server as the person types (static/js/remote-choices.js asks
    `url_name`, tasks/views/choices.py answers): the page carries only the empty choice and the chosen one, never
    the whole list (1,600 documents, 1,000 units for the office)."""

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.offered = []

    @property
    def choices(self):
        return self.offered

    @choices.setter
    def choices(self, value):
        """Ignored: the field hands over its whole queryset as choices, which this widget never lists."""

    def offer(self, field: forms.ModelChoiceField, chosen) -> None:
        """Offer the field's empty choice and `chosen` (a row the field validated, or None)."""
        offered = [("", field.empty_label)] if field.empty_label is not None else []
        if chosen is not None:
            offered.append((chosen.pk, field.label_from_instance(chosen)))
        self.offered = offered

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-choices-url"] = reverse(self.url_name)
        return context


class Checkboxes(forms.CheckboxSelectMultiple):
    """Bootstrap's form-check boxes, one per choice; the label of the whole group is the field group's legend."""

    template_name = "tasks/widgets/checkboxes.html"

    def get_context(self, name, value, attrs):
        return flat_options(super().get_context(name, value, attrs))
