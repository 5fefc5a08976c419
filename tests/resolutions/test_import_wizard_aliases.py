"""The names the import wizard remembers: units.services.remember_alias is their one writer, and the admin edits
the same list one name a line, kept by the same rule."""
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from intake import importing
from resolutions import parsing
from tests.factories import UnitFactory, office_user
from units.admin import UnitAdminForm
from units.models import Unit
from units.services import normalise_aliases, remember_alias

pytestmark = pytest.mark.django_db

NAME = "Ban Quản lý dự án đầu tư xây dựng tỉnh"


@pytest.fixture
def unit():
    return UnitFactory(name="Sở Xây dựng", short_name="SXD", aliases=["Sở XD"])


def test_a_remembered_name_is_kept_in_nfc_with_single_spaces_and_its_history_says_who(unit):
    user = office_user()
    decomposed = unicodedata.normalize("NFD", "  Ban Quản lý   dự án\tđầu tư xây dựng tỉnh ")
    assert remember_alias(unit, decomposed, by=user) is True
    unit.refresh_from_db()
    assert unit.aliases == ["Sở XD", NAME]
    record = unit.history.latest()
    assert record.history_user == user and NAME in record.history_change_reason


@pytest.mark.parametrize("phrase", [NAME.upper(), "sở xd", "Sở Xây Dựng", "sxd"])
def test_a_name_the_unit_already_answers_to_changes_nothing(unit, phrase):
    remember_alias(unit, NAME, by=office_user())
    versions = unit.history.count()
    assert remember_alias(unit, phrase, by=office_user()) is False
    unit.refresh_from_db()
    assert unit.aliases == ["Sở XD", NAME] and unit.history.count() == versions


@pytest.mark.parametrize("phrase, code", [("   ", "alias_empty"), ("x" * 300, "alias_too_long"), (None, "alias_empty")])
def test_an_empty_or_overlong_name_is_refused_in_vietnamese(unit, phrase, code):
    with pytest.raises(ValidationError) as refused:
        remember_alias(unit, phrase, by=office_user())
    assert refused.value.code == code and refused.value.messages[0][0].isupper()
    unit.refresh_from_db()
    assert unit.aliases == ["Sở XD"]


def test_a_remembered_name_is_read_as_the_unit_by_the_next_parse(unit):
    text = f"1. Giao {NAME} chủ trì đẩy nhanh tiến độ thi công, hoàn thành trước ngày 31/12/2022."
    before = parsing.parse_text(text, directory=importing.current_directory()[0]).directives[0]
    assert unit.name not in before.lead_units
    remember_alias(unit, NAME, by=office_user())
    after = parsing.parse_text(text, directory=importing.current_directory()[0]).directives[0]
    assert after.lead_units == [unit.name] and not after.unmatched


def test_aliases_edited_by_hand_are_normalised_the_same_way():
    assert normalise_aliases(["a  b", "A B", "", 3, None, " c "]) == ["a b", "c"]
    assert normalise_aliases("not a list") == []


def test_the_admin_edits_aliases_one_a_line_and_keeps_a_list(unit):
    form = UnitAdminForm(instance=unit)
    assert form["aliases"].value() == "Sở XD"  # one a line, not JSON
    assert "Sở XD" in str(form["aliases"]) and "[" not in str(form["aliases"])
    data = {"name": unit.name, "short_name": unit.short_name, "code": unit.code, "kind": unit.kind,
            "email": "", "active": "on", "order": "0",
            "aliases": f"Sở XD\n\n  {NAME}  \nsở xd\n"}
    form = UnitAdminForm(data, instance=unit)
    assert form.is_valid(), form.errors
    assert form.has_changed() and "aliases" in form.changed_data
    form.save()
    assert Unit.objects.get(pk=unit.pk).aliases == ["Sở XD", NAME]
    unchanged = UnitAdminForm({**data, "aliases": f"Sở XD\n{NAME}"}, instance=Unit.objects.get(pk=unit.pk))
    assert unchanged.is_valid() and "aliases" not in unchanged.changed_data
