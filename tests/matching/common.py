"""Texts the matching tests share."""

from pathlib import Path

import pytest

from annotations.models import Claim, Role
from annotations.services import import_document
from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed-document.txt"
DONBASS_NATIONAL = "supports this war of national liberation on the territory of Donbass"
DONBASS_PLAIN = "supports this war of liberation on the territory of Donbass"
BACKED = "114 countries backed the resolution."
SUPPORTED = "114 countries supported the resolution."
UNRELATED = "Unemployment fell to 5% last year."
# A claim and its rewording long enough to carry the evidence an import's mark asks for.
VOTED = (
    "In March 2022, 141 countries backed the UN General Assembly resolution demanding "
    "that Russia withdraw its troops from Ukraine."
)
VOTED_REWORDED = (
    "141 countries supported the UN General Assembly resolution of March 2022 that "
    "demands Russia withdraw its troops from Ukraine."
)

SOURCES = [
    {
        "url": "https://digitallibrary.un.org/record/4003",
        "title": "Resolution ES-11/1",
        "publisher": "United Nations",
        "published": "2022-03-02",
        "excerpt": "In favour: 141",
        "stance": "refutes",
        "archive_url": "https://archive.example.org/un/4003",
    },
    {"url": "https://press.un.org/en/2022/ga12407.doc.htm", "stance": "context"},
]


def claim_in(workspace, text, **document_fields):
    document = DocumentFactory(workspace=workspace, text=text, **document_fields)
    return ClaimFactory(document=document, start=0, end=len(text))


@pytest.fixture
def demo():
    """The demo document imported into a workspace, and an annotator of it."""
    workspace = WorkspaceFactory()
    document = import_document(workspace, SEED.read_text(encoding="utf-8"), title="Demo").document
    annotator = member(workspace, Role.ANNOTATOR)
    return workspace, document, annotator


def claim_containing(document, fragment) -> Claim:
    (claim,) = [c for c in document.claims.all() if fragment in c.text]
    return claim
