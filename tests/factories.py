"""factory-boy factories and the standard cast of a test: one user per role."""

import datetime
from types import SimpleNamespace

import factory

from accesscontrol import services as access_services
from accesscontrol.models import Organisation, Role, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.SOCIAL_SERVICES


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "casework.Agreement"

    name = factory.Sequence(lambda n: f"Överenskommelse {n}")
    social_services = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.SOCIAL_SERVICES,
        name=factory.Sequence(lambda n: f"Socialtjänsten {n}"),
    )
    police = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.POLICE, name=factory.Sequence(lambda n: f"Lokalpolisområde {n}")
    )
    # Early enough for every date the tests give the agreement's work (the purge and legal-hold tests date
    # cases in 2018 and 2019; others a year or two before any day the suite runs on): the agreement
    # refuses proposals, meetings and interventions dated outside its period.
    starts_on = datetime.date(2015, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so every agreement has its default targets, catalogue and tariffs.
        from casework.services.agreements import create_agreement

        return create_agreement(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("ett-langt-testlosenord")


def user_with_roles(agreement, *roles, username, organisation=None, units=()):
    user = UserFactory(username=username, organisation=organisation)
    for role in roles:
        access_services.grant_role(user=user, agreement=agreement, role=role)
    for unit in units:
        access_services.add_user_to_unit(user=user, unit=unit)
    return user


def people_for(agreement):
    """Units of both organisations and one user per role (usernames prefixed per agreement)."""
    social, police = agreement.social_services, agreement.police
    prefix = f"a{agreement.pk}-"
    investigation = access_services.create_unit(organisation=social, name="Utredning ungdom")
    open_care = access_services.create_unit(organisation=social, name="Öppna insatser")
    field_team = access_services.create_unit(organisation=social, name="Fältgruppen")
    youth_police = access_services.create_unit(organisation=police, name="Ungdomsgruppen")
    return SimpleNamespace(
        agreement=agreement,
        investigation=investigation,
        open_care=open_care,
        field_team=field_team,
        youth_police=youth_police,
        manager=user_with_roles(agreement, Role.SOCIAL_MANAGER, username=prefix + "chef", organisation=social),
        caseworker=user_with_roles(
            agreement, Role.CASEWORKER, username=prefix + "handlaggare", organisation=social, units=[investigation]
        ),
        other_caseworker=user_with_roles(
            agreement, Role.CASEWORKER, username=prefix + "handlaggare2", organisation=social, units=[open_care]
        ),
        field_worker=user_with_roles(
            agreement, Role.FIELD_WORKER, username=prefix + "falt", organisation=social, units=[field_team]
        ),
        police=user_with_roles(
            agreement, Role.POLICE, username=prefix + "polis", organisation=police, units=[youth_police]
        ),
        management=user_with_roles(agreement, Role.MANAGEMENT, username=prefix + "ledning", organisation=social),
        sysadmin=user_with_roles(agreement, Role.SYSADMIN, username=prefix + "sysadmin", organisation=social),
        auditor=user_with_roles(agreement, Role.AUDITOR, username=prefix + "granskare", organisation=social),
    )
