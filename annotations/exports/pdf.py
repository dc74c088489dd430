"""The report as PDF: WeasyPrint lays out the same HTML as the html export (its print
CSS included). WeasyPrint is imported on first use so that the rest of the application
runs where its system libraries (Pango, HarfBuzz, fontconfig) are missing.

It runs in the request for now; a 2,000-claim report takes seconds (bench/export.py),
which is why the production issue moves it to a background task.
"""

from annotations.exports.html import render
from annotations.exports.report import build_report


def export(document, user=None, *, include_approved=False) -> bytes:
    from weasyprint import HTML

    report = build_report(document, include_approved=include_approved, user=user)
    html = render(report, for_print=True)
    # base_url=None and a fetcher that refuses everything: the HTML needs nothing outside
    # itself, and a PDF renderer must never fetch URLs found in members' text.
    return HTML(string=html, base_url=None, url_fetcher=_refuse).write_pdf()


def _refuse(url, *args, **kwargs):
    raise ValueError(f"External resources are not fetched: {url[:100]}")
