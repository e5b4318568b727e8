"""The charts of the reports, drawn by matplotlib as SVG and embedded as an image (pages and PDFs alike).

Why matplotlib: it is the best-kept Python charting library, lays out text itself (long category labels
wrapped, nothing clipped: the figure is cropped to everything it draws), formats its axes with our own
formatter, and writes SVG on the server with no JavaScript, which the Content-Security-Policy and WeasyPrint
both need. The SVG is embedded as a `data:` image: its own styles stay inside it (the page's CSP forbids
inline styles), and WeasyPrint draws it into the PDF as vectors. Only matplotlib's object API is used (no
pyplot): no global state, safe in a threaded server, and the SVG backend is chosen per file.

Every chart has a table beside it with the same figures (the text alternative for screen readers; the
image's alt text says so). A chart draws exactly its table's numbers: the values come from the same
objects, amounts rounded by the same rule (config.formatting.whole), labels written by config.formatting.
Values that are not published as numbers ("<5", "..") get no bar, only their symbol.

Bars are horizontal, so a long category label has the whole width to wrap in, on A4 and on a phone.
"""

import base64
import functools
import io
import os
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

# matplotlib keeps a font cache in its config directory; the deployed containers have a read-only home.
os.environ.setdefault("MPLCONFIGDIR", str(Path(tempfile.gettempdir()) / "samsyn-matplotlib"))
os.environ.setdefault("MPLBACKEND", "Agg")

from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from casework.models import Target  # noqa: E402
from casework.periods import PeriodKind, periods_of_year  # noqa: E402
from casework.selectors.targets import period_targets  # noqa: E402
from config import formatting  # noqa: E402

from .disclosure_control.publication import ProtectedTable, Unit  # noqa: E402

COLOURS = ("#1d70b8", "#b7592a", "#158187", "#54319f")  # GOV.UK palette, distinguishable in greyscale
TEXT_COLOUR = "#0b0c0c"
WIDTH_INCHES = 7.5
LABEL_WIDTH = 26  # characters per line of a category label
LEGEND_SIDE_BY_SIDE = 34  # characters of a series name that two legend entries fit side by side
FONT = {"family": "DejaVu Sans", "size": 9}
LINE_INCHES = 0.17  # one line of 9-point text  # the PDF's own font (static/reports/print.css)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # numbers, or strings for symbols that get no bar
    targets: tuple = ()  # a target per category, drawn as a marker; None where there is none


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # "kr", "%" or "" (a count)

    def value_text(self, value) -> str:
        """A bar's label or an axis tick, as the table beside the chart writes the same value."""
        if not isinstance(value, int | float):
            return str(value)
        if self.unit == "kr":
            return formatting.amount(value)
        if self.unit == "%":
            return formatting.percent(value)
        return formatting.number(value, 0 if value == int(value) else 1)

    @property
    def alt(self) -> str:
        return f"{self.title}. {self.description}"

    def figure(self) -> Figure:
        return draw(self)

    @property
    def svg(self) -> str:
        return _svg(self, get_language())

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


@functools.lru_cache(maxsize=64)
def _svg(chart: Chart, language: str | None) -> str:
    """The chart drawn as SVG, kept per process: drawing takes a few hundred milliseconds, and the same
    table's chart is asked for again by every reader of a released table. A chart holds only what its
    table publishes (no personal data), and is frozen, so equal charts draw the same image; the language
    is part of the key because the numbers are written in it. Saved at the figure's own size: constrained
    layout has already fitted every label inside it (tests/reports/test_charts.py), and a "tight" box
    would draw the whole figure a second time to measure it."""
    output = io.StringIO()
    chart.figure().savefig(output, format="svg", metadata={"Date": None})
    return output.getvalue()


def draw(chart: Chart) -> Figure:
    """The chart as a matplotlib figure: one group of horizontal bars per category, a bar per series, the
    value written at the end of every bar, a target as a dashed mark across its bar, the legend below."""
    rows = len(chart.categories)
    groups = max(len(chart.series), 1)
    bar_height = 0.8 / groups
    labels = [textwrap.fill(str(c), LABEL_WIDTH) for c in chart.categories]
    # Each row as tall as its bars or its longest wrapped label, whichever needs more; constrained layout
    # makes room for the labels, the axis and the legend: nothing overlaps, nothing is cut.
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    row_inches = max(0.28 * groups + 0.3, lines * LINE_INCHES + 0.12)
    figure = Figure(figsize=(WIDTH_INCHES, 1.4 + rows * row_inches), layout="constrained")
    axes = figure.add_subplot()
    numbers = [v for s in chart.series for v in s.values if isinstance(v, int | float)]
    numbers += [t for s in chart.series for t in s.targets if t is not None]
    top = max(numbers, default=0) or 1
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        offsets = [row + (index - (groups - 1) / 2) * bar_height for row in range(rows)]
        lengths = [v if isinstance(v, int | float) else 0 for v in series.values]
        axes.barh(offsets, lengths, height=bar_height * 0.9, color=colour, label=textwrap.fill(series.name, 70))
        for offset, value in zip(offsets, series.values, strict=True):
            axes.annotate(
                chart.value_text(value),
                xy=(value if isinstance(value, int | float) else 0, offset),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=FONT["size"] - 1,
                color=TEXT_COLOUR,
            )
        for offset, target in zip(offsets, series.targets, strict=False):
            if target is not None:
                half = bar_height * 0.5
                axes.plot([target, target], [offset - half, offset + half], color=TEXT_COLOUR, lw=2, ls="--")
    axes.set_yticks(range(rows), labels)
    axes.invert_yaxis()  # the first category on top, as in the table
    # Room at the right for the longest value label.
    right = top * 1.3
    axes.set_xlim(0, right)
    axes.set_xticks([tick for tick in MaxNLocator(nbins=4, integer=True).tick_values(0, right) if 0 <= tick <= right])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: chart.value_text(int(x))))
    axes.grid(axis="x", color="#cecece", lw=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_fontsize(FONT["size"])
    if chart.series:
        # Side by side while short names fit the width, one under the other when a name is long.
        columns = min(groups, 2) if all(len(s.name) <= LEGEND_SIDE_BY_SIDE for s in chart.series) else 1
        figure.legend(loc="outside lower left", ncol=columns, frameon=False, fontsize=FONT["size"])
    return figure


def _font_setup() -> None:
    import matplotlib

    matplotlib.rcParams.update(
        {
            "font.family": FONT["family"],
            "font.size": FONT["size"],
            "svg.fonttype": "none",  # text stays text: searchable, and read aloud by a PDF reader
            "text.color": TEXT_COLOUR,
            "axes.edgecolor": TEXT_COLOUR,
        }
    )


_font_setup()


# --- The charts of the reports ---------------------------------------------------------------------------------

TARGET_CHART_METRICS = (Target.Metric.LIFESTYLE_IDENTIFIED, Target.Metric.SVANSEN_IDENTIFIED, Target.Metric.MEETINGS)


def targets_chart(report) -> Chart:
    """Outcome per period as bars, with the period's target as a marker on each bar."""
    rows = [row for row in report.rows if row.metric in TARGET_CHART_METRICS]
    series = [
        Series(row.label, tuple(figure.value for figure in row.cells), tuple(figure.target for figure in row.cells))
        for row in rows
    ]
    return Chart(
        id="targets",
        title=_("Utfall mot mål %(year)s") % {"year": report.year},
        description=_(
            "Stapeldiagram: identifierade ärenden per kategori och genomförda samverkansmöten per period. "
            "Den streckade linjen på varje stapel är periodens mål. Samma siffror finns i tabellen."
        ),
        categories=tuple(formatting.period(period) for period in report.periods),
        series=tuple(series),
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
    chart = Chart(
        id="quarters",
        title=_("Identifierade ärenden per kvartal %(year)s") % {"year": year},
        description=_(
            "Stapeldiagram över identifierade ärenden per kvartal och kategori. Den streckade linjen på varje "
            "stapel är kvartalets mål. Samma siffror finns i tabellen bredvid. Kvartal som inte redovisas för sig "
            "visas med ett streck."
        ),
        categories=tuple(labels),
        series=tuple(series),
    )
    rows = [(label, *[chart.value_text(s.values[i]) for s in series]) for i, label in enumerate(labels)]
    return chart, [s.name for s in series], rows


def table_chart(table: ProtectedTable) -> Chart | None:
    """A chart of one table: its rows (without the total) as bars, one series per column."""
    if not table.available:
        return None
    rows = [row for row in table.rows if not row.is_total and len(row.values) == len(table.columns)]
    if table.table == "targets":
        rows = [row for row in rows if row.values[0].unit == Unit.COUNT]
    units = {value.unit for row in rows for value in row.values}
    unit = {Unit.KRONOR: "kr", Unit.PERCENT: "%"}.get(units.pop(), "") if len(units) == 1 else ""
    return Chart(
        id=f"chart-{table.table}",
        title=f"{table.title}, {table.period.label}",
        description=_("Stapeldiagram med samma siffror som tabellen. Värden som inte redovisas har ingen stapel."),
        categories=tuple(str(row.label) for row in rows),
        series=tuple(
            Series(str(column), tuple(_chart_value(row.values[i]) for row in rows))
            for i, column in enumerate(table.columns)
        ),
        unit=unit,
    )


def cost_chart(comparisons) -> Chart:
    """Per year: the home-based cost and the cost of the same time at the alternative (municipal cost), in
    whole kronor rounded as the table beside it rounds them."""
    return Chart(
        id="costs",
        title=_("Kostnad för hemmaplansinsatser och för samma tid på placering (kommunens kostnad)"),
        description=_(
            "Stapeldiagram per år. Varje år har två staplar: hemmaplansinsatserna och det realistiska "
            "alternativet, i kronor. Samma belopp finns i tabellen."
        ),
        categories=tuple(str(c.year) for c in comparisons),
        series=(
            Series(_("Hemmaplan"), tuple(formatting.whole(c.total("home_municipal")) for c in comparisons)),
            Series(_("Placering"), tuple(formatting.whole(c.total("alternative_municipal")) for c in comparisons)),
        ),
        unit="kr",
    )
