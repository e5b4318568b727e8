"""The suite's one clock: `--today` (tests/conftest.py) moves every process of a test run, with time-machine,
to the moment it names. See docs/testing.md."""

import datetime
import os
import zoneinfo

TODAY_ENV = "SAMSYN_TEST_TODAY"
# Seconds between the real clock and the run's clock, fixed when the run starts: the processes the tests
# start later (xdist's workers, Celery workers) keep the same clock as the run, not one that starts anew.
OFFSET_ENV = "SAMSYN_TEST_CLOCK_OFFSET"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def travel_destination(value: str) -> datetime.datetime:
    """The moment --today names: a date means its noon in Stockholm; a time without offset is Stockholm's."""
    moment = datetime.datetime.fromisoformat(value)
    if len(value) == 10:
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


def start_travel(value: str):
    """Move this process's clock to the run's clock, ticking from there; returns the traveller."""
    import time_machine

    real_now = datetime.datetime.now(datetime.UTC)
    if not os.environ.get(OFFSET_ENV) or os.environ.get(TODAY_ENV) != value:
        os.environ[TODAY_ENV] = value
        os.environ[OFFSET_ENV] = repr((travel_destination(value) - real_now).total_seconds())
    traveller = time_machine.travel(real_now + datetime.timedelta(seconds=float(os.environ[OFFSET_ENV])), tick=True)
    traveller.start()
    return traveller


if __name__ == "__main__":
    # `python -m tests.clock celery ARGS…`: the Celery worker of the service tests, on the run's clock.
    import sys

    from celery.__main__ import main

    if os.environ.get(TODAY_ENV):
        start_travel(os.environ[TODAY_ENV])
    sys.argv = sys.argv[1:]
    sys.exit(main())
