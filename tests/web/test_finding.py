"""Finding one's way in a long document, on the server's side: the outline of headings,
headings that stay headings under a filter, and the filter form that htmx applies."""

import re

import pytest
from django.urls import reverse

from annotations.models import ClaimKind
from tests.factories import ClaimFactory, DocumentFactory, VerdictFactory, member, rating
from tests.web.workbench import _marked_ids, _page, _speech

pytestmark = pytest.mark.django_db

REPORT = "# Jobs <today>\n\nWe hired.\n\n## Prices\n\nPrices fell.\n\n# Outlook\n\nGood."


def _report():
    document = DocumentFactory(text=REPORT)
    claims = {}
    for text, kind in [
        ("Jobs <today>", ClaimKind.HEADING),
        ("We hired.", ClaimKind.SENTENCE),
        ("Prices", ClaimKind.HEADING),
        ("Prices fell.", ClaimKind.SENTENCE),
        ("Outlook", ClaimKind.HEADING),
        ("Good.", ClaimKind.SENTENCE),
    ]:
        # "Prices" the heading, after its marks (not the start of "Prices fell.").
        start = REPORT.index("## Prices") + 3 if text == "Prices" else REPORT.index(text)
        claims[text] = ClaimFactory(
            document=document, start=start, end=start + len(text), kind=kind
        )
    return document, claims


def _outline(page):
    block = re.search(r'<aside class="outline".*?</aside>', page, re.S).group(0)
    return re.findall(r'<li><a href="#(at-\d+)">(.*?)</a></li>', block)


def test_outline_lists_the_headings_in_order_escaped_each_linking_to_its_heading(client):
    document, claims = _report()
    client.force_login(member(document.workspace))
    page = _page(client, document)
    outline = _outline(page)
    assert outline == [
        (f"at-{claims['Jobs <today>'].start}", "Jobs &lt;today&gt;"),
        (f"at-{claims['Prices'].start}", "Prices"),
        (f"at-{claims['Outlook'].start}", "Outlook"),
    ]
    assert "(3 headings)" in page
    for anchor, _ in outline:
        assert re.search(rf'<h\d class="doc-block doc-heading" id="{anchor}">', page)
    assert f'<h3 class="doc-block doc-heading" id="at-{claims["Prices"].start}">' in page


def test_filtered_page_keeps_headings_their_anchors_and_the_outline(client):
    document, claims = _report()
    workspace = document.workspace
    VerdictFactory(claim=claims["Prices fell."], rating=rating(workspace, "True"))
    client.force_login(member(workspace))
    page = _page(client, document, "?state=published")
    assert _marked_ids(page) == {claims["Prices fell."].pk}
    assert len(_outline(page)) == 3
    for anchor, _ in _outline(page):
        assert f'id="{anchor}"' in page
    assert "Showing 1 of 6 claims." in page


def test_document_without_headings_has_no_outline(client):
    document, _ = _speech()
    document.claims.filter(kind=ClaimKind.HEADING).update(kind=ClaimKind.SENTENCE)
    client.force_login(member(document.workspace))
    assert '<aside class="outline"' not in _page(client, document)


def test_filter_form_is_applied_by_htmx_and_still_submits_without_it(client):
    document, claims = _speech()
    client.force_login(member(document.workspace))
    url = reverse("document", args=[document.pk])
    page = _page(client, document)
    form = re.search(r'<form class="filters"[^\n]*', page).group(0)
    for attribute in (
        'method="get"',
        f'action="{url}"',
        f'hx-get="{url}"',
        'hx-target="#document-text"',
        'hx-select="#document-text > *"',
        'hx-select-oob="#filter-status"',
        'hx-push-url="true"',
    ):
        assert attribute in form
    # htmx's request answers the same reading view and status as the page without it.
    response = client.get(url, {"state": "unchecked", "worthy": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    swapped = response.content.decode()
    assert _marked_ids(swapped) == {c.pk for c in claims.values()}
    assert re.search(
        r'<span id="filter-status" role="status"><a href="[^"]+">Clear filters</a> '
        r"Showing 6 of 6 claims.</span>",
        swapped,
    )
    assert '<span id="filter-status" role="status"></span>' in page


def test_bad_filter_values_answer_the_whole_document_not_an_error(client):
    document, claims = _speech()
    client.force_login(member(document.workspace))
    page = _page(client, document, "?state=%3Cscript%3E&rating=abc&speaker=%00")
    assert _marked_ids(page) == {c.pk for c in claims.values()}
    assert "<script>" not in page.split("<main", 1)[1].split("</main>")[0].replace(
        "<script src", ""
    )
