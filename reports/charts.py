"""Accessible bar charts, drawn on the server as SVG (reports/includes/bar_chart.svg): no JavaScript, no
inline styles (colours come from CSS classes), role="img" with a title and a description, and always a
data table beside them on the page. Values that are not published as numbers ("<5", "..") get no bar, only
their symbol, so a chart never shows more than its table.

Written here rather than with a charting library: the Python ones render raster images or SVG with inline
styles, and a grouped bar chart is a few lines of arithmetic.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from casework.models import Target
from casework.periods import PeriodKind, periods_of_year
from casework.selectors.targets import period_targets

from . import disclosure_control

WIDTH = 720
HEIGHT = 320
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 72
SERIES_CLASSES = 4


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # numbers, or strings for symbols that get no bar
    targets: tuple = ()  # a target per category, drawn as a marker; None where there is none


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    markers: tuple[tuple[float, float, float], ...]  # (x1, x2, y) of target markers
    ticks: tuple[Tick, ...]
    categories: tuple[tuple[float, str], ...]  # (x centre, label)
    legend: tuple[tuple[float, str, str], ...]  # (x, css, name)
    axis_y: float
    plot_left: float
    plot_right: float


def _nice_maximum(value: float) -> float:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _format(value) -> str:
    number = float(value)
    return f"{int(number):,}".replace(",", "\u00a0") if number.is_integer() else f"{number:.1f}"


def bar_chart(*, chart_id: str, title: str, description: str, categories, series: list[Series]) -> Chart:
    """Grouped vertical bars: one group per category, one bar per series."""
    numbers = [v for s in series for v in s.values if isinstance(v, int | float)]
    numbers += [t for s in series for t in s.targets if t is not None]
    maximum = _nice_maximum(max(numbers, default=0))
    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    group_width = (plot_right - plot_left) / max(len(categories), 1)
    bar_width = group_width * 0.8 / max(len(series), 1)

    def y_of(value) -> float:
        return plot_bottom - (plot_bottom - plot_top) * float(value) / maximum

    bars, markers = [], []
    for s_index, s in enumerate(series):
        css = f"samsyn-chart__bar--{s_index % SERIES_CLASSES + 1}"
        for c_index, value in enumerate(s.values):
            x = plot_left + c_index * group_width + group_width * 0.1 + s_index * bar_width
            if isinstance(value, int | float):
                top = y_of(value)
                bars.append(Bar(x, top, bar_width, plot_bottom - top, css, _format(value), x + bar_width / 2, top - 4))
            else:
                bars.append(Bar(x, plot_bottom, bar_width, 0, css, str(value), x + bar_width / 2, plot_bottom - 4))
            target = s.targets[c_index] if c_index < len(s.targets) else None
            if target is not None:
                markers.append((x, x + bar_width, y_of(target)))
    ticks = tuple(Tick(y_of(maximum * i / 4), _format(maximum * i / 4)) for i in range(5))
    centres = tuple((plot_left + (i + 0.5) * group_width, str(label)) for i, label in enumerate(categories))
    legend = tuple(
        (plot_left + i * 180, f"samsyn-chart__bar--{i % SERIES_CLASSES + 1}", s.name) for i, s in enumerate(series)
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        bars=tuple(bars),
        markers=tuple(markers),
        ticks=ticks,
        categories=centres,
        legend=legend,
        axis_y=plot_bottom,
        plot_left=plot_left,
        plot_right=plot_right,
    )


# --- The charts of the reports ---------------------------------------------------------------------------------

TARGET_CHART_METRICS = (Target.Metric.LIFESTYLE_IDENTIFIED, Target.Metric.SVANSEN_IDENTIFIED, Target.Metric.MEETINGS)


def targets_chart(report):
    """Outcome per period as bars, with the period's target as a marker on each bar."""
    rows = [row for row in report.rows if row.metric in TARGET_CHART_METRICS]
    series = [
        Series(
            row.label,
            tuple(figure.value for figure in row.cells),
            tuple(figure.target for figure in row.cells),
        )
        for row in rows
    ]
    return bar_chart(
        chart_id="targets",
        title=_("Utfall mot mål %(year)s") % {"year": report.year},
        description=_(
            "Stapeldiagram: identifierade ärenden per kategori och genomförda samverkansmöten per period. "
            "Den streckade linjen på varje stapel är periodens mål. Samma siffror finns i tabellen."
        ),
        categories=[period.label for period in report.periods],
        series=series,
    )


def _chart_value(value):
    return value.number if value.number is not None else value.text


def quarters_chart(tables, year: int, agreement):
    """Identified cases per quarter and category, from the released quarter tables, against the quarter's
    targets (the targets are the agreement's, not data)."""
    quarters = periods_of_year(year, PeriodKind.QUARTER)
    targets = period_targets(agreement=agreement, periods=quarters)
    series = []
    for code, metric in (
        ("lifestyle", Target.Metric.LIFESTYLE_IDENTIFIED),
        ("svansen", Target.Metric.SVANSEN_IDENTIFIED),
    ):
        values = []
        for quarter in quarters:
            table = tables[("cases_by_category", quarter.code)]
            row = next((r for r in table.rows if r.code == code), None)
            values.append(_chart_value(row.values[0]) if row else "–")
        marks = tuple(targets[quarter].get(metric) for quarter in quarters)
        series.append(Series(agreement.category_label(code), tuple(values), marks))
    labels = [_("Kv %(n)s") % {"n": q.number} for q in quarters]
    chart = bar_chart(
        chart_id="quarters",
        title=_("Identifierade ärenden per kvartal %(year)s") % {"year": year},
        description=_(
            "Stapeldiagram över identifierade ärenden per kvartal och kategori. Den streckade linjen på varje "
            "stapel är kvartalets mål. Samma siffror finns i tabellen bredvid. Kvartal som inte redovisas för sig "
            "visas med ett streck."
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


def cost_chart(comparisons):
    """Per year: the home-based cost and the cost of the same time at the alternative (municipal cost)."""
    return bar_chart(
        chart_id="costs",
        title=_("Kostnad för hemmaplansinsatser och för samma tid på placering (kommunens kostnad)"),
        description=_(
            "Stapeldiagram per år. Varje år har två staplar: hemmaplansinsatserna och det realistiska "
            "alternativet, i kronor. Samma belopp finns i tabellen."
        ),
        categories=[str(c.year) for c in comparisons],
        series=[
            Series(_("Hemmaplan"), tuple(int(c.total("home_municipal")) for c in comparisons)),
            Series(_("Placering"), tuple(int(c.total("alternative_municipal")) for c in comparisons)),
        ],
    )
