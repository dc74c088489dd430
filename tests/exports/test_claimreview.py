import json

import pytest
from django.conf import settings
from django.utils import timezone

from annotations.exports import FORMATS
from annotations.models import Claim, SpeakerType
from tests.exports.factories import correct, make_desk, publish
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def reviews_of(document):
    return json.loads(FORMATS["claimreview"].render(document, None))


def test_every_claimreview_carries_the_fields_of_the_issue():
    desk = make_desk(claims=2, report_slug="budget-2024", report_published_at=timezone.now())
    Claim.objects.filter(pk=desk.claims[1].pk).update(restatement="Unemployment fell by 1%.")
    desk.workspace.organisation_name = "Example Checks"
    desk.workspace.organisation_url = "https://checks.example.org"
    desk.workspace.save()
    reviews = reviews_of(desk.document)
    assert len(reviews) == 2
    first, second = reviews
    claim = desk.claims[0]
    verdict = claim.verdicts.get()
    assert first == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{settings.SITE_URL}/reports/budget-2024/#claim-{claim.pk}",
        "claimReviewed": claim.text,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "False",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "author": {
            "@type": "Organization",
            "name": "Example Checks",
            "url": "https://checks.example.org",
        },
        "datePublished": timezone.localdate(verdict.published_at).isoformat(),
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Jane Minister"},
            "datePublished": "2024-03-01",
            "appearance": {"@type": "CreativeWork", "url": "https://news.example.org/speech"},
        },
        "reviewBody": "Unemployment rose in year 0.",
    }
    assert second["claimReviewed"] == "Unemployment fell by 1%."


def test_ordinal_ratings_count_from_worst_one_to_best_and_others_have_only_a_name():
    desk = make_desk(claims=0)
    text = desk.document.text = "One. Two. Three."
    desk.document.save()
    for i, (label, (start, end)) in enumerate(
        [("True", (0, 4)), ("Opinion", (5, 9)), ("Half true", (10, 16))]
    ):
        claim = ClaimFactory(document=desk.document, start=start, end=end)
        assert claim.text == text[start:end], i
        publish(desk, claim, label=label)
    ratings = [r["reviewRating"] for r in reviews_of(desk.document)]
    assert ratings[0] == {
        "@type": "Rating", "alternateName": "True", "ratingValue": 5, "bestRating": 5,
        "worstRating": 1,
    }  # fmt: skip
    assert ratings[1] == {"@type": "Rating", "alternateName": "Opinion"}
    assert ratings[2]["ratingValue"] == 3


def test_a_correction_keeps_the_first_date_and_adds_date_modified():
    desk = make_desk(claims=1)
    first = desk.claims[0].verdicts.get()
    new = correct(desk, desk.claims[0], label="Mostly false")
    (review,) = reviews_of(desk.document)
    assert review["datePublished"] == timezone.localdate(first.published_at).isoformat()
    assert review["dateModified"] == timezone.localdate(new.published_at).isoformat()
    assert review["reviewRating"]["alternateName"] == "Mostly false"


@pytest.mark.parametrize("slug", [None, "not-yet"])
def test_before_the_report_is_published_there_is_no_url_not_the_login_only_workbench(slug):
    desk = make_desk(claims=1, report_slug=slug)
    (review,) = reviews_of(desk.document)
    assert "url" not in review
    assert "/documents/" not in json.dumps(review)
    # Where the claim appeared is still said, as appearance.
    assert review["itemReviewed"]["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://news.example.org/speech",
    }


def test_a_withdrawn_report_has_no_url_either():
    desk = make_desk(claims=1, report_slug="gone", report_published_at=None)
    assert "url" not in reviews_of(desk.document)[0]


def test_the_speakers_type_is_the_documents_person_or_organization():
    desk = make_desk(claims=1, speaker="Ministry of Finance")
    assert reviews_of(desk.document)[0]["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Ministry of Finance",
    }
    desk.document.speaker_type = SpeakerType.ORGANIZATION
    desk.document.save(update_fields=["speaker_type"])
    assert reviews_of(desk.document)[0]["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Ministry of Finance",
    }


def test_missing_speaker_date_and_source_are_left_out_not_empty():
    desk = make_desk(claims=1, speaker="", source_url="", published=None)
    (review,) = reviews_of(desk.document)
    assert review["itemReviewed"] == {"@type": "Claim"}
