"""Management statistics pages and files. Everything shown comes from `ProtectedTable`s."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accesscontrol.reads import shows
from casework.selectors.targets import TARGET_RULE
from config.pdf import PdfUnavailable, pdf_unavailable_response

from .. import catalogue, exports, services
from ..charts import quarters_chart, table_chart
from ..disclosure_control import cell_key, publication, schedule
from ..selectors import statistics as selectors
from .access import attachment

FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _year(request, years, default: int) -> int:
    try:
        year = int(request.GET.get("ar", default))
    except ValueError:
        raise Http404 from None
    if year not in years:
        raise Http404
    return year


@require_GET
def statistics_index(request):
    years = selectors.statistics_years(actor=request.actor)
    year = _year(request, years, selectors.default_statistics_year(actor=request.actor))
    tables = selectors.statistics_year(actor=request.actor, year=year)
    chart, chart_columns, chart_rows = quarters_chart(tables, year, request.actor.agreement)
    entries = [
        {
            "table": entry,
            "periods": [
                {"period": period, "table": tables[(entry.code, period.code)]}
                for period in selectors.statistics_periods(actor=request.actor, year=year, table=entry.code)
            ],
        }
        for entry in catalogue.TABLES
    ]
    shows(request)
    context = {
        "years": years,
        "year": year,
        "entries": entries,
        "chart": chart,
        "chart_columns": chart_columns,
        "chart_rows": chart_rows,
        "threshold": publication.threshold(),
    }
    return render(request, "reports/statistics/index.html", context)


@require_GET
def statistics_table(request, table, period):
    protected = selectors.statistics_table(actor=request.actor, table=table, period_code=period)
    shows(request)
    context = {
        "table": protected,
        "entry": catalogue.TABLES_BY_CODE[table],
        "chart": table_chart(protected),
        "periods": selectors.statistics_periods(actor=request.actor, year=protected.period.year, table=table),
        "has_targets": any(row.target for row in protected.rows),
        "threshold": publication.threshold(),
        "next_revision_day": schedule.next_revision_day(timezone.localdate()),
    }
    return render(request, "reports/statistics/table.html", context)


@require_GET
def statistics_file(request, table, period, file_type):
    if file_type not in FILE_TYPES:
        raise Http404
    protected = selectors.statistics_table(actor=request.actor, table=table, period_code=period)
    sheet = exports.protected_sheet(protected)
    if file_type == "csv":
        content = exports.csv_bytes(sheet)
    elif file_type == "xlsx":
        content = exports.xlsx_bytes([sheet])
    else:
        try:
            content = exports.pdf_bytes(
                "reports/print/statistics.html",
                {"tables": [(protected, table_chart(protected))], "agreement": request.actor.agreement},
            )
        except PdfUnavailable:
            return pdf_unavailable_response(request)
    shows(request, export=True)
    response = HttpResponse(content, content_type=FILE_TYPES[file_type])
    return attachment(response, f"samsyn-{slugify(protected.title)}-{protected.period.code}.{file_type}")


@require_GET
def method(request):
    """How the statistics are protected, with the parameters in force. Documentation only, for everyone."""
    context = {
        "threshold": publication.threshold(),
        "ptable": [(value, int(probability * 100)) for value, probability in cell_key.PTABLE],
        "max_noise": cell_key.MAX_NOISE,
        "guard": settings.SAMSYN_SMALL_POPULATION_GUARD,
        "release_delay": settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS,
        "dominance": int(publication.DOMINANCE_SHARE * 100),
        "rounding": int(publication.AMOUNT_ROUNDING),
        "age_bands": catalogue.AGE_BANDS,
        "target_rule": TARGET_RULE,
        "revision_days": ", ".join(
            date_format(day, "j F") for day in schedule.revision_days(timezone.localdate().year)
        ),
    }
    return render(request, "reports/statistics/method.html", context)


@require_GET
def register(request):
    rows = selectors.released_tables(actor=request.actor)
    titles = {entry.code: entry.title for entry in catalogue.TABLES}
    shows(request)
    return render(request, "reports/statistics/register.html", {"rows": rows, "titles": titles})


@require_GET
def register_revision(request, table, period, revision):
    """A revised table: the values that changed and, in counts only, why."""
    revised = selectors.table_revision(actor=request.actor, table=table, period_code=period, revision=revision)
    shows(request)
    context = {"revised": revised, "title": catalogue.TABLES_BY_CODE[table].title}
    return render(request, "reports/statistics/revision.html", context)


@require_http_methods(["GET", "POST"])
def api_token(request):
    """The management user's key for the statistics API: made (or replaced) and shown once, or revoked."""
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_api_token(actor=request.actor)
            return redirect("reports:api_token")
        new_key = services.create_api_token(actor=request.actor)
    token = selectors.api_token(actor=request.actor)
    context = {"token": token, "new_key": new_key, "token_days": settings.SAMSYN_API_TOKEN_DAYS}
    return render(request, "reports/statistics/api_token.html", context)  # no-store: NoStoreMiddleware
