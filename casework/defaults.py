"""Default data for a new agreement, each figure with its source. Everything here is editable data
(sysadmin pages), not code: targets, catalogue, tariffs, legal bases, retention rules.

Sources and their caveats: docs/domain.md ("Costs: where the default tariffs come from" and "The law, in the
product's terms").
"""

import datetime
from decimal import Decimal

# Landskrona's agreement 2013/14, area 7 (docs/domain.md, "The source agreement"), as targets.
TARGETS = [
    ("meetings", "year", 4),
    ("lifestyle_identified", "quarter", 2),
    ("svansen_identified", "quarter", 4),
    ("svansen_offered_share", "year", 100),
    ("follow_up_in_window_share", "year", 100),
]

# code, name, setting, description
CATALOGUE = [
    ("orossamtal", "Orossamtal", "home_based", "Samtal med ungdom och/eller föräldrar om oro."),
    ("kontaktperson", "Kontaktperson", "home_based", "Kontaktperson enligt SoL."),
    ("mst", "MST (multisystemisk terapi)", "home_based", "Intensiv familjebehandling i hemmet, 3–5 månader."),
    ("fft", "FFT (funktionell familjeterapi)", "home_based", "Familjeterapi för ungdomar med beteendeproblem."),
    ("art", "ART (aggression replacement training)", "home_based", "Gruppträning i social färdighet."),
    ("oppenvard", "Öppenvård, ungdomsbehandling", "home_based", "Individuell behandling i öppenvård."),
    ("fritid", "Stöd till meningsfull fritid", "home_based", "Stöd att delta i fritidsverksamhet."),
    ("familjehem", "Familjehem, kommunalt", "home_based", "Placering i kommunalt rekryterat familjehem."),
    ("tfco", "Behandlingsfamilj (TFCO)", "home_based", "Behandlingsfamilj enligt TFCO/MTFC."),
    ("hvb", "HVB-hem för unga", "institutional", "Hem för vård eller boende."),
    ("sis_open", "SiS särskilt ungdomshem, öppen avdelning", "institutional", "Statens institutionsstyrelse."),
    ("sis_locked", "SiS särskilt ungdomshem, låsbar avdelning", "institutional", "Statens institutionsstyrelse."),
]

_SIS_2020 = (
    "SiS avgifter andra halvåret 2020 efter 28 % statligt bidrag (behandling öppen 3 528, låsbar 5 400 kr/dygn), "
    "omräknade utan bidraget (÷ 0,72). https://www.stat-inst.se/press/pressmeddelanden-nyheter/2020/"
    "kraftigt-sankt-avgift-i-sis-ungdomsvard/ Samhällets kostnad är härledd: avgiften täcker ungefär två "
    "tredjedelar av den fulla kostnaden (Riksrevisionen, RiR 2024:7), alltså avgiften × 3/2 (11 250 respektive "
    "7 350 kr/dygn)."
)
_SIS_2023 = (
    "Riksrevisionen, RiR 2024:7: dygnskostnad över 13 000 kr per person 2023 (samhällets kostnad, genomsnitt för "
    "SiS ungdomsvård). Avgifterna stod för ungefär två tredjedelar av finansieringen; kommunens kostnad är därför "
    "härledd som 2/3 × 13 000 ≈ 8 700 kr/dygn, samma för öppen och låsbar avdelning. "
    "https://www.riksrevisionen.se/rapporter/granskningsrapporter/2024/"
)

# code -> list of (year, price unit, municipal cost, societal cost, source). One row per year, both amounts of
# that year: a comparison never mixes years silently (reports.costs indexes a tariff to the comparison year).
TARIFFS = {
    "sis_locked": [
        (2020, "day", Decimal("7500"), Decimal("11250"), _SIS_2020),
        (2023, "day", Decimal("8700"), Decimal("13000"), _SIS_2023),
    ],
    "sis_open": [
        (2020, "day", Decimal("4900"), Decimal("7350"), _SIS_2020),
        (2023, "day", Decimal("8700"), Decimal("13000"), _SIS_2023),
    ],
    "hvb": [
        (
            2018,
            "day",
            Decimal("4000"),
            Decimal("4000"),
            "SBU 2018, HVB ungefär 4 000 kr/dygn, citerat i Morgonposten 2022-05-11 (andrahandskälla).",
        )
    ],
    "tfco": [
        (
            2018,
            "day",
            Decimal("4500"),
            Decimal("4500"),
            "SBU 2018, behandlingsfamilj (TFCO) ungefär 4 500 kr/dygn; jfr Sahrblom 2019: 1 368 000 kr per "
            "10 månaders behandling.",
        )
    ],
    "familjehem": [
        (
            2015,
            "month",
            Decimal("11000"),
            Decimal("11000"),
            "SKL:s rekommendation, kommunalt familjehem ungefär 11 000 kr/månad (Sveriges Radio 2015).",
        )
    ],
    "mst": [
        (
            2018,
            "one_off",
            Decimal("205500"),
            Decimal("205500"),
            "Danska Socialstyrelsen 2018: ungefär 150 000 DKK per avslutad familj, omräknat till SEK med "
            "2018 års medelkurs (≈ 1,37 kr per DKK).",
        )
    ],
}

# code, label, law reference, requires consent, age limit, valid from
LEGAL_BASES = [
    ("samtycke", "Samtycke", "OSL 12 kap. 2 §", True, None, datetime.date(2009, 6, 30)),
    (
        "under_21",
        "Uppgift om person under 21 år för att förebygga brott",
        "OSL 10 kap. 18 a §",
        False,
        21,
        datetime.date(2013, 1, 1),
    ),
    ("nodvandigt", "Nödvändigt utlämnande", "OSL 10 kap. 2 §", False, None, datetime.date(2009, 6, 30)),
    ("misstanke_brott", "Misstanke om begånget brott", "OSL 10 kap. 21–23 §§", False, None, datetime.date(2009, 6, 30)),
    (
        "uppgiftsskyldighet",
        "Uppgiftsskyldighet enligt lag",
        "OSL 10 kap. 28 §",
        False,
        None,
        datetime.date(2009, 6, 30),
    ),
]

# record type, years, complete by end of following year, legal reference, valid from
RETENTION_RULES = [
    (
        "case_data",
        5,
        True,
        "SoL (2001:453) 12 kap. 1 § andra stycket: uppgifter i en sammanställning gallras fem år efter att "
        "förhållandena upphört, senast vid utgången av kalenderåret därpå; förs vidare i SoL (2025:400).",
        datetime.date(2013, 1, 1),
    ),
    (
        "access_log",
        5,
        True,
        "Dataskyddsförordningen art. 5.1 e och 32; lokal rutin för loggar (5 år).",
        datetime.date(2013, 1, 1),
    ),
    (
        "change_log",
        5,
        True,
        "Dataskyddsförordningen art. 5.1 e och 32; lokal rutin för loggar (5 år).",
        datetime.date(2013, 1, 1),
    ),
]
