"""Migrations that change data: they succeed on the data that databases out there hold."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from annotations.models import Annotation, Claim, ModerationEvent, Rating, Role, Verdict
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
    rating,
)

BEFORE_ONCE_PER_VERSION = ("annotations", "0017_claim_document_indexes")
ONCE_PER_VERSION = ("annotations", "0018_verdict_once_per_version")
BEFORE_COLOUR_CHECK = ("annotations", "0020_rebuild_stale_match_keys")
COLOUR_CHECK = ("annotations", "0021_rating_colour_constraint")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _two_annotated_claims(now):
    """A claim whose annotation was approved (version 2), and another whose annotation
    was revised a day after its first version."""
    document = DocumentFactory(text="Unemployment fell to 4% last year. Taxes rose by 3.5%.")
    workspace = document.workspace
    editor, reviewer = member(workspace, Role.EDITOR), member(workspace, Role.REVIEWER)
    claim, other_claim = (
        ClaimFactory(document=document, start=0, end=34),
        ClaimFactory(document=document, start=35, end=54),
    )
    twice = AnnotationFactory(claim=claim, status="submitted", rating=rating(workspace))
    twice.approve(reviewer)  # version 2, recorded in its history
    author = member(workspace, Role.ANNOTATOR)
    revised = AnnotationFactory(
        claim=other_claim, author=author, status="approved", rating=rating(workspace)
    )
    revised.edit(author, summary="Revised.")  # version 2
    revised.history.filter(version=1).update(history_date=now - timedelta(days=2))
    revised.history.filter(version=2).update(history_date=now - timedelta(days=1))
    return workspace, editor, claim, other_claim, twice, revised


@pytest.mark.django_db(transaction=True)
def test_verdicts_published_twice_from_one_version_are_folded_into_the_earliest(caplog):
    now = timezone.now()
    workspace, editor, claim, other_claim, twice, revised = _two_annotated_claims(now)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    try:
        _migrate(BEFORE_ONCE_PER_VERSION)
        old = MigrationExecutor(connection).loader.project_state([BEFORE_ONCE_PER_VERSION]).apps
        OldVerdict = old.get_model("annotations", "Verdict")
        OldEvent = old.get_model("annotations", "ModerationEvent")
        OldClaim = old.get_model("annotations", "Claim")

        def verdict(claim_id, annotation, minutes, **fields):
            return OldVerdict.objects.create(
                claim_id=claim_id,
                annotation_id=annotation.pk if annotation else None,
                rating_id=rating(workspace).pk,
                summary="The official figure is different.",
                published_by_id=editor.pk,
                published_at=now + timedelta(minutes=minutes),
                **{"is_current": False, **fields},
            )

        # Ten identical corrections in one burst, as before publishing was once per version.
        earliest = verdict(claim.pk, twice, 1)
        middle = verdict(claim.pk, twice, 2, correction_note="New figures.")
        last = verdict(
            claim.pk,
            twice,
            3,
            correction_note="New figures.",
            is_current=True,
            retracted_at=now + timedelta(minutes=4),
            retracted_by_id=editor.pk,
            retraction_note="Misquoted.",
        )
        OldEvent.objects.create(
            workspace_id=workspace.pk, actor_id=editor.pk, action="correct", verdict_id=last.pk
        )
        OldClaim.objects.filter(pk=other_claim.pk).update(prior_verdict_id=middle.pk)
        # Two versions of one annotation, and a verdict whose annotation is gone: kept.
        first_version = verdict(other_claim.pk, revised, -36 * 60)
        second_version = verdict(other_claim.pk, revised, 0, correction_note="Revised.")
        orphan = verdict(other_claim.pk, None, 1, is_current=True)

        with caplog.at_level(logging.WARNING, logger="annotations.migrations"):
            _migrate(ONCE_PER_VERSION)
    finally:
        _migrate(latest[0])

    kept = Verdict.objects.get(claim=claim)
    assert kept.pk == earliest.pk
    assert (kept.annotation_id, kept.annotation_version, kept.correction_note) == (
        twice.pk,
        2,
        "",
    )
    assert (kept.is_current, kept.retraction_note, kept.retracted_by) == (
        True,
        "Misquoted.",
        editor,
    )
    assert list(ModerationEvent.objects.values_list("verdict", flat=True)) == [kept.pk]
    assert Claim.objects.get(pk=other_claim.pk).prior_verdict_id == kept.pk
    others = Verdict.objects.filter(claim=other_claim).order_by("published_at")
    assert list(others.values_list("pk", "annotation_version", "is_current")) == [
        (first_version.pk, 1, False),
        (second_version.pk, 2, False),
        (orphan.pk, None, True),
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "annotations.migrations"] == [
        f"Verdicts {middle.pk}, {last.pk} published version 2 of annotation {twice.pk} "
        f"again; folded into verdict {kept.pk}."
    ]
    assert Annotation.objects.get(pk=twice.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_colour_check_migration_sets_refused_colours_to_grey_and_keeps_the_others():
    workspace = WorkspaceFactory()
    kept = rating(workspace, "True")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    try:
        _migrate(BEFORE_COLOUR_CHECK)
        old = MigrationExecutor(connection).loader.project_state([BEFORE_COLOUR_CHECK]).apps
        OldRating = old.get_model("annotations", "Rating")
        bad = {"False": "red;x:y", "Opinion": "#12345", "Half true": ""}
        for label, colour in bad.items():
            OldRating.objects.filter(scale__workspace_id=workspace.pk, label=label).update(
                colour=colour
            )
        _migrate(COLOUR_CHECK)
    finally:
        _migrate(latest[0])

    colours = dict(Rating.objects.filter(scale__workspace=workspace).values_list("label", "colour"))
    assert {label: colours[label] for label in bad} == dict.fromkeys(bad, "#6e7781")
    assert colours["True"] == kept.colour == "#1a7f37"


BEFORE_CLAIM_SPEAKER = ("annotations", "0022_claim_speaker_and_reference_factchecks")
CLAIM_SPEAKER = ("annotations", "0023_claim_speaker_from_document")


@pytest.mark.django_db(transaction=True)
def test_claims_get_their_documents_speaker_and_keep_their_own():
    spoken = DocumentFactory(text="Taxes rose. Crime fell.", speaker="Jane Doe")
    unspoken = DocumentFactory(text="Exports doubled.", speaker="")
    first = ClaimFactory(document=spoken, start=0, end=11)
    own = ClaimFactory(document=spoken, start=12, end=23)
    nobody = ClaimFactory(document=unspoken, start=0, end=16)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    try:
        _migrate(BEFORE_CLAIM_SPEAKER)
        Claim.objects.filter(pk__in=[first.pk, nobody.pk]).update(speaker="")
        Claim.objects.filter(pk=own.pk).update(speaker="MODERATOR")
        _migrate(CLAIM_SPEAKER)
    finally:
        _migrate(latest[0])

    speakers = dict(Claim.objects.values_list("pk", "speaker"))
    assert speakers == {first.pk: "Jane Doe", own.pk: "MODERATOR", nobody.pk: ""}


BEFORE_CLAIM_NUMBER = ("annotations", "0024_notification_hidden_kinds")
CLAIM_NUMBER_REQUIRED = ("annotations", "0026_claim_number_required")


@pytest.mark.django_db(transaction=True)
def test_claims_are_numbered_in_reading_order_per_document_and_history_follows():
    document = DocumentFactory(text="Taxes rose. Crime fell. Exports doubled.")
    other = DocumentFactory(text="Wages stalled. Rents rose.")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    try:
        _migrate(BEFORE_CLAIM_NUMBER)
        old = MigrationExecutor(connection).loader.project_state([BEFORE_CLAIM_NUMBER]).apps
        OldClaim = old.get_model("annotations", "Claim")
        # Made out of reading order, as selections are: ids do not follow the text.
        spans = [(document, 24, 40), (document, 0, 11), (other, 15, 26), (document, 12, 23)]
        made = [
            OldClaim.objects.create(
                document_id=d.pk, start=s, end=e, text=d.text[s:e], kind="sentence"
            )
            for d, s, e in spans
        ]
        made.append(OldClaim.objects.create(document_id=other.pk, start=0, end=14, text="x"))
        made.append(OldClaim.objects.create(document_id=document.pk, start=0, end=5, text="y"))
        HistoricalClaim = old.get_model("annotations", "HistoricalClaim")
        HistoricalClaim.objects.create(
            id=999999,
            document_id=document.pk,
            start=0,
            end=3,
            text="z",
            kind="sentence",
            checkworthiness=0,
            created_at=timezone.now(),
            history_date=timezone.now(),
            history_type="-",
            not_checkable=False,
        )
        _migrate(CLAIM_NUMBER_REQUIRED)
    finally:
        _migrate(latest[0])

    numbers = dict(Claim.objects.values_list("pk", "number"))
    assert [numbers[c.pk] for c in made] == [4, 2, 2, 3, 1, 1]
    history = Claim.history.model.objects
    assert history.get(id=999999).number == 0
    assert Claim.objects.create(document=document, start=6, end=10).number == 5


@pytest.mark.django_db(transaction=True)
def test_a_database_that_applied_matching_terms_as_0024_migrates_on():
    """0028_matching_terms was published as 0024_matching_terms, right after 0023."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    speaker = ("annotations", "0023_claim_speaker_from_document")
    try:
        executor.migrate([speaker])
        # What that release did: 0028's operations on the 0023 schema, under the old name.
        executor = MigrationExecutor(connection)
        terms = executor.loader.get_migration("annotations", "0028_matching_terms")
        with connection.schema_editor() as editor:
            terms.apply(executor.loader.project_state(speaker), editor)
        executor.recorder.record_applied("annotations", "0024_matching_terms")

        out = io.StringIO()
        call_command("migrate", verbosity=0, stdout=out)

        applied = MigrationRecorder(connection).applied_migrations()
        assert ("annotations", "0024_matching_terms") not in applied
        assert {
            ("annotations", "0024_notification_hidden_kinds"),
            ("annotations", "0027_document_speaker_type"),
            ("annotations", "0028_matching_terms"),
            *leaves,
        } <= set(applied)
        assert out.getvalue().splitlines() == [
            "This database applied annotations.0024_matching_terms, now 0028_matching_terms: "
            "undoing it to apply it again in order (run rebuild_match_keys afterwards)."
        ]
        with connection.cursor() as cursor:
            document = connection.introspection.get_table_description(
                cursor, "annotations_document"
            )
            tables = connection.introspection.table_names(cursor)
        assert "marks_pending" in {column.name for column in document}
        assert "annotations_referencematchkey" in tables
    finally:
        MigrationExecutor(connection).migrate(leaves)


@pytest.mark.django_db(transaction=True)
def test_migrate_leaves_a_database_with_the_present_names_alone():
    out = io.StringIO()
    call_command("migrate", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert ("annotations", "0024_matching_terms") not in MigrationRecorder(
        connection
    ).applied_migrations()


BEFORE_CLAIM_COUNTER = ("annotations", "0033_webhooks")


@pytest.mark.django_db(transaction=True)
def test_each_documents_claim_counter_starts_after_its_highest_number():
    numbered = DocumentFactory(text="Taxes rose. Crime fell. Exports doubled.")
    empty = DocumentFactory(text="Nothing split here yet.")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    try:
        _migrate(BEFORE_CLAIM_COUNTER)
        old = MigrationExecutor(connection).loader.project_state([BEFORE_CLAIM_COUNTER]).apps
        OldClaim = old.get_model("annotations", "Claim")
        # Claim 3 was deleted before the counter existed; 5 is the highest left.
        for number, (start, end) in zip([1, 2, 5], [(0, 11), (12, 23), (24, 40)], strict=True):
            OldClaim.objects.create(
                document_id=numbered.pk, number=number, start=start, end=end, text="x"
            )
    finally:
        _migrate(latest[0])

    numbered.refresh_from_db()
    empty.refresh_from_db()
    assert (numbered.next_claim_number, empty.next_claim_number) == (6, 1)
    assert Claim.objects.create(document=numbered, start=0, end=5).number == 6
    assert Claim.objects.create(document=empty, start=0, end=7).number == 1
