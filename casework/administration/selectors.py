"""What the sysadmin of the acting agreement administers, as scoped querysets. Everything is limited to
the acting agreement (its parties, their units and people), except the legal bases, which are national
law and shared by all agreements: any sysadmin reads them, only the instance administrator changes them."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol import policies
from accesscontrol.models import AccessRequest, Membership, Organisation, Role, Unit, User
from casework.models import Agreement, Area, HotSpot, InterventionType, LegalBasis, RetentionRule, Target, Tariff


def require_sysadmin(actor) -> None:
    policies.require(actor, policies.Action.ADMINISTER_AGREEMENT)


def require_instance_admin(actor) -> None:
    """Only the instance administrator changes what every agreement shares (legal bases, the common cost
    index); an agreement's sysadmin reads it."""
    if actor is None or not actor.instance_admin:
        raise PermissionDenied


def may_read_shared_data(actor) -> bool:
    return policies.may(actor, policies.Action.READ_SHARED_DATA)


def parties(actor) -> QuerySet[Organisation]:
    agreement = actor.agreement
    return Organisation.objects.filter(pk__in=[agreement.social_services_id, agreement.police_id])


def organisations(*, actor) -> QuerySet[Organisation]:
    """The parties of the agreements the actor administers, and organisations not yet in any agreement
    (created here for a new agreement)."""
    require_sysadmin(actor)
    administered = Agreement.objects.filter(memberships__user=actor.user, memberships__role=Role.SYSADMIN)
    in_any = Agreement.objects.filter(Q(social_services=OuterRef("pk")) | Q(police=OuterRef("pk")))
    mine = Q(pk__in=administered.values("social_services")) | Q(pk__in=administered.values("police"))
    return Organisation.objects.filter(mine | ~Exists(in_any)).order_by("name")


def units(*, actor) -> QuerySet[Unit]:
    require_sysadmin(actor)
    return Unit.objects.filter(organisation__in=parties(actor)).select_related("organisation")


def users(*, actor) -> QuerySet[User]:
    """People of the agreement: those with a role in it or working for one of its parties."""
    require_sysadmin(actor)
    agreement = actor.agreement
    return (
        User.objects.filter(Q(memberships__agreement=agreement) | Q(organisation__in=parties(actor)))
        .distinct()
        .select_related("organisation")
        .prefetch_related(
            Prefetch("memberships", Membership.objects.filter(agreement=agreement), to_attr="roles_here"),
            Prefetch(
                "access_requests",
                AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).order_by("requested_at"),
                to_attr="pending_requests",
            ),
            "units",
        )
        .annotate(has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("last_name", "first_name", "username")
    )


def agreements(*, actor) -> QuerySet[Agreement]:
    """The acting agreement, the one the sysadmin edits."""
    require_sysadmin(actor)
    return Agreement.objects.filter(pk=actor.agreement.pk)


def targets(*, actor) -> QuerySet[Target]:
    require_sysadmin(actor)
    return Target.objects.filter(agreement=actor.agreement).order_by("metric")


def intervention_types(*, actor) -> QuerySet[InterventionType]:
    require_sysadmin(actor)
    return InterventionType.objects.filter(agreement=actor.agreement).order_by("name")


def tariffs(*, actor) -> QuerySet[Tariff]:
    require_sysadmin(actor)
    return Tariff.objects.filter(intervention_type__agreement=actor.agreement).select_related("intervention_type")


def areas(*, actor) -> QuerySet[Area]:
    require_sysadmin(actor)
    return Area.objects.filter(agreement=actor.agreement).order_by("name")


def hot_spots(*, actor) -> QuerySet[HotSpot]:
    require_sysadmin(actor)
    return HotSpot.objects.filter(agreement=actor.agreement).select_related("area").order_by("-active", "name")


def retention_rules(*, actor) -> QuerySet[RetentionRule]:
    require_sysadmin(actor)
    return RetentionRule.objects.filter(agreement=actor.agreement).order_by("record_type", "-valid_from")


def legal_bases(*, actor) -> QuerySet[LegalBasis]:
    """Every version of every legal basis: read by any sysadmin, kept by the instance administrator."""
    if not may_read_shared_data(actor):
        raise PermissionDenied
    return LegalBasis.objects.order_by("law_reference", "valid_from")
