"""Assertions shared by every test of a page that shows personal data."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from audit.models import AccessLogEntry


def _last_seq() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def assert_one_access_entry(client, url, case_ids, *, person_ids=None, export=None, status=200) -> AccessLogEntry:
    """GET `url` with `client`; assert that the response wrote exactly one access entry, for this path,
    naming exactly `case_ids` (and `person_ids`, and whether it was an export, when given).
    Returns the entry, for further checks."""
    before = _last_seq()
    response = client.get(url)
    assert response.status_code == status, f"{url}: status {response.status_code}"
    written = list(AccessLogEntry.objects.filter(seq__gt=before))
    assert len(written) == 1, f"{url}: {len(written)} access entries written, expected exactly one"
    entry = written[0]
    assert entry.path == urlsplit(url).path
    assert entry.case_ids == sorted(str(case_id) for case_id in case_ids), f"{url}: cases {entry.case_ids}"
    if person_ids is not None:
        assert entry.person_ids == sorted(str(person_id) for person_id in person_ids), f"{url}: {entry.person_ids}"
    if export is not None:
        assert entry.export is export
    return entry


# Moments for the review tests: a Tuesday in March 2026, local time.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY = datetime.date(2026, 3, 10)
PERIOD = {"since": "2026-03-01", "until": "2026-03-31"}


def at(day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=STOCKHOLM)
