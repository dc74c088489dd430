"""The API's claim fixes: DELETE a claim, POST merge and split; stored numbers."""

import pytest

from annotations.models import Claim, Role
from tests.api.conftest import client_for
from tests.factories import AnnotationFactory, ClaimFactory, DocumentFactory, member

pytestmark = pytest.mark.django_db

TEXT = "Taxes rose by 4%. Crime fell by 9%. Exports doubled in 2023."


@pytest.fixture
def desk():
    document = DocumentFactory(text=TEXT)
    claims = [
        ClaimFactory(document=document, start=s, end=e) for s, e in [(0, 17), (18, 35), (36, 60)]
    ]
    editor = member(document.workspace, Role.EDITOR)
    return document, claims, editor


def test_claims_carry_their_number(desk):
    document, claims, editor = desk
    rows = client_for(editor).get(f"/api/v1/claims/?document={document.pk}").json()["results"]
    assert [(r["id"], r["number"]) for r in rows] == [(c.pk, c.number) for c in claims]
    assert [r["number"] for r in rows] == [1, 2, 3]


def test_editor_deletes_an_unworked_claim(desk):
    document, claims, editor = desk
    response = client_for(editor).delete(f"/api/v1/claims/{claims[0].pk}/")
    assert response.status_code == 204
    assert list(document.claims.values_list("number", flat=True)) == [2, 3]


def test_deleting_a_claim_with_work_is_a_409_with_the_reason(desk):
    document, claims, editor = desk
    AnnotationFactory(claim=claims[0])
    response = client_for(editor).delete(f"/api/v1/claims/{claims[0].pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["detail"].startswith(
        "Claim 1 has annotations or a verdict, so it cannot be deleted"
    )


@pytest.mark.parametrize(("role", "status"), [(Role.ANNOTATOR, 403), (Role.REVIEWER, 403)])
def test_only_editors_fix_claims(desk, role, status):
    document, claims, _ = desk
    client = client_for(member(document.workspace, role))
    assert client.delete(f"/api/v1/claims/{claims[0].pk}/").status_code == status
    merge = client.post(
        f"/api/v1/claims/{claims[0].pk}/merge/", {"other": claims[1].pk}, format="json"
    )
    split = client.post(f"/api/v1/claims/{claims[0].pk}/split/", {"offset": 6}, format="json")
    assert (merge.status_code, split.status_code) == (status, status)
    assert merge.json()["detail"] == "Only editors can delete, merge or split claims."
    assert document.claims.count() == 3


def test_outsiders_and_anonymous_learn_nothing(desk):
    document, claims, _ = desk
    outsider = member(DocumentFactory().workspace, Role.EDITOR)
    assert client_for(outsider).delete(f"/api/v1/claims/{claims[0].pk}/").status_code == 404
    assert client_for(None).delete(f"/api/v1/claims/{claims[0].pk}/").status_code == 401


def test_merge_returns_the_kept_claim_with_the_lower_number(desk):
    document, claims, editor = desk
    response = client_for(editor).post(
        f"/api/v1/claims/{claims[2].pk}/merge/", {"other": claims[1].pk}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["number"], body["start"], body["end"]) == (claims[1].pk, 2, 18, 60)
    assert body["text"] == "Crime fell by 9%. Exports doubled in 2023."


@pytest.mark.parametrize(
    ("other", "field"), [(None, "other"), ("x", "other"), (0, "other"), (10**12, "other")]
)
def test_merge_with_a_bad_other_is_a_400_naming_the_field(desk, other, field):
    document, claims, editor = desk
    response = client_for(editor).post(
        f"/api/v1/claims/{claims[0].pk}/merge/", {"other": other}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_merge_with_a_claim_that_is_not_next_to_it_is_a_400(desk):
    document, claims, editor = desk
    response = client_for(editor).post(
        f"/api/v1/claims/{claims[0].pk}/merge/", {"other": claims[2].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Claims 1 and 3 are not next to each other; only neighbouring claims can be merged."
    )


def test_split_returns_both_parts_the_second_numbered_last(desk):
    document, claims, editor = desk
    response = client_for(editor).post(
        f"/api/v1/claims/{claims[0].pk}/split/", {"offset": 11}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["first"]["id"], body["first"]["number"], body["first"]["text"]) == (
        claims[0].pk,
        1,
        "Taxes rose",
    )
    assert (body["second"]["number"], body["second"]["text"]) == (4, "by 4%.")
    assert Claim.objects.get(pk=body["second"]["id"]).document == document


@pytest.mark.parametrize("offset", [0, 17, -3, "x", None])
def test_split_at_a_bad_offset_is_a_400(desk, offset):
    document, claims, editor = desk
    response = client_for(editor).post(
        f"/api/v1/claims/{claims[0].pk}/split/", {"offset": offset}, format="json"
    )
    assert response.status_code == 400
    assert "offset" in response.json()["errors"]
    assert document.claims.count() == 3
