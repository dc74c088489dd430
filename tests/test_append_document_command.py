"""`manage.py append_document ID FILE [--sequence N] [--close]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Claim, Role
from annotations.services.live import start_live_document
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    workspace = WorkspaceFactory()
    return start_live_document(workspace, title="Debate", created_by=member(workspace, Role.EDITOR))


def _run(*args):
    out = StringIO()
    call_command("append_document", *map(str, args), stdout=out)
    return out.getvalue().strip()


def test_the_command_appends_the_next_chunk_and_closes(live, tmp_path):
    first = tmp_path / "1.txt"
    first.write_text("SMITH: Taxes rose by 3%. Wages fell", encoding="utf-8")
    assert _run(live.pk, first) == (
        f"Chunk 1 of document {live.pk}: characters 0–35; new claims: 1."
    )
    second = tmp_path / "2.txt"
    second.write_text(" by 2% last year.", encoding="utf-8")
    assert _run(live.pk, second, "--sequence", 2, "--close") == (
        f"Chunk 2 of document {live.pk}: characters 35–52; new claims: none.\n"
        f"Closed document {live.pk}: 1 held claim(s) stored."
    )
    assert list(Claim.objects.filter(document=live).values_list("number", "text")) == [
        (1, "Taxes rose by 3%."),
        (2, "Wages fell by 2% last year."),
    ]
    assert _run(live.pk, first, "--sequence", 1) == (
        f"Chunk 1 of document {live.pk} (appended before: nothing changed): characters "
        "0–35; new claims: 1."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The chunk is empty: send the transcript's next words."),
        (
            "Les impôts ont baissé.".encode("latin-1"),
            "The chunk is not UTF-8 text (byte 7 cannot be read; it may be in an older "
            "encoding such as Windows-1252). Save it as UTF-8 and upload it again.",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3",
            "The chunk is a PDF, not plain text. Send the transcript's words as UTF-8 text.",
        ),
    ],
)
def test_the_command_refuses_bad_files(live, tmp_path, data, message):
    path = tmp_path / "chunk.txt"
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        _run(live.pk, path)
    assert str(refused.value).startswith(message)
    live.refresh_from_db()
    assert live.text == ""


def test_the_command_refuses_a_gap_and_a_missing_document(live, tmp_path):
    path = tmp_path / "chunk.txt"
    path.write_text("Taxes rose.", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        _run(live.pk, path, "--sequence", 2)
    assert str(refused.value) == (
        "Chunk 2 is out of order: the document has chunks up to 0, so the next one is 1. "
        "Send the missing chunks first."
    )
    with pytest.raises(CommandError) as refused:
        _run(999999, path)
    assert str(refused.value) == "No document with the id 999999."
