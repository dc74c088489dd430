import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from annotations.importers import ImportRefused
from annotations.models import Claim, ClaimMatchKey, Document, Role
from annotations.services import import_document, segment
from annotations.text import segmentation
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db

TEXT = (
    "# Budget speech\n\n"
    "Unemployment fell to 5.2% in 2023, the lowest since 1990. We must act now.\n\n"
    "- Taxes rose by €3 billion\n"
    "- Let us be proud\n"
)


def test_import_stores_the_splitters_claims_with_scores():
    workspace = WorkspaceFactory()
    result = import_document(workspace, TEXT, title="Budget", speaker="Minister")
    document = result.document
    assert result.created is True
    stored = list(document.claims.values_list("start", "end", "kind", "text"))
    expected = [
        (s.start, s.end, s.kind, document.text[s.start : s.end])
        for s in segmentation.split(document.text)
    ]
    assert stored == expected
    assert [k for _, _, k, _ in stored] == [
        "heading",
        "sentence",
        "sentence",
        "list_item",
        "list_item",
    ]
    scores = dict(document.claims.values_list("text", "checkworthiness"))
    assert scores["Unemployment fell to 5.2% in 2023, the lowest since 1990."] >= 0.5
    assert scores["We must act now."] < 0.5
    assert scores["Budget speech"] < 0.3
    worthy = set(
        Claim.objects.filter(document=document).check_worthy().values_list("text", flat=True)
    )
    assert "Unemployment fell to 5.2% in 2023, the lowest since 1990." in worthy
    assert "We must act now." not in worthy


def test_stored_text_is_normalised_and_offsets_refer_to_it():
    workspace = WorkspaceFactory()
    raw = "Cafe\u0301 prices rose 5%.\r\nThey fell 2% in May.\r\n"
    document = import_document(workspace, raw, title="x").document
    assert document.text == "Caf\u00e9 prices rose 5%.\nThey fell 2% in May."
    for claim in document.claims.all():
        assert document.text[claim.start : claim.end] == claim.text


def test_same_text_twice_points_to_the_existing_document():
    workspace = WorkspaceFactory()
    first = import_document(workspace, TEXT, title="One")
    second = import_document(workspace, TEXT + "\n\n", title="Two")
    assert second.created is False
    assert second.document.pk == first.document.pk
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "no text to import"), ("   \n\t ", "no text to import")],
)
def test_empty_text_is_refused_and_nothing_saved(text, message):
    with pytest.raises(ImportRefused, match=message):
        import_document(WorkspaceFactory(), text, title="x")
    assert Document.objects.count() == 0


@pytest.mark.parametrize("text", ["----", "* ", "...", "- \n\n***\n\n1."])
def test_text_with_nothing_to_split_is_refused_and_nothing_saved(text):
    with pytest.raises(ImportRefused, match="no sentence, heading or list item") as refused:
        import_document(WorkspaceFactory(), text, title="x")
    assert refused.value.code == "no_claims"
    assert (Document.objects.count(), Claim.objects.count()) == (0, 0)


def test_text_over_the_limit_is_refused(settings):
    settings.MAX_DOCUMENT_CHARS = 50
    with pytest.raises(ImportRefused, match="50"):
        import_document(WorkspaceFactory(), "A sentence. " * 10, title="x")
    assert Document.objects.count() == 0


def test_nul_bytes_never_reach_the_database():
    document = import_document(WorkspaceFactory(), "Prices\x00 rose 5%.", title="x").document
    assert "\x00" not in document.text


def test_a_failure_half_way_leaves_nothing(monkeypatch):
    from annotations import services

    def broken_score(text, kind="sentence", language="en"):
        if "We must" in text:
            raise RuntimeError("scorer broke")
        return 0.5

    monkeypatch.setattr(services.checkworthiness, "score", broken_score)
    with pytest.raises(RuntimeError):
        import_document(WorkspaceFactory(), TEXT, title="x")
    # The match keys, written meanwhile by the import's second thread, are gone too.
    assert (Document.objects.count(), Claim.objects.count(), ClaimMatchKey.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_database_failure_while_writing_the_match_keys_leaves_nothing(monkeypatch):
    from django.db import IntegrityError

    from annotations import matching, services

    real_writer = matching.match_key_writer

    def writer_of_a_duplicate(connection, claim_ids, match_texts, workspace_id):
        # The first claim's keys twice: the primary key (claim, key) refuses the second.
        return real_writer(
            connection, [*claim_ids, claim_ids[0]], [*match_texts, match_texts[0]], workspace_id
        )

    monkeypatch.setattr(services.matching, "match_key_writer", writer_of_a_duplicate)
    with pytest.raises(IntegrityError):
        import_document(WorkspaceFactory(), TEXT, title="x")
    assert (Document.objects.count(), Claim.objects.count(), ClaimMatchKey.objects.count()) == (
        0,
        0,
        0,
    )
    # The connection is usable afterwards, in this thread.
    monkeypatch.undo()
    assert import_document(WorkspaceFactory(), TEXT, title="x").claims == len(segment(TEXT))


def test_a_database_failure_during_claim_insert_leaves_nothing(monkeypatch):
    from django.db import IntegrityError

    # The services split through transcripts.split, which asks segmentation.split.
    real_split = segmentation.split

    def with_a_bad_span(text, language="en"):
        segments = real_split(text, language)
        bad = segments[1]
        # start == end: the database's check constraint refuses the row.
        segments[1] = segmentation.Segment(bad.start, bad.start, bad.kind)
        return segments

    monkeypatch.setattr(segmentation, "split", with_a_bad_span)
    with pytest.raises(IntegrityError, match="claim_start_before_end"):
        import_document(WorkspaceFactory(), TEXT, title="x")
    assert (Document.objects.count(), Claim.objects.count()) == (0, 0)


def test_bulk_inserted_claims_have_their_keys_and_fields_and_the_ids_move_on():
    workspace = WorkspaceFactory()
    # The id of a deleted claim is never given again (its history keeps it).
    gone = Claim.objects.create(
        document=import_document(workspace, "Prices rose.", title="y").document,
        start=0,
        end=6,
        kind="selection",
        text="Prices",
    )
    gone_id = gone.pk
    gone.delete()
    document = import_document(workspace, TEXT, title="x").document
    stored = list(document.claims.order_by("start"))
    assert [c.pk for c in stored] == sorted(c.pk for c in stored)
    assert stored[0].pk > gone_id
    first = stored[0]
    assert first.text == document.text[first.start : first.end]
    assert first.match_text and first.created_at == document.created_at
    assert (first.restatement, first.not_checkable, first.assignee_id) == ("", False, None)
    # A claim made afterwards the ordinary way gets the next id, not a used one.
    later = Claim.objects.create(document=document, start=0, end=3, kind="selection", text="x")
    assert later.pk > stored[-1].pk


def test_preview_matches_what_an_import_stores():
    workspace = WorkspaceFactory()
    preview = [(c.start, c.end, c.kind) for c in segment(TEXT.strip())]
    document = import_document(workspace, TEXT, title="x").document
    assert list(document.claims.values_list("start", "end", "kind")) == preview


class TestImportCommand:
    def test_imports_several_files(self, tmp_path, capsys):
        workspace = WorkspaceFactory(slug="desk")
        (tmp_path / "a.txt").write_text("Taxes rose by 5% in 2023.", encoding="utf-8")
        (tmp_path / "b.md").write_text("# Title\n\nGDP grew 2%.\n", encoding="utf-8")
        call_command(
            "import_document",
            str(tmp_path / "a.txt"),
            str(tmp_path / "b.md"),
            "--workspace",
            "desk",
            "--speaker",
            "Minister",
        )
        out = capsys.readouterr().out
        assert "a.txt: imported document" in out and "b.md: imported document" in out
        titles = set(workspace.documents.values_list("title", "speaker"))
        assert titles == {("Taxes rose by 5% in 2023.", "Minister"), ("Title", "Minister")}

    def test_a_bad_file_is_reported_and_the_good_one_kept(self, tmp_path, capsys):
        workspace = WorkspaceFactory(slug="desk")
        (tmp_path / "good.txt").write_text("Taxes rose by 5% in 2023.", encoding="utf-8")
        (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        with pytest.raises(CommandError, match="1 of 2 file"):
            call_command(
                "import_document",
                str(tmp_path / "good.txt"),
                str(tmp_path / "bad.png"),
                "--workspace",
                "desk",
            )
        assert "bad.png" in capsys.readouterr().err
        assert workspace.documents.count() == 1

    def test_unknown_workspace_is_an_error(self, tmp_path):
        with pytest.raises(CommandError, match="No workspace"):
            call_command("import_document", str(tmp_path / "x.txt"), "--workspace", "nope")

    def test_bad_date_is_an_error(self, tmp_path):
        WorkspaceFactory(slug="desk")
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command(
                "import_document",
                str(tmp_path / "x.txt"),
                "--workspace",
                "desk",
                "--published",
                "last week",
            )

    def test_oversized_file_is_refused(self, tmp_path, settings, capsys):
        settings.MAX_UPLOAD_BYTES = 10
        WorkspaceFactory(slug="desk")
        (tmp_path / "big.txt").write_text("Taxes rose by 5% in 2023.", encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("import_document", str(tmp_path / "big.txt"), "--workspace", "desk")
        assert "MAX_UPLOAD_BYTES" in capsys.readouterr().err


def test_json_export_restores_through_the_import_command(tmp_path, capsys):
    import json

    from tests.factories import AnnotationFactory, ClaimFactory, DocumentFactory

    claim = ClaimFactory(document=DocumentFactory(workspace=WorkspaceFactory(slug="from")))
    AnnotationFactory(claim=claim, status="submitted")
    out = tmp_path / "doc.json"
    call_command("export_document", str(claim.document.pk), "--format", "json", "-o", str(out))
    target = WorkspaceFactory(slug="to")
    call_command("import_document", "--json", str(out), "--workspace", "to")
    restored = target.documents.get()
    assert restored.text == claim.document.text
    assert restored.claims.get().annotations.get().summary == claim.annotations.get().summary
    assert "restored as document" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(CommandError, match="bad.json"):
        call_command("import_document", "--json", str(bad), "--workspace", "to")


def test_imported_claims_have_the_search_vectors_index_claims_would_write():
    from annotations import search

    document = import_document(WorkspaceFactory(), TEXT, title="x").document
    written = dict(document.claims.values_list("pk", "search_vector"))
    Claim.objects.filter(document=document).update(search_vector=None)
    search.index_claims(document)
    assert dict(document.claims.values_list("pk", "search_vector")) == written
    if connection.vendor == "postgresql":
        assert all(written.values())
        editor = member(document.workspace, Role.EDITOR)
        hits = search.search(editor, document.workspace, "unemployment", kinds=("claim",))
        assert [hit.claim.text for hit in hits] == [
            "Unemployment fell to 5.2% in 2023, the lowest since 1990."
        ]


def test_import_numbers_claims_one_to_n_in_reading_order():
    document = import_document(WorkspaceFactory(), TEXT, title="Budget").document
    rows = list(document.claims.order_by("start", "end").values_list("number", flat=True))
    assert rows == list(range(1, len(rows) + 1))
    assert len(rows) == 5
