"""Reference fact-checks in the pages: the import page's "Load reference fact-checks"
section (editors only), and the read-only list of a workspace's, attributed to their
publishers and escaped."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import ReferenceFactCheck, Role
from annotations.services.factchecks import FactCheckRecord, store_references
from tests.factories import UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

SCRIPT_CLAIM = '<script>alert("x")</script> The harbour tax doubled.'


def _load_url(workspace):
    return reverse("factchecks_load", args=[workspace.slug])


def _list_url(workspace, query=""):
    return reverse("factcheck_list", args=[workspace.slug]) + query


def _upload(content: bytes, name="checks.jsonl"):
    return {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}


def _review(n, **changes):
    review = {
        "@type": "ClaimReview",
        "claimReviewed": f"Claim {n}.",
        "url": f"https://checks.example.org/{n}",
        "author": {"name": "Example Checks"},
        "reviewRating": {"alternateName": "Mostly false"},
        "datePublished": "2021-02-03",
    }
    return json.dumps({**review, **changes})


def _references(workspace, count, publisher="Example Checks", start=0):
    records = [
        FactCheckRecord(
            claim=f"Reference claim {n}.",
            url=f"https://{publisher.split()[0].lower()}.example.org/{n}",
            publisher=publisher,
            rating="False",
        )
        for n in range(start, start + count)
    ]
    store_references(workspace, records, None)


def test_import_page_shows_the_section_to_editors(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    page = client.get(reverse("document_import", args=[workspace.slug])).content.decode()
    assert '<h2 id="factchecks-h">Load reference fact-checks</h2>' in page
    assert f'action="{_load_url(workspace)}"' in page


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_non_editors_neither_see_nor_post_the_form(client, role):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, role))
    assert client.get(reverse("document_import", args=[workspace.slug])).status_code == 403
    response = client.post(_load_url(workspace), _upload(_review(1).encode()))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Not allowed</h1>" in page
    assert "Only editors can load reference fact-checks." in page
    assert not ReferenceFactCheck.objects.exists()


def test_outsider_gets_404(client):
    workspace = WorkspaceFactory()
    client.force_login(UserFactory())
    assert client.post(_load_url(workspace), _upload(b"x")).status_code == 404
    assert client.get(_list_url(workspace)).status_code == 404


def test_upload_shows_counts_and_bad_lines(client):
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    client.force_login(editor)
    content = "\n".join([_review(1), _review(2, url="javascript:alert(1)"), _review(3)])
    response = client.post(_load_url(workspace), _upload(content.encode()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Loaded 2 reference fact-checks; skipped 1 with problems." in page
    assert (
        "<li>Line 2: The url &#x27;javascript:alert(1)&#x27; is not an http(s) link.</li>" in page
    )
    assert ReferenceFactCheck.objects.filter(workspace=workspace, loaded_by=editor).count() == 2

    again = client.post(_load_url(workspace), _upload(content.encode())).content.decode()
    assert "Loaded 0 reference fact-checks; 2 already there; skipped 1 with problems." in again


def test_a_refused_file_is_named_next_to_the_field(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    response = client.post(_load_url(workspace), _upload(b"%PDF-1.7 binary", "x.pdf"))
    assert response.status_code == 400
    assert response.context["factcheck_form"].errors == {
        "file": ["“x.pdf” is a binary file, not ClaimReview JSON or TSV text."]
    }


def test_a_file_where_every_record_is_bad_says_nothing_was_loaded(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    content = _review(1, claimReviewed="").encode()
    page = client.post(_load_url(workspace), _upload(content)).content.decode()
    assert "Nothing was loaded: every record in the file has a problem." in page


def test_list_page_is_attributed_labelled_and_escaped(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.ANNOTATOR))
    record = FactCheckRecord(
        claim=SCRIPT_CLAIM,
        url="https://checks.example.org/tax?a=1&b=2",
        rating="Pants on Fire",
        publisher="Example <b>Checks</b>",
        title="The tax did not double",
    )
    store_references(workspace, [record], None)
    response = client.get(_list_url(workspace))
    assert response.status_code == 200
    page = response.content.decode()
    assert "published elsewhere" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; The harbour tax doubled." in page
    assert "Example &lt;b&gt;Checks&lt;/b&gt;" in page
    assert "<td>Pants on Fire</td>" in page
    assert (
        '<a href="https://checks.example.org/tax?a=1&amp;b=2" rel="noopener noreferrer nofollow"'
        in page
    )


def test_workspace_page_links_to_the_list(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.ANNOTATOR))
    page = client.get(reverse("workspace", args=[workspace.slug])).content.decode()
    assert f'<a href="{_list_url(workspace)}">Reference fact-checks</a>' in page


def test_list_page_searches_text_and_publisher(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.REVIEWER))
    _references(workspace, 3, "Example Checks")
    _references(workspace, 2, "Other Desk", start=10)
    found = client.get(_list_url(workspace, "?publisher=other")).context["page"]
    assert sorted(fc.claim for fc in found.object_list) == [
        "Reference claim 10.",
        "Reference claim 11.",
    ]
    found = client.get(_list_url(workspace, "?q=claim+1")).context["page"]
    assert sorted(fc.claim for fc in found.object_list) == [
        "Reference claim 1.",
        "Reference claim 10.",
        "Reference claim 11.",
    ]


def test_list_page_shows_only_its_workspaces(client):
    mine, theirs = WorkspaceFactory(), WorkspaceFactory()
    client.force_login(member(mine, Role.EDITOR))
    _references(theirs, 2, "Their Desk")
    _references(mine, 1, "My Desk")
    page = client.get(_list_url(mine)).context["page"]
    assert [fc.publisher for fc in page.object_list] == ["My Desk"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_page_queries_do_not_grow_with_rows(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.ANNOTATOR))
    _references(workspace, 1)
    # workspace, session, user, memberships, the pager's count, the unread notifications
    # (base page), the page's rows
    assert _queries(client, _list_url(workspace)) == 7
    _references(workspace, 120, start=1)
    assert _queries(client, _list_url(workspace)) == 7
    assert _queries(client, _list_url(workspace, "?page=3")) == 7


def test_a_long_list_of_bad_records_is_cut_and_says_so(client, monkeypatch):
    from annotations.web import factchecks

    monkeypatch.setattr(factchecks, "SHOWN_PROBLEMS", 2)
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    lines = [_review(1)] + [_review(n, url="") for n in range(2, 7)]
    page = client.post(_load_url(workspace), _upload("\n".join(lines).encode())).content.decode()
    assert "Loaded 1 reference fact-check; skipped 5 with problems." in page
    assert page.count("<li>Line ") == 2
    assert "Showing the first 2." in page
