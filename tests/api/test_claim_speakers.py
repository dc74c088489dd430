"""The API gives each claim its speaker and time and filters claims by speaker."""

import pytest
from rest_framework.test import APIClient

from annotations.services import import_document
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "[00:00:05] MODERATOR: Good evening.\n\n"
    "[00:00:12] JANE DOE: Taxes rose by 3 per cent last year.\n\n"
    "MODERATOR: Thank you."
)


def test_claims_carry_speaker_and_time_and_filter_by_speaker():
    workspace = WorkspaceFactory()
    document = import_document(workspace, TRANSCRIPT, speaker="Broadcaster").document
    client = APIClient()
    client.force_authenticate(member(workspace))
    url = f"/api/v1/claims/?document={document.pk}"
    rows = client.get(url).json()["results"]
    assert [(r["text"], r["speaker"], r["spoken_at"]) for r in rows] == [
        ("Good evening.", "MODERATOR", 5),
        ("Taxes rose by 3 per cent last year.", "JANE DOE", 12),
        ("Thank you.", "MODERATOR", None),
    ]
    rows = client.get(url + "&speaker=moderator").json()["results"]
    assert [r["text"] for r in rows] == ["Good evening.", "Thank you."]
    assert client.get(url + "&speaker=Broadcaster").json()["results"] == []


def test_claim_speaker_cannot_be_changed_through_the_api():
    workspace = WorkspaceFactory()
    document = import_document(workspace, TRANSCRIPT).document
    claim = document.claims.get(text="Good evening.")
    client = APIClient()
    client.force_authenticate(member(workspace, "editor"))
    response = client.patch(
        f"/api/v1/claims/{claim.pk}/", {"speaker": "Someone else", "spoken_at": 1}, format="json"
    )
    claim.refresh_from_db()
    assert (claim.speaker, claim.spoken_at) == ("MODERATOR", 5)
    # Read-only fields are ignored, as for the offsets: the claim comes back unchanged.
    assert response.status_code == 200
    assert (response.json()["speaker"], response.json()["spoken_at"]) == ("MODERATOR", 5)
