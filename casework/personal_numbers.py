"""Swedish personnummer and samordningsnummer: parsing in every usual form, validation, normalisation.

Accepted: YYMMDD-NNNC, YYMMDD+NNNC (100 years or older), YYMMDDNNNC, YYYYMMDD-NNNC, YYYYMMDDNNNC,
with spaces anywhere. Any Unicode dash or minus sign counts as the hyphen and any Unicode space (or
invisible format character) is ignored: numbers pasted from documents and web pages bring en dashes,
non-breaking and thin spaces along. The digits themselves must be ASCII.
A samordningsnummer has 60 added to the day. The check digit is Luhn's over the ten digits YYMMDDNNN.
The normal form is twelve digits, YYYYMMDDNNNC.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

_PATTERN = re.compile(
    r"^(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$",
    re.ASCII,
)
COORDINATION_OFFSET = 60


class InvalidPersonalNumber(ValueError):
    """The message says what is wrong, in Swedish, for the form."""


@dataclass(frozen=True)
class PersonalNumber:
    birth_date: datetime.date
    serial: str
    check: str
    coordination: bool

    @property
    def normalised(self) -> str:
        day = self.birth_date.day + (COORDINATION_OFFSET if self.coordination else 0)
        return f"{self.birth_date:%Y%m}{day:02d}{self.serial}{self.check}"

    @property
    def display(self) -> str:
        n = self.normalised
        return f"{n[:8]}-{n[8:]}"

    @property
    def birth_year(self) -> int:
        return self.birth_date.year

    @property
    def legal_gender(self) -> str:
        """The second-last digit: odd for men, even for women (as registered)."""
        return "boy" if int(self.serial[2]) % 2 else "girl"

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def luhn_check_digit(nine_digits: str) -> str:
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


# MINUS SIGN is a mathematical symbol, not a dash (Pd), but word processors type it for a hyphen too.
_MINUS_SIGNS = frozenset("\u2212")


def _plain(text: str) -> str:
    """Every Unicode dash or minus as '-', every space and invisible format character (soft hyphen,
    zero-width space, direction marks) dropped."""
    plain = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category == "Cf":
            continue
        plain.append("-" if category == "Pd" or char in _MINUS_SIGNS else char)
    return "".join(plain)


def parse(text: str, *, today: datetime.date | None = None) -> PersonalNumber:
    """Parse and validate; raises InvalidPersonalNumber with a message naming the fault."""
    today = today or datetime.date.today()
    raw = _plain(text or "")
    if not raw:
        raise InvalidPersonalNumber(_("Ange ett personnummer eller samordningsnummer."))
    match = _PATTERN.match(raw)
    if not match:
        raise InvalidPersonalNumber(
            _("Personnumret ska ha 10 eller 12 siffror, till exempel ÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN.")
        )
    parts = match.groupdict()
    if parts["century"] and parts["sep"] == "+":
        raise InvalidPersonalNumber(_("Plustecken används bara med 10 siffror (för personer över 100 år)."))
    yy, month, day = int(parts["yy"]), int(parts["mm"]), int(parts["dd"])
    coordination = day > COORDINATION_OFFSET
    if coordination:
        day -= COORDINATION_OFFSET
    nine = f"{parts['yy']}{parts['mm']}{parts['dd']}{parts['serial']}"
    if luhn_check_digit(nine) != parts["check"]:
        raise InvalidPersonalNumber(
            _("Kontrollsiffran stämmer inte (sista siffran). Kontrollera att du skrivit av numret rätt.")
        )
    if parts["century"]:
        year = int(parts["century"]) * 100 + yy
    else:
        year = _infer_year(yy, month, day, plus=parts["sep"] == "+", today=today)
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        kind = _("samordningsnumret") if coordination else _("personnumret")
        raise InvalidPersonalNumber(
            _("Datumet i %(kind)s finns inte (%(year)s-%(month)s-%(day)s).")
            % {"kind": kind, "year": year, "month": parts["mm"], "day": f"{day:02d}"}
        ) from None
    if birth_date > today:
        raise InvalidPersonalNumber(_("Födelsedatumet ligger i framtiden."))
    return PersonalNumber(
        birth_date=birth_date, serial=parts["serial"], check=parts["check"], coordination=coordination
    )


def _infer_year(yy: int, month: int, day: int, *, plus: bool, today: datetime.date) -> int:
    """With ten digits the century follows from the separator: '-' under 100 years, '+' 100 or more."""
    year = today.year - (today.year - yy) % 100
    try:
        if datetime.date(year, month, day) > today:
            year -= 100
    except ValueError:
        # An impossible date (30 February): keep the century guess; the caller reports the date.
        if year > today.year:
            year -= 100
    return year - 100 if plus else year


def normalise(text: str, *, today: datetime.date | None = None) -> str:
    return parse(text, today=today).normalised


def is_coordination_number(normalised: str) -> bool:
    """Whether a stored (normalised, twelve-digit) number is a samordningsnummer: its day is 61–91."""
    return int(normalised[6:8]) > COORDINATION_OFFSET


def make(birth_date: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """A valid twelve-digit number for a date and a three-digit serial (used by the demo data)."""
    day = birth_date.day + (COORDINATION_OFFSET if coordination else 0)
    nine = f"{birth_date:%y%m}{day:02d}{serial:03d}"
    return f"{birth_date:%Y%m}{day:02d}{serial:03d}{luhn_check_digit(nine)}"
