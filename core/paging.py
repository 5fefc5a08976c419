"""Pagination for the portal's lists (tasks, documents): a page past the end shows the last page, not an error,
and the page links are elided around the current page ("« 1 … 4 5 [6] 7 8 … 20 »"), each keeping the other
GET parameters (the filters). templates/partials/pagination.html writes them."""
from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class PageLink:
    """One entry of the page links: a page (`query` is "?…&page=N"), the current page, a gap, or previous / next
    (`rel`)."""

    number: int | None = None
    query: str = ""
    rel: str = ""
    current: bool = False
    gap: bool = False


class LenientPaginationMixin:
    """For a ListView: a link kept after the list shrank (page=9 of 3) lands on the last page."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"], self.request.GET, self.page_kwarg)
        return context


def page_links(page, query: QueryDict, page_kwarg: str = "page") -> list[PageLink]:
    """Links to the previous page, the first, the last, two either side of the current one, and the next; gaps
    where pages are left out. Nothing when everything fits on one page.

    Each address is `query` with the page changed (where {% querystring page=N %} puts it: in place, or last),
    built here from one copy of the query rather than a copy per link and attribute in the template."""
    if page is None or page.paginator.num_pages <= 1:
        return []
    params = query.copy()

    def link(number, rel=""):
        params[page_kwarg] = number
        return PageLink(number=number, query=f"?{params.urlencode()}", rel=rel)

    links = [link(page.previous_page_number(), "prev")] if page.has_previous() else []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append(PageLink(gap=True))
        elif number == page.number:
            links.append(PageLink(number=number, current=True))
        else:
            links.append(link(number))
    if page.has_next():
        links.append(link(page.next_page_number(), "next"))
    return links
