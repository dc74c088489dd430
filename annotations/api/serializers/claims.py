"""Bodies of claims."""

from rest_framework import serializers

from annotations.api.serializers.common import MAX_INT, RESTATEMENT_MAX, UserSerializer, _dt, _user
from annotations.models import Claim


class ClaimSerializer(serializers.ModelSerializer):
    assignee = UserSerializer(read_only=True, allow_null=True)
    state = serializers.ChoiceField(
        choices=Claim.State.choices, read_only=True, help_text="Derived, never stored."
    )
    verdict_rating = serializers.CharField(
        read_only=True, allow_null=True, help_text="The rating of the current verdict, if any."
    )
    restatement = serializers.CharField(
        max_length=RESTATEMENT_MAX, required=False, allow_blank=True
    )
    prior_verdict = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Checked before: the desk's published verdict on a claim elsewhere that "
        "says the same (marked on import or append).",
    )
    prior_reference = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Checked before: the desk's reference fact-check (GET "
        "/api/v1/workspaces/{slug}/factchecks/) that says the same (marked on import or "
        "append).",
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "number",
            "document",
            "start",
            "end",
            "kind",
            "text",
            "checkworthiness",
            "speaker",
            "spoken_at",
            "restatement",
            "not_checkable",
            "assignee",
            "state",
            "verdict_rating",
            "prior_verdict",
            "prior_reference",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "number",
            "document",
            "start",
            "end",
            "kind",
            "text",
            "checkworthiness",
            "speaker",
            "spoken_at",
            "created_at",
        ]

    def to_representation(self, claim):
        return {
            "id": claim.pk,
            "number": claim.number,
            "document": claim.document_id,
            "start": claim.start,
            "end": claim.end,
            "kind": claim.kind,
            "text": claim.text,
            "checkworthiness": claim.checkworthiness,
            "speaker": claim.speaker,
            "spoken_at": claim.spoken_at,
            "restatement": claim.restatement,
            "not_checkable": claim.not_checkable,
            "assignee": _user(claim.assignee) if claim.assignee_id else None,
            "state": claim.state,
            "verdict_rating": getattr(claim, "verdict_rating", None),
            "prior_verdict": claim.prior_verdict_id,
            "prior_reference": claim.prior_reference_id,
            "created_at": _dt(claim.created_at),
        }


class ClaimCreateSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    start = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, help_text="In code points, inclusive."
    )
    end = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, help_text="In code points, exclusive."
    )
    restatement = serializers.CharField(
        max_length=RESTATEMENT_MAX, required=False, allow_blank=True
    )


class ClaimMergeSerializer(serializers.Serializer):
    other = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text="The id of the claim next to it to merge with."
    )


class ClaimSplitSerializer(serializers.Serializer):
    offset = serializers.IntegerField(
        min_value=0,
        max_value=MAX_INT,
        help_text="Where the second part starts, in code points of the document's text; "
        "strictly inside the claim.",
    )


class ClaimSplitResultSerializer(serializers.Serializer):
    first = ClaimSerializer(help_text="The first part: the claim itself, keeping its number.")
    second = ClaimSerializer(help_text="The second part: a new claim, numbered last.")


class ClaimAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, allow_null=True, help_text="A member's user id, or null."
    )
