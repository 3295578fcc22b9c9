"""Monthly statements as PDF (issue 17, item 5), drawn by WeasyPrint from the statement's own
tables: the same figures as the page and the emailed CSV, with the months before beside them,
laid out by the print stylesheet (static/insight/statement-print.css) that also prints the page.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0). Where it is
missing, `statement_pdf` raises PDFUnavailable, which the page shows as an error message and
`send_statements` reports (sending the CSV alone), rather than failing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from firstcontact.insight.statements import Statement

PRINT_CSS = "insight/statement-print.css"


class PDFUnavailable(Exception):
    """The PDF cannot be made here (WeasyPrint or its system libraries are missing)."""


def statement_html(s: Statement) -> str:
    """The standalone HTML the PDF is drawn from (tests read the figures here)."""
    from firstcontact.insight.pages.statements import statement_tables

    return render_to_string(
        "insight/statement_pdf.html",
        {
            "statement": s,
            "client": s.client,
            "month": s.month,
            "tables": statement_tables(s),
            "made_at": timezone.localtime(),
        },
    )


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or its friends not installed
        raise PDFUnavailable(
            "PDF statements cannot be made on this server: WeasyPrint or the system libraries "
            f"it needs (Pango) are not installed ({error.__class__.__name__})."
        ) from error
    return weasyprint


def statement_pdf(s: Statement) -> bytes:
    weasyprint = _weasyprint()
    css = finders.find(PRINT_CSS)
    stylesheets = [weasyprint.CSS(filename=css)] if css else []
    # No base_url and a fetcher that refuses everything: the PDF is the statement alone, and
    # nothing in it can make the server fetch a URL or read a file.
    html = weasyprint.HTML(string=statement_html(s), url_fetcher=_refuse)
    return html.write_pdf(stylesheets=stylesheets)


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"statement PDFs load nothing from outside ({url})")


def pdf_filename(s: Statement) -> str:
    return f"statement-{s.client.slug}-{s.month:%Y-%m}.pdf"


def print_css_path() -> Path | None:
    found = finders.find(PRINT_CSS)
    return Path(found) if found else None
