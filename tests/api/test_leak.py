"""Nothing hidden, and nothing blind mode hides, reaches an annotator through any endpoint.

Every piece of text that the annotator must not see carries the marker LEAK; text they
may see carries SEEN, so the crawl proves it reached the places where leaks would show.
"""

import pytest

from annotations.models import Annotation, Comment, Role
from tests.api.conftest import client_for
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    SourceFactory,
    WorkspaceFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
FORMATS = ["html", "pdf", "md", "csv", "json", "claimreview", "w3c"]


@pytest.fixture
def blind_desk():
    workspace = WorkspaceFactory(slug="blind", blind=True)
    annotator = member(workspace, Role.ANNOTATOR, username="annie")
    colleague = member(workspace, Role.ANNOTATOR, username="colin")
    reviewer = member(workspace, Role.REVIEWER, username="rhea")
    editor = member(workspace, Role.EDITOR, username="edna")
    text = "Crime fell by 12% in 2023. Exports doubled since 2010. Wages rose 3% last year."
    document = DocumentFactory(workspace=workspace, text=text)
    submitted_claim = ClaimFactory(document=document, start=0, end=26)
    unsubmitted_claim = ClaimFactory(document=document, start=27, end=54)
    third_claim = ClaimFactory(document=document, start=55, end=len(text))
    own = AnnotationFactory(
        claim=submitted_claim, author=annotator, status=Annotation.Status.SUBMITTED
    )
    AnnotationFactory(claim=unsubmitted_claim, author=annotator, summary="My own draft SEEN.")
    # Visible: a colleague's work on the claim the annotator has submitted on.
    visible = AnnotationFactory(
        claim=submitted_claim,
        author=colleague,
        status=Annotation.Status.SUBMITTED,
        summary="Colleague summary SEEN.",
    )
    CommentFactory(annotation=visible, author=reviewer, body="Reviewer remark SEEN.")
    # Blind: a colleague's work on a claim the annotator has not submitted on.
    blind = AnnotationFactory(
        claim=unsubmitted_claim,
        author=colleague,
        status=Annotation.Status.SUBMITTED,
        summary="LEAK blind summary",
        note="LEAK blind note",
        rating=rating(workspace, "Mostly false"),
    )
    SourceFactory(annotation=blind, url="https://leak.example/LEAK", title="LEAK title")
    CommentFactory(annotation=blind, author=reviewer, body="LEAK blind comment")
    # Hidden by an editor: on a claim the annotator may otherwise see.
    hidden = AnnotationFactory(
        claim=submitted_claim,
        author=reviewer,
        status=Annotation.Status.SUBMITTED,
        summary="LEAK hidden summary",
        note="LEAK hidden note",
    )
    SourceFactory(annotation=hidden, url="https://hidden.example/LEAK")
    hidden.hide(editor, "LEAK moderation note")
    hidden_comment = CommentFactory(annotation=visible, author=reviewer, body="LEAK hidden comment")
    hidden_comment.hide(editor, "LEAK why")
    # Someone else's flag, with its reason.
    FlagFactory(annotation=visible, reporter=reviewer, reason="LEAK flag reason")
    other_ws_document = DocumentFactory(text="LEAK in another workspace entirely.")
    AnnotationFactory(claim=ClaimFactory(document=other_ws_document), summary="LEAK elsewhere")
    return {
        "workspace": workspace,
        "annotator": annotator,
        "document": document,
        "own": own,
        "third_claim": third_claim,
    }


def _urls():
    from annotations.models import Claim, Document, Flag, Source, Verdict

    urls = [
        ("/api/v1/workspaces/", None),
        ("/api/v1/workspaces/blind/", None),
        ("/api/v1/workspaces/blind/members/", None),
        ("/api/v1/workspaces/blind/ratings/", None),
        ("/api/v1/workspaces/blind/rating-scale/", None),
    ]
    for name in ["documents", "claims", "annotations", "sources", "comments", "verdicts", "flags"]:
        urls.append((f"/api/v1/{name}/?page_size=500", None))
    for document in Document.objects.all():
        urls += [
            (f"/api/v1/documents/{document.pk}/", None),
            (f"/api/v1/documents/{document.pk}/annotations/", None),
            (f"/api/v1/documents/{document.pk}/annotations/", W3C),
            (f"/api/v1/documents/{document.pk}/annotations/?page=0", W3C),
            (f"/api/v1/annotations/?document={document.pk}", None),
            (f"/api/v1/comments/?document={document.pk}", None),
        ]
        urls += [(f"/api/v1/documents/{document.pk}/export/{f}/", None) for f in FORMATS]
        urls += [
            (f"/api/v1/documents/{document.pk}/export/{f}/?include_approved=1", None)
            for f in FORMATS
        ]
    for claim in Claim.objects.all():
        urls += [
            (f"/api/v1/claims/{claim.pk}/", None),
            (f"/api/v1/annotations/?claim={claim.pk}", None),
            (f"/api/v1/verdicts/?claim={claim.pk}", None),
        ]
    for annotation in Annotation.objects.all():
        urls += [
            (f"/api/v1/annotations/{annotation.pk}/", None),
            (f"/api/v1/annotations/{annotation.pk}/", W3C),
            (f"/api/v1/annotations/{annotation.pk}/sources/", None),
            (f"/api/v1/annotations/{annotation.pk}/comments/", None),
            (f"/api/v1/sources/?annotation={annotation.pk}", None),
            (f"/api/v1/comments/?annotation={annotation.pk}", None),
        ]
    for model, prefix in [
        (Source, "sources"),
        (Comment, "comments"),
        (Verdict, "verdicts"),
        (Flag, "flags"),
    ]:
        urls += [
            (f"/api/v1/{prefix}/{pk}/", None) for pk in model.objects.values_list("pk", flat=True)
        ]
    return urls


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _crawl(client):
    bodies = {}
    for url, accept in _urls():
        response = client.get(url, **({"HTTP_ACCEPT": accept} if accept else {}))
        # The PDF is a job (202): its file is the html's text, crawled here too.
        expected = (202, 404) if "/export/pdf/" in url else (200, 404)
        assert response.status_code in expected, (url, response.status_code)
        bodies[(url, accept)] = _body(response)
    return bodies


def test_no_hidden_or_blind_text_reaches_an_annotator(blind_desk):
    bodies = _crawl(client_for(blind_desk["annotator"]))
    leaks = [key for key, body in bodies.items() if b"LEAK" in body]
    assert leaks == []
    seen = b"".join(bodies.values())
    assert seen.count(b"Colleague summary SEEN.") >= 5
    assert b"Reviewer remark SEEN." in seen
    assert b"My own draft SEEN." in seen


def test_annotator_sees_colleagues_work_once_they_submit(blind_desk):
    from annotations.models import Claim

    claim = Claim.objects.get(start=27)
    client = client_for(blind_desk["annotator"])
    assert b"LEAK blind summary" not in client.get("/api/v1/annotations/").content
    mine = Annotation.objects.get(claim=claim, author=blind_desk["annotator"])
    response = client.post(f"/api/v1/annotations/{mine.pk}/submit/", {}, format="json")
    assert response.status_code == 200
    assert b"LEAK blind summary" in client.get("/api/v1/annotations/").content


def test_editor_sees_hidden_work_marked_hidden(blind_desk):
    editor = blind_desk["workspace"].memberships.get(role=Role.EDITOR).user
    body = client_for(editor).get("/api/v1/annotations/?page_size=500").json()
    hidden = [a for a in body["results"] if a["summary"] == "LEAK hidden summary"]
    assert len(hidden) == 1 and hidden[0]["hidden"] is True
    comments = client_for(editor).get("/api/v1/comments/").json()["results"]
    assert any(c["hidden"] and c["body"] == "LEAK hidden comment" for c in comments)


def test_reviewer_sees_blind_work_and_no_hidden_work_not_even_her_own(blind_desk):
    reviewer = blind_desk["workspace"].memberships.get(user__username="rhea").user
    client = client_for(reviewer)
    body = client.get("/api/v1/annotations/?page_size=500").json()
    summaries = {a["summary"]: a["hidden"] for a in body["results"]}
    assert summaries["LEAK blind summary"] is False
    # The hidden annotation is rhea's own: it vanishes for her too (DESIGN.md).
    assert "LEAK hidden summary" not in summaries
    hidden = Annotation.objects.get(summary="LEAK hidden summary")
    assert client.get(f"/api/v1/annotations/{hidden.pk}/").status_code == 404
    assert b"LEAK hidden comment" not in client.get("/api/v1/comments/").content


def test_annotator_does_not_see_a_colleagues_hidden_work(blind_desk):
    content = client_for(blind_desk["annotator"]).get("/api/v1/annotations/").content
    assert b"Colleague summary SEEN." in content
    assert b"LEAK hidden summary" not in content


def test_hidden_comment_is_404_for_its_own_author_after_hiding(blind_desk):
    comment = Comment.objects.get(body="LEAK hidden comment")
    response = client_for(comment.author).get(f"/api/v1/comments/{comment.pk}/")
    assert response.status_code == 404


def test_the_crawl_would_find_every_marker(blind_desk):
    """The same crawl as an editor finds each marker: the annotator's clean crawl means
    the API filtered them, not that the crawl missed them."""
    editor = blind_desk["workspace"].memberships.get(role=Role.EDITOR).user
    seen = b"".join(_crawl(client_for(editor)).values())
    for marker in [
        b"LEAK blind summary",
        b"LEAK blind note",
        b"https://leak.example/LEAK",
        b"LEAK blind comment",
        b"LEAK hidden summary",
        b"LEAK hidden comment",
        b"LEAK flag reason",
    ]:
        assert marker in seen, marker
