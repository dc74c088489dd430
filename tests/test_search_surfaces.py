"""Search and similar claims as members reach them: API, search page, claim panel."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.models import Annotation, Role, Verdict
from annotations.services import import_document
from tests.factories import UserFactory, WorkspaceFactory, member, rating

pytestmark = pytest.mark.django_db

FIRST = "114 countries supported the resolution at the General Assembly."
SECOND = "114 countries backed the resolution at the General Assembly."
OTHER = "Bananas are rich in potassium and grow in tropical climates."


@pytest.fixture
def desk():
    workspace = WorkspaceFactory(slug="desk")
    editor = member(workspace, Role.EDITOR)
    reviewer = member(workspace, Role.REVIEWER)
    annotator = member(workspace, Role.ANNOTATOR)
    old = import_document(workspace, f"{FIRST}\n\n{OTHER}", title="Old speech").document
    first = old.claims.get(text=FIRST)
    annotation = Annotation.start(
        first, annotator, rating=rating(workspace, "False"), summary="It was 141."
    )
    annotation.add_source(annotator, url="https://press.un.org/ga12407", title="UN press")
    annotation.submit(annotator)
    annotation.approve(reviewer)
    verdict = Verdict.publish(annotation, editor)
    new = import_document(workspace, SECOND, title="New speech").document
    return {
        "workspace": workspace,
        "editor": editor,
        "annotator": annotator,
        "verdict": verdict,
        "new_claim": new.claims.get(),
        "new": new,
    }


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_import_marks_the_claim_that_matches_an_earlier_verdict(desk):
    claim = desk["new_claim"]
    assert claim.prior_verdict == desk["verdict"]
    assert 0 < claim.prior_similarity <= 1


def test_similar_endpoint_returns_the_twin_with_its_verdict(desk):
    response = _api(desk["annotator"]).get(f"/api/v1/claims/{desk['new_claim'].pk}/similar/")
    assert response.status_code == 200
    (row,) = response.json()
    assert row["claim"]["text"] == FIRST
    assert row["verdict"]["rating"] == "False"
    assert row["verdict"]["summary"] == "It was 141."


def test_similar_endpoint_is_404_outside_the_workspace(desk):
    response = _api(UserFactory()).get(f"/api/v1/claims/{desk['new_claim'].pk}/similar/")
    assert response.status_code == 404


def test_search_endpoint_finds_and_marks_words(desk):
    response = _api(desk["annotator"]).get("/api/v1/search/", {"q": "countries resolution"})
    assert response.status_code == 200
    kinds = {(hit["kind"], hit["claim"]["text"]) for hit in response.json()["results"]}
    assert ("claim", FIRST) in kinds and ("claim", SECOND) in kinds
    assert all("<mark>" in hit["snippet"] for hit in response.json()["results"])
    assert OTHER not in str(response.json())


@pytest.mark.parametrize("q", ["", "   ", "!!!", "& | ! :* ()", '"', "x" * 600])
def test_bad_queries_answer_empty_or_400_never_500(desk, q):
    response = _api(desk["annotator"]).get("/api/v1/search/", {"q": q, "workspace": "desk"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert response.json()["errors"]["q"]


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("speaker", "A\x00B", "The speaker may not contain NUL characters."),
        ("document", "²", "“²” is not a valid document."),
        ("document", "٣", "“٣” is not a valid document."),
        ("rating", "a\x00", "“a\x00” is not a valid rating."),
        (
            "state",
            "done",
            "Unknown state “done”; use one of unchecked, in_progress, approved, published.",
        ),
        ("date_from", "soon", "Give date_from as a date, YYYY-MM-DD."),
    ],
)
def test_bad_search_filter_is_400_with_the_filter_named(desk, param, value, message):
    response = _api(desk["annotator"]).get(
        "/api/v1/search/", {"q": "countries", "workspace": "desk", param: value}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {param: [message]}


def test_search_page_with_nul_in_the_speaker_says_so(client, desk):
    client.force_login(desk["annotator"])
    response = client.get(
        reverse("workspace_search", args=["desk"]), {"q": "countries", "speaker": "A\x00B"}
    )
    assert response.status_code == 200
    assert response.context["error"] == "The speaker may not contain NUL characters."


def test_search_in_a_foreign_workspace_is_404(desk):
    other = member(WorkspaceFactory(slug="other"), Role.EDITOR)
    response = _api(other).get("/api/v1/search/", {"q": "countries", "workspace": "desk"})
    assert response.status_code == 404


def test_search_page_shows_marked_results(client, desk):
    client.force_login(desk["annotator"])
    page = client.get(reverse("workspace_search", args=["desk"]), {"q": "backed"}).content.decode()
    assert "<mark>backed</mark>" in page
    assert "1 result." in page


def test_search_page_escapes_the_query(client, desk):
    client.force_login(desk["annotator"])
    page = client.get(
        reverse("workspace_search", args=["desk"]), {"q": "<script>alert(1)</script>"}
    ).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_panel_offers_the_similar_verdict_and_reuse_copies_it(client, desk):
    claim = desk["new_claim"]
    client.force_login(desk["annotator"])
    panel = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Checked before?" in panel and "It was 141." in panel and "Reuse this verdict" in panel
    client.post(reverse("claim_reuse", args=[claim.pk]), {"verdict": desk["verdict"].pk})
    mine = Annotation.objects.get(claim=claim, author=desk["annotator"])
    assert (mine.rating.label, mine.reused_from) == ("False", desk["verdict"])
    assert list(mine.sources.values_list("url", flat=True)) == ["https://press.un.org/ga12407"]


def test_document_page_filters_claims_matching_earlier_verdicts(client, desk):
    client.force_login(desk["annotator"])
    response = client.get(reverse("document", args=[desk["new"].pk]), {"prior": "on"})
    assert response.context["shown_count"] == 1
