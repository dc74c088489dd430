"""The W3C export passes the `must` assertions of the W3C Web Annotation test suite
(../shared/w3c-web-annotation-tests): collection musts on the collection, page musts on
the embedded page, annotation musts on every annotation."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations.exports import FORMATS
from annotations.exports.w3c import annotation_to_w3c
from annotations.models import Annotation
from tests.exports.factories import make_desk

pytestmark = pytest.mark.django_db

SUITE = Path(settings.BASE_DIR).parent / "shared" / "w3c-web-annotation-tests"
BASE = "https://w3c-web-annotation-tests.invalid/"  # the schemas' relative ids resolve here


def _load(path: Path) -> dict:
    schema = json.loads(path.read_text())
    schema["id"] = BASE + schema["id"]
    return schema


@pytest.fixture(scope="module")
def suite():
    if not SUITE.is_dir():
        pytest.fail(f"The W3C test suite is missing at {SUITE}")
    registry = Registry()
    for path in (SUITE / "definitions").glob("*.json"):
        schema = _load(path)
        resource = Resource(schema, specification=DRAFT4)
        # Also under the bare name: in draft 4 an "id" next to "$ref" is ignored, so an
        # assertion that is only a $ref resolves "id.json#..." against no base at all.
        registry = registry.with_resources(
            [(schema["id"], resource), (schema["id"].removeprefix(BASE), resource)]
        )
    return registry


def musts(test_file: str) -> list[dict]:
    test = json.loads((SUITE / test_file).read_text())
    schemas = [_load(SUITE / assertion) for assertion in test["assertions"]]
    assert all(s["assertionType"] == "must" for s in schemas)
    return schemas


def failures(registry, test_file: str, instance: dict) -> list[str]:
    result = []
    for schema in musts(test_file):
        validator = Draft4Validator(schema, registry=registry, format_checker=FormatChecker())
        valid = validator.is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            result.append(f"{schema['id'].removeprefix(BASE)}: {schema.get('errorMessage')}")
    return result


def test_the_format_checker_checks_uris_and_dates():
    # Without rfc3986-validator and rfc3339-validator, "format" would pass anything.
    checker = FormatChecker()
    assert not checker.conforms("not a uri", "uri")
    assert not checker.conforms("yesterday", "date-time")


def test_w3c_export_passes_every_must_assertion(suite):
    desk = make_desk(claims=3)
    desk.claims[1].annotations.update(note="")  # an annotation without a note body
    data = json.loads(FORMATS["w3c"].render(desk.document, desk.editor))
    assert data["type"] == "AnnotationCollection" and data["total"] == 3
    assert failures(suite, "collections/collectionMusts.test", data) == []
    page = data["first"]
    # The suite checks a page embedded in its collection ("first").
    assert failures(suite, "collections/pages/pageMusts.test", data) == []
    for annotation in page["items"]:
        assert failures(suite, "annotations/annotationMusts.test", annotation) == []


def test_the_export_page_names_its_collection_as_an_object(suite):
    desk = make_desk(claims=3)
    data = json.loads(FORMATS["w3c"].render(desk.document, desk.editor))
    page = data["first"]
    assert page["partOf"] == {"id": data["id"], "label": desk.document.title, "total": 3}
    # The page on its own, as a consumer takes it out of the collection.
    alone = {"@context": data["@context"], **page}
    assert failures(suite, "collections/pages/pageMusts.test", alone) == []
    # A bare IRI is what the suite rejected: the check is not vacuous.
    assert (
        len(failures(suite, "collections/pages/pageMusts.test", alone | {"partOf": data["id"]}))
        == 7
    )


def test_the_suite_rejects_a_broken_annotation(suite):
    broken = {"@context": "http://example.org/ctx", "type": "Note", "target": 3}
    assert failures(suite, "annotations/annotationMusts.test", broken)


def test_annotation_selectors_bodies_and_agents():
    desk = make_desk(claims=3)
    annotation = Annotation.objects.select_related("claim", "author", "rating").get(
        claim=desk.claims[1], author=desk.annotator
    )
    text = desk.document.text
    data = annotation_to_w3c(annotation, text)
    claim = desk.claims[1]
    target = data["target"]
    assert target["source"] == f"{settings.SITE_URL}/documents/{desk.document.pk}/"
    quote, position = target["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": claim.text,
        "prefix": text[claim.start - 32 : claim.start],
        "suffix": text[claim.end : claim.end + 32],
    }
    assert position == {"type": "TextPositionSelector", "start": claim.start, "end": claim.end}
    purposes = [body["purpose"] for body in data["body"]]
    assert purposes == [
        "commenting", "describing", "assessing", "linking", "linking", "describing"
    ]  # fmt: skip
    assert data["body"][5]["value"] == f"Said by {desk.document.speaker}"  # the claim's
    assert data["body"][0]["format"] == "text/markdown"
    assert data["body"][2]["value"] == "False"
    assert data["body"][3]["type"] == "SpecificResource"
    assert data["creator"]["nickname"] == desk.annotator.username
    assert data["created"].endswith("Z") and data["modified"].endswith("Z")


def test_selectors_count_code_points_not_utf16_units():
    desk = make_desk(claims=1)
    text = "😀 " * 20 + desk.document.text
    annotation = Annotation.objects.get(claim=desk.claims[0], author=desk.annotator)
    claim = annotation.claim
    claim.start, claim.end = 40, 40 + len(claim.text)
    data = annotation_to_w3c(annotation, text)
    quote = data["target"]["selector"][0]
    assert quote["exact"] == text[40 : claim.end]
    assert quote["prefix"] == "😀 " * 16 and len(quote["prefix"]) == 32


def test_w3c_of_a_document_without_annotations_is_an_empty_collection(suite):
    from tests.factories import DocumentFactory

    data = json.loads(FORMATS["w3c"].render(DocumentFactory(), None))
    assert data["total"] == 0 and "first" not in data
    assert failures(suite, "collections/collectionMusts.test", data) == []
