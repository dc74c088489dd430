"""A live document in the browser: a chunk's claims appear for another reader without a
reload, whether the chunk came from the API side or from an editor's form."""

import pytest
from playwright.sync_api import expect

from annotations.models import Claim, Role
from annotations.services.factchecks import FactCheckRecord, store_references
from annotations.services.live import append_chunk, start_live_document
from tests.factories import WorkspaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(asgi_server):
    return asgi_server


@pytest.fixture
def desk():
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, "MODERATOR: Good evening and welcome. ", sequence=1, by=editor)
    return workspace, editor, document


def _open(page, document):
    page.goto(f"/documents/{document.pk}/")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")


def test_a_chunks_claims_appear_for_a_reader_without_reloading(open_as, desk):
    workspace, editor, document = desk
    reader = open_as(member(workspace, Role.REVIEWER))
    _open(reader, document)
    expect(reader.locator("a.claim-badge")).to_have_count(1)
    appended = append_chunk(
        document,
        "JONES: Unemployment rose to 6% last year. Taxes went up by 3%. And",
        sequence=2,
        by=editor,
    )
    assert len(appended.claims) == 2
    for claim in appended.claims:
        expect(reader.locator(f'a.claim-badge[data-claim="{claim.pk}"]')).to_be_visible()
    expect(reader.locator("#document-text")).to_contain_text("Taxes went up by 3%.")
    expect(reader.locator("#live-feed li").first).to_have_text(
        f"{editor.username} added claim {appended.claims[-1].number}"
    )


def test_an_editors_chunk_from_the_page_reaches_a_colleague(open_as, desk):
    workspace, editor, document = desk
    reader = open_as(member(workspace, Role.ANNOTATOR))
    _open(reader, document)
    editors = open_as(editor)
    _open(editors, document)
    editors.get_by_label("Next chunk").fill("JONES: The deficit doubled in 2023. ")
    editors.get_by_role("button", name="Append", exact=True).click()
    expect(editors.locator(".messages")).to_have_text("Chunk 2 appended: 1 new claim.")
    claim = Claim.objects.get(document=document, number=2)
    expect(reader.locator(f'a.claim-badge[data-claim="{claim.pk}"]')).to_be_visible()
    expect(reader.locator("#document-text")).to_contain_text("The deficit doubled in 2023.")


def test_a_new_claim_a_reference_fact_check_covers_says_so_in_the_feed(open_as, desk):
    workspace, editor, document = desk
    store_references(
        workspace,
        [
            FactCheckRecord(
                claim="Wind turbines kill more birds each year than cats do.",
                url="https://factcheck.example/birds",
                rating="False",
                publisher="Snopes",
            )
        ],
        editor,
    )
    reader = open_as(member(workspace, Role.REVIEWER))
    _open(reader, document)
    appended = append_chunk(
        document,
        "JONES: Wind turbines kill more birds every year than cats. Thank you. ",
        sequence=2,
        by=editor,
    )
    [turbines, thanks] = appended.claims
    assert (turbines.prior_reference.publisher, thanks.prior_reference) == ("Snopes", None)
    expect(reader.locator("#live-feed li")).to_have_text(
        [
            f"{editor.username} added claim {thanks.number}",
            f"{editor.username} added claim {turbines.number}: checked before, Snopes rated "
            "it False",
        ]
    )
    # The text, drawn again, marks the claim as checked before; the other is not.
    expect(
        reader.locator(f'a.claim-badge[data-claim="{turbines.pk}"] .claim-checked')
    ).to_be_visible()
    expect(reader.locator(f'a.claim-badge[data-claim="{thanks.pk}"]')).to_be_visible()
    expect(reader.locator(".document-text .claim-checked")).to_have_count(1)
