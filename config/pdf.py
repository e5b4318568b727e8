"""PDF rendering with WeasyPrint, in one place.

WeasyPrint needs the system's Pango library (Debian: libpango-1.0-0 libpangoft2-1.0-0), which a fresh
machine with only Python may lack. Without it a PDF page answers 503 with a message saying what to install,
instead of an error page; everything else works.
"""

from pathlib import Path

from django.shortcuts import render
from django.utils.translation import gettext as _


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load: the system's Pango library is missing."""


def render_pdf(html: str, *, stylesheets: tuple[Path, ...] = ()) -> bytes:
    """The HTML as PDF. No base URL: the print templates load nothing, so WeasyPrint fetches nothing."""
    try:
        weasyprint = load_weasyprint()
    except OSError as exc:
        raise PdfUnavailable(str(exc)) from None
    return weasyprint.HTML(string=html).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(path)) for path in stylesheets]
    )


def load_weasyprint():
    # Imported here: WeasyPrint loads its fonts and Pango on import, which only PDF output needs.
    import weasyprint

    return weasyprint


def pdf_unavailable_response(request):
    message = _(
        "PDF kan inte skapas på den här servern: systembiblioteket Pango saknas. Be driften installera det "
        "(Debian: libpango-1.0-0 och libpangoft2-1.0-0)."
    )
    return render(request, "pdf_unavailable.html", {"message": message}, status=503)
