"""Bodies of search results and similar claims, with the short forms of claims and verdicts."""

from rest_framework import serializers

from annotations.api.serializers.common import _dt


class ClaimRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    document_title = serializers.CharField()
    text = serializers.CharField()


class VerdictRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.CharField()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()


class SimilarClaimSerializer(serializers.Serializer):
    claim = ClaimRefSerializer()
    score = serializers.FloatField()
    verdict = VerdictRefSerializer(allow_null=True)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["claim", "annotation", "verdict"])
    id = serializers.IntegerField(help_text="Of the claim, annotation or verdict.")
    claim = ClaimRefSerializer()
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text="Escaped HTML; matching words in <mark>.")


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SearchHitSerializer(many=True)


def claim_ref(claim) -> dict:
    return {
        "id": claim.pk,
        "number": claim.number,
        "document": claim.document_id,
        "document_title": claim.document.title,
        "text": claim.text,
    }


def verdict_ref(verdict) -> dict | None:
    if verdict is None:
        return None
    return {
        "id": verdict.pk,
        "rating": verdict.rating.label,
        "summary": verdict.summary,
        "published_at": _dt(verdict.published_at),
    }
