"""The W3C Web Annotation representation passes every `must` assertion of the W3C test
suite (../shared/w3c-web-annotation-tests): annotations, collections and pages."""

import json
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from django.conf import settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations.models import Annotation, Role
from tests.api.conftest import client_for
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
    WorkspaceFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
SUITE = Path(settings.BASE_DIR).parent / "shared" / "w3c-web-annotation-tests"


PAGES = "collections/pages/pageMusts.test"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _registry() -> Registry:
    resources = []
    for path in sorted((SUITE / "definitions").glob("*.json")):
        schema = _load(path)
        resources.append(
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        )
    return Registry().with_resources(resources)


def _musts(test_file: str) -> list[tuple[str, dict]]:
    test = _load(SUITE / test_file)
    return [(name, _load(SUITE / name)) for name in test["assertions"]]


def _failures(instance: dict, test_file: str) -> list[str]:
    registry = _registry()
    failures = []
    for name, schema in _musts(test_file):
        assert schema["assertionType"] == "must" and schema["expectedResult"] == "valid"
        validator = jsonschema.Draft4Validator(
            schema, registry=registry, format_checker=jsonschema.FormatChecker()
        )
        errors = list(validator.iter_errors(instance))
        if errors:
            failures.append(f"{name}: {schema.get('errorMessage')} ({errors[0].message[:200]})")
    return failures


pytestmark = [
    pytestmark,
    pytest.mark.skipif(not SUITE.exists(), reason=f"no W3C test suite at {SUITE}"),
]


@pytest.fixture
def annotated_document():
    workspace = WorkspaceFactory(slug="w3c")
    editor = member(workspace, Role.EDITOR, username="wendy")
    text = (
        "Unemployment fell to 4% last year, the lowest since 1990. We must act now. "
        "Taxes rose by 3.5% — more than in any 𝒳 country."
    )
    document = DocumentFactory(workspace=workspace, text=text, title="Budget speech")
    claims = [
        ClaimFactory(document=document, start=0, end=57),
        ClaimFactory(document=document, start=74, end=len(text)),
    ]
    for i, claim in enumerate(claims):
        for j, label in enumerate(["False", "Mostly true"]):
            author = member(workspace, Role.ANNOTATOR)
            annotation = AnnotationFactory(
                claim=claim,
                author=author,
                rating=rating(workspace, label),
                summary=f"Summary {i}-{j}.",
                note=f"The **reasoning** {i}-{j}, with [a link](https://example.org).",
                status=Annotation.Status.SUBMITTED,
            )
            SourceFactory(annotation=annotation)
            SourceFactory(annotation=annotation, url=f"https://archive.example.org/{i}/{j}")
    return editor, document


def _absolute(iri: str) -> bool:
    parsed = urlparse(iri)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def test_single_annotation_passes_the_must_assertions(annotated_document):
    editor, document = annotated_document
    annotation = Annotation.objects.filter(claim__document=document).first()
    response = client_for(editor).get(f"/api/v1/annotations/{annotation.pk}/", HTTP_ACCEPT=W3C)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["ETag"] == annotation.etag
    body = response.json()
    assert _failures(body, "annotations/annotationMusts.test") == []
    assert _absolute(body["id"])
    selectors = {s["type"]: s for s in body["target"]["selector"]}
    claim = annotation.claim
    assert selectors["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": claim.start,
        "end": claim.end,
    }
    quote = selectors["TextQuoteSelector"]
    assert quote["exact"] == document.text[claim.start : claim.end]
    assert quote["suffix"] == document.text[claim.end : claim.end + 32]
    purposes = [b["purpose"] for b in body["body"]]
    assert "commenting" in purposes and "linking" in purposes
    assert {"assessing", "classifying"} & set(purposes)
    note = next(b for b in body["body"] if b["purpose"] == "commenting")
    assert note["format"] == "text/markdown" and note["type"] == "TextualBody"
    assert body["creator"] and body["created"] and body["modified"]


def test_collection_and_its_pages_pass_the_must_assertions(annotated_document):
    editor, document = annotated_document
    client = client_for(editor)
    url = f"/api/v1/documents/{document.pk}/annotations/"
    collection = client.get(f"{url}?page_size=3", HTTP_ACCEPT=W3C).json()
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 4
    assert _failures(collection, "collections/collectionMusts.test") == []
    assert _failures(collection, "collections/pages/pageMusts.test") == []
    for item in collection["first"]["items"]:
        assert _failures(item, "annotations/annotationMusts.test") == []
    # Walk the pages by their links.
    items, page_url, pages = [], collection["first"]["id"], 0
    while page_url:
        path = urlparse(page_url)
        page = client.get(f"{path.path}?{path.query}", HTTP_ACCEPT=W3C).json()
        assert page["type"] == "AnnotationPage"
        assert _failures(page, "collections/pages/pageMusts.test") == []
        items += page["items"]
        page_url = page.get("next")
        pages += 1
    assert pages == 2
    assert len({item["id"] for item in items}) == 4
    assert collection["last"] == page["id"]


@pytest.mark.parametrize("accept", [W3C, "application/ld+json"])
def test_every_w3c_form_the_api_serves_passes_the_must_assertions(annotated_document, accept):
    editor, document = annotated_document
    client = client_for(editor)
    url = f"/api/v1/documents/{document.pk}/annotations/"
    collection_id = f"{settings.SITE_URL}{url}"
    part_of = {"id": collection_id, "label": "Budget speech", "total": 4}
    forms = {}
    for query in ("", "?page_size=3", "?page=0", "?page=1&page_size=3", "?page=0&page_size=500"):
        response = client.get(f"{url}{query}", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == W3C
        forms[query] = response.json()
    for query, body in forms.items():
        if body["type"] == "AnnotationCollection":
            assert _failures(body, "collections/collectionMusts.test") == []
            page = body["first"]
            assert _failures({"@context": body["@context"], **page}, PAGES) == []
        else:
            assert body["type"] == "AnnotationPage"
            page = body
        assert _failures(body, PAGES) == [], query
        assert page["partOf"] == part_of, query
        for item in page["items"]:
            assert _failures(item, "annotations/annotationMusts.test") == []
    assert [len(forms[q]["items"]) for q in ("?page=0", "?page=1&page_size=3")] == [4, 1]
    annotation = Annotation.objects.filter(claim__document=document).first()
    single = client.get(f"/api/v1/annotations/{annotation.pk}/", HTTP_ACCEPT=accept)
    assert single["Content-Type"] == W3C
    assert _failures(single.json(), "annotations/annotationMusts.test") == []


def test_a_page_naming_its_collection_by_a_bare_iri_fails_the_page_assertions(annotated_document):
    editor, document = annotated_document
    url = f"/api/v1/documents/{document.pk}/annotations/?page=0"
    page = client_for(editor).get(url, HTTP_ACCEPT=W3C).json()
    assert _failures(page, PAGES) == []
    assert len(_failures(page | {"partOf": page["partOf"]["id"]}, PAGES)) == 7


def test_empty_collection_passes_the_must_assertions(annotated_document):
    editor, _ = annotated_document
    empty = DocumentFactory(workspace=editor.memberships.get().workspace, text="Nothing yet.")
    body = (
        client_for(editor).get(f"/api/v1/documents/{empty.pk}/annotations/", HTTP_ACCEPT=W3C).json()
    )
    assert body["total"] == 0 and "first" not in body
    assert _failures(body, "collections/collectionMusts.test") == []


def test_api_and_export_agree_on_each_annotation(annotated_document):
    editor, document = annotated_document
    client = client_for(editor)
    export = client.get(f"/api/v1/documents/{document.pk}/export/w3c/")
    exported = {a["id"]: a for a in json.loads(export.content)["first"]["items"]}
    served = client.get(f"/api/v1/documents/{document.pk}/annotations/", HTTP_ACCEPT=W3C).json()[
        "first"
    ]["items"]
    assert {a["id"]: a for a in served} == exported


def test_plain_json_is_still_the_default(annotated_document):
    editor, document = annotated_document
    response = client_for(editor).get(f"/api/v1/documents/{document.pk}/annotations/")
    assert response["Content-Type"] == "application/json"
    assert len(response.json()["results"]) == 4


def test_the_assertions_catch_a_broken_annotation():
    broken = {"@context": "http://example.org/", "type": "Note", "target": []}
    assert len(_failures(broken, "annotations/annotationMusts.test")) >= 3
    assert _failures({"type": "AnnotationCollection"}, "collections/collectionMusts.test")
