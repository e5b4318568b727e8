"""The per-username slow-down that goes with django-axes' lockout per username and address.

django-axes locks a username at one address after AXES_FAILURE_LIMIT failed passwords
(AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]): the guesser's address is locked out for
AXES_COOLOFF_TIME, a colleague signing in from elsewhere is not. Axes counts nothing across addresses, so a
guesser with many addresses would get AXES_FAILURE_LIMIT guesses at each. Here, once a username has
SAMSYN_LOGIN_SLOWDOWN_AFTER failures from all addresses together (axes' own AccessAttempt rows within its
cool-off), every further attempt for that username waits SAMSYN_LOGIN_SLOWDOWN_SECONDS after the latest
failure; until then the password is not checked and nothing is counted. A guesser gets one guess in that
time for all their addresses. The colleague is slowed, never locked out: while the guessing goes on, each of
their attempts may have to wait up to that long after the guesser's latest failure. Lifting a lockout ("Återställ
inloggning", axes' reset) lifts the slow-down as well, and it counts unknown usernames like known ones, so it
tells no one which usernames exist.
"""

import math

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def wait_seconds(username: str | None) -> int:
    """How many seconds an attempt for `username` must still wait (0: it may be checked now)."""
    from axes.models import AccessAttempt

    if not username:
        return 0
    now = timezone.now()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    summary = recent.aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    if (summary["failures"] or 0) < settings.SAMSYN_LOGIN_SLOWDOWN_AFTER:
        return 0
    remaining = (summary["latest"] - now).total_seconds() + settings.SAMSYN_LOGIN_SLOWDOWN_SECONDS
    return max(0, math.ceil(remaining))
