"""Checked before? for any text: reworded pairs found, unrelated text not, workspaces
kept apart, reasons given and escaped, the endpoint and the paste box, bounded queries."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.matching import find_matches, mark_threshold, show_threshold
from annotations.models import InvalidInput, NotVisible, Role
from annotations.permissions import roles_of
from annotations.services.factchecks import FactCheckRecord, store_references
from tests.factories import UserFactory, VerdictFactory, WorkspaceFactory, member, rating
from tests.matching.common import BACKED, UNRELATED, claim_in

GUANTANAMO = (
    "122 detainees released from confinement at Guantanamo Bay under President Obama have "
    "re-engaged in terrorist activities."
)
GUANTANAMO_TWEET = (
    "WOW. Obama let 122 Guantanamo detainees go and they went straight back to terrorist "
    "activities!! https://t.co/AbC123 pic.twitter.com/xyz — Joe Public (@joepublic) "
    "May 1, 2019"
)
CHARLOTTE = "70 per cent of the persons arrested during protests in Charlotte had out-of-state IDs."
CHARLOTTE_REWORDED = (
    "Seventy percent of those arrested in the Charlotte protests had out-of-state IDs"
)
OTHERS = [
    "Drinking coffee every morning doubles the risk of heart disease in adults.",
    "The Eiffel Tower was sold twice by a con man in the 1920s.",
    "A new law bans the sale of raw milk in every state from next year.",
    "Wind turbines kill more birds each year than cats do.",
]


def references(workspace, *claims, publisher="Snopes"):
    records = [
        FactCheckRecord(
            claim=text,
            url=f"https://factcheck.example/{i}",
            rating="False",
            publisher=publisher,
            title=f"Fact check by {publisher}",
        )
        for i, text in enumerate(claims)
    ]
    store_references(workspace, records, None)
    return {r.claim: r for r in workspace.reference_factchecks.all()}


def desk():
    workspace = WorkspaceFactory()
    return workspace, member(workspace, Role.ANNOTATOR)


@pytest.mark.django_db
def test_a_tweet_finds_the_fact_check_it_repeats_with_the_words_it_shares():
    workspace, user = desk()
    loaded = references(workspace, GUANTANAMO, CHARLOTTE, *OTHERS)
    [first, *_] = find_matches(workspace, GUANTANAMO_TWEET, user)
    assert first.kind == "reference"
    assert first.reference == loaded[GUANTANAMO]
    assert first.score >= show_threshold()
    assert {"122", "detainees", "Guantanamo", "Obama", "terrorist", "activities"} <= set(
        first.shared
    )
    assert first.numbers == ["122"]
    assert "<mark>Guantanamo</mark>" in first.highlighted


@pytest.mark.django_db
def test_numbers_written_differently_find_each_other():
    workspace, user = desk()
    loaded = references(workspace, GUANTANAMO, CHARLOTTE, *OTHERS)
    [first, *_] = find_matches(workspace, CHARLOTTE_REWORDED, user)
    assert first.reference == loaded[CHARLOTTE]
    assert "70" in first.numbers
    assert first.score >= mark_threshold()


@pytest.mark.django_db
def test_word_order_and_synonyms_still_find_the_claim_and_its_verdict():
    workspace, user = desk()
    checked = claim_in(workspace, BACKED)
    verdict = VerdictFactory(claim=checked, rating=rating(workspace, "Mostly true"))
    for text in OTHERS:
        claim_in(workspace, text)
    [first] = find_matches(workspace, "The resolution was supported by 114 countries", user)
    assert (first.kind, first.claim, first.verdict) == ("claim", checked, verdict)
    assert first.shared == ["114", "countries", "resolution"]


@pytest.mark.django_db
def test_a_verdict_on_an_archived_document_is_still_found_as_checked_before():
    # Archiving takes a document out of the lists; its published verdict stays a fact.
    workspace, user = desk()
    checked = claim_in(workspace, BACKED)
    verdict = VerdictFactory(claim=checked, rating=rating(workspace, "Mostly true"))
    checked.document.archive(member(workspace, Role.EDITOR))
    [first] = find_matches(workspace, "The resolution was supported by 114 countries", user)
    assert (first.kind, first.claim, first.verdict) == ("claim", checked, verdict)


@pytest.mark.django_db
def test_unrelated_text_matches_nothing():
    workspace, user = desk()
    references(workspace, GUANTANAMO, CHARLOTTE, *OTHERS)
    claim_in(workspace, BACKED)
    assert find_matches(workspace, UNRELATED, user) == []
    assert find_matches(workspace, "Penguins cannot fly but swim very well.", user) == []


@pytest.mark.django_db
def test_another_workspaces_claims_and_references_are_never_returned():
    workspace, user = desk()
    elsewhere = WorkspaceFactory()
    elsewhere.memberships.create(user=user, role=Role.EDITOR)  # a member of both
    references(elsewhere, GUANTANAMO)
    VerdictFactory(claim=claim_in(elsewhere, BACKED))
    references(workspace, CHARLOTTE)
    assert find_matches(workspace, GUANTANAMO_TWEET, user) == []
    assert find_matches(workspace, BACKED, user) == []
    assert [m.reference.claim for m in find_matches(elsewhere, GUANTANAMO_TWEET, user)] == [
        GUANTANAMO
    ]
    with pytest.raises(NotVisible):
        find_matches(workspace, BACKED, UserFactory())


@pytest.mark.django_db
def test_the_reason_is_escaped_html_with_only_marks():
    workspace, user = desk()
    references(workspace, '<script>alert(1)</script> 122 Guantanamo detainees "freed"', *OTHERS)
    [first] = find_matches(workspace, "122 Guantanamo detainees freed", user)
    assert str(first.highlighted) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>122</mark> <mark>Guantanamo</mark> "
        "<mark>detainees</mark> &quot;<mark>freed</mark>&quot;"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Paste the text to look up."),
        ("   \n", "Paste the text to look up."),
        ("a\x00b", "The text may not contain NUL characters."),
        ("x" * 5001, "The text has 5,001 characters; look up at most 5,000."),
        (42, "Give the text to look up as a string."),
    ],
)
def test_bad_text_is_refused_with_a_message(text, message):
    workspace, user = desk()
    with pytest.raises(InvalidInput) as error:
        find_matches(workspace, text, user)
    assert str(error.value.message) == message


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.django_db
def test_the_match_endpoint_answers_with_verdicts_references_and_reasons():
    workspace, user = desk()
    loaded = references(workspace, GUANTANAMO, *OTHERS)
    checked = claim_in(workspace, "Obama released 122 Guantanamo detainees who returned to terror.")
    verdict = VerdictFactory(claim=checked, rating=rating(workspace, "Mostly false"))
    response = api(user).post(
        f"/api/v1/workspaces/{workspace.slug}/match/", {"text": GUANTANAMO_TWEET}, format="json"
    )
    assert response.status_code == 200
    matches = response.json()["matches"]
    by_kind = {m["kind"]: m for m in matches}
    assert set(by_kind) == {"claim", "reference"}
    reference = by_kind["reference"]
    assert reference["reference"] == {
        "id": loaded[GUANTANAMO].pk,
        "claim": GUANTANAMO,
        "claimant": "",
        "rating": "False",
        "publisher": "Snopes",
        "url": "https://factcheck.example/0",
        "published": None,
        "title": "Fact check by Snopes",
    }
    assert reference["claim"] is None and reference["verdict"] is None
    assert "122" in reference["numbers"] and "Guantanamo" in reference["shared"]
    assert "<mark>Guantanamo</mark>" in reference["highlighted"]
    claim = by_kind["claim"]
    assert claim["claim"]["id"] == checked.pk
    assert claim["verdict"]["id"] == verdict.pk and claim["verdict"]["rating"] == "Mostly false"
    assert all(0 < m["score"] <= 1 for m in matches)
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field, message",
    [
        ({}, "text", "Give the text to look up."),
        ({"text": ""}, "text", "Paste the text to look up."),
        ({"text": ["a"]}, "text", "Give the text to look up as a string."),
        ({"text": "a\x00b"}, "text", "The text may not contain NUL characters."),
        ({"text": "x" * 5001}, "text", "The text has 5,001 characters; look up at most 5,000."),
        ({"text": "hello", "limit": 0}, "limit", "Give a whole number from 1 to 50."),
    ],
)
def test_the_match_endpoint_refuses_bad_input_with_a_message(body, field, message):
    workspace, user = desk()
    response = api(user).post(f"/api/v1/workspaces/{workspace.slug}/match/", body, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert field in str(response.json())


@pytest.mark.django_db
def test_the_match_endpoint_is_404_for_non_members():
    workspace, _ = desk()
    references(workspace, GUANTANAMO)
    response = api(UserFactory()).post(
        f"/api/v1/workspaces/{workspace.slug}/match/", {"text": GUANTANAMO}, format="json"
    )
    assert response.status_code == 404
    assert "Guantanamo" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_the_match_endpoint_queries_do_not_grow_with_the_matches(count, django_assert_num_queries):
    workspace, user = desk()
    references(workspace, *[f"{GUANTANAMO} Report {i}." for i in range(count)])
    for i in range(count):
        VerdictFactory(claim=claim_in(workspace, f"{GUANTANAMO} Speech {i}."))
    client = api(user)
    roles_of(user)
    url = f"/api/v1/workspaces/{workspace.slug}/match/"
    client.post(url, {"text": GUANTANAMO}, format="json")  # the token and roles, cached
    # Session and token checks, the workspace and the member's role; then the matcher:
    # frequencies, candidates with the candidate claims' texts, the references, the
    # claims shown with their documents, their verdicts with ratings.
    with django_assert_num_queries(8):
        response = client.post(url, {"text": GUANTANAMO, "limit": 50}, format="json")
    assert response.status_code == 200
    assert len(response.json()["matches"]) == 2 * count


@pytest.mark.django_db
def test_the_paste_box_answers_with_reasons_and_attribution(client):
    workspace, user = desk()
    references(workspace, GUANTANAMO, *OTHERS, publisher="Snopes <b>")
    client.force_login(user)
    page = client.get(f"/w/{workspace.slug}/")
    assert 'name="text"' in page.content.decode()
    response = client.post(f"/w/{workspace.slug}/checked-before/", {"text": GUANTANAMO_TWEET})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reference fact-check by Snopes &lt;b&gt;" in body
    assert '<a href="https://factcheck.example/0" rel="noopener noreferrer nofollow">' in body
    assert "<mark>Guantanamo</mark>" in body
    assert "as published" in body and ">False</span>" in body
    fragment = client.post(
        f"/w/{workspace.slug}/checked-before/", {"text": ""}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 400
    assert "Paste the text to look up." in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


@pytest.mark.django_db
def test_the_paste_box_is_404_for_non_members(client):
    workspace, _ = desk()
    client.force_login(UserFactory())
    response = client.post(f"/w/{workspace.slug}/checked-before/", {"text": GUANTANAMO})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_match_endpoint_is_throttled_like_the_rest_of_the_api(settings):
    from django.core.cache import caches

    caches["throttle"].clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/min",
        },
    }
    workspace, user = desk()
    client = api(user)
    url = f"/api/v1/workspaces/{workspace.slug}/match/"
    codes = [client.post(url, {"text": BACKED}, format="json").status_code for _ in range(4)]
    caches["throttle"].clear()
    assert codes == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_schema_describes_the_match_endpoint(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/workspaces/{workspace_slug}/match/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/MatchRequestRequest")
    assert "200" in operation["responses"] and "400" in operation["responses"]
