"""The default tariff table: sourced public figures, one row per year with both amounts of that year."""

from decimal import Decimal

from casework import defaults
from casework.models import Tariff


def test_every_default_tariff_names_its_source_and_a_year():
    for code, rows in defaults.TARIFFS.items():
        for year, _unit, municipal, societal, source in rows:
            assert 2000 < year < 2100, code
            assert municipal > 0 and societal >= municipal, code
            assert "http" in source or "SBU" in source or "SKL" in source or "Socialstyrelsen" in source, code


def test_sis_has_the_derived_2020_fees_and_the_2023_full_cost_as_separate_years(agreement):
    locked = {
        t.year: t
        for t in Tariff.objects.filter(intervention_type__agreement=agreement, intervention_type__code="sis_locked")
    }
    opened = {
        t.year: t
        for t in Tariff.objects.filter(intervention_type__agreement=agreement, intervention_type__code="sis_open")
    }
    assert (locked[2020].municipal_cost, opened[2020].municipal_cost) == (Decimal("7500"), Decimal("4900"))
    assert locked[2023].societal_cost == Decimal("13000") == opened[2023].societal_cost
    # The fee covers about two thirds of the full cost (RiR 2024:7), in both years.
    for tariff in (locked[2020], opened[2020], locked[2023], opened[2023]):
        assert abs(tariff.municipal_cost / tariff.societal_cost - Decimal(2) / 3) < Decimal("0.01"), tariff.year
    assert locked[2023].municipal_cost == Decimal("8700")
    assert "RiR 2024:7" in locked[2023].source and "5 400" in locked[2020].source


def test_the_other_defaults_match_the_issue(agreement):
    tariffs = {
        t.intervention_type.code: t
        for t in Tariff.objects.filter(intervention_type__agreement=agreement).select_related("intervention_type")
        if t.intervention_type.code not in ("sis_open", "sis_locked")
    }
    assert (tariffs["hvb"].year, tariffs["hvb"].municipal_cost) == (2018, Decimal("4000"))
    assert (tariffs["tfco"].year, tariffs["tfco"].municipal_cost) == (2018, Decimal("4500"))
    assert (tariffs["familjehem"].year, tariffs["familjehem"].price_unit) == (2015, "month")
    assert tariffs["familjehem"].municipal_cost == Decimal("11000")
    assert (tariffs["mst"].year, tariffs["mst"].price_unit) == (2018, "one_off")
