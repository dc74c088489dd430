"""A document's language: chosen at import, else declared by its file, else detected from
its words; the splitter then uses that language's abbreviations."""

import pytest
from django.urls import reverse

from annotations.importers import ImportedText
from annotations.models import Document, Role
from annotations.services import document_language, import_document
from tests.api.conftest import client_for
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db

FRENCH = "M. Dupont et Mme Durand sont venus. Le budget atteint 6,2 milliards d'euros."
DUTCH = "Dhr. Peeters en mevr. Janssens zijn er niet. Het kost o.a. 1.234,5 miljoen euro."
ENGLISH = "Unemployment fell to 5.2% in 2023. We must act now."


def claims(document):
    return list(document.claims.order_by("start").values_list("text", flat=True))


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            FRENCH,
            "fr",
            [
                "M. Dupont et Mme Durand sont venus.",
                "Le budget atteint 6,2 milliards d'euros.",
            ],
        ),
        (
            DUTCH,
            "nl",
            [
                "Dhr. Peeters en mevr. Janssens zijn er niet.",
                "Het kost o.a. 1.234,5 miljoen euro.",
            ],
        ),
        (ENGLISH, "en", ["Unemployment fell to 5.2% in 2023.", "We must act now."]),
    ],
)
def test_import_without_a_language_detects_it_and_splits_in_it(text, language, expected):
    document = import_document(WorkspaceFactory(), text).document
    assert document.language == language
    assert claims(document) == expected


def test_a_chosen_language_wins_over_the_files_and_the_detected_one():
    workspace = WorkspaceFactory()
    source = ImportedText(text=FRENCH, format="text", language="en")
    assert import_document(workspace, source, language="nl").document.language == "nl"


def test_the_language_the_file_declares_wins_over_the_detected_one():
    source = ImportedText(text=FRENCH, format="text", language="de")
    assert import_document(WorkspaceFactory(), source).document.language == "de"


def test_a_text_too_short_to_tell_is_english():
    assert document_language("Hello 2024") == "en"
    assert import_document(WorkspaceFactory(), "Brussels 2024.").document.language == "en"


def test_the_import_form_detects_the_language_and_a_chosen_one_wins(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    url = reverse("document_import", args=[workspace.slug])
    form = client.get(url).context["form"]
    assert form["language"].value() in (None, "")
    preview = client.post(url, {"text": DUTCH, "preview": "1"}).context["preview"]
    assert [c.text for c in preview["claims"]] == [
        "Dhr. Peeters en mevr. Janssens zijn er niet.",
        "Het kost o.a. 1.234,5 miljoen euro.",
    ]
    assert client.post(url, {"text": DUTCH}).status_code == 302
    assert client.post(url, {"text": FRENCH, "language": "en"}).status_code == 302
    assert dict(Document.objects.values_list("text", "language")) == {
        DUTCH: "nl",
        FRENCH: "en",
    }


def test_the_api_detects_the_language_and_a_chosen_one_wins():
    workspace = WorkspaceFactory(slug="desk")
    api = client_for(member(workspace, Role.EDITOR))
    detected = api.post("/api/v1/documents/", {"workspace": "desk", "text": FRENCH})
    chosen = api.post("/api/v1/documents/", {"workspace": "desk", "text": DUTCH, "language": "fr"})
    assert (detected.status_code, chosen.status_code) == (201, 201)
    assert (detected.json()["language"], chosen.json()["language"]) == ("fr", "fr")
    assert Document.objects.get(text=DUTCH).language == "fr"
