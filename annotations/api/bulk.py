"""Bulk calls: many annotations in one request, each validated as if posted alone, and
many documents imported by one background job.

An item goes through what `POST /annotations/` asks (the same serializers, the claim read
as the user may see it, `Annotation.start`'s checks) and is saved whole or not at all; the
answer lists what was created and, by index, what was refused and why, in the error body
a single request would have had. The claims and the rating scales are read once for the
whole batch.
"""

from contextlib import suppress

from django.conf import settings
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from annotations import jobs
from annotations.api import serializers
from annotations.api.exceptions import PayloadTooLarge, exception_handler
from annotations.api.jobs import accepted
from annotations.importers.archive import check_zip
from annotations.models import Claim, Document, Rating, Workspace
from annotations.permissions import Action, can, readable_workspace_ids, require
from annotations.services.bulk import NewAnnotation, start_annotations
from annotations.text.dates import iso_date

MAX_ANNOTATIONS = 1000
MAX_DOCUMENTS = 1000


class BulkErrorSerializer(serializers.ErrorSerializer):
    index = drf.IntegerField(help_text="The item's position in the request, from 0.")
    status = drf.IntegerField(help_text="The status a request with this item alone would get.")


class BulkCreatedSerializer(drf.Serializer):
    index = drf.IntegerField(help_text="The item's position in the request, from 0.")
    annotation = serializers.AnnotationSerializer()


class BulkAnnotationsResultSerializer(drf.Serializer):
    created = drf.IntegerField(help_text="How many annotations were saved.")
    failed = drf.IntegerField(help_text="How many items were refused (nothing of them saved).")
    annotations = BulkCreatedSerializer(many=True, help_text="The saved annotations, in order.")
    errors = BulkErrorSerializer(many=True, help_text="The refused items, in order.")


def _items(data) -> list:
    if not isinstance(data, list):
        raise ValidationError(
            {"non_field_errors": ["Send a JSON array of annotations, as POST /annotations/ takes."]}
        )
    if not data:
        raise ValidationError({"non_field_errors": ["The array is empty."]})
    if len(data) > MAX_ANNOTATIONS:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"The array has {len(data):,} annotations; the limit is "
                    f"{MAX_ANNOTATIONS:,} a request. Send the rest in further requests."
                ]
            }
        )
    return data


def _claims(items: list, user, target) -> dict[int, Claim]:
    ids = set()
    for item in items:
        with suppress(ValidationError):  # answered in the item's turn
            ids.add(target.run_validation(item)["claim"])
    claims = Claim.objects.in_bulk(ids)
    # Their few documents read once, not joined a row: a thousand claims of one document
    # share one Document and Workspace.
    documents = (
        Document.objects.select_related("workspace")
        .defer("text")
        .in_bulk({claim.document_id for claim in claims.values()})
    )
    for claim in claims.values():
        claim.document = documents[claim.document_id]
    return {pk: claim for pk, claim in claims.items() if can(user, Action.DOCUMENT_READ, claim)}


def _creation(workspace, serializers_by_workspace: dict):
    """The serializer `POST /annotations/` validates with, made once a workspace: DRF
    copies a serializer's fields for every instance, which would cost more than the rest
    of an item. Its scale is read once too."""
    if workspace.pk not in serializers_by_workspace:
        ratings = Rating.objects.select_related("scale").filter(scale__workspace=workspace)
        context = {"workspace": workspace, "ratings": {rating.pk: rating for rating in ratings}}
        serializers_by_workspace[workspace.pk] = serializers.AnnotationCreateSerializer(
            context=context
        )
    return serializers_by_workspace[workspace.pk]


def start_many(request, view) -> Response:
    items = _items(request.data)
    # Each item goes through run_validation, what is_valid() runs on a fresh serializer.
    target = serializers.AnnotationClaimSerializer()
    claims = _claims(items, request.user, target)
    creations: dict = {}
    outcomes: list = [None] * len(items)
    accepted, positions = [], []
    for index, item in enumerate(items):
        try:
            claim = claims.get(target.run_validation(item)["claim"])
            if claim is None:
                raise NotFound()  # as get_readable answers: no such claim, or not yours to see
            data = _creation(claim.document.workspace, creations).run_validation(item)
        except Exception as exc:  # answered below as the item's own request would be
            outcomes[index] = exc
            continue
        fields = {name: data[name] for name in ("rating", "summary", "note") if name in data}
        accepted.append(NewAnnotation(claim, fields, [dict(s) for s in data.get("sources", [])]))
        positions.append(index)
    for index, outcome in zip(positions, start_annotations(request.user, accepted), strict=True):
        outcomes[index] = outcome
    created, errors = [], []
    context = {"request": request, "view": view}
    shown = serializers.AnnotationSerializer()  # one for all: its fields are never copied
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, Exception):
            response = exception_handler(outcome, context)
            if response is None:
                raise outcome
            errors.append({"index": index, "status": response.status_code, **response.data})
        else:
            created.append({"index": index, "annotation": shown.to_representation(outcome)})
    body = {"created": len(created), "failed": len(errors)}
    body |= {"annotations": created, "errors": errors}
    return Response(body, status=status.HTTP_200_OK if errors else status.HTTP_201_CREATED)


class _BatchTarget(drf.Serializer):
    workspace = drf.SlugField(max_length=50)
    file = drf.FileField(required=False)


def _refused_document(index: int, item, exc: ValidationError, context) -> dict:
    body = exception_handler(exc, context).data
    title = item.get("title") if isinstance(item, dict) else None
    return {
        "index": index,
        "name": title if isinstance(title, str) else "",
        "status": "failed",
        "document": None,
        "claims": None,
        **body,
    }


def _documents(data, context) -> tuple[list[dict], list[dict]]:
    """The items that pass `POST /documents/`'s checks, and the results of the others."""
    if not isinstance(data, list) or not data:
        raise ValidationError({"documents": ["Send a non-empty JSON array of documents."]})
    if len(data) > MAX_DOCUMENTS:
        raise ValidationError(
            {
                "documents": [
                    f"The array has {len(data):,} documents; the limit is {MAX_DOCUMENTS:,} "
                    "a batch. Send the rest in further batches."
                ]
            }
        )
    checked, refused = [], []
    for index, item in enumerate(data):
        serializer = serializers.BatchDocumentSerializer(data=item)
        if serializer.is_valid():
            fields = dict(serializer.validated_data)
            fields["published"] = iso_date(fields.get("published"))
            checked.append({"index": index, **fields})
        else:
            exc = ValidationError(serializer.errors)
            refused.append(_refused_document(index, item, exc, context))
    return checked, refused


def import_batch(request, view) -> Response:
    target = _BatchTarget(data=request.data)
    target.is_valid(raise_exception=True)
    workspace = Workspace.objects.filter(
        slug=target.validated_data["workspace"], pk__in=readable_workspace_ids(request.user)
    ).first()
    if workspace is None:
        raise NotFound("No such workspace.")
    require(request.user, "document.import", workspace, "Only editors can import documents.")
    upload = target.validated_data.get("file")
    documents = None if request.FILES else request.data.get("documents")
    if (upload is None) == (documents is None):
        raise ValidationError(
            "Send either `documents` (a JSON array) or `file` (a ZIP archive), not both."
        )
    if upload is None:
        checked, refused = _documents(documents, {"request": request, "view": view})
        job = jobs.start_batch(
            workspace,
            request.user,
            documents=checked,
            refused=refused,
            name=f"{len(documents)} documents",
        )
        return accepted(job)
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(
            f"The file has {upload.size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,}. "
            "Split it into several archives."
        )
    data = upload.read()
    check_zip(data, f'"{upload.name}"', max_files=MAX_DOCUMENTS)  # a bomb is refused here
    return accepted(jobs.start_batch(workspace, request.user, archive=data, name=upload.name))
