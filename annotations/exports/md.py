"""The report in Markdown, for pasting into a CMS.

Plain text fields (titles, summaries, claim text, names, source titles) are escaped so they
render as the text they are: every Markdown-special character gets a backslash, newlines
become spaces (a newline could start a heading or a list), and a leading list or heading
marker is escaped. Notes and the methodology are Markdown by design and go out as
Markdown, made safe for whatever renderer the CMS uses: raw HTML and autolinks are
disabled by escaping `<`, entities by escaping `&`, and any link, image or reference
definition whose destination is not http(s), mailto or relative loses its link syntax.
Inside code spans the escapes show as backslashes; that is the price of being safe.
"""

import re

from annotations.exports.report import Report, ReportSource, build_report, display_name
from annotations.text.dates import long_date

_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|~!(){}])")
_LINE_START_NUMBER = re.compile(r"^(\d+)([.)])")


def escape_markdown(text) -> str:
    """Plain text -> inline Markdown that renders exactly as that text."""
    text = " ".join(str(text or "").split())
    text = _SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_NUMBER.sub(r"\1\\\2", text)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    return text


def markdown_url(url: str) -> str:
    """A link destination that cannot break out of its parentheses."""
    for char, code in (("\\", "%5C"), ("<", "%3C"), (">", "%3E"), (" ", "%20"), ("\n", "")):
        url = url.replace(char, code)
    return f"<{url}>"


ALLOWED_SCHEMES = {"http", "https", "mailto"}
_INLINE_DEST = re.compile(r"\]\(\s*(<[^>\n]*>?|[^\s)]*)")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[(?:[^\]\\]|\\.)+\]:\s*(\S+)", re.MULTILINE)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\\<>]+")


def _unsafe_destination(dest: str) -> bool:
    # Browsers drop tabs and newlines inside URLs, and Markdown drops backslash escapes,
    # so "java\tscript:" and "javascript\:" must count as "javascript:".
    cleaned = _INVISIBLE.sub("", dest).lower()
    match = _SCHEME.match(cleaned)
    return bool(match) and match.group(1) not in ALLOWED_SCHEMES


def safe_markdown(text: str) -> str:
    """Members' Markdown with no raw HTML, no entities and no non-http(s) links."""
    text = _INLINE_DEST.sub(
        lambda m: "]\\(" + m.group(0)[2:] if _unsafe_destination(m.group(1)) else m.group(0),
        text or "",
    )
    text = _REFERENCE_DEF.sub(
        lambda m: "\\" + m.group(0).lstrip(" ") if _unsafe_destination(m.group(1)) else m.group(0),
        text,
    )
    return text.replace("&", "\\&").replace("<", "\\<")


def _sources(sources: list[ReportSource]) -> list[str]:
    lines = ["", "**Sources**", ""]
    for s in sources:
        line = f"- [{escape_markdown(s.title or s.url)}]({markdown_url(s.url)})"
        if s.publisher:
            line += f", {escape_markdown(s.publisher)}"
        if s.published:
            line += f", {escape_markdown(s.published)}"
        if s.stance:
            line += f" ({escape_markdown(s.stance)})"
        if s.archive_url:
            line += f" · [archived]({markdown_url(s.archive_url)})"
        lines.append(line)
        if s.excerpt:
            lines.append(f"  > {escape_markdown(s.excerpt)}")
    return lines


def render(report: Report) -> str:
    document, workspace = report.document, report.workspace
    out = [f"# {escape_markdown(document.title)}", ""]
    if workspace.organisation_name:
        out += [f"{escape_markdown(workspace.organisation_name)} · Fact-check report", ""]
    if document.speaker:
        out.append(f"- **Speaker:** {escape_markdown(document.speaker)}")
    if document.published:
        out.append(f"- **Published:** {long_date(document.published)}")
    if document.source_url:
        out.append(f"- **Source:** [{escape_markdown(document.source_url)}]"
                   f"({markdown_url(document.source_url)})")  # fmt: skip
    out += [f"- **Generated:** {report.generated_at:%Y-%m-%d %H:%M %Z}", "", "## Summary", ""]

    if report.is_empty:
        tail = ", and no check has been approved" if report.include_approved else ""
        out += [f"No verdict has been published for this document yet{tail}.", ""]
    else:
        out.append(f"{report.published_count} published verdict(s).")
        if report.include_approved:
            out.append(f"{report.approved_count} claim(s) with approved checks not yet published.")
        out += ["", "| Rating | Published verdicts |", "| --- | ---: |"]
        out += [
            f"| {escape_markdown(rc.rating.label)} | {rc.count} |" for rc in report.rating_counts
        ]
        out += ["", "| # | Claim | Verdict |", "| ---: | --- | --- |"]
        for entry in report.entries:
            if entry.published:
                verdict = escape_markdown(entry.verdict.rating.label)
            elif entry.verdict:
                verdict = "Retracted"
            else:
                verdict = "Approved, not yet published"
            text = entry.claim.text
            text = text if len(text) <= 140 else text[:139] + "…"
            out.append(f"| {entry.number} | {escape_markdown(text)} | {verdict} |")
        out += ["", "## Claims and verdicts", ""]
        for entry in report.entries:
            out += _entry(report, entry)

    if workspace.methodology.strip():
        out += ["## Methodology", "", safe_markdown(workspace.methodology.strip()), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _entry(report: Report, entry) -> list[str]:
    claim = entry.claim
    out = [f"### Claim {entry.number}", "", f"> {escape_markdown(claim.text)}", ""]
    if entry.said:
        out += [f"*Said by* {escape_markdown(entry.said)}", ""]
    if report.document.report_published_at:
        out += [f"Link: <{report.claim_url(entry)}>", ""]
    if claim.restatement:
        out += [f"*Checked as:* {escape_markdown(claim.restatement)}", ""]
    verdict = entry.verdict
    if verdict is not None:
        rating, summary = escape_markdown(verdict.rating.label), escape_markdown(verdict.summary)
        if entry.published:
            out.append(f"**Verdict: {rating}.** {summary}")
            if verdict.correction_note:
                out += ["", f"*Correction ({long_date(verdict.published_at)}):* "
                        f"{escape_markdown(verdict.correction_note)}"]  # fmt: skip
        else:
            out.append(
                f"**Verdict retracted** on {long_date(verdict.retracted_at)}: "
                f"{escape_markdown(verdict.retraction_note)} (was: {rating}. ~~{summary}~~)"
            )
        if entry.note:
            out += ["", safe_markdown(entry.note.strip())]
        if entry.sources:
            out += _sources(entry.sources)
        people = []
        if verdict.checked_by:
            people.append(f"Checked by {escape_markdown(display_name(verdict.checked_by))}.")
        if verdict.reviewed_by:
            people.append(f"Reviewed by {escape_markdown(display_name(verdict.reviewed_by))}.")
        people.append(f"Published on {long_date(verdict.published_at)}.")
        out += ["", " ".join(people)]
    for work in entry.approved:
        out += [
            f"**Approved, not yet published: {escape_markdown(work.rating.label)}.** "
            f"{escape_markdown(work.summary)}"
        ]
        if work.note:
            out += ["", safe_markdown(work.note.strip())]
        if work.sources:
            out += _sources(work.sources)
        line = f"Checked by {escape_markdown(display_name(work.checked_by))}."
        if work.reviewed_by:
            line += f" Reviewed by {escape_markdown(display_name(work.reviewed_by))}."
        out += ["", line, ""]
    if entry.history:
        out += ["", "**Earlier verdicts**", ""]
        for old in entry.history:
            line = (
                f"- {long_date(old.published_at)}: {escape_markdown(old.rating.label)} — "
                f"{escape_markdown(old.summary)}"
            )
            if old.correction_note:
                line += f" (correction: {escape_markdown(old.correction_note)})"
            if old.retracted_at:
                line += (
                    f" (retracted {long_date(old.retracted_at)}: "
                    f"{escape_markdown(old.retraction_note)})"
                )
            out.append(line)
    out.append("")
    return out


def export(document, user=None, *, include_approved=False) -> bytes:
    report = build_report(document, include_approved=include_approved, user=user)
    return render(report).encode("utf-8")
