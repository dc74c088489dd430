"""POST /api/v1/annotations/bulk/: up to 1,000 annotations, each answered as its own POST
would be, each saved whole or not at all."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation, Event, Role, Source
from tests.api.conftest import client_for
from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member, rating

pytestmark = pytest.mark.django_db

URL = "/api/v1/annotations/bulk/"


def _item(claim, **fields) -> dict:
    item = {
        "claim": claim.pk,
        "rating": rating(claim.document.workspace).pk,
        "summary": "The official figure is different.",
        "note": "The statistics office reports **another** figure.",
        "sources": [{"url": f"https://stats.example.org/t/{claim.pk}", "stance": "refutes"}],
    }
    return item | fields


def _claims(document, n):
    # The document's text is "Claim Claim …": one claim a word.
    return [ClaimFactory(document=document, start=6 * i, end=6 * i + 5) for i in range(n)]


@pytest.fixture
def world():
    workspace = WorkspaceFactory(slug="bulk", blind=True)
    other = WorkspaceFactory(slug="other")
    annotator = member(workspace, Role.ANNOTATOR, username="ann")
    colleague = member(workspace, Role.ANNOTATOR, username="col")
    document = DocumentFactory(workspace=workspace, text="Claim " * 60)
    foreign = ClaimFactory(document=DocumentFactory(workspace=other, text="Elsewhere, a claim."))
    claims = _claims(document, 8)
    return workspace, other, annotator, colleague, claims, foreign


def test_all_good_items_are_created_with_their_sources_and_history(world):
    workspace, _, annotator, _, claims, _ = world
    items = [_item(claim) for claim in claims[:3]]
    response = client_for(annotator).post(URL, items, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["failed"], body["errors"]) == (3, 0, [])
    saved = Annotation.objects.filter(author=annotator).order_by("pk")
    assert [a.claim_id for a in saved] == [c.pk for c in claims[:3]]
    assert [a["index"] for a in body["annotations"]] == [0, 1, 2]
    first = body["annotations"][0]["annotation"]
    assert first["id"] == saved[0].pk and first["claim"] == claims[0].pk
    assert first["status"] == "draft" and first["version"] == 1
    assert first["rating"]["label"] == "False"
    assert first["note"] == "The statistics office reports **another** figure."
    assert first["sources"][0]["url"] == f"https://stats.example.org/t/{claims[0].pk}"
    assert first["sources"][0]["position"] == 0
    assert Source.objects.filter(annotation__author=annotator).count() == 3
    history = Annotation.history.filter(author=annotator)
    assert sorted(h.history_type for h in history) == ["+", "+", "+"]
    assert {h.history_user_id for h in history} == {annotator.pk}
    # Each history row holds its annotation as saved, dated when it was made.
    fields = ("id", "claim_id", "rating_id", "summary", "note", "status", "version")
    assert [tuple(getattr(h, f) for f in fields) for h in history.order_by("id")] == [
        tuple(getattr(a, f) for f in fields) for a in saved
    ]
    assert {(h.history_date, h.history_change_reason) for h in history} == {
        (saved[0].created_at, None)
    }
    sources = Source.objects.filter(annotation__author=annotator).order_by("pk")
    source_history = Source.history.filter(annotation__author=annotator).order_by("id")
    assert [(h.id, h.url, h.annotation_id, h.history_type) for h in source_history] == [
        (s.pk, s.url, s.annotation_id, "+") for s in sources
    ]


def test_some_bad_items_are_reported_by_index_and_the_rest_saved(world):
    workspace, other, annotator, colleague, claims, foreign = world
    Annotation.objects.create(claim=claims[2], author=annotator)  # a draft already there
    items = [
        _item(claims[0]),
        _item(foreign),  # another desk's claim: 404, as alone
        _item(claims[1], rating=rating(other).pk),  # another desk's scale
        _item(claims[2]),  # already annotated: 409
        _item(claims[3], sources=[{"url": "javascript:alert(1)"}]),
        _item(claims[4], note="NUL \x00 here"),
        "not an object",
        {"rating": rating(workspace).pk},  # no claim
        _item(claims[5], summary="x" * 601),
        _item(claims[6]),
        _item(claims[6]),  # the same claim twice: the second is a duplicate
    ]
    response = client_for(annotator).post(URL, items, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 2 and body["failed"] == 9
    assert [a["index"] for a in body["annotations"]] == [0, 9]
    errors = {e["index"]: e for e in body["errors"]}
    assert {i: (e["status"], e["code"]) for i, e in errors.items()} == {
        1: (404, "not_found"),
        2: (400, "does_not_exist"),
        3: (409, "duplicate"),
        4: (400, "scheme"),
        5: (400, "null_characters_not_allowed"),
        6: (400, "invalid"),
        7: (400, "required"),
        8: (400, "max_length"),
        10: (409, "duplicate"),
    }
    assert errors[2]["errors"] == {"rating": ["No rating of this workspace's scale has this id."]}
    assert list(errors[4]["errors"]) == ["sources"]
    assert errors[5]["errors"] == {"note": ["Null characters are not allowed."]}
    assert errors[3]["detail"] == Annotation.DUPLICATE
    # Nothing of a refused item was kept: no annotation, no source.
    mine = Annotation.objects.filter(author=annotator)
    assert sorted(mine.values_list("claim_id", flat=True)) == sorted(
        [claims[0].pk, claims[2].pk, claims[6].pk]
    )
    assert Source.objects.filter(annotation__author=annotator).count() == 2


def test_each_item_gets_the_answer_its_own_post_would_get(world):
    workspace, other, annotator, _, claims, foreign = world
    Annotation.objects.create(claim=claims[2], author=annotator)
    items = [
        _item(claims[0]),
        _item(foreign),
        _item(claims[1], rating=rating(other).pk),
        _item(claims[2]),
        _item(claims[3], sources=[{"url": "https://ok.example.org", "published": "soon"}]),
        _item(claims[4], rating="five"),
        [1, 2],
    ]
    client = client_for(annotator)
    alone = []
    for item in items:
        with transaction.atomic():
            response = client.post("/api/v1/annotations/", item, format="json")
            alone.append((response.status_code, response.json()))
            transaction.set_rollback(True)
    body = client.post(URL, items, format="json").json()
    answers = {a["index"]: (201, a["annotation"]) for a in body["annotations"]}
    answers |= {e["index"]: (e["status"], e) for e in body["errors"]}
    for index, (status, single) in enumerate(alone):
        bulk_status, bulk_body = answers[index]
        assert bulk_status == status, index
        if status == 201:
            same = ("claim", "rating", "summary", "note", "status", "version")
            assert {k: bulk_body[k] for k in same} == {k: single[k] for k in same}
        else:
            assert {k: bulk_body[k] for k in ("detail", "code", "errors")} == single, index


def test_a_body_that_is_not_an_array_or_too_long_is_refused_whole(world):
    _, _, annotator, _, claims, _ = world
    client = client_for(annotator)
    cases = [
        ({"claim": claims[0].pk}, "Send a JSON array of annotations, as POST /annotations/ takes."),
        ([], "The array is empty."),
        (
            [_item(claims[0])] * 1001,
            "The array has 1,001 annotations; the limit is 1,000 a request. "
            "Send the rest in further requests.",
        ),
    ]
    for body, message in cases:
        response = client.post(URL, body, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == message
        assert response.json()["code"] == "invalid"
    assert not Annotation.objects.filter(author=annotator).exists()


def test_outsiders_get_404_per_item_and_anonymous_401(world):
    workspace, other, _, _, claims, _ = world
    outsider = member(other, Role.EDITOR)
    response = client_for(outsider).post(URL, [_item(claims[0])], format="json")
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {"index": 0, "status": 404, "detail": "Not found.", "code": "not_found", "errors": {}}
    ]
    assert client_for(None).post(URL, [_item(claims[0])], format="json").status_code == 401
    assert not Annotation.objects.filter(claim=claims[0]).exists()


def test_a_removed_member_can_no_longer_bulk_annotate(world):
    workspace, _, annotator, _, claims, _ = world
    client = client_for(annotator)
    workspace.memberships.filter(user=annotator).delete()
    response = client.post(URL, [_item(claims[0])], format="json")
    assert response.json()["errors"][0]["status"] == 404
    assert not Annotation.objects.filter(claim=claims[0]).exists()


def test_a_race_lost_at_write_time_costs_only_the_item_that_lost(world, monkeypatch):
    _, _, annotator, _, claims, _ = world
    check_start = Annotation.check_start.__func__

    def racing(cls, claim, by, fields):
        check_start(cls, claim, by, fields)
        if claim == claims[1] and not Annotation.objects.filter(claim=claim).exists():
            # Another request by the same author starts on this claim after the checks.
            Annotation.objects.create(claim=claim, author=by, note="From elsewhere.")

    monkeypatch.setattr(Annotation, "check_start", classmethod(racing))
    items = [_item(claim) for claim in claims[:3]]
    response = client_for(annotator).post(URL, items, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [a["index"] for a in body["annotations"]] == [0, 2]
    assert [(e["index"], e["status"], e["code"]) for e in body["errors"]] == [(1, 409, "duplicate")]
    kept = Annotation.objects.get(claim=claims[1], author=annotator)
    assert kept.note == "From elsewhere." and not kept.sources.exists()
    assert Source.objects.filter(annotation__claim__in=[claims[0], claims[2]]).count() == 2


def test_bulk_queries_do_not_grow_with_the_items(world):
    _, _, annotator, _, claims, _ = world
    client = client_for(annotator)
    client.get("/api/v1/workspaces/")  # the token's first use
    counts = []
    for batch in (claims[:1], claims[1:8]):
        items = [_item(claim) for claim in batch]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(URL, items, format="json")
        assert response.status_code == 201
        counts.append(len(queries))
    assert counts[0] == counts[1], [q["sql"][:150] for q in queries.captured_queries]


def test_bulk_annotations_are_indexed_for_search_as_single_ones(world):
    _, _, annotator, _, claims, _ = world
    client = client_for(annotator)
    assert client.post("/api/v1/annotations/", _item(claims[0]), format="json").status_code == 201
    assert client.post(URL, [_item(claims[1])], format="json").status_code == 201
    vectors = dict(
        Annotation.objects.filter(author=annotator).values_list("claim_id", "search_vector")
    )
    assert vectors[claims[1].pk] == vectors[claims[0].pk]
    if connection.vendor == "postgresql":
        assert "'offici':2A" in vectors[claims[1].pk]
    else:
        assert vectors[claims[1].pk] is None


def test_each_saved_item_is_one_event_as_a_single_start_records(
    world, django_capture_on_commit_callbacks
):
    workspace, _, annotator, _, claims, foreign = world
    items = [_item(claims[0]), _item(foreign), _item(claims[1])]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(annotator).post(URL, items, format="json")
    assert response.status_code == 200
    events = Event.objects.filter(kind=Event.Kind.ANNOTATION_SAVED).order_by("pk")
    saved = list(Annotation.objects.filter(author=annotator).order_by("pk"))
    assert [(e.annotation_id, e.claim_id, e.actor_id, e.workspace_id) for e in events] == [
        (a.pk, a.claim_id, annotator.pk, workspace.pk) for a in saved
    ]
    assert [e.data["status"] for e in events] == ["draft", "draft"]
    assert [e.data["number"] for e in events] == [claims[0].number, claims[1].number]
