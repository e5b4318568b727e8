"""config.paging: the one way a long list pages (templates/includes/pagination.html)."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from config.paging import PER_PAGE, paginate


def _paging(query: str, rows: int = 1000):
    return paginate(RequestFactory().get(f"/lista/?{query}"), list(range(rows)))


def test_it_keeps_the_other_parameters_and_replaces_the_page():
    paging = _paging("status=active&sort=-number&sida=3")
    assert paging.page.number == 3 and list(paging.object_list) == list(range(2 * PER_PAGE, 3 * PER_PAGE))
    assert paging.previous_href == "?status=active&sort=-number&sida=2"
    assert paging.next_href == "?status=active&sort=-number&sida=4"


def test_a_page_past_the_end_is_the_last_and_a_bad_one_the_first():
    assert _paging("sida=999").page.number == 1000 // PER_PAGE
    assert _paging("sida=abc").page.number == 1
    assert _paging("").next_href == "?sida=2" and _paging("").previous_href == ""


def test_the_links_mark_the_current_page_and_elide_the_middle():
    links = _paging("sida=10").links
    numbers = [link.number for link in links]
    assert numbers == [1, None, 9, 10, 11, None, 20]
    assert [link.number for link in links if link.current] == [10]


def test_the_navigation_is_named_and_says_which_page_is_shown():
    html = render_to_string("includes/pagination.html", {"paging": _paging("sida=2&status=active")})
    assert 'aria-label="Sidor"' in html
    assert 'href="?status=active&amp;sida=2" aria-label="Sida 2" aria-current="page"' in html
    assert "Sida 2 av 20: rad 51–100 av 1000" in html
    assert render_to_string("includes/pagination.html", {"paging": _paging("", rows=PER_PAGE)}).strip() == ""
