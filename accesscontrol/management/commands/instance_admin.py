"""Makes a user the instance administrator, or ends it (--remove): run on the server, since the instance
administrator changes what every agreement shares and no agreement's sysadmin may grant it. setup_samsyn
makes the first one; the last one is never removed."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol.models import User


class Command(BaseCommand):
    help = (
        "Makes USERNAME the instance administrator, who alone keeps the legal bases and the common cost index; "
        "--remove ends it (never for the last one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="Stop being the instance administrator.")

    @transaction.atomic
    def handle(self, *args, username, remove, **options):
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        if user is None:
            raise CommandError(_("Det finns ingen användare %(username)s.") % {"username": username})
        if remove:
            others = User.objects.select_for_update().filter(is_instance_admin=True, is_active=True).exclude(pk=user.pk)
            if user.is_instance_admin and not others.exists():
                raise CommandError(_("%(username)s är den enda instansförvaltaren.") % {"username": username})
        user.is_instance_admin = not remove
        user.save(update_fields=["is_instance_admin"])
        if remove:
            self.stdout.write(_("%(username)s är inte längre instansförvaltare.") % {"username": username})
        else:
            self.stdout.write(_("%(username)s är instansförvaltare.") % {"username": username})
