import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from config.queueing import send_now

from .changes import update_logged
from .models import AccessRequest, User

SWEEP_OWED_LINKS_AFTER = datetime.timedelta(minutes=2)


def set_password_link(user) -> str:
    """A one-time link to choose a password: Django's token covers the password hash, so it stops
    working once a password is set, and after PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "accesscontrol:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SAMSYN_BASE_URL.rstrip('/')}{path}"


@shared_task(ignore_result=True, acks_late=True)
def send_set_password_link(user_id: int) -> None:
    """E-mails the user a link to choose a password, if one is still owed. The token is made here, in the
    worker, so it never travels in a task message. A run that dies between sending and recording sends
    the link again at the next sweep: two working links, never none."""
    user = User.objects.filter(pk=user_id, password_link_due_since__isnull=False).first()
    if user is None:
        return
    due_since = user.password_link_due_since
    if user.is_active and user.email and not user.has_usable_password():
        days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
        body = _(
            "Hej %(name)s!\n\nDu har ett konto i Samsyn med användarnamnet %(username)s. Välj ditt lösenord här "
            "(länken fungerar en gång och i %(days)s dagar):\n\n%(link)s\n\nNär du loggar in första gången aktiverar "
            "du tvåstegsinloggning med en autentiseringsapp.\n"
        ) % {
            "name": user.get_full_name() or user.username,
            "username": user.username,
            "days": days,
            "link": set_password_link(user),
        }
        send_mail(_("Välj lösenord för Samsyn"), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    # Compare-and-set: a link owed again meanwhile (a second reset) stays owed.
    update_logged(User.objects.filter(pk=user.pk, password_link_due_since=due_since), password_link_due_since=None)


@shared_task(ignore_result=True)
def send_owed_password_links() -> int:
    """Scheduled every few minutes: queue again the set-password links owed for longer than a message
    takes (their first message was lost, say to a broker outage)."""
    owed = User.objects.filter(password_link_due_since__lte=timezone.now() - SWEEP_OWED_LINKS_AFTER).values_list(
        "pk", flat=True
    )
    return sum(send_now(send_set_password_link, user_id=pk) for pk in owed)


def _notice_text(request) -> tuple[str, str]:
    name = request.user.get_full_name() or request.user.username
    decided = request.decided_by.get_full_name() or request.decided_by.username if request.decided_by else ""
    facts = {"name": name, "username": request.user.username, "old": request.previous_email,
             "new": request.email, "approver": decided}  # fmt: skip
    ending = _(
        "\n\nKänner du inte till ändringen? Kontakta din chef och systemförvaltaren genast: någon kan försöka "
        "komma åt ditt konto.\n"
    )
    if request.kind == AccessRequest.Kind.EMAIL:
        subject = _("Din e-postadress i Samsyn är ändrad")
        body = _(
            "Hej %(name)s!\n\nE-postadressen för ditt konto %(username)s i Samsyn har ändrats från %(old)s till "
            "%(new)s. Ändringen begärdes av systemförvaltaren och godkändes av %(approver)s. Länkar och "
            "meddelanden från Samsyn skickas från och med nu till den nya adressen."
        )
    else:
        subject = _("Din inloggning i Samsyn är återställd")
        body = _(
            "Hej %(name)s!\n\nInloggningen för ditt konto %(username)s i Samsyn har återställts: lösenordet och "
            "tvåstegsinloggningen är borttagna och en länk för att välja ett nytt lösenord skickas till %(old)s. "
            "Återställningen begärdes av systemförvaltaren och godkändes av %(approver)s."
        )
    return subject, (body % facts) + ending


@shared_task(ignore_result=True, acks_late=True)
def send_access_change_notice(request_id: int) -> None:
    """Tells the previous address of a changed e-mail address or a reset login (accesscontrol.approvals),
    if the notice is still owed. Compare-and-set as the set-password link: a lost run sends it at the sweep."""
    request = (
        AccessRequest.objects.select_related("user", "decided_by")
        .filter(pk=request_id, notice_due_since__isnull=False)
        .first()
    )
    if request is None:
        return
    due_since = request.notice_due_since
    if request.previous_email:
        subject, body = _notice_text(request)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [request.previous_email])
    update_logged(AccessRequest.objects.filter(pk=request.pk, notice_due_since=due_since), notice_due_since=None)


@shared_task(ignore_result=True)
def send_owed_access_change_notices() -> int:
    """Scheduled with the set-password links: queue again the notices owed for longer than a message takes."""
    owed = AccessRequest.objects.filter(notice_due_since__lte=timezone.now() - SWEEP_OWED_LINKS_AFTER).values_list(
        "pk", flat=True
    )
    return sum(send_now(send_access_change_notice, request_id=pk) for pk in owed)
