"""W3C Web Annotation (https://www.w3.org/TR/annotation-model/): the document's
annotations as one AnnotationCollection, the same representation the API serves.

Each annotation targets the document's page on this site, with a TextQuoteSelector
(exact text, 32 code points of prefix and suffix) and a TextPositionSelector (code
points, as everywhere in the workbench). Bodies: the note (TextualBody, text/markdown,
purpose commenting), the summary (TextualBody, text/plain, purpose describing), the rating
(TextualBody, purpose assessing), each source (SpecificResource, purpose linking) and,
when the claim has a speaker or a time, who said it when (TextualBody, text/plain, purpose
describing: "Said by JANE DOE, at 0:12:31").

The collection's id is the API's export URL; an export file holds every annotation in
one embedded page (`first`, also `last`). A page names its collection in `partOf` as an
object (`id`, `label`, `total`), as the model's examples do: the test suite's page
assertions read the collection's label and total there.
Who sees what follows the member formats: permissions.Viewer, hidden work never.
"""

import json

from django.conf import settings
from django.urls import reverse

from annotations.exports.loading import member_claims
from annotations.exports.report import said
from annotations.permissions import viewer_for
from annotations.text.anchoring import position_selector, quote_selector
from annotations.text.dates import iso_datetime

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32


def document_url(document_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('document', args=[document_id])}"


def annotation_iri(annotation) -> str:
    return f"{document_url(annotation.claim.document_id)}#annotation-{annotation.pk}"


def annotation_to_w3c(annotation, document_text: str) -> dict:
    """One annotation as a W3C Web Annotation. Uses annotation.claim (and its
    document_id), author, rating and sources: for lists, prefetch them, or set
    `annotation.source_list` as loading.member_claims does."""
    claim = annotation.claim
    author = annotation.author
    body = []
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    if annotation.summary:
        body.append(
            {
                "type": "TextualBody",
                "value": annotation.summary,
                "format": "text/plain",
                "purpose": "describing",
            }
        )
    if annotation.rating is not None:
        body.append(
            {
                "type": "TextualBody",
                "value": annotation.rating.label,
                "format": "text/plain",
                "purpose": "assessing",
            }
        )
    sources = getattr(annotation, "source_list", None)
    for source in sources if sources is not None else annotation.sources.all():
        body.append({"type": "SpecificResource", "source": source.url, "purpose": "linking"})
    if claim.speaker or claim.spoken_at is not None:
        body.append(
            {
                "type": "TextualBody",
                "value": f"Said {'by ' if claim.speaker else ''}"
                f"{said(claim.speaker, claim.spoken_at)}",
                "format": "text/plain",
                "purpose": "describing",
            }
        )
    result = {
        "@context": CONTEXT,
        "id": annotation_iri(annotation),
        "type": "Annotation",
        "motivation": "assessing",
        "creator": {
            "type": "Person",
            "nickname": author.get_username(),
            "name": author.get_full_name() or author.get_username(),
        },
        "created": iso_datetime(annotation.created_at, zulu=True),
        "modified": iso_datetime(annotation.updated_at, zulu=True),
        "target": {
            "type": "SpecificResource",
            "source": document_url(claim.document_id),
            "selector": [
                quote_selector(document_text, claim.start, claim.end, context=CONTEXT_CHARS),
                position_selector(claim.start, claim.end),
            ],
        },
    }
    if body:
        result["body"] = body
    return result


def collection_iri(document) -> str:
    return f"{settings.SITE_URL}/api/v1/documents/{document.pk}/export/w3c/"


def part_of(collection_id: str, document, total: int) -> dict:
    """The collection a page belongs to, described as the model's examples do."""
    return {"id": collection_id, "label": document.title, "total": total}


def annotation_page(document, items: list[dict]) -> dict:
    """The one page of an export file: every annotation."""
    return {
        "id": f"{collection_iri(document)}?page=0",
        "type": "AnnotationPage",
        "partOf": part_of(collection_iri(document), document, len(items)),
        "startIndex": 0,
        "items": items,
    }


def collection(document, user=None) -> dict:
    viewer = viewer_for(user, document)
    text = document.text
    items = [
        annotation_to_w3c(annotation, text)
        for claim in member_claims(document, comments=False, flags=False, verdicts=False)
        for annotation in claim.annotation_list
        if viewer.sees_unhidden(annotation)
    ]
    result = {
        "@context": CONTEXT,
        "id": collection_iri(document),
        "type": "AnnotationCollection",
        "label": document.title,
        "total": len(items),
    }
    if items:
        first = annotation_page(document, items)
        result["first"] = first
        result["last"] = first["id"]
    return result


def export(document, user=None, *, include_approved=False) -> bytes:
    return json.dumps(collection(document, user), ensure_ascii=False).encode("utf-8")
