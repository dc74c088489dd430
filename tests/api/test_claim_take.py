"""The API's "I'm on it": POST takes a claim, DELETE lets it go; members only."""

import pytest

from annotations.models import Event, Role
from tests.api.conftest import client_for
from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

TEXT = "Taxes rose by 4%. Crime fell by 9%. Exports doubled in 2023."


@pytest.fixture
def claim():
    return ClaimFactory(document=DocumentFactory(text=TEXT), start=0, end=17)


def test_a_member_takes_and_releases_a_claim(claim):
    alice = member(claim.document.workspace, Role.ANNOTATOR)
    api = client_for(alice)
    url = f"/api/v1/claims/{claim.pk}/take/"
    assert api.post(url).status_code == 204
    assert Event.on_claims(claim.document_id) == {
        claim.pk: {"viewing": {}, "taken_by": (alice.pk, alice.username)}
    }
    assert api.delete(url).status_code == 204
    assert Event.on_claims(claim.document_id) == {}
    assert list(Event.objects.values_list("kind", flat=True)) == [
        "claim.taken",
        "claim.released",
    ]


def test_outsiders_and_anonymous_cannot_take_a_claim(claim, client):
    outsider = member(WorkspaceFactory(), Role.EDITOR)
    url = f"/api/v1/claims/{claim.pk}/take/"
    assert client_for(outsider).post(url).status_code == 404
    assert client.post(url).status_code == 401
    assert client_for(member(claim.document.workspace)).get(url).status_code == 405
    assert not Event.objects.exists()


def test_claim_edits_are_events_for_the_pages(claim):
    editor = member(claim.document.workspace, Role.EDITOR)
    api = client_for(editor)
    split = api.post(f"/api/v1/claims/{claim.pk}/split/", {"offset": 6}, format="json")
    assert split.status_code == 201
    assert api.delete(f"/api/v1/claims/{claim.pk}/").status_code == 204
    edits = Event.objects.filter(kind="claim.edited")
    assert [sorted(e.data) for e in edits] == [
        ["actor_name", "number", "split"],
        ["actor_name", "deleted", "number"],
    ]
    assert {e.claim_id for e in edits} == {claim.pk}
