"""Reference fact-checks (published elsewhere) are never exported as this desk's work:
no export format carries their claim, rating, publisher or link, even when one states
the very claim the desk checked."""

import io

import pytest
from pypdf import PdfReader

from annotations.exports import FORMATS
from annotations.services.factcheck_files import load_factchecks
from tests.exports.factories import make_desk, sentence

pytestmark = pytest.mark.django_db

TOKENS = ["zqrefclaim", "zqrefrating", "zqrefpublisher", "zqrefurl", "zqreftitle", "zqrefwho"]


def _references(desk):
    tsv = "claim\trating\turl\tpublisher\ttitle\tclaimant\n" + "".join(
        f"{claim}\tzqrefrating\thttps://elsewhere.example.org/zqrefurl/{n}\tzqrefpublisher"
        f"\tzqreftitle\tzqrefwho\n"
        for n, claim in enumerate([sentence(0), "zqrefclaim: the harbour tax doubled."])
    )
    report = load_factchecks(desk.workspace, tsv.encode(), desk.editor)
    assert (report.loaded, report.skipped) == (2, 0)


def _text(name, data: bytes) -> str:
    if name == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8")


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("include_approved", [False, True])
def test_no_export_format_carries_reference_factchecks(name, include_approved):
    desk = make_desk(claims=2)
    _references(desk)
    for user in (desk.editor, None):
        data = FORMATS[name].render(desk.document, user, include_approved=include_approved)
        text = _text(name, data)
        assert sentence(1) in text  # the desk's own work is there
        assert [token for token in TOKENS if token in text] == []
