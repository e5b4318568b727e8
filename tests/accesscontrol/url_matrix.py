"""THE URL × ROLE MATRIX: what every visitor gets from every URL pattern of the project (GET).

tests/accesscontrol/test_url_matrix.py walks config.urls recursively (every included module: our apps,
Django's i18n, DRF and any other app that adds URLs) and requests each pattern as each visitor. A pattern
that is not declared here fails the test, so no page can ship without a decision on who may see it.

DECLARING A URL is one line in MATRIX, keyed by the URL's name ("namespace:name"; an unnamed pattern by
its route, e.g. "api/schema/"):

    "disclosures:index": expect(404, social_manager=200, police=200, caseworker=403),

    expect(default, anonymous=LOGIN, **visitors)
      default    what every signed-in visitor gets unless named (the outsider included)
      anonymous  what a visitor who is not signed in gets (LOGIN unless said otherwise)
      visitors   social_manager, caseworker, field_worker, police, management, sysadmin, auditor
                 (one user per role of agreement A) and outsider (a social manager of agreement B)

    Outcomes: an HTTP status (200, 403, 404, 405 …), LOGIN (302 to the login page) or
    Redirect("namespace:name") (302 to that page).

The fixtures behind the samples (see SAMPLES): agreement A with one user per role; `case` is a
lifestyle case of A's unit "Utredning ungdom" (so the caseworker sees it through the unit and the field
worker, lifestyle being outside svansen, does not); `consent` and `disclosure` belong to it. A URL keyword
not in SAMPLES fails the test with a message naming it: add one line there too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

VISITORS = (
    "anonymous",
    "outsider",
    "social_manager",
    "caseworker",
    "field_worker",
    "police",
    "management",
    "sysadmin",
    "auditor",
)


@dataclass(frozen=True)
class Redirect:
    url_name: str


LOGIN = Redirect("accesscontrol:login")


def expect(default, anonymous=LOGIN, **visitors) -> dict[str, object]:
    unknown = set(visitors) - set(VISITORS)
    if unknown:
        raise ValueError(f"unknown visitors {sorted(unknown)}; use {VISITORS}")
    return {"anonymous": anonymous, **{v: visitors.get(v, default) for v in VISITORS if v != "anonymous"}}


def only(*visitors, otherwise=403) -> dict[str, object]:
    """200 for the named visitors, `otherwise` for every other signed-in visitor."""
    return expect(otherwise, **dict.fromkeys(visitors, 200))


# Case pages of `case` (agreement A): 404 for everyone who cannot see the case at all.
DECIDE_DISCLOSURE = expect(404, social_manager=200, police=403, caseworker=403)

MATRIX: dict[str, dict[str, object]] = {
    # --- config ------------------------------------------------------------------------------------------
    "healthz": expect(200, anonymous=200),
    "set_language": expect(Redirect("accesscontrol:start"), anonymous=Redirect("accesscontrol:start")),
    # --- login and the user's own pages (accesscontrol) ------------------------------------------------------
    "accesscontrol:start": expect(200),
    "accesscontrol:login": expect(200, anonymous=200),
    "accesscontrol:second_factor": expect(Redirect("accesscontrol:start")),
    "accesscontrol:enrol": expect(Redirect("accesscontrol:second_factor")),
    "accesscontrol:set_password": expect(200, anonymous=200),
    "accesscontrol:logout": expect(405, anonymous=405),
    "accesscontrol:account": expect(200),
    "accesscontrol:choose_agreement": expect(200),
    # --- disclosures to the police (casework.urls_disclosures) --------------------------------------------
    "disclosures:index": expect(404, social_manager=200, police=200, caseworker=403),
    "disclosures:disclose": DECIDE_DISCLOSURE,
    "disclosures:withdraw": DECIDE_DISCLOSURE,
    "disclosures:record_consent": DECIDE_DISCLOSURE,
    "disclosures:withdraw_consent": DECIDE_DISCLOSURE,
    # --- administration (sysadmin only) ---------------------------------------------------------------------
    "administration:index": only("sysadmin"),
    "administration:agreement": only("sysadmin"),
    "administration:agreement_create": only("sysadmin"),
    "administration:users_list": only("sysadmin"),
    "administration:users_create": only("sysadmin"),
    "administration:users_edit": only("sysadmin"),
    "administration:users_reset": only("sysadmin"),
    "administration:units_list": only("sysadmin"),
    "administration:units_create": only("sysadmin"),
    "administration:units_edit": only("sysadmin"),
    "administration:organisations_list": only("sysadmin"),
    "administration:organisations_create": only("sysadmin"),
    "administration:organisations_edit": only("sysadmin"),
    "administration:targets_list": only("sysadmin"),
    "administration:targets_create": only("sysadmin"),
    "administration:targets_edit": only("sysadmin"),
    "administration:targets_delete": only("sysadmin"),
    "administration:catalogue_list": only("sysadmin"),
    "administration:catalogue_create": only("sysadmin"),
    "administration:catalogue_edit": only("sysadmin"),
    "administration:tariffs_list": only("sysadmin"),
    "administration:tariffs_create": only("sysadmin"),
    "administration:tariffs_edit": only("sysadmin"),
    "administration:legal_bases_list": only("sysadmin"),
    "administration:legal_bases_create": only("sysadmin"),
    "administration:legal_bases_edit": only("sysadmin"),
    # --- OpenID Connect (mozilla-django-oidc; only present when OIDC_ENABLED) --------------------------------
    "oidc_authentication_init": expect(302, anonymous=302),  # to the identity provider
    "oidc_authentication_callback": expect(LOGIN, anonymous=LOGIN),  # no code: back to the login page
    "oidc_logout": expect(405, anonymous=405),
}

# Declared, but present only with some settings (so their absence is not a stale entry).
OPTIONAL = {"oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"}


# URL keyword -> its sample value, from the `world` fixture of test_url_matrix.py.
SAMPLES = {
    "case_id": lambda w: w.case.pk,
    "consent_id": lambda w: w.consent.pk,
    "disclosure_id": lambda w: w.disclosure.pk,
    "uidb64": lambda w: urlsafe_base64_encode(force_bytes(w.people.caseworker.pk)),
    "token": lambda w: "ogiltig-lank",
    "user_id": lambda w: w.people.caseworker.pk,
    "unit_id": lambda w: w.people.investigation.pk,
    "organisation_id": lambda w: w.people.agreement.social_services_id,
    "target_id": lambda w: w.people.agreement.targets.first().pk,
    "intervention_type_id": lambda w: w.people.agreement.intervention_types.first().pk,
    "tariff_id": lambda w: w.tariff.pk,
    "legal_basis_id": lambda w: w.legal_basis.pk,
}


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str
    keywords: tuple[str, ...]
    view: object


def _keywords(pattern) -> tuple[str, ...]:
    return tuple(getattr(pattern, "converters", None) or pattern.regex.groupindex)


def project_patterns(resolver=None, namespace="", prefix="", keywords=()) -> list[Pattern]:
    """Every URL pattern reachable from the root URLconf, with its full route and keyword arguments."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        inherited = keywords + _keywords(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += project_patterns(entry, inner, route, inherited)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else route
            found.append(Pattern(key=key, route=route, keywords=inherited, view=entry.callback))
    return found


def url_of(pattern, world) -> str:
    """The URL of `pattern` with the sample values of its keywords."""
    missing = [k for k in pattern.keywords if k not in SAMPLES]
    assert not missing, (
        f"{pattern.route} takes {missing}: add a sample value for each to SAMPLES in tests/accesscontrol/url_matrix.py"
    )
    if ":" not in pattern.key and pattern.key == pattern.route:
        assert not pattern.keywords, f"give the pattern {pattern.route} a name so it can be requested"
        return "/" + pattern.route
    return reverse(pattern.key, kwargs={k: SAMPLES[k](world) for k in pattern.keywords})
