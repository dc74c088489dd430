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


class MatchReasonFields(serializers.Serializer):
    shared = serializers.ListField(
        child=serializers.CharField(),
        help_text="The words both texts share, as the match has them.",
    )
    numbers = serializers.ListField(child=serializers.CharField(), help_text="Numbers shared.")
    highlighted = serializers.CharField(
        help_text="The match's text as safe HTML: escaped, the shared words in <mark>."
    )


class SimilarClaimSerializer(MatchReasonFields):
    claim = ClaimRefSerializer()
    score = serializers.FloatField()
    verdict = VerdictRefSerializer(allow_null=True)


class ReferenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.CharField()
    claimant = serializers.CharField()
    rating = serializers.CharField(help_text="As the publisher rated it.")
    publisher = serializers.CharField()
    url = serializers.URLField()
    published = serializers.DateField(allow_null=True)
    title = serializers.CharField()


class MatchRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="Any text: a tweet, a quote, a claim (at most 5,000 characters)."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)


class MatchSerializer(MatchReasonFields):
    kind = serializers.ChoiceField(
        choices=["claim", "reference"],
        help_text="A claim of this desk (with its published verdict, if any) or a reference "
        "fact-check published elsewhere.",
    )
    score = serializers.FloatField()
    claim = ClaimRefSerializer(allow_null=True)
    verdict = VerdictRefSerializer(allow_null=True)
    reference = ReferenceRefSerializer(allow_null=True)


class MatchResultSerializer(serializers.Serializer):
    matches = MatchSerializer(many=True)


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


def reasons(match) -> dict:
    return {
        "shared": match.shared,
        "numbers": match.numbers,
        "highlighted": str(match.highlighted),
    }


def reference_ref(reference) -> dict | None:
    if reference is None:
        return None
    return {
        "id": reference.pk,
        "claim": reference.claim,
        "claimant": reference.claimant,
        "rating": reference.rating,
        "publisher": reference.publisher,
        "url": reference.url,
        "published": reference.published.isoformat() if reference.published else None,
        "title": reference.title,
    }


def match_body(match) -> dict:
    return {
        "kind": match.kind,
        "score": round(match.score, 4),
        "claim": claim_ref(match.claim) if match.claim is not None else None,
        "verdict": verdict_ref(match.verdict),
        "reference": reference_ref(match.reference),
        **reasons(match),
    }
