"""Agreements and their data: targets, catalogue, tariffs, legal bases, retention rules."""

from django.db import transaction

from accesscontrol.changes import create_logged
from casework import defaults
from casework.models import Agreement, InterventionType, LegalBasis, RetentionRule, Target, Tariff


@transaction.atomic
def install_legal_bases() -> None:
    """The secrecy-breaking provisions the product knows, as their first version where a provision has none
    yet; shared by all agreements, and kept afterwards by the instance administrator."""
    for code, label, reference, consent, age_limit, valid_from in defaults.LEGAL_BASES:
        if not LegalBasis.objects.filter(code=code).exists():
            LegalBasis.objects.create(
                code=code,
                label=label,
                law_reference=reference,
                requires_consent=consent,
                age_limit=age_limit,
                valid_from=valid_from,
            )


@transaction.atomic
def create_agreement(*, name, social_services, police, starts_on, ends_on=None) -> Agreement:
    """A new agreement with the default targets, catalogue, tariffs and retention rules, all of
    which the sysadmin can change afterwards."""
    agreement = Agreement.objects.create(
        name=name, social_services=social_services, police=police, starts_on=starts_on, ends_on=ends_on
    )
    create_logged(
        Target,
        [
            Target(agreement=agreement, metric=metric, period=period, value=value)
            for metric, period, value in defaults.TARGETS
        ],
    )
    for code, type_name, setting, description in defaults.CATALOGUE:
        intervention_type = InterventionType.objects.create(
            agreement=agreement, code=code, name=type_name, setting=setting, description=description
        )
        for year, unit, municipal, societal, source in defaults.TARIFFS.get(code, []):
            Tariff.objects.create(
                intervention_type=intervention_type,
                year=year,
                price_unit=unit,
                municipal_cost=municipal,
                societal_cost=societal,
                source=source,
            )
    create_logged(
        RetentionRule,
        [
            RetentionRule(
                agreement=agreement,
                record_type=record_type,
                years=years,
                complete_by_end_of_following_year=by_year_end,
                legal_reference=reference,
                valid_from=valid_from,
            )
            for record_type, years, by_year_end, reference, valid_from in defaults.RETENTION_RULES
        ],
    )
    install_legal_bases()
    return agreement
