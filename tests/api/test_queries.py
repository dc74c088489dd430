"""Every list endpoint answers with a fixed number of queries, at 1 row as at 50."""

import pytest
from django.db import connection

from annotations.models import Annotation, Event, Role, Source
from tests.api.conftest import client_for
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    SourceFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def _world(n):
    """A blind workspace with n rows of every kind, visible to its editor."""
    workspace = WorkspaceFactory(slug="q", blind=True)
    editor = member(workspace, Role.EDITOR, username="ed")
    text = " ".join(f"Claim number {i} is here." for i in range(n))
    document = DocumentFactory(workspace=workspace, text=text)
    annotations = []
    for i in range(n):
        start = text.index(f"Claim number {i} ")
        claim = ClaimFactory(document=document, start=start, end=start + 10, assignee=editor)
        author = UserFactory()
        workspace.memberships.create(user=author, role=Role.ANNOTATOR)
        annotation = AnnotationFactory(
            claim=claim, author=author, status=Annotation.Status.APPROVED
        )
        SourceFactory(annotation=annotation)
        SourceFactory(annotation=annotation)
        CommentFactory(annotation=annotation, author=editor)
        VerdictFactory(
            claim=claim,
            annotation=annotation,
            rating=rating(workspace),
            published_by=editor,
            checked_by=author,
            reviewed_by=editor,
        )
        FlagFactory(annotation=annotation, reporter=editor)
        annotations.append(annotation)
    first = annotations[0]
    for i in range(n):
        DocumentFactory(workspace=workspace, text=f"Another document, number {i}.")
        SourceFactory(annotation=first)
        CommentFactory(annotation=first, author=editor)
    # One more workspace, of which the editor is an annotator, so the visibility
    # filters span several workspaces.
    other = WorkspaceFactory(slug="q2", blind=True)
    other.memberships.create(user=editor, role=Role.ANNOTATOR)
    for _ in range(n):
        other.memberships.create(user=UserFactory(), role=Role.REVIEWER)
    return workspace, editor, document, annotations[0]


# (url, Accept, queries). Every request starts with two: the token with its user, and
# the user's memberships (roles, with each desk's blind flag, which is all the
# annotation visibility needs).
ENDPOINTS = [
    # + workspaces
    ("/api/v1/workspaces/", None, 3),
    # + workspace, memberships with users
    ("/api/v1/workspaces/q/members/", None, 4),
    # + workspace, its scale, ratings
    ("/api/v1/workspaces/q/ratings/", None, 5),
    # + documents with workspace and creator
    ("/api/v1/documents/", None, 3),
    # + claims with state, current verdict rating and assignee
    ("/api/v1/claims/", None, 3),
    ("/api/v1/claims/?state=published&rating=False&assignee=me&checkworthiness_min=0.5", None, 3),
    # + annotations with author and rating, their sources
    ("/api/v1/annotations/", None, 4),
    ("/api/v1/annotations/?status=approved&document={doc}", None, 4),
    # + document, annotations, sources
    ("/api/v1/documents/{doc}/annotations/", None, 5),
    # + document, count, annotations with claims, sources, the document's text
    ("/api/v1/documents/{doc}/annotations/", W3C, 7),
    # + sources
    ("/api/v1/sources/", None, 3),
    # + comments with authors
    ("/api/v1/comments/", None, 3),
    # + verdicts with rating and people
    ("/api/v1/verdicts/", None, 3),
    ("/api/v1/verdicts/?document={doc}&current=true", None, 3),
    # + flags with people
    ("/api/v1/flags/", None, 3),
    # + the annotation, its sources
    ("/api/v1/annotations/{ann}/sources/", None, 4),
    # + the annotation, its sources, comments
    ("/api/v1/annotations/{ann}/comments/", None, 5),
]


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(("url", "accept", "queries"), ENDPOINTS)
def test_list_query_count_does_not_grow_with_rows(
    rows, url, accept, queries, django_assert_num_queries
):
    workspace, editor, document, annotation = _world(rows)
    client = client_for(editor)
    url = url.format(doc=document.pk, ann=annotation.pk)
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    with django_assert_num_queries(queries):
        response = client.get(url, **headers)
    assert response.status_code == 200
    body = response.json()
    items = body.get("results", body) if isinstance(body, dict) else body
    if "first" in body:
        items = body["first"]["items"]
    if not url.endswith(("/workspaces/", "/ratings/")):
        assert len(items) >= rows


def test_the_claim_list_reads_no_column_only_search_and_matching_read(
    django_assert_num_queries,
):
    workspace, editor, document, annotation = _world(3)
    client = client_for(editor)
    with django_assert_num_queries(3) as captured:
        response = client.get("/api/v1/claims/")
    assert response.status_code == 200
    (claims_sql,) = [q["sql"] for q in captured.captured_queries if "annotations_claim" in q["sql"]]
    assert '"annotations_claim"."text"' in claims_sql
    assert "match_text" not in claims_sql
    assert "search_vector" not in claims_sql


def test_an_annotation_post_writes_in_one_transaction_without_looking_first(
    django_assert_num_queries,
):
    workspace = WorkspaceFactory()
    author = member(workspace, Role.ANNOTATOR)
    claim = ClaimFactory(document=DocumentFactory(workspace=workspace))
    body = {
        "claim": claim.pk,
        "rating": rating(workspace).pk,
        "summary": "The figure is different.",
        "note": "The office says **otherwise**.",
        "sources": [{"url": "https://stats.example.org/t/1", "stance": "refutes"}],
    }
    client = client_for(author)
    client.get("/api/v1/workspaces/")  # warms what a process reads once
    # The token; one statement for the claim (with its document and workspace), the
    # author's roles and the rating; then one savepoint (a transaction outside tests)
    # around the annotation, then its event, its source and the history rows of both
    # (one statement on PostgreSQL; on SQLite one each, the history rows one a table).
    writes = 2 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(4 + writes) as captured:
        response = client.post("/api/v1/annotations/", body, format="json")
    assert response.status_code == 201, response.json()
    sql = [query["sql"] for query in captured]
    assert sql[2].startswith("SAVEPOINT") and sql[-1].startswith("RELEASE SAVEPOINT")
    assert not any(s.startswith("SELECT") for s in sql[2:])
    assert all(s.startswith(("INSERT", "WITH")) for s in sql[3:-1])
    annotation = Annotation.objects.get(pk=response.json()["id"])
    assert [(h.history_type, h.history_user_id) for h in annotation.history.all()] == [
        ("+", author.pk)
    ]
    source = annotation.sources.get()
    assert [(h.history_type, h.history_user_id, h.url) for h in source.history.all()] == [
        ("+", author.pk, "https://stats.example.org/t/1")
    ]


def test_sources_posted_with_an_annotation_keep_their_order_ids_history_and_event():
    workspace = WorkspaceFactory()
    author = member(workspace, Role.ANNOTATOR)
    claim = ClaimFactory(document=DocumentFactory(workspace=workspace))
    urls = [f"https://stats.example.org/t/{i}" for i in range(3)]
    body = {"claim": claim.pk, "sources": [{"url": url} for url in urls]}
    response = client_for(author).post("/api/v1/annotations/", body, format="json")
    assert response.status_code == 201, response.json()
    annotation = response.json()["id"]
    answered = [(s["id"], s["url"], s["position"]) for s in response.json()["sources"]]
    stored = Source.objects.filter(annotation_id=annotation).order_by("position")
    assert answered == list(stored.values_list("id", "url", "position"))
    assert [url for _, url, _ in answered] == urls and [p for *_, p in answered] == [0, 1, 2]
    history = Source.history.filter(annotation_id=annotation).order_by("id")
    assert list(history.values_list("id", "url", "history_type", "history_user_id")) == [
        (pk, url, "+", author.pk) for pk, url, _ in answered
    ]
    event = Event.objects.get(annotation_id=annotation)
    assert (event.kind, event.actor_id, event.claim_id) == ("annotation.saved", author.pk, claim.pk)
    assert event.data["number"] == claim.number and event.data["status"] == "draft"
