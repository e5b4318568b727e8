from types import SimpleNamespace

import pytest

from accesscontrol.actor import actor_for
from tests.accesscontrol.factories import make_case


@pytest.fixture
def case(people):
    """A lifestyle case of the investigation unit, the youth born 2009 (under 21 for years to come)."""
    return make_case(people.agreement, proposed_by=people.police, unit=people.investigation)


@pytest.fixture
def actors(people):
    """The acting Actor of each person of `people`, in their agreement."""
    names = ("manager", "caseworker", "other_caseworker", "field_worker", "police", "management", "sysadmin")
    return SimpleNamespace(**{name: actor_for(getattr(people, name), people.agreement) for name in names})
