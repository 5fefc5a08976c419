"""Pagination for the portal's lists (tasks, documents): a page past the end shows the last page, not an error,
and the page links are elided around the current page ("1 … 4 5 [6] 7 8 … 20")."""


class LenientPaginationMixin:
    """For a ListView: a link kept after the list shrank (page=9 of 3) lands on the last page."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"])
        return context


def page_links(page) -> list:
    """Page numbers to link to (the first, the last, two either side of the current one), gaps as ELLIPSIS."""
    if page is None or page.paginator.num_pages <= 1:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
