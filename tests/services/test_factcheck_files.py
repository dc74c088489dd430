"""Loading a file of reference fact-checks: the readable records stored at once, the
others reported, a reload adding nothing, a crash leaving nothing, editors only; and the
command that does the same from the shell."""

import json
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models import QuerySet

from annotations.importers import ImportRefused
from annotations.importers.factchecks import RecordProblem
from annotations.models import ReferenceFactCheck, Role, WorkflowError
from annotations.services.factcheck_files import load_factchecks
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "importers" / "data"


def _line(n: int, **changes) -> str:
    review = {
        "@type": "ClaimReview",
        "claimReviewed": f"Claim number {n} about the harbour.",
        "url": f"https://checks.example.org/{n}",
        "author": {"name": "Example Checks"},
        "reviewRating": {"alternateName": "False"},
    }
    return json.dumps({**review, **changes})


def test_good_records_load_and_bad_ones_are_reported():
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    data = "\n".join([_line(1), _line(2, url="javascript:alert(1)"), _line(3)]).encode()

    report = load_factchecks(workspace, data, editor, filename="f.jsonl")

    assert (report.format, report.loaded, report.duplicates, report.skipped) == ("jsonl", 2, 0, 1)
    assert report.problems == [
        RecordProblem(2, "The url 'javascript:alert(1)' is not an http(s) link.")
    ]
    stored = ReferenceFactCheck.objects.filter(workspace=workspace).order_by("id")
    assert [(r.url, r.publisher, r.rating, r.loaded_by) for r in stored] == [
        ("https://checks.example.org/1", "Example Checks", "False", editor),
        ("https://checks.example.org/3", "Example Checks", "False", editor),
    ]


def test_reloading_the_same_file_adds_nothing():
    workspace = WorkspaceFactory()
    data = (DATA / "factchecks.tsv").read_bytes()
    first = load_factchecks(workspace, data, None)
    again = load_factchecks(workspace, data, None)
    assert (first.loaded, first.duplicates, first.skipped) == (2, 0, 2)
    assert (again.loaded, again.duplicates, again.skipped) == (0, 2, 2)
    assert ReferenceFactCheck.objects.filter(workspace=workspace).count() == 2


def test_a_crash_while_storing_leaves_nothing_half_loaded():
    workspace = WorkspaceFactory()
    data = "\n".join(_line(n) for n in range(5)).encode()
    insert = QuerySet.bulk_create

    def insert_then_fail(self, *args, **kwargs):
        insert(self, *args, **kwargs)
        raise DatabaseError("disk full")

    # The rows are written, then the database fails within the same load.
    with (
        mock.patch.object(QuerySet, "bulk_create", insert_then_fail),
        pytest.raises(DatabaseError),
    ):
        load_factchecks(workspace, data, None)
    assert not ReferenceFactCheck.objects.filter(workspace=workspace).exists()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_only_editors_load(role):
    workspace = WorkspaceFactory()
    with pytest.raises(WorkflowError) as refused:
        load_factchecks(workspace, _line(1).encode(), member(workspace, role))
    assert refused.value.message == "Only editors can load reference fact-checks."
    assert not ReferenceFactCheck.objects.exists()


def test_a_refused_file_stores_nothing(settings):
    settings.FACTCHECKS_MAX_BYTES = 10
    workspace = WorkspaceFactory()
    with pytest.raises(ImportRefused) as refused:
        load_factchecks(workspace, _line(1).encode(), None, filename="big.jsonl")
    assert refused.value.code == "too_large"
    assert not ReferenceFactCheck.objects.exists()


def test_each_workspace_keeps_its_own():
    one, two = WorkspaceFactory(), WorkspaceFactory()
    load_factchecks(one, _line(1).encode(), None)
    assert load_factchecks(two, _line(1).encode(), None).loaded == 1
    assert ReferenceFactCheck.objects.filter(workspace=one).count() == 1
    assert ReferenceFactCheck.objects.filter(workspace=two).count() == 1


# --- manage.py import_factchecks ----------------------------------------------------------


def _command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_factchecks", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_counts_and_each_bad_line():
    workspace = WorkspaceFactory(slug="desk")
    path = DATA / "factchecks.tsv"
    out, err = _command(str(path), "--workspace", "desk")
    assert out == f"{path}: loaded 2, already there 0, skipped 2.\n"
    assert err.splitlines() == [
        f"{path}, line 3: The url 'javascript:alert(1)' is not an http(s) link.",
        f"{path}, line 4: The date '2022-13-45' is not a date (YYYY-MM-DD).",
    ]
    assert ReferenceFactCheck.objects.filter(workspace=workspace, loaded_by=None).count() == 2


def test_command_fails_when_nothing_could_be_loaded(tmp_path):
    WorkspaceFactory(slug="desk")
    path = tmp_path / "bad.jsonl"
    path.write_text(_line(1, url="ftp://x.org/1") + "\n" + _line(2, claimReviewed="") + "\n")
    with pytest.raises(CommandError) as failed:
        _command(str(path), "--workspace", "desk")
    assert str(failed.value) == f"{path}: nothing loaded; every record had a problem."
    assert not ReferenceFactCheck.objects.exists()


def test_command_refuses_unknown_workspace_and_unreadable_files(tmp_path):
    WorkspaceFactory(slug="desk")
    with pytest.raises(CommandError, match="No workspace with the slug 'nope'."):
        _command(str(DATA / "factchecks.tsv"), "--workspace", "nope")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(CommandError) as failed:
        _command(str(empty), "--workspace", "desk")
    assert str(failed.value) == (
        f"{empty}: “empty.json” is empty. Choose a ClaimReview JSON or TSV file."
    )
    with pytest.raises(CommandError, match="No such file"):
        _command(str(tmp_path / "missing.tsv"), "--workspace", "desk")
