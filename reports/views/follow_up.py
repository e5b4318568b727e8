"""The agreement's follow-up (social manager): figures against targets, the cases behind each figure,
disclosures per legal basis, and the qualitative part."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.models import Target
from casework.periods import PeriodKind
from casework.selectors import targets as target_selectors

from ..charts import targets_chart
from ..selectors import follow_up as selectors

KIND_SLUGS = {"kvartal": PeriodKind.QUARTER, "tertial": PeriodKind.TERTIAL, "ar": PeriodKind.YEAR}
# The query parameter that narrows the follow-ups behind a figure to one state (target_selectors.FollowUpCount).
STATE_PARAMETER = "tillstand"


@require_GET
def follow_up_start(request):
    years = selectors.follow_up_years(actor=request.actor)
    return redirect("reports:follow_up", year=years[-1], kind="kvartal")


@require_GET
def follow_up(request, year, kind):
    if kind not in KIND_SLUGS or year not in selectors.follow_up_years(actor=request.actor):
        raise Http404
    report = selectors.follow_up_report(actor=request.actor, year=year, kind=KIND_SLUGS[kind])
    shows(request)
    context = {
        "report": report,
        "kind": kind,
        "kinds": [
            (slug, label) for slug, label in (("kvartal", _("Kvartal")), ("tertial", _("Tertial")), ("ar", _("Helår")))
        ],
        "chart": targets_chart(report),
        "target_rule": target_selectors.TARGET_RULE,
        "years": selectors.follow_up_years(actor=request.actor),
        "state_parameter": STATE_PARAMETER,
    }
    return render(request, "reports/follow_up/report.html", context)


@require_GET
def follow_up_cases(request, period, metric):
    state = request.GET.get(STATE_PARAMETER) or None
    period, cases = selectors.cases_behind(actor=request.actor, period_code=period, metric=metric, state=state)
    _shows_with_names(request, cases)
    states = target_selectors.MEASURES[metric].states
    context = {
        "period": period,
        "cases": cases,
        "title": dict(Target.Metric.choices)[metric],
        "counted_label": target_selectors.NUMERATOR_LABELS.get(metric),
        "state": state,
        "state_parameter": STATE_PARAMETER,
        "states": [(value, target_selectors.FOLLOW_UP_COUNT_LABELS[value]) for value in states],
    }
    return render(request, "reports/follow_up/cases.html", context)


def _shows_with_names(request, cases) -> None:
    """A list of cases with the names of their youths, as the target board names them."""
    shows(
        request,
        cases=cases,
        persons=[case.person for case in cases],
        field_classes=[FieldClass.IDENTITY, FieldClass.CASE_FRAME],
    )


@require_GET
def disclosure_cases(request, period, what, basis):
    period, cases = selectors.disclosure_cases(actor=request.actor, period_code=period, basis=basis, what=what)
    cases = list(cases)
    _shows_with_names(request, cases)
    titles = {
        "decided": _("Utlämnanden till polisen"),
        "withdrawn": _("Återkallade utlämnanden"),
        "consent_given": _("Lämnade samtycken"),
        "consent_withdrawn": _("Återkallade samtycken"),
    }
    return render(request, "reports/follow_up/cases.html", {"period": period, "cases": cases, "title": titles[what]})


@require_GET
def follow_up_qualitative(request, period):
    part = selectors.qualitative(actor=request.actor, period_code=period)
    shows(
        request,
        cases=part.case_ids,
        field_classes=[FieldClass.SOCIAL_ASSESSMENT, FieldClass.FIELD_CONTACTS],
    )
    return render(request, "reports/follow_up/qualitative.html", {"part": part})
