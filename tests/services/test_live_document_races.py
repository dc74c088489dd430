"""Appends that meet: on PostgreSQL, real threads; the document's row lock queues them,
so chunks never interleave and each is appended whole, once."""

import pytest

from annotations.models import Claim, Conflict, Document, DocumentChunk, Role
from annotations.services.live import append_chunk, start_live_document
from tests.concurrency import at_once, skip_unless_postgres
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live():
    skip_unless_postgres()
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    return start_live_document(workspace, title="Debate", created_by=editor), editor


def _chunk(i):
    return f"SPEAKER {i}: " + " ".join(f"Claim {i}-{n} says {n}% rose." for n in range(8)) + "\n\n"


def test_ten_retries_of_one_chunk_append_it_once(live):
    document, editor = live
    text = _chunk(1)
    answers = at_once(lambda i: append_chunk(document, text, sequence=1, by=editor))
    assert sorted(a.replayed for a in answers) == [False] + [True] * 9
    assert {tuple(c.pk for c in a.claims) for a in answers} == {
        tuple(
            Claim.objects.filter(document=document).order_by("number").values_list("pk", flat=True)
        )
    }
    document.refresh_from_db()
    assert document.text == text.rstrip("\n") + "\n\n"
    assert DocumentChunk.objects.filter(document=document).count() == 1


def test_concurrent_chunks_never_interleave(live):
    document, editor = live

    def send(i):
        try:
            return append_chunk(document, _chunk(i), sequence=1, by=editor)
        except Conflict as refused:
            return refused.message

    answers = at_once(send)
    won = [a for a in answers if not isinstance(a, str)]
    assert len(won) == 1
    assert (
        sorted(a for a in answers if isinstance(a, str))
        == ["Chunk 1 was appended already with other text; the next chunk is 2."] * 9
    )
    document = Document.objects.get(pk=document.pk)
    claims = list(Claim.objects.filter(document=document).order_by("number"))
    assert [c.number for c in claims] == list(range(1, 9))
    assert all(document.text[c.start : c.end] == c.text for c in claims)
    assert len({c.speaker for c in claims}) == 1  # all from the one chunk that won
