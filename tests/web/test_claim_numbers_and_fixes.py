"""Stored claim numbers on the pages, and an editor's claim fixes from the panel."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Claim, Document, Role
from tests.factories import AnnotationFactory, member
from tests.web.workbench import SPEECH, _page, _speech

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PANEL_QUERIES = 12


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _badges(page):
    """(claim id, number shown) of every badge, in the page's order."""
    return [
        (int(pk), int(number))
        for pk, number in re.findall(
            r'data-claim="(\d+)"><span class="visually-hidden">Claim</span>'
            r'<span class="claim-no">(\d+)</span>',
            page.replace("\n", ""),
        )
    ]


@pytest.fixture
def speech():
    document, claims = _speech()
    editor = member(document.workspace, Role.EDITOR, username="erin")
    return document, claims, editor


def test_a_claim_added_inside_another_gets_the_next_number_and_none_moves(speech):
    document, claims, editor = speech
    client = _client(editor)
    before = _badges(_page(client, document))
    assert [n for _, n in before] == [1, 2, 3, 4, 5, 6]
    inner = claims["Unemployment fell to 5% last year."]
    added, _ = Claim.from_selection(document, inner.start, inner.start + 12, editor)
    after = dict(_badges(_page(client, document)))
    assert after == {**dict(before), added.pk: 7}
    # ?claim=N opens the claim numbered N, and the panel says so.
    page = _page(client, document, "?claim=3")
    assert '<h2 id="panel-title" tabindex="-1">Claim 3 ' in page
    assert f'data-claim="{claims["We must act now."].pk}"' in page
    assert '<h2 id="panel-title" tabindex="-1">Claim 7 ' in _page(client, document, "?claim=7")


def test_badges_link_to_the_number_and_the_panel_redirect_keeps_it(speech):
    document, claims, editor = speech
    claim = claims["Thank you."]
    page = _page(_client(editor), document)
    assert f'href="?claim=6#claim-{claim.pk}" data-claim="{claim.pk}"' in page
    response = _client(editor).post(reverse("claim_annotation", args=[claim.pk]), {})
    assert response["Location"] == f"/documents/{document.pk}/?claim=6#claim-{claim.pk}"


def test_editor_deletes_an_unworked_claim_from_the_panel(speech):
    document, claims, editor = speech
    claim = claims["Thank you."]
    panel = _client(editor).get(reverse("claim_panel", args=[claim.pk]), **HTMX)
    html = panel.content.decode()
    assert 'data-confirm="Delete claim 6? Its number will not be used again."' in html
    response = _client(editor).post(reverse("claim_delete", args=[claim.pk]), **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/documents/{document.pk}/"
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_deleting_a_claim_with_work_answers_409_in_the_panel(speech):
    document, claims, editor = speech
    claim = claims["Thank you."]
    AnnotationFactory(claim=claim)
    response = _client(editor).post(reverse("claim_delete", args=[claim.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 409
    assert html.lstrip().startswith('<div class="panel-body"')
    assert "Claim 6 has annotations or a verdict, so it cannot be deleted" in html
    # Not offered for a claim with work.
    assert "Fix this claim" not in html
    assert Claim.objects.filter(pk=claim.pk).exists()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_members_who_are_not_editors_get_403_and_no_buttons(speech, role):
    document, claims, _ = speech
    claim = claims["Thank you."]
    client = _client(member(document.workspace, role))
    panel = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Fix this claim" not in panel
    for name, data in (
        ("claim_delete", {}),
        ("claim_merge", {"other": claims["spending fell"].pk}),
        ("claim_split", {"offset": claim.start + 6}),
    ):
        response = client.post(reverse(name, args=[claim.pk]), data, **HTMX)
        assert response.status_code == 403
        assert "Only editors can delete, merge or split claims." in response.content.decode()
    assert Claim.objects.filter(document=document).count() == 6


def test_outsiders_get_404(speech):
    document, claims, _ = speech
    outsider = member(_speech()[0].workspace, Role.EDITOR)
    response = _client(outsider).post(
        reverse("claim_delete", args=[claims["Thank you."].pk]), **HTMX
    )
    assert response.status_code == 404


def test_editor_merges_neighbours_and_the_page_reopens_on_the_kept_number(speech):
    document, claims, editor = speech
    first, second = claims["taxes rose by 3.5%"], claims["spending fell"]
    html = _client(editor).get(reverse("claim_panel", args=[second.pk])).content.decode()
    assert "Merge with claim 4 (before)" in html and "Merge with claim 6 (after)" in html
    response = _client(editor).post(
        reverse("claim_merge", args=[second.pk]), {"other": first.pk}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/documents/{document.pk}/?claim=4"
    kept = Claim.objects.get(pk=first.pk)
    assert (kept.number, kept.text) == (4, "taxes rose by 3.5%\n- spending fell")
    assert kept.kind == "list_item"


@pytest.mark.parametrize(
    ("other", "status"), [("", 400), ("abc", 400), ("999999", 400), ("-1", 400)]
)
def test_merge_with_a_bad_claim_id_is_refused(speech, other, status):
    document, claims, editor = speech
    response = _client(editor).post(
        reverse("claim_merge", args=[claims["spending fell"].pk]), {"other": other}, **HTMX
    )
    assert response.status_code == status
    assert Claim.objects.filter(document=document).count() == 6


def test_editor_splits_a_claim_and_the_second_part_is_numbered_last(speech):
    document, claims, editor = speech
    claim = claims["Unemployment fell to 5% last year."]
    client = _client(editor)
    response = client.post(reverse("claim_split", args=[claim.pk]), {"offset": claim.start + 24})
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/?claim=2"
    texts = dict(Claim.objects.filter(document=document).values_list("number", "text"))
    assert (texts[2], texts[7]) == ("Unemployment fell to 5%", "last year.")
    page = client.get(response["Location"]).content.decode()
    assert "Claim 2 split; its second part is claim 7." in page
    assert '<h2 id="panel-title" tabindex="-1">Claim 2 ' in page
    assert '<h2 id="panel-title" tabindex="-1">Claim 7 ' in _page(client, document, "?claim=7")


@pytest.mark.parametrize("offset", ["", "x", "1e3", "\x00", "99999999999999"])
def test_split_with_a_bad_offset_is_refused_naming_the_field(speech, offset):
    document, claims, editor = speech
    claim = claims["Unemployment fell to 5% last year."]
    response = _client(editor).post(
        reverse("claim_split", args=[claim.pk]), {"offset": offset}, **HTMX
    )
    assert response.status_code == 400
    assert Claim.objects.filter(document=document).count() == 6


def _more_claims(document, n):
    """n more claims of one word each, after the speech's own, numbered after them."""
    base = document.claims.count()
    document.text = document.text + "".join(f" w{i:04d}" for i in range(n))
    Document.objects.filter(pk=document.pk).update(text=document.text)
    start = len(SPEECH) + 1
    Claim.objects.bulk_create(
        Claim(document=document, number=base + 1 + i, start=start + 6 * i, end=start + 6 * i + 5)
        for i in range(n)
    )


def test_editors_panel_with_claim_fixes_query_count_holds_as_claims_grow(
    speech, django_assert_num_queries
):
    document, claims, editor = speech
    claim = claims["We must act now."]
    client = _client(editor)
    url = reverse("claim_panel", args=[claim.pk])
    # session, user, claim, roles, claim with state, ratings, annotations (none: nothing
    # to prefetch), similar claims by match keys, verdicts, previous claim, next claim,
    # members
    for extra in (0, 200):
        _more_claims(document, extra)
        with django_assert_num_queries(PANEL_QUERIES):
            html = client.get(url, **HTMX).content.decode()
        assert "Merge with claim 2 (before)" in html and "Merge with claim 4 (after)" in html
