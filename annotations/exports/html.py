"""The report as one self-contained HTML file: inline CSS and an inline SVG chart, no
scripts and no external requests (no stylesheets, fonts or images from anywhere), so
it can be mailed, archived or opened offline. Every text is escaped by the template;
Markdown goes through markdown.render_markdown."""

import json

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from annotations.exports.report import Entry, Report, build_report, display_name
from annotations.text.markdown import render_markdown

TEMPLATE = "annotations/report.html"

# Inside <script>, "</script>" (or "<!--") in a JSON string would end the element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(value) -> str:
    """JSON that is safe as the content of a <script> element."""
    return mark_safe(  # inert in HTML: the escapes above
        json.dumps(value, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)
    )


def _name(user) -> str:
    return display_name(user)


def _verdict_view(verdict) -> dict:
    return {
        "label": verdict.rating.label,
        "colour": verdict.rating.colour,
        "summary": verdict.summary,
        "correction_note": verdict.correction_note,
        "published_at": verdict.published_at,
        "retracted_at": verdict.retracted_at,
        "retraction_note": verdict.retraction_note,
        "checked_by": _name(verdict.checked_by),
        "reviewed_by": _name(verdict.reviewed_by),
        "published_by": _name(verdict.published_by),
    }


def entry_view(entry: Entry) -> dict:
    """An entry as plain dicts: Django templates resolve dict keys several times faster
    than attributes (each attribute lookup first tries, and fails, a key lookup), which
    matters for 2,000 claims."""
    return {
        "anchor": entry.anchor,
        "claim": entry.claim.pk,
        "start": entry.claim.start,
        "end": entry.claim.end,
        "number": entry.number,
        "text": entry.claim.text,
        "restatement": entry.claim.restatement,
        "said": entry.said,
        "published": entry.published,
        "verdict": _verdict_view(entry.verdict) if entry.verdict else None,
        "note_html": mark_safe(render_markdown(entry.note)) if entry.note else "",
        "sources": [vars(source) for source in entry.sources],
        "approved": [
            {
                "label": work.rating.label,
                "colour": work.rating.colour,
                "summary": work.summary,
                "note_html": mark_safe(render_markdown(work.note)) if work.note else "",
                "sources": [vars(source) for source in work.sources],
                "checked_by": _name(work.checked_by),
                "reviewed_by": _name(work.reviewed_by),
            }
            for work in entry.approved
        ],
        "history": [_verdict_view(old) for old in entry.history],
    }


def render(report: Report, *, jsonld=None, for_print=False, live=None) -> str:
    """The report as one HTML page. `live` (the public page only) names where the page
    follows new verdicts: {"mode": "stream" | "poll", "stream": url, "poll": url,
    "after": event id}; the exported file has no script."""
    return render_to_string(
        TEMPLATE,
        {
            "report": report,
            "live": live,
            "text_length": len(report.document.text),
            "document": report.document,
            "workspace": report.workspace,
            "entries": [entry_view(entry) for entry in report.entries],
            "methodology_html": mark_safe(render_markdown(report.workspace.methodology)),
            "chart": chart(report),
            "jsonld": json_for_script(jsonld) if jsonld is not None else "",
            "for_print": for_print,
        },
    )


def chart(report: Report) -> dict:
    """Geometry of the horizontal bar chart of published verdicts per rating."""
    row, label_width, bar_width = 26, 150, 300
    rows = [
        {
            "y": i * row,
            "text_y": i * row + 17,
            "width": round(bar_width * rc.percent / 100, 1),
            "count_x": label_width + round(bar_width * rc.percent / 100, 1) + 6,
            "rating_count": rc,
        }
        for i, rc in enumerate(report.rating_counts)
    ]
    return {
        "rows": rows,
        "height": max(len(rows) * row, row),
        "width": label_width + bar_width + 50,
        "label_width": label_width,
        "bar_x": label_width,
    }


def export(document, user=None, *, include_approved=False) -> bytes:
    report = build_report(document, include_approved=include_approved, user=user)
    return render(report).encode("utf-8")
