"""One way to page a long list: `paginate` and templates/includes/pagination.html.

A list page pages its queryset in the database (Django's Paginator: one COUNT and one LIMIT/OFFSET
query), then builds and decrypts only the rows of the page, and declares only those as read. The page
number is the `sida` parameter; the address's other parameters (filters, sorting) go with every link,
so paging keeps them. A page number that is not a number gives the first page, one past the end the
last page (Paginator.get_page): an old bookmark still shows something.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PER_PAGE = 50
PAGE_PARAMETER = "sida"


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the ellipsis between page numbers
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Paging:
    """A page of a list and what the page links need: the address's other parameters, the page numbers."""

    page: Page
    query: str  # the other GET parameters, url-encoded ("" when none)

    @property
    def object_list(self):
        return self.page.object_list

    @property
    def links(self) -> list[PageLink]:
        numbers = self.page.paginator.get_elided_page_range(self.page.number, on_each_side=1, on_ends=1)
        return [
            PageLink(None)
            if number == Paginator.ELLIPSIS
            else PageLink(number, self.href(number), number == self.page.number)
            for number in numbers
        ]

    @property
    def previous_href(self) -> str:
        return self.href(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_href(self) -> str:
        return self.href(self.page.next_page_number()) if self.page.has_next() else ""

    def href(self, number: int) -> str:
        return f"?{self.query}&{PAGE_PARAMETER}={number}" if self.query else f"?{PAGE_PARAMETER}={number}"


def other_parameters(request, *, without=(PAGE_PARAMETER,)) -> str:
    query = request.GET.copy()
    for name in without:
        query.pop(name, None)
    return query.urlencode()


def paginate(request, items, *, per_page: int = PER_PAGE) -> Paging:
    """The page of `items` (a queryset, ordered, or a list) the request asks for."""
    page = Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAMETER))
    return Paging(page=page, query=other_parameters(request))
