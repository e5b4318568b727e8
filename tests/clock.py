"""The suite's one clock: `--today` (tests/conftest.py) and the processes the tests start travel with
time-machine to the moment it names. See docs/testing.md."""

import datetime
import os
import zoneinfo

TODAY_ENV = "SAMSYN_TEST_TODAY"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def travel_destination(value: str) -> datetime.datetime:
    """The moment --today names: a date means its noon in Stockholm; a time without offset is Stockholm's."""
    moment = datetime.datetime.fromisoformat(value)
    if len(value) == 10:
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


def start_travel(value: str):
    """Travel to `value` for the rest of the process, the clock ticking from there; returns the traveller."""
    import time_machine

    traveller = time_machine.travel(travel_destination(value), tick=True)
    traveller.start()
    os.environ[TODAY_ENV] = value
    return traveller


if __name__ == "__main__":
    # `python -m tests.clock celery ARGS…`: the Celery worker of the service tests, on the suite's day.
    import sys

    from celery.__main__ import main

    if os.environ.get(TODAY_ENV):
        start_travel(os.environ[TODAY_ENV])
    sys.argv = sys.argv[1:]
    sys.exit(main())
