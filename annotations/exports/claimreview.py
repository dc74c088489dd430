"""schema.org ClaimReview, one per published verdict (current and not retracted), as a
JSON-LD list: what search engines and other fact-checkers ingest.

- `url`: the claim's anchor on the public report page, from SITE_URL, once the report is
  published. Before that there is no public page holding the review, and the workbench
  is for members only, so `url` is left out: schema.org does not require it, Google's
  fact-check markup does, so publish the report before handing ClaimReview to search
  engines. (The document's source URL is where the claim appeared: `appearance`.)
- `reviewRating`: `alternateName` is the rating label; ordinal ratings also carry
  `ratingValue` from `worstRating` 1 (the last, least true label of the ordinal scale) to
  `bestRating` (the number of ordinal labels, the first and truest).
- `datePublished`: when the claim's first verdict was published; a correction adds
  `dateModified`, the date of the current verdict.
- `itemReviewed`: a Claim with `author` (who said it: the claim's speaker, from a
  transcript's label, else the document's; an Organization when the document records its
  speaker as one and the claim's speaker is the document's, else a Person),
  `datePublished` (the document's date) and `appearance` (the document's source URL), each
  when known.
"""

import json

from django.utils import timezone

from annotations.exports.report import Report, build_report
from annotations.models import SpeakerType


def _organisation(workspace) -> dict:
    author = {"@type": "Organization", "name": workspace.organisation_name or workspace.name}
    if workspace.organisation_url:
        author["url"] = workspace.organisation_url
    return author


def review_rating(rating, ordinal_ratings) -> dict:
    result = {"@type": "Rating", "alternateName": rating.label}
    positions = [r.pk for r in ordinal_ratings]
    if rating.ordinal and rating.pk in positions:
        count = len(positions)
        result.update(
            ratingValue=count - positions.index(rating.pk), bestRating=count, worstRating=1
        )
    return result


def claim_reviews(report: Report) -> list[dict]:
    document = report.document
    item = {"@type": "Claim"}
    if document.published:
        item["datePublished"] = document.published.isoformat()
    if document.source_url:
        item["appearance"] = {"@type": "CreativeWork", "url": document.source_url}
    published = bool(document.report_slug and document.report_published_at)
    reviews = []
    for entry in report.published_entries:
        verdict, claim = entry.verdict, entry.claim
        review = {"@context": "https://schema.org", "@type": "ClaimReview"}
        if published:
            review["url"] = report.claim_url(entry)
        review |= {
            "claimReviewed": claim.restatement.strip() or claim.text,
            "reviewRating": review_rating(verdict.rating, report.ordinal_ratings),
            "author": _organisation(report.workspace),
            "datePublished": timezone.localdate(entry.first_published_at).isoformat(),
            "itemReviewed": dict(item),
        }
        speaker = claim.speaker or document.speaker
        if speaker:
            organisation = (
                speaker == document.speaker and document.speaker_type == SpeakerType.ORGANIZATION
            )
            kind = "Organization" if organisation else "Person"
            review["itemReviewed"]["author"] = {"@type": kind, "name": speaker}
        if entry.history:
            review["dateModified"] = timezone.localdate(verdict.published_at).isoformat()
        if verdict.summary:
            review["reviewBody"] = verdict.summary
        reviews.append(review)
    return reviews


def export(document, user=None, *, include_approved=False) -> bytes:
    # ClaimReview is for published verdicts only: include_approved does not apply.
    report = build_report(document)
    return json.dumps(claim_reviews(report), ensure_ascii=False, indent=2).encode("utf-8")
