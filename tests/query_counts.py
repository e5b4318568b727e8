"""A page's queries do not grow with its rows (issue 16, issue 20 point 5): one helper for every list page's
query-count test (tests/*/test_query_counts.py)."""

from __future__ import annotations

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _address(url) -> str:
    return url() if callable(url) else url


def _shape(sql: str) -> str:
    """The query without its values, so that the same query for another row counts as the same."""
    values = re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)  # strings, numbers, savepoints
    return re.sub(r"\(\?(, \?)*\)", "(…)", values)


def _count(client, url, data):
    with CaptureQueriesContext(connection) as context:
        response = client.get(_address(url), data or {})
    assert response.status_code == 200, f"{_address(url)}: {response.status_code}"
    return response, [query["sql"] for query in context.captured_queries]


def assert_constant_queries(client, url, grow, *, data=None):
    """Ask for `url` as the signed-in `client`, then call `grow()` (which adds rows to what the page lists),
    then ask again: both requests must cost the same number of queries. The page is asked for once before,
    since the first request after login writes the session. Returns the second response, for the caller to
    check that the rows it added are on the page (else the test would prove nothing). `url` may be a function
    that returns the address, for a page whose rows are another record's (an import's file: a larger file is
    another import). On failure, the message names the queries that grew, without their values."""
    client.get(_address(url), data or {})
    _few_response, few = _count(client, url, data)
    grow()
    response, many = _count(client, url, data)
    if len(many) != len(few):
        grew = Counter(map(_shape, many)) - Counter(map(_shape, few))
        raise AssertionError(
            f"{_address(url)}: {len(few)} queries before grow(), {len(many)} after; the queries that grew:\n"
            + "\n".join(f"{n} more: {sql[:300]}" for sql, n in grew.most_common(8))
        )
    return response
