import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation
from tests.exports.factories import HIDDEN, make_desk
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_document_writes_the_file(tmp_path):
    desk = make_desk(claims=2)
    out = tmp_path / "report.md"
    call_command("export_document", str(desk.document.pk), "--format", "md", "-o", str(out))
    assert out.read_text().startswith("# Budget speech\n")


def test_without_as_the_json_is_the_full_editor_view(tmp_path):
    desk = make_desk(claims=1)
    Annotation.objects.filter(claim=desk.claims[0]).update(summary=HIDDEN, hidden=True)
    out = tmp_path / "backup.json"
    call_command("export_document", str(desk.document.pk), "--format", "json", "-o", str(out))
    data = json.loads(out.read_text())
    assert data["complete"] is True and data["exported_by"] is None
    assert data["claims"][0]["annotations"][0]["hidden"] is True


def test_as_a_member_exports_what_that_member_sees(tmp_path):
    desk = make_desk(claims=1)
    Annotation.objects.filter(claim=desk.claims[0]).update(summary=HIDDEN, hidden=True)
    out = tmp_path / "mine.json"
    call_command(
        "export_document", str(desk.document.pk), "-f", "json", "-o", str(out),
        "--as", desk.reviewer.username,
    )  # fmt: skip
    assert HIDDEN not in out.read_text()


def test_refuses_unknown_documents_users_and_non_members(tmp_path):
    desk = make_desk(claims=1)
    out = str(tmp_path / "x")
    with pytest.raises(CommandError, match="No document"):
        call_command("export_document", "999999", "-f", "csv", "-o", out)
    with pytest.raises(CommandError, match="No user"):
        call_command(
            "export_document", str(desk.document.pk), "-f", "csv", "-o", out, "--as", "nobody"
        )
    stranger = UserFactory()
    with pytest.raises(CommandError, match="may not read"):
        call_command(
            "export_document", str(desk.document.pk), "-f", "csv", "-o", out,
            "--as", stranger.username,
        )  # fmt: skip
