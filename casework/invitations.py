"""The calendar invitation of a meeting (RFC 5545, written with the `icalendar` library).

One UID per meeting for its whole life, so a calendar replaces the event it has; SEQUENCE is the meeting's
(raised at each move and at the cancellation), so the newest invitation wins; a cancelled meeting is sent
as METHOD:CANCEL with STATUS:CANCELLED. The invitation names no youth and no case: its title is the kind
of meeting, its place the meeting's place, its description a link to the meeting page.

A meeting has a day but no time of day in Samsyn, so the event is a whole-day event (DTSTART;VALUE=DATE):
a day in the calendar of Europe/Stockholm, given as X-WR-TIMEZONE, with no clock time to convert.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

TIME_ZONE = "Europe/Stockholm"


def meeting_uid(meeting) -> str:
    return f"samverkansmote-{meeting.pk}@samsyn"


def meeting_invitation(meeting) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Samsyn//Samverkansmöten//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if meeting.cancelled else "PUBLISH")
    calendar.add("x-wr-timezone", TIME_ZONE)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.held_on)
    event.add("dtend", meeting.held_on + datetime.timedelta(days=1))
    event.add("summary", _("Samverkansmöte socialtjänst–polis"))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", settings.SAMSYN_BASE_URL + reverse("casework:meeting_detail", args=[meeting.pk]))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
