"""`manage.py grant_first_approver`: the first social manager or police's responsible of an agreement
(README, "First installation"; accesscontrol.approvals.services.approve_first_approver)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accesscontrol.approvals.services import approve_first_approver
from accesscontrol.models import Role, User
from casework.models import Agreement


class Command(BaseCommand):
    help = (
        "Carries out the sysadmin's pending request that makes USERNAME the first social manager (or the police's "
        "responsible) of an agreement, which nobody in Samsyn can approve while the agreement has none. Refuses "
        "once the agreement has an active approver of that side: from then on they decide in Samsyn."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the sysadmin added with the role under Administration.")
        parser.add_argument(
            "--agreement", help="The agreement's name; may be left out when the installation has only one."
        )

    def handle(self, *args, username, agreement, **options):
        with translation.override(settings.LANGUAGE_CODE):
            user = User.objects.filter(username__iexact=username).first()
            if user is None:
                raise CommandError(_("Det finns ingen användare %(username)s.") % {"username": username})
            agreements = Agreement.objects.filter(name=agreement) if agreement else Agreement.objects.all()
            if agreements.count() != 1:
                raise CommandError(
                    _("Ange överenskommelsens namn med --agreement.")
                    if not agreement
                    else _("Det finns ingen överenskommelse %(name)s.") % {"name": agreement}
                )
            try:
                request = approve_first_approver(agreement=agreements.get(), user=user)
            except ValidationError as refused:
                raise CommandError(" ".join(refused.messages)) from None
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(user)s har nu rollerna %(roles)s i %(agreement)s.")
                    % {
                        "user": user,
                        "roles": ", ".join(str(Role(r).label) for r in request.roles),
                        "agreement": request.agreement,
                    }
                )
            )
