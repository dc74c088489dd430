"""Live documents: chunks appended in order, only the new text split, an unfinished
sentence held, offsets that never move, retries ignored, gaps refused, closing."""

import pytest

from annotations.models import (
    Annotation,
    Claim,
    Conflict,
    Document,
    DocumentChunk,
    Event,
    InvalidInput,
    Role,
    WorkflowError,
)
from annotations.services import import_document
from annotations.services.live import (
    append_chunk,
    close_live_document,
    held_text,
    start_live_document,
)
from tests.factories import WorkspaceFactory, member, rating

pytestmark = pytest.mark.django_db

FIRST = "MODERATOR: Good evening and welcome. Senator, unemployment fell to 4% last year."
SECOND = "\nJONES: That is not true. Unemployment rose to 6% in the last year of my oppon"
THIRD = "ent's term. We will cut taxes by 10%."


@pytest.fixture
def desk():
    workspace = WorkspaceFactory()
    return workspace, member(workspace, Role.EDITOR)


@pytest.fixture
def live(desk):
    workspace, editor = desk
    return start_live_document(workspace, title="Debate", speaker="", created_by=editor)


def _claims(document):
    return list(
        Claim.objects.filter(document=document)
        .order_by("number")
        .values_list("number", "text", "speaker", "start", "end")
    )


def test_a_live_document_starts_empty_and_grows_by_chunks(live, desk):
    _, editor = desk
    assert (live.live, live.text, live.last_sequence) == (True, "", 0)
    first = append_chunk(live, FIRST, sequence=1, by=editor)
    assert [c.text for c in first.claims] == ["Good evening and welcome."]
    live.refresh_from_db()
    assert live.text == FIRST
    # The last sentence ends the chunk with nothing after it: the next chunk may go on.
    assert held_text(live) == "Senator, unemployment fell to 4% last year."
    assert first.chunk.start == 0 and first.chunk.end == len(FIRST)


def test_a_held_unfinished_sentence_is_completed_by_the_next_chunk(live, desk):
    _, editor = desk
    append_chunk(live, FIRST, sequence=1, by=editor)
    second = append_chunk(live, SECOND, sequence=2, by=editor)
    assert [c.text for c in second.claims] == [
        "Senator, unemployment fell to 4% last year.",
        "That is not true.",
    ]
    third = append_chunk(live, THIRD, sequence=3, by=editor)
    assert [(c.number, c.text, c.speaker) for c in third.claims] == [
        (4, "Unemployment rose to 6% in the last year of my opponent's term.", "JONES"),
    ]
    live.refresh_from_db()
    assert held_text(live) == "We will cut taxes by 10%."
    close_live_document(live, editor)
    assert _claims(live) == [
        (1, "Good evening and welcome.", "MODERATOR", 11, 36),
        (2, "Senator, unemployment fell to 4% last year.", "MODERATOR", 37, 80),
        (3, "That is not true.", "JONES", 88, 105),
        (4, "Unemployment rose to 6% in the last year of my opponent's term.", "JONES", 106, 169),
        (5, "We will cut taxes by 10%.", "JONES", 170, 195),
    ]
    text = Document.objects.get(pk=live.pk).text
    assert all(text[s:e] == t for _, t, _, s, e in _claims(live))


def test_a_retried_chunk_is_not_appended_twice_and_answers_as_the_first(live, desk):
    _, editor = desk
    first = append_chunk(live, FIRST, sequence=1, by=editor)
    again = append_chunk(live, FIRST, sequence=1, by=editor)
    assert again.replayed is True
    assert (again.chunk.pk, [c.pk for c in again.claims]) == (
        first.chunk.pk,
        [c.pk for c in first.claims],
    )
    live.refresh_from_db()
    assert live.text == FIRST
    assert DocumentChunk.objects.filter(document=live).count() == 1
    assert Claim.objects.filter(document=live).count() == 1


def test_a_gap_is_refused_and_nothing_is_appended(live, desk):
    _, editor = desk
    append_chunk(live, FIRST, sequence=1, by=editor)
    with pytest.raises(Conflict) as refused:
        append_chunk(live, SECOND, sequence=3, by=editor)
    assert refused.value.message == (
        "Chunk 3 is out of order: the document has chunks up to 1, so the next one is 2. "
        "Send the missing chunks first."
    )
    live.refresh_from_db()
    assert (live.text, live.last_sequence) == (FIRST, 1)


def test_other_text_under_a_used_number_is_refused(live, desk):
    _, editor = desk
    append_chunk(live, FIRST, sequence=1, by=editor)
    with pytest.raises(Conflict) as refused:
        append_chunk(live, SECOND, sequence=1, by=editor)
    assert refused.value.message == (
        "Chunk 1 was appended already with other text; the next chunk is 2."
    )


def test_offsets_of_earlier_claims_and_annotations_do_not_move(live, desk):
    workspace, editor = desk
    alice = member(workspace, Role.ANNOTATOR)
    append_chunk(live, FIRST, sequence=1, by=editor)
    claim = Claim.objects.get(document=live, number=1)
    live.refresh_from_db()
    selection, _ = Claim.from_selection(live, 11, 23, alice)  # "Good evening"
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="A greeting.")
    before = _claims(live)
    append_chunk(live, SECOND, sequence=2, by=editor)
    append_chunk(live, THIRD, sequence=3, by=editor)
    close_live_document(live, editor)
    after = _claims(live)
    assert after[: len(before)] == before
    live.refresh_from_db()
    assert live.text.startswith(FIRST)
    assert live.text[selection.start : selection.end] == "Good evening"
    annotation.refresh_from_db()
    assert (annotation.claim.start, annotation.claim.end) == (11, 36)
    assert live.text[annotation.claim.start : annotation.claim.end] == "Good evening and welcome."


def test_claim_numbers_continue_after_a_selection(live, desk):
    workspace, editor = desk
    append_chunk(live, FIRST, sequence=1, by=editor)
    live.refresh_from_db()
    selection, _ = Claim.from_selection(live, 11, 23, editor)
    assert selection.number == 2
    appended = append_chunk(live, SECOND, sequence=2, by=editor)
    assert [c.number for c in appended.claims] == [3, 4]


def test_closing_freezes_the_text(live, desk):
    _, editor = desk
    append_chunk(live, FIRST, sequence=1, by=editor)
    closed = close_live_document(live, editor)
    assert [c.text for c in closed.claims] == ["Senator, unemployment fell to 4% last year."]
    live.refresh_from_db()
    assert (live.live, live.closed_at is not None) == (False, True)
    assert live.text_sha256 == Document.hash_text(FIRST)
    with pytest.raises(Conflict) as refused:
        append_chunk(live, SECOND, sequence=2, by=editor)
    assert refused.value.message == "This live document was closed: its text can no longer change."
    live.refresh_from_db()
    assert live.text == FIRST
    assert close_live_document(live, editor) is None  # again: nothing changes


def test_an_imported_document_takes_no_chunks(desk):
    workspace, editor = desk
    document = import_document(workspace, "The deficit doubled in 2023.").document
    with pytest.raises(Conflict) as refused:
        append_chunk(document, FIRST, sequence=1, by=editor)
    assert refused.value.message == "This document is not live: only live documents take chunks."
    with pytest.raises(Conflict) as refused:
        close_live_document(document, editor)
    assert refused.value.message == "This document is not live: there is nothing to close."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "The chunk is empty: send the transcript's next words."),
        (
            "Unemployment \x00 fell.",
            "The chunk contains NUL bytes, so it is binary data, not text. Send the "
            "transcript as UTF-8 text.",
        ),
        (
            "JONES: <script>alert(1)</script>",
            "The chunk contains HTML markup (<script>). A transcript chunk is plain text: "
            "send the spoken words only.",
        ),
        (
            "<!DOCTYPE html><p>Hi</p>",
            "The chunk contains HTML markup (<html>). A transcript chunk is plain text: "
            "send the spoken words only.",
        ),
        ("\x01\x02\x03", "The chunk holds no text once control characters are removed."),
    ],
)
def test_bad_chunks_are_refused_and_nothing_is_appended(live, desk, text, message):
    _, editor = desk
    with pytest.raises(InvalidInput) as refused:
        append_chunk(live, text, sequence=1, by=editor)
    assert (refused.value.message, refused.value.field) == (message, "text")
    live.refresh_from_db()
    assert (live.text, live.last_sequence) == ("", 0)


def test_a_huge_chunk_is_refused(live, desk, settings):
    _, editor = desk
    settings.MAX_CHUNK_CHARS = 100
    with pytest.raises(InvalidInput) as refused:
        append_chunk(live, "Taxes rose. " * 10, sequence=1, by=editor)
    assert refused.value.message == (
        "The chunk has 120 characters; the limit is 100. Send it as several chunks."
    )


def test_text_with_angle_brackets_that_is_no_markup_is_kept_as_written(live, desk):
    _, editor = desk
    appended = append_chunk(live, "SMITH: Inflation is < 3% and > 1%. ", sequence=1, by=editor)
    assert [c.text for c in appended.claims] == ["Inflation is < 3% and > 1%."]


def test_new_claims_are_announced_once_each_after_the_commit(
    live, desk, django_capture_on_commit_callbacks
):
    _, editor = desk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appended = append_chunk(live, FIRST + " ", sequence=1, by=editor)
    events = list(Event.objects.filter(document=live).values_list("kind", "claim_id", "data"))
    assert [(kind, claim) for kind, claim, _ in events] == [
        (Event.Kind.CLAIM_CREATED, c.pk) for c in appended.claims
    ]
    assert events[0][2] == {
        "start": 11, "end": 36, "kind": "sentence", "actor_name": editor.username, "number": 1,
    }  # fmt: skip
    assert len(callbacks) == 2


def test_an_annotator_cannot_append_or_close(live, desk):
    workspace, _ = desk
    alice = member(workspace, Role.ANNOTATOR)
    with pytest.raises(WorkflowError) as refused:
        append_chunk(live, FIRST, sequence=1, by=alice)
    assert (refused.value.status_code, refused.value.message) == (
        403,
        "Only editors, and the desk's ingest tokens, can append to live documents.",
    )
    with pytest.raises(WorkflowError) as refused:
        close_live_document(live, alice)
    assert refused.value.message == (
        "Only editors, and the desk's ingest tokens, can close live documents."
    )


def test_hearing_a_chunks_claims_reads_the_desks_webhooks_once(
    live, desk, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, editor = desk
    chunk = "SMITH: " + " ".join(f"Exports rose by {n}% in {2000 + n}." for n in range(20)) + " "
    with django_capture_on_commit_callbacks() as callbacks:
        appended = append_chunk(live, chunk, sequence=1, by=editor)
    assert len(appended.claims) == len(callbacks) == 20
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    # The desk's active webhooks, once for the 20 events (none listens: nothing queued).
    assert len(queries) == 1


def test_a_claim_a_reader_made_of_held_words_is_not_made_again(live, desk):
    workspace, editor = desk
    append_chunk(live, FIRST, sequence=1, by=editor)
    live.refresh_from_db()
    held = live.text.index("Senator")
    selection, _ = Claim.from_selection(live, held, len(FIRST), editor)
    appended = append_chunk(live, SECOND, sequence=2, by=editor)
    assert [c.text for c in appended.claims] == ["That is not true."]
    assert Claim.objects.filter(document=live, start=held).get() == selection


def test_a_refused_first_text_leaves_no_document(desk):
    workspace, editor = desk
    with pytest.raises(InvalidInput):
        start_live_document(workspace, title="Debate", text="<script>x</script>", created_by=editor)
    assert not Document.objects.filter(workspace=workspace).exists()
