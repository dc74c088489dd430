"""/api/v1/workspaces/{slug}/factchecks/: editors load a file (multipart or the body),
members list and read, nothing is changed or deleted, nothing crosses workspaces."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import ReferenceFactCheck
from annotations.services.factchecks import FactCheckRecord, store_references
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

R = "/api/v1/workspaces"


def _review(n, **changes) -> str:
    review = {
        "@type": "ClaimReview",
        "claimReviewed": f"Claim {n} about the harbour.",
        "url": f"https://checks.example.org/{n}",
        "author": {"name": "Example Checks"},
        "reviewRating": {"alternateName": "False"},
        "datePublished": "2021-02-03",
    }
    return json.dumps({**review, **changes})


def _references(workspace, count, publisher="Example Checks", start=0):
    store_references(
        workspace,
        [
            FactCheckRecord(
                claim=f"Reference claim {n}.",
                url=f"https://{publisher.split()[0].lower()}.example.org/{n}",
                publisher=publisher,
                rating="False",
            )
            for n in range(start, start + count)
        ],
        None,
    )


def test_editor_loads_a_multipart_file_and_hears_about_bad_lines(desk):
    content = "\n".join([_review(1), _review(2, url="javascript:alert(1)"), _review(3)])
    upload = SimpleUploadedFile("checks.jsonl", content.encode())
    response = desk.client("editor").post(
        f"{R}/desk/factchecks/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json() == {
        "format": "jsonl",
        "loaded": 2,
        "duplicates": 0,
        "skipped": 1,
        "errors": [
            {
                "line": 2,
                "where": "line 2",
                "message": "The url 'javascript:alert(1)' is not an http(s) link.",
            }
        ],
    }
    stored = ReferenceFactCheck.objects.filter(workspace=desk.workspace)
    assert {r.loaded_by for r in stored} == {desk.editor}


def test_editor_loads_the_body_and_a_reload_adds_nothing(desk):
    body = "claim\trating\turl\tpublisher\nTaxes rose.\tTrue\thttps://x.example/t\tX Desk\n"
    client = desk.client("editor")
    first = client.generic("POST", f"{R}/desk/factchecks/", body, "text/tab-separated-values")
    assert first.status_code == 201
    assert (first.json()["format"], first.json()["loaded"]) == ("tsv", 1)
    again = client.generic("POST", f"{R}/desk/factchecks/", body, "text/tab-separated-values")
    assert again.status_code == 200
    assert (again.json()["loaded"], again.json()["duplicates"]) == (0, 1)


def test_array_items_are_reported_by_number(desk):
    items = f"[{_review(1)}, {_review(2, claimReviewed='')}]"
    response = desk.client("editor").generic(
        "POST", f"{R}/desk/factchecks/", items, "application/ld+json"
    )
    assert response.status_code == 201
    assert response.json()["errors"] == [
        {
            "line": 2,
            "where": "item 2",
            "message": "It has no claim (claimReviewed): the claim text is required.",
        }
    ]


def test_a_file_with_no_usable_record_is_a_400_listing_them(desk):
    body = _review(1, url="ftp://x.org") + "\n" + _review(2, datePublished="soon") + "\n"
    response = desk.client("editor").generic(
        "POST", f"{R}/desk/factchecks/", body, "application/x-ndjson"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "No fact-check could be loaded: all 2 records have problems.",
        "code": "no_valid_records",
        "errors": {
            "file": [
                "Line 1: The url 'ftp://x.org' is not an http(s) link.",
                "Line 2: The date 'soon' is not a date (YYYY-MM-DD).",
            ]
        },
    }
    assert not ReferenceFactCheck.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"", "empty"), (b"\x00\x01\x02\x03\x04\x05", "binary"), (b"hello", "unsupported")],
)
def test_unreadable_files_are_refused_with_the_reason(desk, body, code):
    response = desk.client("editor").generic(
        "POST", f"{R}/desk/factchecks/", body, "application/octet-stream"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["errors"]) == ["file"]


def test_no_file_at_all_is_a_400(desk):
    response = desk.client("editor").post(f"{R}/desk/factchecks/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["Send the fact-checks as the multipart field file, or as the body."]
    }


def test_a_file_over_the_limit_is_a_413(desk, settings):
    settings.FACTCHECKS_MAX_BYTES = 100
    body = _review(1) + "\n" + _review(2)
    response = desk.client("editor").generic(
        "POST", f"{R}/desk/factchecks/", body, "application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize(
    ("role", "status"), [("annotator", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_only_editors_load(desk, role, status):
    response = desk.client(role).generic(
        "POST", f"{R}/desk/factchecks/", _review(1), "application/json"
    )
    assert response.status_code == status
    if status == 403:
        assert response.json()["detail"] == "Only editors can load reference fact-checks."
    assert not ReferenceFactCheck.objects.exists()


def test_members_list_filter_and_read(desk):
    _references(desk.workspace, 3, "Example Checks")
    _references(desk.workspace, 2, "Other Desk", start=10)
    client = desk.client("annotator")
    rows = client.get(f"{R}/desk/factchecks/").json()["results"]
    assert len(rows) == 5
    other = client.get(f"{R}/desk/factchecks/?publisher=other desk").json()["results"]
    assert [row["claim"] for row in other] == ["Reference claim 10.", "Reference claim 11."]
    one = ReferenceFactCheck.objects.get(claim="Reference claim 10.")
    detail = client.get(f"{R}/desk/factchecks/{one.pk}/")
    assert detail.status_code == 200
    assert detail.json() == {
        "id": one.pk,
        "claim": "Reference claim 10.",
        "claimant": "",
        "rating": "False",
        "url": "https://other.example.org/10",
        "publisher": "Other Desk",
        "published": None,
        "title": "",
        "language": "",
        "loaded_by": None,
        "loaded_at": detail.json()["loaded_at"],
    }


def test_list_is_paginated_by_cursor(desk):
    _references(desk.workspace, 5)
    client = desk.client("reviewer")
    first = client.get(f"{R}/desk/factchecks/?page_size=2").json()
    assert [row["claim"] for row in first["results"]] == [
        "Reference claim 0.",
        "Reference claim 1.",
    ]
    second = client.get(first["next"]).json()
    assert [row["claim"] for row in second["results"]] == [
        "Reference claim 2.",
        "Reference claim 3.",
    ]


def test_another_workspaces_are_never_shown(desk):
    _references(desk.other_workspace, 2, "Elsewhere Desk")
    theirs = ReferenceFactCheck.objects.filter(workspace=desk.other_workspace).first()
    client = desk.client("editor")
    assert client.get(f"{R}/desk/factchecks/").json()["results"] == []
    assert client.get(f"{R}/desk/factchecks/{theirs.pk}/").status_code == 404
    assert client.get(f"{R}/elsewhere/factchecks/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_reference_factchecks_are_read_only(desk, method):
    _references(desk.workspace, 1)
    one = ReferenceFactCheck.objects.get()
    response = getattr(desk.client("editor"), method)(
        f"{R}/desk/factchecks/{one.pk}/", {"rating": "True"}, format="json"
    )
    assert response.status_code == 405
    assert ReferenceFactCheck.objects.get().rating == "False"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_rows(desk):
    _references(desk.workspace, 1)
    client = client_for(desk.annotator)
    url = f"{R}/desk/factchecks/"
    # token and user, memberships, the workspace, the rows (with who loaded them)
    at_one = _queries(client, url)
    assert at_one == 4
    store_references(
        desk.workspace,
        [FactCheckRecord(claim=f"More {n}.", url=f"https://x.org/{n}") for n in range(150)],
        desk.editor,
    )
    assert _queries(client, url) == at_one
    assert _queries(client, url + "?page_size=500") == at_one


def test_the_errors_listed_are_capped_but_all_counted(desk, monkeypatch):
    from annotations.api import factchecks

    monkeypatch.setattr(factchecks, "REPORTED_PROBLEMS", 3)
    body = "\n".join([_review(1)] + [_review(n, url="") for n in range(2, 12)])
    response = desk.client("editor").generic(
        "POST", f"{R}/desk/factchecks/", body, "application/x-ndjson"
    )
    assert response.status_code == 201
    assert (response.json()["loaded"], response.json()["skipped"]) == (1, 10)
    assert [e["line"] for e in response.json()["errors"]] == [2, 3, 4]
