"""W3C Web Annotation over the API: the bodies come from annotations.exports.w3c, so the
API and the `w3c` export agree; this module adds the paging of a document's collection."""

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from annotations import parsing
from annotations.exports import w3c
from annotations.permissions import counted_annotations

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def annotation_document(annotation) -> dict:
    """One annotation (claim, author, rating and sources loaded) as a W3C annotation."""
    text = (
        type(annotation.claim.document)
        .objects.values_list("text", flat=True)
        .get(pk=annotation.claim.document_id)
    )
    return w3c.annotation_to_w3c(annotation, text)


def _int_param(request, name, default, low, high) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return parsing.parse_int(raw, name, low=low, high=high)
    except parsing.InvalidValue as exc:
        raise ValidationError({name: [exc.reason]}) from None


def collection_response(request, document, queryset) -> Response:
    """The document's AnnotationCollection (first page embedded), or with ?page=N one
    AnnotationPage. Hidden annotations are left out for everyone, as in the export."""
    page_size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    queryset = counted_annotations(None, queryset).select_related("claim").order_by("id")
    total = queryset.count()
    last = max(0, (total - 1) // page_size)
    base = f"{settings.SITE_URL}/api/v1/documents/{document.pk}/annotations/"

    def page_iri(n: int) -> str:
        suffix = f"&page_size={page_size}" if page_size != DEFAULT_PAGE_SIZE else ""
        return f"{base}?page={n}{suffix}"

    def page(n: int) -> dict:
        rows = queryset[n * page_size : (n + 1) * page_size]
        text = type(document).objects.values_list("text", flat=True).get(pk=document.pk)
        result = {
            "id": page_iri(n),
            "type": "AnnotationPage",
            "partOf": w3c.part_of(base, document, total),
            "startIndex": n * page_size,
            "items": [w3c.annotation_to_w3c(a, text) for a in rows],
        }
        if n > 0:
            result["prev"] = page_iri(n - 1)
        if n < last:
            result["next"] = page_iri(n + 1)
        return result

    number = request.query_params.get("page")
    if number is not None:
        n = _int_param(request, "page", 0, 0, last)
        return Response({"@context": w3c.CONTEXT, **page(n)})
    collection = {
        "@context": w3c.CONTEXT,
        "id": base,
        "type": "AnnotationCollection",
        "label": document.title,
        "total": total,
    }
    if total:
        collection["first"] = page(0)
        collection["last"] = page_iri(last)
    return Response(collection)
