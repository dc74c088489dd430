"""Storing reference fact-checks: all or nothing, no duplicates, editors only."""

from datetime import date

import pytest
from django.db import connection

from annotations.models import ReferenceFactCheck, Role, WorkflowError
from annotations.services.factchecks import FactCheckRecord, store_references
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db

MASKS = FactCheckRecord(
    claim="Face masks cause oxygen deprivation.",
    url="https://example.org/masks",
    rating="False",
    publisher="Example Checks",
    published=date(2020, 6, 1),
)


def test_records_are_stored_folded_and_attributed_once():
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    again = FactCheckRecord(claim=MASKS.claim, url=MASKS.url, rating="Mostly false")

    assert store_references(workspace, [MASKS, again], editor) == 1
    assert store_references(workspace, [MASKS], editor) == 0

    stored = ReferenceFactCheck.objects.get(workspace=workspace)
    assert (stored.claim, stored.rating, stored.publisher, stored.published) == (
        MASKS.claim,
        "False",
        "Example Checks",
        date(2020, 6, 1),
    )
    assert stored.loaded_by == editor
    assert stored.match_text == "face masks cause oxygen deprivation"
    if connection.vendor == "postgresql":
        assert "oxygen" in str(
            ReferenceFactCheck.objects.filter(pk=stored.pk)
            .values_list("search_vector", flat=True)
            .get()
        )


def test_only_editors_load_reference_fact_checks():
    workspace = WorkspaceFactory()
    for role in (Role.ANNOTATOR, Role.REVIEWER):
        with pytest.raises(WorkflowError):
            store_references(workspace, [MASKS], member(workspace, role))
    assert not ReferenceFactCheck.objects.exists()
