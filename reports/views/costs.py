"""The cost comparison (social manager) and the cost index (sysadmin)."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from config.forms import button_pressed

from .. import charts, costs, services
from ..forms import CostIndexForm
from ..selectors import costs as selectors


@require_GET
def costs_start(request):
    years = selectors.cost_years(actor=request.actor)
    return redirect("reports:costs", year=years[-1])


@require_GET
def cost_comparison(request, year):
    comparison = selectors.cost_comparison(actor=request.actor, year=year)
    shows(
        request,
        cases=[case.case_id for case in comparison.cases],
        field_classes=[FieldClass.CASE_FRAME, FieldClass.INTERVENTIONS],
    )
    context = {
        "comparison": comparison,
        "years": selectors.cost_years(actor=request.actor),
        "chart": charts.cost_chart([comparison]),
        "notes": [costs.tariff_note(use) for use in comparison.tariffs],
    }
    return render(request, "reports/costs/comparison.html", context)


@require_http_methods(["GET", "POST"])
def cost_indexes(request):
    indexes = selectors.cost_indexes(actor=request.actor)
    form = CostIndexForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_cost_index(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field, message)
        else:
            return redirect("reports:cost_indexes")
    keeps_common = selectors.may_keep_cost_index(request.actor, for_agreement=False)
    context = {"indexes": indexes, "form": form, "keeps_common": keeps_common}
    return render(request, "reports/costs/indexes.html", context)


@require_POST
def cost_index_delete(request, index):
    button_pressed(request, lambda: services.delete_cost_index(actor=request.actor, index_id=index), done="")
    return redirect("reports:cost_indexes")
