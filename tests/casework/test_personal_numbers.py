"""Properties of the personnummer parser: every usual form round-trips, any single-digit change of a
valid number is refused, coordination numbers keep their day + 60."""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from casework import personal_numbers
from casework.personal_numbers import InvalidPersonalNumber

TODAY = datetime.date(2026, 6, 15)

birth_dates = st.dates(min_value=datetime.date(1930, 1, 1), max_value=TODAY)
serials = st.integers(min_value=0, max_value=999)


def forms_of(twelve: str, born: datetime.date) -> list[str]:
    """The ways people write the same number: 12 digits with and without '-', 10 digits with '-' (or
    '+' from the 100th birthday), 10 digits without separator (only unambiguous under 100)."""
    ten = twelve[2:]
    hundred = born.replace(year=born.year + 100) if (born.month, born.day) != (2, 29) else None
    over_hundred = hundred is not None and hundred <= TODAY
    separator = "+" if over_hundred else "-"
    forms = [twelve, f"{twelve[:8]}-{twelve[8:]}", f"{ten[:6]}{separator}{ten[6:]}", f" {twelve} "]
    if not over_hundred:
        forms.append(ten)
    return forms


@given(born=birth_dates, serial=serials, coordination=st.booleans())
def test_every_usual_form_round_trips(born, serial, coordination):
    twelve = personal_numbers.make(born, serial, coordination=coordination)
    for text in forms_of(twelve, born):
        parsed = personal_numbers.parse(text, today=TODAY)
        assert parsed.normalised == twelve
        assert parsed.birth_date == born
        assert parsed.coordination is coordination


@given(born=birth_dates, serial=serials, position=st.integers(min_value=2, max_value=11), delta=st.integers(1, 9))
def test_any_single_digit_change_is_refused(born, serial, position, delta):
    """Luhn catches every single-digit error in the ten digits it covers (YYMMDDNNNC)."""
    twelve = personal_numbers.make(born, serial)
    changed_digit = str((int(twelve[position]) + delta) % 10)
    changed = twelve[:position] + changed_digit + twelve[position + 1 :]
    with pytest.raises(InvalidPersonalNumber):
        personal_numbers.parse(changed, today=TODAY)


# What a number copied from a Word document, a PDF or a web page brings along instead of '-' and ' '.
UNICODE_DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d"]
UNICODE_SPACES = ["\u00a0", "\u2007", "\u2009", "\u200a", "\u202f", "\u3000", "\t", "\u200b", "\u00ad", "\u2060"]


@given(
    born=birth_dates,
    serial=serials,
    dash=st.sampled_from(UNICODE_DASHES),
    spaces=st.lists(st.tuples(st.sampled_from(UNICODE_SPACES), st.integers(0, 13)), max_size=3),
)
def test_unicode_dashes_and_spaces_are_read_as_the_usual_forms(born, serial, dash, spaces):
    twelve = personal_numbers.make(born, serial)
    text = f"{twelve[:8]}{dash}{twelve[8:]}"
    for space, position in spaces:
        text = text[:position] + space + text[position:]
    assert personal_numbers.parse(text, today=TODAY).normalised == twelve


@given(born=birth_dates, serial=serials, dash=st.sampled_from(UNICODE_DASHES))
def test_a_unicode_dash_in_ten_digits_is_the_hyphen_not_the_plus(born, serial, dash):
    twelve = personal_numbers.make(born, serial)
    assert personal_numbers.parse(f"{twelve[2:8]}{dash}{twelve[8:]}", today=TODAY) == personal_numbers.parse(
        f"{twelve[2:8]}-{twelve[8:]}", today=TODAY
    )


def test_digits_of_other_scripts_are_refused():
    arabic_indic = "".join(chr(0x0660 + int(digit)) for digit in personal_numbers.make(datetime.date(2010, 4, 12), 980))
    with pytest.raises(InvalidPersonalNumber, match="10 eller 12 siffror"):
        personal_numbers.parse(arabic_indic, today=TODAY)


@given(born=birth_dates, serial=serials)
def test_a_coordination_number_is_the_day_plus_sixty(born, serial):
    coordination = personal_numbers.make(born, serial, coordination=True)
    assert int(coordination[6:8]) == born.day + 60
    parsed = personal_numbers.parse(coordination, today=TODAY)
    assert parsed.coordination and parsed.birth_date == born


@given(text=st.text(max_size=20))
def test_arbitrary_text_is_parsed_or_refused_with_a_message(text):
    try:
        parsed = personal_numbers.parse(text, today=TODAY)
    except InvalidPersonalNumber as exc:
        assert str(exc)
    else:
        assert len(parsed.normalised) == 12 and parsed.normalised.isascii() and parsed.normalised.isdigit()


@given(born=birth_dates, serial=serials)
def test_a_future_birth_date_is_refused(born, serial):
    future = TODAY + (TODAY - born) + datetime.timedelta(days=1)
    assume(future.year < 10000)
    with pytest.raises(InvalidPersonalNumber, match="framtiden"):
        personal_numbers.parse(personal_numbers.make(future, serial), today=TODAY)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Ange ett personnummer"),
        ("12345", "10 eller 12 siffror"),
        ("20100412\u2013\u2013980", "10 eller 12 siffror"),
        ("20100230-9800", "Kontrollsiffran"),
        ("201002309805", "finns inte"),
        ("20100412+9800", "Plustecken"),
    ],
)
def test_it_says_what_is_wrong(text, message):
    if text == "201002309805":
        # 30 February with a correct check digit: the date is what is wrong.
        text = "20100230980" + personal_numbers.luhn_check_digit("100230980")
    with pytest.raises(InvalidPersonalNumber, match=message):
        personal_numbers.parse(text, today=TODAY)
