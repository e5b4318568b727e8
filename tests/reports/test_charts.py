"""Charts are drawn by matplotlib (reports/charts.py) and embedded as an SVG image with its description as
alt text, beside a table with the same figures: legible with long labels (wrapped, nothing overlapping,
nothing clipped), Swedish numbers on the axis, no bar for a value published only as a symbol, and exactly
the numbers of the table."""

import base64
import itertools
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from reports.charts import Chart, Series, cost_chart

LONG_LABELS = (
    "Identifierade i kategorin kriminalitet som livsstil",
    "Svansen: yngre i riskzon i bostadsområdet Norra",
    "Öppenvård, MST (multisystemisk terapi) i hemmet",
    "Kontaktperson enligt 4 kap. 1 § SoL",
    "Oroande händelser vid skolan och på fritidsgården",
    "Pojkar 15–17 år",
    "Flickor 15–17 år",
    "Okänt område",
    "Särskilt långt namn på en insats som aldrig tycks ta slut i tabellen",
)


def chart(**kwargs) -> Chart:
    return Chart(
        id="test",
        title="Identifierade ärenden",
        description="Samma siffror som tabellen.",
        categories=kwargs.pop("categories", ("Kv 1", "Kv 2", "Kv 3")),
        series=kwargs.pop(
            "series", (Series("Svansen", (12, "<5", 0), targets=(4, 4, None)), Series("Livsstil", (7, 9, "..")))
        ),
        **kwargs,
    )


def text_boxes(figure):
    """Every visible text the figure draws, with its box in display coordinates, after layout."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    return [
        (text.get_text(), text.get_window_extent(renderer))
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]


def overlapping(boxes) -> list[tuple[str, str]]:
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b) and box_a.intersection(box_a, box_b).width > 0.5
    ]


def outside(figure, boxes) -> list[str]:
    """Texts the saved figure would cut: bbox_inches="tight" crops to the drawn artists, so a label outside
    the figure's own area is what the old hand-built chart clipped ("00 000")."""
    area = figure.bbox
    return [label for label, box in boxes if box.x0 < area.x0 - 1 or box.x1 > area.x1 + 1 or box.y0 < area.y0 - 1]


def svg_of(c: Chart) -> str:
    return base64.b64decode(c.data_uri.split(",", 1)[1]).decode("utf-8")


def test_a_chart_is_an_image_whose_alt_text_is_its_title_and_description():
    html = render_to_string("reports/includes/chart.html", {"chart": chart()})
    assert html.startswith('<img class="samsyn-chart" src="data:image/svg+xml;base64,')
    assert 'alt="Identifierade ärenden. Samma siffror som tabellen."' in html
    assert "<script" not in svg_of(chart())


def test_a_symbol_gets_no_bar_and_the_numbers_are_written_out():
    figure = chart().figure()
    widths = sorted(p.get_width() for p in figure.axes[0].patches if isinstance(p, Rectangle))
    assert widths == [0, 0, 0, 7, 9, 12]  # "<5", ".." and 0 have no bar
    texts = {label for label, _box in text_boxes(figure)}
    assert {"12", "<5", "..", "7", "9", "0"} <= texts


def test_targets_are_drawn_as_dashed_marks_at_their_value():
    lines = [line for line in chart().figure().axes[0].get_lines() if isinstance(line, Line2D)]
    assert sorted(line.get_xdata()[0] for line in lines) == [4, 4]
    assert all(line.get_linestyle() == "--" for line in lines)


def test_long_labels_are_wrapped_and_no_two_texts_overlap_or_are_cut():
    many = chart(
        categories=LONG_LABELS,
        series=(
            Series("Kriminalitet som livsstil (identifierade)", (12, "<5", 0, 7, 9, "..", 5, 6, 1234)),
            Series("Svansen (yngre i riskzon)", (3, 4, 5, 6, 7, 8, 9, 10, 11), targets=(4,) * 9),
        ),
    )
    figure = many.figure()
    boxes = text_boxes(figure)
    assert overlapping(boxes) == []
    assert outside(figure, boxes) == []
    ticks = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert all(max(len(line) for line in tick.splitlines()) <= 30 for tick in ticks)
    assert "Kriminalitet som livsstil (identifierade)" in svg_of(many)  # the legend is whole, not "livssti"


def test_the_axis_has_swedish_numbers():
    with translation.override("sv"):
        figure = chart(series=(Series("Kostnad", (1_843_220, 265_533)),), categories=("A", "B"), unit="kr").figure()
        ticks = [label for label, _box in text_boxes(figure) if label.endswith("kr")]
    assert "1\u00a0800\u00a0000\u00a0kr" in ticks or "1\u00a0500\u00a0000\u00a0kr" in ticks
    assert not [tick for tick in ticks if re.search(r"\d,\d{3}|\d\.\d", tick)]


class _Comparison:
    year = 2026

    def total(self, attribute):
        return {"home_municipal": Decimal("265532.50"), "alternative_municipal": Decimal("1843219.49")}[attribute]


def test_the_cost_chart_says_what_the_table_says():
    with translation.override("sv"):
        costs = cost_chart([_Comparison()])
        table = render_to_string("reports/includes/cost_totals.html", {"comparison": _ComparisonWithTotals()})
        svg = svg_of(costs)
    assert "265\u00a0533\u00a0kr" in svg and "265\u00a0533\u00a0kr" in table
    assert "1\u00a0843\u00a0219\u00a0kr" in svg and "1\u00a0843\u00a0219\u00a0kr" in table


class _ComparisonWithTotals(_Comparison):
    complete_cases = [object()]
    totals = {
        "home_municipal": Decimal("265532.50"),
        "alternative_municipal": Decimal("1843219.49"),
        "home_societal": Decimal("0"),
        "alternative_societal": Decimal("0"),
        "difference_municipal": Decimal("1577686.99"),
        "difference_societal": Decimal("0"),
    }


def test_matplotlib_draws_without_a_display_and_writes_only_where_it_may():
    import os

    import matplotlib

    assert matplotlib.get_backend().lower() == "agg"
    assert os.access(matplotlib.get_configdir(), os.W_OK)
