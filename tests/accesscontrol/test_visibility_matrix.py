"""The field-class matrix of docs/roles-and-visibility.md, transcribed here by hand and checked cell by cell against
accesscontrol.visibility: every role × field class × scope (assigned or not, svansen or lifestyle,
disclosed or not). Default deny: anything not written below is refused."""

import itertools

import pytest

from accesscontrol.models import Role
from accesscontrol.visibility import (
    DISCLOSABLE,
    MATRIX,
    CaseFacts,
    FieldClass,
    Scope,
    readable_classes,
    writable_classes,
)

F = FieldClass
SCENARIOS = [
    CaseFacts(category=category, assigned_to_user=assigned, disclosed=frozenset(disclosed))
    for category, assigned, disclosed in itertools.product(
        ("lifestyle", "svansen"), (True, False), ((), tuple(str(c) for c in DISCLOSABLE))
    )
]


def expected_read(role: str, facts: CaseFacts) -> set[FieldClass]:
    """docs/roles-and-visibility.md, "The matrix", one branch per column of the table."""
    everything = {F.IDENTITY, F.CASE_FRAME, F.SOCIAL_ASSESSMENT, F.INTERVENTIONS, F.POLICE_ASSESSMENT}
    if role == Role.SOCIAL_MANAGER:
        return everything | {F.FIELD_CONTACTS}
    if role == Role.CASEWORKER:
        return everything | {F.FIELD_CONTACTS} if facts.assigned_to_user else set()
    if role == Role.FIELD_WORKER:
        return {F.IDENTITY, F.CASE_FRAME, F.INTERVENTIONS, F.FIELD_CONTACTS} if facts.category == "svansen" else set()
    if role == Role.POLICE:
        shared = {F(c) for c in facts.disclosed} & {F.SOCIAL_ASSESSMENT, F.INTERVENTIONS, F.FIELD_CONTACTS}
        return {F.IDENTITY, F.CASE_FRAME, F.POLICE_ASSESSMENT} | shared
    if role == Role.AUDITOR:
        return {F.LOGS}
    return set()  # management (aggregates only, through reports), sysadmin


def expected_write(role: str, facts: CaseFacts) -> set[FieldClass]:
    if role == Role.SOCIAL_MANAGER:
        return {F.IDENTITY, F.CASE_FRAME, F.SOCIAL_ASSESSMENT, F.INTERVENTIONS}
    if role == Role.CASEWORKER and facts.assigned_to_user:
        return {F.SOCIAL_ASSESSMENT, F.INTERVENTIONS}
    if role == Role.FIELD_WORKER and facts.category == "svansen":
        return {F.FIELD_CONTACTS}
    if role == Role.POLICE:
        return {F.POLICE_ASSESSMENT}
    return set()


CELLS = [
    (role, field_class, facts)
    for role in Role.values
    for field_class in FieldClass
    if field_class is not F.MINUTES
    for facts in SCENARIOS
]


def cell_id(cell):
    role, field_class, facts = cell
    return f"{role}-{field_class}-{facts.category}-{'assigned' if facts.assigned_to_user else 'other'}-" + (
        "disclosed" if facts.disclosed else "secret"
    )


@pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
def test_each_cell_reads_as_design_md_says(cell):
    role, field_class, facts = cell
    assert (field_class in readable_classes([role], facts)) == (field_class in expected_read(role, facts))


@pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
def test_each_cell_writes_as_design_md_says(cell):
    role, field_class, facts = cell
    assert (field_class in writable_classes([role], facts)) == (field_class in expected_write(role, facts))


def test_a_disclosure_shares_only_the_classes_it_names():
    facts = CaseFacts(category="lifestyle", assigned_to_user=False, disclosed=frozenset({"interventions"}))
    assert readable_classes([Role.POLICE], facts) == {F.IDENTITY, F.CASE_FRAME, F.POLICE_ASSESSMENT, F.INTERVENTIONS}


def test_a_disclosure_cannot_share_what_is_not_disclosable():
    facts = CaseFacts(category="lifestyle", assigned_to_user=False, disclosed=frozenset({"logs", "minutes"}))
    assert readable_classes([Role.POLICE], facts) == {F.IDENTITY, F.CASE_FRAME, F.POLICE_ASSESSMENT}
    assert set(DISCLOSABLE) == {F.SOCIAL_ASSESSMENT, F.INTERVENTIONS, F.FIELD_CONTACTS}


def test_several_roles_read_the_union_of_their_grants():
    facts = CaseFacts(category="svansen", assigned_to_user=False)
    assert readable_classes([Role.CASEWORKER, Role.FIELD_WORKER], facts) == expected_read(Role.FIELD_WORKER, facts)


def test_an_unknown_role_reads_nothing():
    assert readable_classes(["janitor"], SCENARIOS[0]) == frozenset()


def test_minutes_are_decided_per_meeting_not_per_case():
    """Minutes: social manager RW, caseworker and field worker R, police R (attended), nobody else."""
    minutes = {role: grants.get(F.MINUTES) for role, grants in MATRIX.items()}
    assert minutes[Role.SOCIAL_MANAGER].read is Scope.ALL and minutes[Role.SOCIAL_MANAGER].write
    assert minutes[Role.CASEWORKER].read is Scope.ALL and not minutes[Role.CASEWORKER].write
    assert minutes[Role.FIELD_WORKER].read is Scope.ALL and not minutes[Role.FIELD_WORKER].write
    assert minutes[Role.POLICE].read is Scope.ATTENDED and not minutes[Role.POLICE].write
    assert minutes[Role.AUDITOR] is None
    assert Role.MANAGEMENT not in MATRIX and Role.SYSADMIN not in MATRIX
    assert all(F.MINUTES not in readable_classes([role], facts) for role in Role.values for facts in SCENARIOS)
