"""The blind indexes of a person, derived in one place: at creation, on change, and at key rotation."""

from casework import personal_numbers
from encryption import crypto
from encryption.rotation import BlindIndexSpec

PERSONAL_NUMBER = "personal_number"
NAME = "name"


def normalised_name(first_name: str, last_name: str) -> str:
    return crypto.normalise_name(f"{first_name} {last_name}")


PERSON_BLIND_INDEXES = (
    BlindIndexSpec("personal_number_index", PERSONAL_NUMBER, lambda p: personal_numbers.normalise(p.personal_number)),
    BlindIndexSpec("name_index", NAME, lambda p: normalised_name(p.first_name, p.last_name)),
)


def set_person_indexes(person) -> None:
    """Fill a person's blind-index columns from their (plaintext) personal number and name."""
    for spec in PERSON_BLIND_INDEXES:
        setattr(person, spec.column, crypto.blind_index(spec.normalised(person), purpose=spec.purpose))


def personal_number_candidates(text: str) -> list[str]:
    """Index values to look a personal number up by, under every blind-index key (valid during a rebuild).
    Raises personal_numbers.InvalidPersonalNumber for text that is not a valid number."""
    return crypto.blind_index_candidates(personal_numbers.normalise(text), purpose=PERSONAL_NUMBER)


def name_candidates(first_name: str, last_name: str) -> list[str]:
    return crypto.blind_index_candidates(normalised_name(first_name, last_name), purpose=NAME)
