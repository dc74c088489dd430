"""The document page: structure, states, filters, selections, the document list, the
agreement and the cached marked text."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from annotations.models import (
    Annotation,
    Claim,
    Document,
    Role,
    Verdict,
)
from tests.factories import (
    AnnotationFactory,
    DocumentFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)
from tests.web.workbench import _badge_name, _marked_ids, _page, _speech

pytestmark = pytest.mark.django_db


# --- Document page -----------------------------------------------------------------------


def test_document_page_shows_structure_and_numbers_every_claim(client):
    document, claims = _speech()
    client.force_login(member(document.workspace))
    page = _page(client, document)
    assert re.search(r"<h2 class=\"doc-block doc-heading\" id=\"at-\d+\">", page)
    assert page.count('<li class="doc-block doc-list_item">') == 2
    assert _marked_ids(page) == {c.pk for c in claims.values()}
    heading = claims["Budget speech"]
    assert (
        f'<mark class="claim" id="claim-{heading.pk}" data-claim="{heading.pk}" '
        f'data-start="0" data-end="13" data-state="unchecked" data-number="1">'
    ) in page
    assert _badge_name(page, 1) == "Claim 1 unchecked"


def test_published_claim_shows_its_rating_in_words_and_colour(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    VerdictFactory(claim=claim, rating=rating(document.workspace, "False"))
    client.force_login(member(document.workspace))
    page = _page(client, document)
    assert 'data-state="published" data-number="2" data-rating=' in page
    assert 'style="--rating: #cf222e"' in page
    assert _badge_name(page, 2) == "Claim 2 published, rated False"
    assert '<span class="claim-rating">False</span>' in page


def _bulk_document(n_claims):
    """A document with n claims, two annotations on each, a verdict on every tenth."""
    workspace = WorkspaceFactory()
    sentence = "Unemployment fell by {:04d} jobs in 2023. "
    text = "".join(sentence.format(i) for i in range(n_claims))
    document = DocumentFactory(workspace=workspace, text=text)
    step = len(sentence.format(0))
    Claim.objects.bulk_create(
        Claim(
            document=document,
            number=i + 1,
            start=i * step,
            end=(i + 1) * step - 1,
            text=text[i * step : (i + 1) * step - 1],
            checkworthiness=0.8 if i % 2 else 0.2,
        )
        for i in range(n_claims)
    )
    claims = list(document.claims.all())
    authors = [member(workspace), member(workspace)]
    false = rating(workspace, "False")
    Annotation.objects.bulk_create(
        Annotation(claim=c, author=a, rating=false, summary="No.", status="submitted")
        for c in claims
        for a in authors
    )
    editor = member(workspace, Role.EDITOR)
    Verdict.objects.bulk_create(
        Verdict(claim=c, rating=false, summary="No.", published_by=editor) for c in claims[::10]
    )
    return document


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_document_page_query_count_holds_at_20_and_2000_claims(
    client, django_assert_num_queries, role
):
    # session, user, document with workspace, roles, ratings, claims with their state,
    # current verdict ratings, unread notifications, the newest event (where live
    # updates start), who is on which claim. Agreement loads apart, on request.
    expected = 10
    for n in (20, 2000):
        document = _bulk_document(n)
        client.force_login(member(document.workspace, role))
        with django_assert_num_queries(expected):
            page = _page(client, document)
        assert page.count('<mark class="claim" id="claim-') == n
        assert page.count('data-state="published" data-number') == n // 10


def test_filters_check_worthy_unchecked_assigned_review_and_rating(client):
    document, claims = _speech()
    workspace = document.workspace
    reviewer = member(workspace, Role.REVIEWER)
    heading, first, second = (claims[t] for t in list(claims)[:3])
    heading.checkworthiness = 0.1
    heading.save()
    AnnotationFactory(claim=first, author=member(workspace), status="submitted")
    VerdictFactory(claim=second, rating=rating(workspace, "True"))
    second.assignee = reviewer
    second.save()
    client.force_login(reviewer)
    worthy = _marked_ids(_page(client, document, "?worthy=on"))
    assert heading.pk not in worthy and first.pk in worthy
    unchecked = _marked_ids(_page(client, document, "?state=unchecked"))
    assert unchecked == {c.pk for c in claims.values()} - {first.pk, second.pk}
    assert _marked_ids(_page(client, document, "?mine=on")) == {second.pk}
    assert _marked_ids(_page(client, document, "?review=on")) == {first.pk}
    true = rating(workspace, "True").pk
    assert _marked_ids(_page(client, document, f"?rating={true}")) == {second.pk}
    page = _page(client, document, f"?rating={true}")
    assert "Showing 1 of 6 claims." in page
    # Text of claims filtered out is still there, just not marked.
    assert "Thank you." in page


def test_blind_annotator_sees_no_state_of_colleagues_work(client):
    workspace = WorkspaceFactory(blind=True)
    document, claims = _speech(workspace)
    claim = claims["We must act now."]
    AnnotationFactory(claim=claim, author=member(workspace), status="approved")
    annotator = member(workspace)
    client.force_login(annotator)
    page = _page(client, document)
    assert 'data-state="approved" data-number' not in page
    assert page.count('data-state="unchecked" data-number') == 6
    Annotation.start(claim, annotator, rating=rating(workspace), summary="No.").submit(annotator)
    assert 'data-state="approved" data-number' in _page(client, document)


def test_document_page_can_open_a_claim_panel_without_javascript(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    client.force_login(member(document.workspace))
    page = _page(client, document, f"?claim={claim.number}")
    assert claim.number == 2
    assert '<h2 id="panel-title" tabindex="-1">Claim 2' in page
    assert "contains a percentage (5%)" in page


def test_non_member_gets_404_for_document_panel_and_posts(client):
    document, claims = _speech()
    claim = claims["We must act now."]
    annotation = AnnotationFactory(claim=claim, author=member(document.workspace))
    client.force_login(UserFactory())
    assert client.get(reverse("claim_panel", args=[claim.pk])).status_code == 404
    for name, pk in [
        ("claim_annotation", claim.pk),
        ("claim_details", claim.pk),
        ("source_add", claim.pk),
        ("annotation_review", annotation.pk),
        ("annotation_comment", annotation.pk),
        ("annotation_flag", annotation.pk),
        ("annotation_publish", annotation.pk),
        ("claim_create", document.pk),
    ]:
        assert client.post(reverse(name, args=[pk]), {"start": 0, "end": 5}).status_code == 404


# --- New claims from a selection --------------------------------------------------------------


def _create(client, document, start, end):
    return client.post(reverse("claim_create", args=[document.pk]), {"start": start, "end": end})


def test_selection_becomes_a_trimmed_selection_claim_or_the_existing_one(client):
    document = DocumentFactory(text="😀 Café crème e\u0301tait là. שלום עולם 𝒳 end.")
    user = member(document.workspace)
    client.force_login(user)
    start = document.text.index("Café") - 1  # a leading space is trimmed
    response = _create(client, document, start, start + 12)
    assert response.status_code == 201
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.kind, claim.text, claim.created_by) == ("selection", "Café crème", user)
    assert response.json() == {"id": claim.pk, "start": 2, "end": 12, "created": True}
    again = _create(client, document, 2, 12)
    assert again.status_code == 200 and again.json()["id"] == claim.pk
    hebrew = document.text.index("שלום")
    assert _create(client, document, hebrew, hebrew + 9).json()["end"] == hebrew + 9


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (3, 3, "No claim added: the selection is empty."),
        (1, 2, "No claim added: the selection is only whitespace."),
        (5, 999, "No claim added: end is beyond the end of the text (length 40)."),
        (-1, 4, "No claim added: start must be ≥ 0."),
        ("x", 4, "Select some words of the text first."),
    ],
)
def test_bad_selections_get_a_message_not_a_claim(client, start, end, message):
    document = DocumentFactory(text="😀 Café crème e\u0301tait là. שלום עולם 𝒳 end.")
    client.force_login(member(document.workspace))
    response = _create(client, document, start, end)
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert not Claim.objects.exists()


# --- Document list ---------------------------------------------------------------------------


def _progress(workspace):
    document, claims = _speech(workspace)
    claims = list(claims.values())
    AnnotationFactory(claim=claims[0], author=member(workspace))
    AnnotationFactory(claim=claims[1], author=member(workspace), status="approved")
    AnnotationFactory(claim=claims[1], author=member(workspace), hidden=True)
    AnnotationFactory(claim=claims[2], author=member(workspace), hidden=True)
    VerdictFactory(claim=claims[1], rating=rating(workspace, "False"))
    VerdictFactory(claim=claims[3], rating=rating(workspace, "True"))
    VerdictFactory(
        claim=claims[4],
        rating=rating(workspace, "True"),
        retracted_at=datetime(2024, 1, 1, tzinfo=UTC),
        retraction_note="Wrong",
    )
    return document


def test_document_list_counts_progress_and_draws_the_rating_bar(client):
    workspace = WorkspaceFactory()
    document = _progress(workspace)
    DocumentFactory(workspace=workspace, title="Empty")
    client.force_login(member(workspace))
    response = client.get(reverse("workspace", args=[workspace.slug]))
    rows = {d.title: d for d in response.context["documents"]}
    row = rows[document.title]
    counts = (row.claim_count, row.annotated_count, row.approved_count, row.published_count)
    assert counts == (6, 2, 1, 2)
    assert (rows["Empty"].claim_count, rows["Empty"].published_count) == (0, 0)
    page = response.content.decode()
    assert 'aria-label="Published ratings: True 1, False 1"' in page
    assert '<rect x="0.00" y="0" width="60.00" height="12" fill="#1a7f37">' in page
    assert "none published" in page


def test_document_list_query_count_holds_at_1_and_50_documents(client, django_assert_num_queries):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace))
    _progress(workspace)
    # session, user, workspace, roles, documents with counts, ratings, rating distribution,
    # unread notifications
    with django_assert_num_queries(8):
        client.get(reverse("workspace", args=[workspace.slug]))
    for _ in range(49):
        DocumentFactory(workspace=workspace)
    with django_assert_num_queries(8):
        response = client.get(reverse("workspace", args=[workspace.slug]))
    assert len(response.context["documents"]) == 50
    assert Document.objects.filter(workspace=workspace).count() == 50


# --- Leaks: the panel is where annotations show now ------------------------------------------


def _panels(client, desk):
    from tests.test_leaks import _get

    return _get(
        client,
        reverse("claim_panel", args=[desk.claim.pk]),
        reverse("claim_panel", args=[desk.other_claim.pk]),
        reverse("document", args=[desk.document.pk]) + f"?claim={desk.other_claim.number}",
    )


def test_annotator_panels_show_no_hidden_or_blind_work(client):
    from tests.test_leaks import MARKERS, build_desk

    desk = build_desk()
    client.force_login(desk.annotator)
    text = "\n".join(_panels(client, desk))
    assert [marker for marker in MARKERS if marker in text] == []


def test_editor_panels_show_hidden_and_blind_work(client):
    from tests.test_leaks import BLIND_SUMMARY, HIDDEN_ANNOTATION, HIDDEN_COMMENT, build_desk

    desk = build_desk()
    client.force_login(desk.editor)
    text = "\n".join(_panels(client, desk))
    assert all(marker in text for marker in (HIDDEN_ANNOTATION, HIDDEN_COMMENT, BLIND_SUMMARY))


def test_agreement_loads_on_request_for_reviewers_with_disagreements_linked(client):
    document, claims = _speech()
    workspace = document.workspace
    first, second = member(workspace), member(workspace)
    agree_true = claims["Unemployment fell to 5% last year."]
    agree_false = claims["taxes rose by 3.5%"]
    split = claims["Thank you."]
    for claim, a, b in [
        (agree_true, "True", "True"),
        (agree_false, "False", "False"),
        (split, "True", "False"),
    ]:
        AnnotationFactory(
            claim=claim, author=first, rating=rating(workspace, a), status="submitted"
        )
        AnnotationFactory(
            claim=claim, author=second, rating=rating(workspace, b), status="approved"
        )
    # A draft and a hidden annotation do not count.
    AnnotationFactory(claim=claims["We must act now."], author=first, status="draft")
    AnnotationFactory(
        claim=claims["We must act now."], author=second, status="submitted", hidden=True
    )
    reviewer = member(workspace, Role.REVIEWER)
    client.force_login(reviewer)
    url = reverse("document_agreement", args=[document.pk])
    page = _page(client, document)
    assert f'hx-get="{url}" hx-trigger="toggle once"' in page
    assert "over 3 claims" not in page  # not computed with the page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "over 3 claims rated by two or more members" in fragment
    assert "<html" not in fragment
    # The claim's number (6, "Thank you.") to show and open, its id to scroll to.
    link = f'href="/documents/{document.pk}/?claim=6#claim-{split.pk}">claim 6</a>'
    assert split.number == 6
    assert fragment.count("<a ") == 1 and link in fragment
    full = client.get(url).content.decode()
    assert "<html" in full and link in full


def test_agreement_is_for_reviewers_and_editors_only(client):
    document, _ = _speech()
    annotator = member(document.workspace)
    client.force_login(annotator)
    url = reverse("document_agreement", args=[document.pk])
    assert client.get(url).status_code == 404
    assert 'hx-trigger="toggle once"' not in _page(client, document)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(member(document.workspace, Role.EDITOR))
    assert client.get(url).status_code == 200


def test_cached_marked_text_follows_every_change_the_reader_would_see(client):
    document, claims = _speech()
    workspace = document.workspace
    claim = claims["We must act now."]
    client.force_login(member(workspace, Role.EDITOR))
    first = _page(client, document)
    article = re.compile(r'<article class="document-text".*?</article>', re.S)
    # The second comes from the cache.
    assert article.search(first).group() == article.search(_page(client, document)).group()
    assert _badge_name(first, 3) == "Claim 3 unchecked"
    annotation = AnnotationFactory(claim=claim, author=member(workspace), status="approved")
    assert _badge_name(_page(client, document), 3) == "Claim 3 approved"
    VerdictFactory(claim=claim, rating=rating(workspace, "False"))
    assert _badge_name(_page(client, document), 3) == "Claim 3 published, rated False"
    false = rating(workspace, "False")
    false.label = "Wrong"
    false.save()
    assert _badge_name(_page(client, document), 3) == "Claim 3 published, rated Wrong"
    Verdict.objects.filter(claim=claim).update(
        retracted_at=datetime(2026, 1, 1, tzinfo=UTC), retraction_note="Wrong claim."
    )
    annotation.hidden = True
    annotation.save()
    assert _badge_name(_page(client, document), 3) == "Claim 3 unchecked"
    assert f"claim={claim.number}#claim-{claim.pk}" in _page(client, document)
    assert f"?worthy=on&amp;claim={claim.number}" in _page(client, document, "?worthy=on")


def test_marked_text_is_cached_compressed(client):
    import zlib
    from unittest import mock

    from annotations.web import documents

    document, _ = _speech()
    client.force_login(member(document.workspace))
    documents.cache.clear()
    with mock.patch.object(documents.cache, "set", wraps=documents.cache.set) as cache_set:
        page = _page(client, document)
    (key, (packed, count), _seconds), _ = cache_set.call_args
    assert key.startswith("marked-text:") and count == 6
    html = zlib.decompress(packed).decode()
    assert html.startswith('<h2 class="doc-block doc-heading" id="at-0">') and html in page


def test_agreement_query_count_holds_at_20_and_2000_claims(client, django_assert_num_queries):
    # session, user, document with workspace, roles, the ratings
    for n in (20, 2000):
        document = _bulk_document(n)
        client.force_login(member(document.workspace, Role.REVIEWER))
        url = reverse("document_agreement", args=[document.pk])
        with django_assert_num_queries(5):
            fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
        # Two members rate every claim False: with no variation alpha is undefined.
        assert "Krippendorff's alpha (ordinal): undefined" in fragment
