"""Charts are accessible SVG drawn on the server: role="img" with a title and a description, colours from CSS
classes (no inline styles), and no bar for a value that is published only as a symbol."""

import re

from django.template.loader import render_to_string

from reports.charts import Series, bar_chart


def chart_svg(**kwargs):
    chart = bar_chart(
        chart_id="test",
        title="Identifierade ärenden",
        description="Samma siffror som tabellen.",
        categories=["Kv 1", "Kv 2", "Kv 3"],
        series=[Series("Svansen", (12, "<5", 0), targets=(4, 4, None)), Series("Livsstil", (7, 9, ".."))],
        **kwargs,
    )
    return chart, render_to_string("reports/includes/bar_chart.svg.html", {"chart": chart})


def test_a_chart_is_an_image_with_a_title_and_a_description():
    _chart, svg = chart_svg()
    assert 'role="img"' in svg
    assert 'aria-labelledby="test-title test-desc"' in svg
    assert '<title id="test-title">Identifierade ärenden</title>' in svg
    assert '<desc id="test-desc">Samma siffror som tabellen.</desc>' in svg


def test_a_chart_has_no_inline_styles_or_scripts():
    _chart, svg = chart_svg()
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg
    assert 'class="samsyn-chart__bar--1"' in svg and 'class="samsyn-chart__bar--2"' in svg


def test_a_symbol_gets_no_bar_and_the_numbers_are_written_out():
    chart, svg = chart_svg()
    by_label = {bar.label: bar for bar in chart.bars}
    assert by_label["<5"].height == 0 and by_label[".."].height == 0
    assert by_label["12"].height > by_label["7"].height > 0
    assert "&lt;5" in svg and ">12<" in svg


def test_targets_are_drawn_as_markers_at_their_height():
    chart, _svg = chart_svg()
    assert len(chart.markers) == 2
    twelve = next(bar for bar in chart.bars if bar.label == "12")
    marker_y = chart.markers[0][2]
    assert twelve.y < marker_y < chart.axis_y


def test_coordinates_are_not_localised():
    # Swedish number formatting would write 12,5 and break the SVG.
    _chart, svg = chart_svg()
    assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', svg)
