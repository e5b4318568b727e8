"""The field-class matrix of docs/roles-and-visibility.md, transcribed here by hand and checked cell by cell against
accesscontrol.visibility: every role × field class × scope (assigned or not, svansen or lifestyle,
disclosed or not, proposed by the police or by the social services). Default deny: anything not written below
is refused."""

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
DISCLOSURES = (
    (),  # nothing disclosed
    ("identity",),  # the identity only
    ("social_assessment", "interventions", "field_contacts"),  # everything but the identity
    ("identity", "social_assessment", "interventions", "field_contacts"),  # everything disclosable
)
SCENARIOS = [
    CaseFacts(
        category=category, assigned_to_user=assigned, disclosed=frozenset(disclosed), proposed_by_police=by_police
    )
    for category, assigned, disclosed, by_police in itertools.product(
        ("lifestyle", "svansen"), (True, False), DISCLOSURES, (True, False)
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
        # "R (own proposals; shared by a disclosure)": a youth the social services propose is known to the
        # police by case frame only until a disclosure shares the identity (OSL 26 kap. 1 §).
        shared = {F(c) for c in facts.disclosed} & {F.SOCIAL_ASSESSMENT, F.INTERVENTIONS, F.FIELD_CONTACTS}
        identity = {F.IDENTITY} if facts.proposed_by_police or "identity" in facts.disclosed else set()
        return {F.CASE_FRAME, F.POLICE_ASSESSMENT} | shared | identity
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
    disclosed = "+".join(sorted(facts.disclosed)) or "secret"
    proposer = "police" if facts.proposed_by_police else "social"
    assigned = "assigned" if facts.assigned_to_user else "other"
    return f"{role}-{field_class}-{facts.category}-{assigned}-{disclosed}-{proposer}"


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
    assert readable_classes([Role.POLICE], facts) == {F.CASE_FRAME, F.POLICE_ASSESSMENT, F.INTERVENTIONS}


def test_a_disclosure_cannot_share_what_is_not_disclosable():
    facts = CaseFacts(category="lifestyle", assigned_to_user=False, disclosed=frozenset({"logs", "minutes"}))
    assert readable_classes([Role.POLICE], facts) == {F.CASE_FRAME, F.POLICE_ASSESSMENT}
    assert set(DISCLOSABLE) == {F.IDENTITY, F.SOCIAL_ASSESSMENT, F.INTERVENTIONS, F.FIELD_CONTACTS}


def test_the_police_read_the_identity_of_their_own_proposal_or_a_disclosed_one_only():
    """docs/roles-and-visibility.md, "The police and a youth's identity"."""
    social = CaseFacts(category="svansen", assigned_to_user=False)
    assert F.IDENTITY not in readable_classes([Role.POLICE], social)
    assert F.CASE_FRAME in readable_classes([Role.POLICE], social)
    own = CaseFacts(category="svansen", assigned_to_user=False, proposed_by_police=True)
    assert F.IDENTITY in readable_classes([Role.POLICE], own)
    shared = CaseFacts(category="svansen", assigned_to_user=False, disclosed=frozenset({"identity"}))
    assert readable_classes([Role.POLICE], shared) == {F.IDENTITY, F.CASE_FRAME, F.POLICE_ASSESSMENT}


def test_the_field_team_reads_svansen_identities_whoever_proposed():
    """The field workers are the social services' own staff (docs/roles-and-visibility.md: "R (svansen)"):
    the secrecy towards the police does not limit them, and they read no lifestyle identity."""
    for by_police in (True, False):
        svansen = CaseFacts(category="svansen", assigned_to_user=False, proposed_by_police=by_police)
        lifestyle = CaseFacts(category="lifestyle", assigned_to_user=False, proposed_by_police=by_police)
        assert F.IDENTITY in readable_classes([Role.FIELD_WORKER], svansen)
        assert F.IDENTITY not in readable_classes([Role.FIELD_WORKER], lifestyle)


def test_a_police_officer_who_is_also_social_manager_reads_the_union():
    facts = CaseFacts(category="lifestyle", assigned_to_user=False)
    assert F.IDENTITY in readable_classes([Role.POLICE, Role.SOCIAL_MANAGER], facts)


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
