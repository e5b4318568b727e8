"""Renders the before/after images of the statistics chart and the cost chart (docs/documents.md).

    make chart-images

"After" is reports/charts.py as it is; "before" is the hand-built SVG chart of commit BEFORE, taken from git.
Both go the way a PDF goes (WeasyPrint), then pdftoppm (poppler-utils) turns the page into a PNG, so the
images show what a reader of the PDF sees. The figures are those the issue reported: nine long category
labels, and a cost of 265 532,50 kr the old chart truncated to 265 532 kr while its table said 265 533 kr.
"""

import importlib.util
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.template import Context, Template  # noqa: E402
from django.utils import translation  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from config.pdf import render_pdf  # noqa: E402
from reports import charts  # noqa: E402

BEFORE = "3c6ec2e"  # the last commit with the hand-built charts
OUT = ROOT / "docs" / "images"
CATEGORIES = (
    "Identifierade i kategorin kriminalitet som livsstil",
    "Svansen: yngre i riskzon i bostadsområdet",
    "Öppenvård, MST i hemmet",
    "Kontaktperson enligt 4 kap. 1 § SoL",
    "Oroande händelser vid skolan",
    "Pojkar 15–17 år",
    "Flickor 15–17 år",
    "Okänt område",
    "Familjebehandling med skolkontakt",
)
COUNTS = ((12, 6, 9, 7, "<5", 14, 8, "..", 5), (21, 17, 11, 9, 6, 19, 15, 7, 8))
SERIES_NAMES = ("Kriminalitet som livsstil", "Svansen")


class Comparison:
    year = 2026

    def total(self, attribute):
        return {"home_municipal": Decimal("265532.50"), "alternative_municipal": Decimal("1843219.49")}[attribute]


def git_show(path: str) -> str:
    command = ["git", "show", f"{BEFORE}:{path}"]  # a fixed command on our own repository
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout  # noqa: S603, S607


def old_charts():
    source = Path(tempfile.mkdtemp()) / "old_charts.py"
    code = git_show("reports/charts.py")
    # The old module reads ProtectedTable and Unit from the module that was split into a package since.
    old_import = "from reports.disclosure_control import publication as disclosure_control"
    source.write_text(code.replace("from . import disclosure_control", old_import))
    spec = importlib.util.spec_from_file_location("old_charts", source)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "reports"
    spec.loader.exec_module(module)
    return module


def png(name: str, body: str, css: str = "") -> None:
    style = f"@page {{ size: 200mm 297mm; margin: 4mm }} {css}"
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    with tempfile.TemporaryDirectory() as work:
        pdf = Path(work) / "chart.pdf"
        pdf.write_bytes(render_pdf(html))
        command = ["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(OUT / name)]
        subprocess.run(command, check=True)  # noqa: S603, S607 (poppler-utils; a fixed command on our own file)
    # The page is A4: keep only what is drawn on it, with a margin.
    image = Image.open(OUT / f"{name}.png").convert("RGB")
    left, top, right, bottom = ImageOps.invert(image).getbbox()
    image.crop((max(left - 12, 0), max(top - 12, 0), right + 12, bottom + 12)).save(OUT / f"{name}.png")


def main() -> None:
    translation.activate("sv")
    statistics = charts.Chart(
        id="statistics",
        title="Statistik",
        description="",
        categories=CATEGORIES,
        series=tuple(charts.Series(name, values) for name, values in zip(SERIES_NAMES, COUNTS, strict=True)),
    )
    costs = charts.cost_chart([Comparison()])
    image = Template('<img class="samsyn-chart" src="{{ chart.data_uri }}" alt="">')
    css = ".samsyn-chart { width: 100%; height: auto; }"
    png("statistics-chart-after", image.render(Context({"chart": statistics})), css)
    png("cost-chart-after", image.render(Context({"chart": costs})), css)

    old = old_charts()
    old_css = git_show("static/reports/print.css").split("@page", 1)[0] + "\n".join(
        line for line in git_show("static/reports/print.css").splitlines() if line.startswith(".samsyn-chart")
    )
    svg = Template(git_show("reports/templates/reports/includes/bar_chart.svg.html"))
    before_statistics = old.bar_chart(
        chart_id="statistics",
        title="Statistik",
        description="",
        categories=list(CATEGORIES),
        series=[old.Series(name, values) for name, values in zip(SERIES_NAMES, COUNTS, strict=True)],
    )
    png("statistics-chart-before", svg.render(Context({"chart": before_statistics})), old_css)
    png("cost-chart-before", svg.render(Context({"chart": old.cost_chart([Comparison()])})), old_css)


if __name__ == "__main__":
    main()
