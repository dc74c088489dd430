"""Bulk calls: many annotations in one request, each validated as if posted alone.

An item goes through what `POST /annotations/` asks (the same serializers, the claim read
as the user may see it, `Annotation.start`'s checks) and is saved whole or not at all; the
answer lists what was created and, by index, what was refused and why, in the error body
a single request would have had. The claims and the rating scales are read once for the
whole batch.
"""

from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from annotations.api import serializers
from annotations.api.exceptions import exception_handler
from annotations.models import Claim, Rating
from annotations.permissions import Action, can
from annotations.services.bulk import NewAnnotation, start_annotations

MAX_ANNOTATIONS = 1000


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


def _claims(items: list, user) -> dict[int, Claim]:
    ids = set()
    for item in items:
        target = serializers.AnnotationClaimSerializer(data=item)
        if target.is_valid():
            ids.add(target.validated_data["claim"])
    claims = Claim.objects.select_related("document__workspace").defer("document__text")
    return {
        pk: claim
        for pk, claim in claims.in_bulk(ids).items()
        if can(user, Action.DOCUMENT_READ, claim)
    }


def _scale(workspace, scales: dict) -> dict:
    if workspace.pk not in scales:
        ratings = Rating.objects.select_related("scale").filter(scale__workspace=workspace)
        scales[workspace.pk] = {rating.pk: rating for rating in ratings}
    return scales[workspace.pk]


def start_many(request, view) -> Response:
    items = _items(request.data)
    claims = _claims(items, request.user)
    scales: dict = {}
    outcomes: list = [None] * len(items)
    accepted, positions = [], []
    for index, item in enumerate(items):
        try:
            target = serializers.AnnotationClaimSerializer(data=item)
            target.is_valid(raise_exception=True)
            claim = claims.get(target.validated_data["claim"])
            if claim is None:
                raise NotFound()  # as get_readable answers: no such claim, or not yours to see
            workspace = claim.document.workspace
            serializer = serializers.AnnotationCreateSerializer(
                data=item, context={"workspace": workspace, "ratings": _scale(workspace, scales)}
            )
            serializer.is_valid(raise_exception=True)
        except Exception as exc:  # answered below as the item's own request would be
            outcomes[index] = exc
            continue
        data = serializer.validated_data
        fields = {name: data[name] for name in ("rating", "summary", "note") if name in data}
        accepted.append(NewAnnotation(claim, fields, [dict(s) for s in data.get("sources", [])]))
        positions.append(index)
    for index, outcome in zip(positions, start_annotations(request.user, accepted), strict=True):
        outcomes[index] = outcome
    created, errors = [], []
    context = {"request": request, "view": view}
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, Exception):
            response = exception_handler(outcome, context)
            if response is None:
                raise outcome
            errors.append({"index": index, "status": response.status_code, **response.data})
        else:
            body = serializers.AnnotationSerializer(outcome).data
            created.append({"index": index, "annotation": body})
    body = {"created": len(created), "failed": len(errors)}
    body |= {"annotations": created, "errors": errors}
    return Response(body, status=status.HTTP_200_OK if errors else status.HTTP_201_CREATED)
