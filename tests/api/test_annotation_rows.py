"""Lists read annotations as plain rows: each body is the one a GET of it gives."""

import pytest

from annotations.models import Annotation
from tests.api.conftest import client_for
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_listed_annotations_read_as_each_one_alone(desk):
    SourceFactory(annotation=desk.approved, position=0, published="2024-05-01")
    Annotation.objects.filter(pk=desk.draft.pk).update(rating=None)
    client = client_for(desk.editor)
    listed = client.get("/api/v1/annotations/?page_size=500").json()["results"]
    by_document = client.get(f"/api/v1/documents/{desk.document.pk}/annotations/").json()
    assert by_document["results"] == listed
    assert len(listed) == 3
    for body in listed:
        assert body == client.get(f"/api/v1/annotations/{body['id']}/").json()
    approved = next(b for b in listed if b["id"] == desk.approved.pk)
    assert [s["position"] for s in approved["sources"]] == [0, 0]
    assert approved["sources"][1]["published"] == "2024-05-01"
