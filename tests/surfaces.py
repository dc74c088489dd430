"""Every place the workbench shows a desk's work: pages, API routes, export formats (page
route and API, with and without include_approved), search, similar claims,
notifications and jobs. tests/test_visibility_surfaces.py asks each of them, as each
kind of member, and compares what it shows with permissions.Viewer's answer.

A new page, route or format that shows annotations, comments or claim states gets a
Surface here, and with it the same check.

Each surface says how much of what the viewer may see it carries (`scope`):

- "all": every annotation the viewer may see (an editor's hidden ones too);
- "unhidden": those, less hidden work (csv, w3c: hidden work never leaves the desk);
- "approved": those that are approved and not hidden (reports with include_approved);
- "none": no unpublished work at all (public formats without include_approved).

`complete` surfaces must show every annotation in scope; the others (lists with a
purpose of their own, such as queues) must only never show one out of scope. `comments`
surfaces show comments (then every comment the viewer may see); `states` surfaces
report claim states, which must be derived from the unhidden work the viewer may see.
"""

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from annotations import jobs
from annotations.models import Job


@dataclass
class Seen:
    annotations: set = field(default_factory=set)  # ids
    comments: set = field(default_factory=set)  # ids
    states: dict = field(default_factory=dict)  # claim id -> state
    refused: bool = False  # 404 (or 403): the surface showed nothing


@dataclass(frozen=True)
class Surface:
    name: str
    fetch: Callable  # (client, scenario) -> Seen
    scope: str = "all"
    complete: bool = True
    comments: bool = False
    states: bool = False


def _tokens(text: str, scenario, seen: Seen | None = None) -> Seen:
    seen = seen or Seen()
    for token, (kind, pk) in scenario.tokens.items():
        if token in text:
            (seen.annotations if kind == "annotation" else seen.comments).add(pk)
    return seen


def _get(client, url, **headers):
    response = client.get(url, **headers)
    if response.status_code in (403, 404):
        return None
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _page(path_of):
    def fetch(client, scenario):
        response = _get(client, path_of(scenario))
        if response is None:
            return Seen(refused=True)
        return _tokens(_text(response), scenario)

    return fetch


def _panels(client, scenario):
    seen = Seen()
    for claim in scenario.claims:
        response = _get(client, f"/claims/{claim.pk}/panel/", HTTP_HX_REQUEST="true")
        if response is None:
            return Seen(refused=True)
        _tokens(_text(response), scenario, seen)
    return seen


_STATE = re.compile(r'id="claim-(\d+)"[^>]*?data-state="(\w+)"')


def _document_page(client, scenario):
    response = _get(client, f"/documents/{scenario.document.pk}/")
    if response is None:
        return Seen(refused=True)
    text = _text(response)
    states = {int(pk): state for pk, state in _STATE.findall(text)}
    assert set(states) == {c.pk for c in scenario.claims}, states
    return _tokens(text, scenario, Seen(states=states))


def _workspace_counts(client, scenario):
    """The workspace page's per-document counts, turned back into the states they
    count (every claim of the scenario is in one document, with no verdict)."""
    response = _get(client, f"/w/{scenario.workspace.slug}/")
    if response is None:
        return Seen(refused=True)
    text = _text(response)
    match = re.search(
        rf">{re.escape(scenario.document.title)}</a>.*?<td>(\d+)</td><td>(\d+)</td>"
        r"<td>(\d+)</td><td>(\d+)</td>",
        text,
        re.S,
    )
    assert match, text[:2000]
    claims, annotated, approved, published = map(int, match.groups())
    return Seen(states={"counts": (claims, annotated, approved, published)})


def _api_list(path_of, key="results"):
    def fetch(client, scenario):
        response = _get(client, path_of(scenario))
        if response is None:
            return Seen(refused=True)
        body = response.json()
        rows = body[key] if isinstance(body, dict) else body
        return _tokens(json.dumps(rows), scenario)

    return fetch


def _api_details(client, scenario):
    seen = Seen()
    for annotation in scenario.annotations:
        response = _get(client, f"/api/v1/annotations/{annotation.pk}/")
        if response is not None:
            _tokens(_text(response), scenario, seen)
    return seen


def _api_claim_states(client, scenario):
    response = _get(client, f"/api/v1/claims/?document={scenario.document.pk}")
    if response is None:
        return Seen(refused=True)
    rows = response.json()["results"]
    return Seen(states={row["id"]: row["state"] for row in rows})


def _api_claim_state_filters(client, scenario):
    states = {}
    for state in ("unchecked", "in_progress", "approved", "published"):
        response = _get(client, f"/api/v1/claims/?document={scenario.document.pk}&state={state}")
        if response is None:
            return Seen(refused=True)
        for row in response.json()["results"]:
            assert row["id"] not in states, "a claim in two states"
            states[row["id"]] = state
    for claim in scenario.claims:
        states.setdefault(claim.pk, "none of the four")
    return Seen(states=states)


def _search_state_filters(api: bool):
    def fetch(client, scenario):
        states = {}
        for state in ("unchecked", "in_progress", "approved", "published"):
            if api:
                url = f"/api/v1/search/?workspace={scenario.workspace.slug}"
                url += f"&q={scenario.claim_word}&state={state}&limit=100"
                response = _get(client, url)
                if response is None:
                    return Seen(refused=True)
                ids = {r["claim"]["id"] for r in response.json()["results"] if r["kind"] == "claim"}
            else:
                url = f"/w/{scenario.workspace.slug}/search/?q={scenario.claim_word}&state={state}"
                response = _get(client, url)
                if response is None:
                    return Seen(refused=True)
                # Claim hits only: the badge says the kind, the link the claim.
                hits = re.findall(
                    r'badge">claim</span> <a href="[^"]*#claim-(\d+)"', _text(response)
                )
                ids = {int(pk) for pk in hits}
            for pk in ids:
                assert pk not in states, "a claim in two states"
                states[pk] = state
        for claim in scenario.claims:
            states.setdefault(claim.pk, "none of the four")
        return Seen(states=states)

    return fetch


def _run_job_and_download(client, job_id) -> str | None:
    jobs.run(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.SUCCEEDED, job.error
    response = _get(client, f"/jobs/{job_id}/download/")
    return None if response is None else response.content


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _export(fmt: str, *, api: bool, approved: bool):
    def fetch(client, scenario):
        base = "/api/v1" if api else ""
        url = f"{base}/documents/{scenario.document.pk}/export/{fmt}/"
        if approved:
            url += "?include_approved=1"
        response = client.get(url)
        if response.status_code in (403, 404):
            return Seen(refused=True)
        if response.status_code in (202, 302):
            # A background job: run it as a worker would, then download the result.
            job_id = int(re.search(r"/jobs/(\d+)/", response["Location"]).group(1))
            data = _run_job_and_download(client, job_id)
            if data is None:
                return Seen(refused=True)
        else:
            assert response.status_code == 200, (url, response.status_code)
            data = (
                b"".join(response.streaming_content)
                if getattr(response, "streaming", False)
                else response.content
            )
        if fmt == "pdf":
            return _tokens(_pdf_text(data), scenario)
        text = data.decode().lstrip("\ufeff")
        seen = _tokens(text, scenario)
        if fmt == "csv":
            seen.states = {
                int(row["id"]): row["state"] for row in csv.DictReader(io.StringIO(text))
            }
            # The CSV names the authors of the work it counts, claim by claim.
            for row in csv.DictReader(io.StringIO(text)):
                names = set(filter(None, row["annotators"].split("\n")))
                for annotation in scenario.annotations:
                    same_claim = annotation.claim_id == int(row["id"])
                    if same_claim and annotation.author.username in names:
                        seen.annotations.add(annotation.pk)
        return seen

    return fetch


def _similar(client, scenario):
    seen = Seen()
    for claim in scenario.claims:
        response = _get(client, f"/api/v1/claims/{claim.pk}/similar/")
        if response is None:
            return Seen(refused=True)
        _tokens(_text(response), scenario, seen)
    return seen


def _checked_before(api: bool):
    """Each claim's text asked of the "Checked before?" box or POST …/match/."""

    def fetch(client, scenario):
        seen = Seen()
        for claim in scenario.claims:
            if api:
                url = f"/api/v1/workspaces/{scenario.workspace.slug}/match/"
                response = client.post(url, {"text": claim.text}, content_type="application/json")
            else:
                url = f"/w/{scenario.workspace.slug}/checked-before/"
                response = client.post(url, {"text": claim.text})
            if response.status_code in (403, 404):
                return Seen(refused=True)
            assert response.status_code == 200, (url, response.status_code)
            _tokens(_text(response), scenario, seen)
        return seen

    return fetch


SURFACES: list[Surface] = [
    Surface("document page", _document_page, scope="unhidden", complete=False, states=True),
    Surface("claim panels", _panels, comments=True),
    Surface("workspace page counts", _workspace_counts, scope="none", states=True),
    Surface(
        "search page",
        _page(lambda s: f"/w/{s.workspace.slug}/search/?q={s.common_word}"),
    ),
    Surface(
        "search page state filter", _search_state_filters(api=False), scope="none", states=True
    ),
    Surface("review queue", _page(lambda s: "/review/"), complete=False),
    Surface("notifications page", _page(lambda s: "/notifications/"), scope="none"),
    Surface("assigned to me", _page(lambda s: "/assigned/"), scope="none"),
    Surface("API annotations", _api_list(lambda s: "/api/v1/annotations/")),
    Surface(
        "API document annotations",
        _api_list(lambda s: f"/api/v1/documents/{s.document.pk}/annotations/"),
    ),
    Surface("API annotation details", _api_details),
    Surface("API sources", _api_list(lambda s: "/api/v1/sources/")),
    Surface("API comments", _api_list(lambda s: "/api/v1/comments/"), scope="none", comments=True),
    Surface("API claim states", _api_claim_states, scope="none", states=True),
    Surface("API claim state filter", _api_claim_state_filters, scope="none", states=True),
    Surface(
        "API search",
        _api_list(
            lambda s: f"/api/v1/search/?workspace={s.workspace.slug}&q={s.common_word}&limit=100"
        ),
    ),
    Surface("API search state filter", _search_state_filters(api=True), scope="none", states=True),
    # Fact-checks published elsewhere: never a member's work, whoever asks.
    Surface(
        "reference fact-checks page",
        _page(lambda s: f"/w/{s.workspace.slug}/factchecks/"),
        scope="none",
        complete=False,
    ),
    Surface(
        "API reference fact-checks",
        _api_list(lambda s: f"/api/v1/workspaces/{s.workspace.slug}/factchecks/"),
        scope="none",
        complete=False,
    ),
    Surface("API similar claims", _similar, scope="none"),
    Surface("checked before? box", _checked_before(api=False), scope="none"),
    Surface("API match", _checked_before(api=True), scope="none"),
]
for _fmt in ("html", "md", "pdf", "claimreview", "csv", "json", "w3c"):
    for _api in (False, True):
        for _approved in (False, True):
            _scope = {
                "html": "approved" if _approved else "none",
                "md": "approved" if _approved else "none",
                "pdf": "approved" if _approved else "none",
                "claimreview": "none",
                "csv": "unhidden",
                "json": "all",
                "w3c": "unhidden",
            }[_fmt]
            SURFACES.append(
                Surface(
                    f"{'API ' if _api else ''}{_fmt} export"
                    + (" with include_approved" if _approved else ""),
                    _export(_fmt, api=_api, approved=_approved),
                    scope=_scope,
                    comments=_fmt == "json",
                    states=_fmt == "csv",
                )
            )
