"""The accessibility check itself: axe, as the browser tests run it, fails a page with a WCAG violation."""

import pytest

from tests.e2e.conftest import assert_accessible


def test_an_image_without_a_text_alternative_fails_the_check(browser):
    page = browser.new_page(locale="sv-SE")
    try:
        page.set_content(
            '<html lang="sv"><head><title>Prov</title></head>'
            '<body><main><h1>Prov</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
        )
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page)
    finally:
        page.close()
