"""Management statistics pages and files. Everything shown comes from `ProtectedTable`s."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.access import log_read
from casework.periods import PeriodKind, periods_of_year

from .. import catalogue, disclosure_control, exports, services
from ..charts import Series, bar_chart
from ..selectors import statistics as selectors
from .access import attachment, refusals_logged

FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _chart_value(value):
    return value.number if value.number is not None else value.text


def _year(request, years, default: int) -> int:
    try:
        year = int(request.GET.get("ar", default))
    except ValueError:
        raise Http404 from None
    if year not in years:
        raise Http404
    return year


def quarters_chart(tables, year: int, agreement):
    """Identified cases per quarter and category, from the released quarter tables."""
    quarters = periods_of_year(year, PeriodKind.QUARTER)
    series = []
    for code in ("lifestyle", "svansen"):
        values = []
        for quarter in quarters:
            table = tables[("cases_by_category", quarter.code)]
            row = next((r for r in table.rows if r.code == code), None)
            values.append(_chart_value(row.values[0]) if row else "–")
        series.append(Series(agreement.category_label(code), tuple(values)))
    labels = [_("Kv %(n)s") % {"n": q.number} for q in quarters]
    chart = bar_chart(
        chart_id="quarters",
        title=_("Identifierade ärenden per kvartal %(year)s") % {"year": year},
        description=_(
            "Stapeldiagram över identifierade ärenden per kvartal och kategori. Samma siffror finns i tabellen "
            "bredvid. Kvartal som inte redovisas för sig visas med ett streck."
        ),
        categories=labels,
        series=series,
    )
    rows = [(label, *[s.values[i] for s in series]) for i, label in enumerate(labels)]
    return chart, [s.name for s in series], rows


def table_chart(table: disclosure_control.ProtectedTable):
    """A chart of one table: its rows (without the total) as bars, one series per column."""
    if not table.available:
        return None
    rows = [row for row in table.rows if not row.is_total and len(row.values) == len(table.columns)]
    if table.table == "targets":
        rows = [row for row in rows if row.values[0].unit == disclosure_control.Unit.COUNT]
    series = [
        Series(str(column), tuple(_chart_value(row.values[i]) for row in rows))
        for i, column in enumerate(table.columns)
    ]
    return bar_chart(
        chart_id=f"chart-{table.table}",
        title=f"{table.title}, {table.period.label}",
        description=_("Stapeldiagram med samma siffror som tabellen. Värden som inte redovisas har ingen stapel."),
        categories=[row.label for row in rows],
        series=series,
    )


@require_GET
@refusals_logged("reports:statistics")
def statistics_index(request):
    years = selectors.statistics_years(actor=request.actor)
    year = _year(request, years, selectors.default_statistics_year(actor=request.actor))
    tables = selectors.statistics_year(actor=request.actor, year=year)
    chart, chart_columns, chart_rows = quarters_chart(tables, year, request.actor.agreement)
    entries = [
        {
            "table": entry,
            "periods": [
                {"period": period, "available": tables[(entry.code, period.code)].available}
                for period in selectors.statistics_periods(actor=request.actor, year=year, table=entry.code)
            ],
        }
        for entry in catalogue.TABLES
    ]
    log_read(request, page="reports:statistics")
    context = {
        "years": years,
        "year": year,
        "entries": entries,
        "chart": chart,
        "chart_columns": chart_columns,
        "chart_rows": chart_rows,
        "threshold": disclosure_control.threshold(),
    }
    return render(request, "reports/statistics/index.html", context)


@require_GET
@refusals_logged("reports:statistics_table")
def statistics_table(request, table, period):
    protected = selectors.statistics_table(actor=request.actor, table=table, period_code=period)
    log_read(request, page="reports:statistics_table")
    context = {
        "table": protected,
        "entry": catalogue.TABLES_BY_CODE[table],
        "chart": table_chart(protected),
        "periods": selectors.statistics_periods(actor=request.actor, year=protected.period.year, table=table),
        "has_targets": any(row.target for row in protected.rows),
        "threshold": disclosure_control.threshold(),
    }
    return render(request, "reports/statistics/table.html", context)


@require_GET
@refusals_logged("reports:statistics_file")
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
        content = exports.pdf_bytes(
            "reports/print/statistics.html",
            {"tables": [(protected, table_chart(protected))], "agreement": request.actor.agreement},
        )
    log_read(request, page="reports:statistics_file", export=True)
    response = HttpResponse(content, content_type=FILE_TYPES[file_type])
    return attachment(response, f"samsyn-{table}-{protected.period.code}.{file_type}")


@require_GET
def method(request):
    """How the statistics are protected, with the parameters in force. Documentation only, for everyone."""
    context = {
        "threshold": disclosure_control.threshold(),
        "ptable": [(value, int(probability * 100)) for value, probability in disclosure_control.PTABLE],
        "max_noise": disclosure_control.MAX_NOISE,
        "guard": settings.SAMSYN_SMALL_POPULATION_GUARD,
        "release_delay": settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS,
        "dominance": int(disclosure_control.DOMINANCE_SHARE * 100),
        "rounding": int(disclosure_control.AMOUNT_ROUNDING),
        "age_bands": catalogue.AGE_BANDS,
    }
    return render(request, "reports/statistics/method.html", context)


@require_GET
@refusals_logged("reports:statistics_register")
def register(request):
    rows = selectors.released_tables(actor=request.actor)
    titles = {entry.code: entry.title for entry in catalogue.TABLES}
    log_read(request, page="reports:statistics_register")
    return render(request, "reports/statistics/register.html", {"rows": rows, "titles": titles})


@require_http_methods(["GET", "POST"])
@refusals_logged("reports:api_token")
def api_token(request):
    """The management user's key for the statistics API: made (or replaced) and shown once, or revoked."""
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_api_token(actor=request.actor)
            return redirect("reports:api_token")
        new_key = services.create_api_token(actor=request.actor)
    token = selectors.api_token(actor=request.actor)
    response = render(request, "reports/statistics/api_token.html", {"token": token, "new_key": new_key})
    response["Cache-Control"] = "no-store"
    return response
