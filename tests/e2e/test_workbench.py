"""The workbench in Chromium: claims from selections, the review cycle, blind mode,
hostile notes and the keyboard."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Claim, ClaimKind, Role, Verdict
from tests.e2e.conftest import login
from tests.factories import (
    PASSWORD,
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
    rating,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEECH = (
    "The budget\n\n"
    "Unemployment fell to 5% last year. Taxes rose by 3.5% in 2023.\n\n"
    "We must act now."
)


@pytest.fixture
def as_user(browser, live_server):
    """A logged-in page per user: several people work at once, each in own context."""
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        login(page, user.username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _speech(workspace=None, text=SPEECH):
    document = DocumentFactory(text=text, **({"workspace": workspace} if workspace else {}))
    for phrase, kind in [
        ("The budget", ClaimKind.HEADING),
        ("Unemployment fell to 5% last year.", ClaimKind.SENTENCE),
        ("We must act now.", ClaimKind.SENTENCE),
    ]:
        if phrase in text:
            start = text.index(phrase)
            ClaimFactory(document=document, start=start, end=start + len(phrase), kind=kind)
    return document


def _open_claim(page, claim):
    page.locator(f'a.claim-badge[data-claim="{claim.pk}"]').click()
    expect(page.locator(f'#panel .panel-body[data-claim="{claim.pk}"]')).to_be_visible()


SELECT = """phrase => {
  for (const span of document.querySelectorAll('#document-text span[data-offset]')) {
    const at = span.firstChild.data.indexOf(phrase);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(span.firstChild, at);
    range.setEnd(span.firstChild, at + phrase.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return true;
  }
  return false;
}"""


@pytest.mark.parametrize(
    "text",
    [
        SPEECH,
        # Astral emoji, a combining accent, right-to-left script and a flag (two astral
        # code points) before the selection: UTF-16 and code points disagree by 6.
        "Intro 😀 e\u0301 שלום 𝒳 🇧🇪 then:\n\nTaxes rose by 3.5% in 2023, they say.",
    ],
    ids=["plain", "emoji-before"],
)
def test_selecting_a_phrase_creates_a_claim_at_its_code_point_offsets(as_user, text):
    document = _speech(text=text)
    page = as_user(member(document.workspace))
    page.goto(f"/documents/{document.pk}/")
    assert page.evaluate(SELECT, "rose by 3.5%")
    page.get_by_role("button", name="Add claim").click()
    page.wait_for_url(f"**/documents/{document.pk}/#claim-*")
    claim = Claim.objects.get(kind=ClaimKind.SELECTION)
    start = text.index("rose by 3.5%")
    assert (claim.start, claim.end, claim.text) == (start, start + 12, "rose by 3.5%")
    expect(page.locator("#panel blockquote.claim-quote")).to_have_text("rose by 3.5%")
    expect(page.locator(f'mark#claim-{claim.pk}[data-start="{start}"]')).to_be_visible()


def test_whitespace_selection_gets_a_message(as_user):
    document = _speech()
    page = as_user(member(document.workspace))
    page.goto(f"/documents/{document.pk}/")
    page.keyboard.press("a")
    expect(page.locator("#selection-status")).to_contain_text("Select some words")
    page.evaluate(SELECT, " ")
    page.keyboard.press("a")
    expect(page.locator("#selection-status")).to_have_text(
        "No claim added: the selection is only whitespace."
    )
    assert not Claim.objects.filter(kind=ClaimKind.SELECTION).exists()


def test_annotate_review_request_changes_resubmit_approve_publish(as_user):
    workspace = WorkspaceFactory()
    document = _speech(workspace)
    claim = Claim.objects.get(document=document, kind=ClaimKind.SENTENCE, start=12)
    alice, bob = member(workspace), member(workspace, Role.REVIEWER)
    erin = member(workspace, Role.EDITOR)
    url = f"/documents/{document.pk}/"

    author = as_user(alice)
    author.goto(url)
    _open_claim(author, claim)
    panel = author.locator("#panel")
    mine = panel.locator("#mine-h")
    panel.get_by_role("radio", name="False", exact=True).check()
    expect(mine).to_contain_text("version 1")
    panel.get_by_label("Summary").fill("It rose to 7%.")
    panel.get_by_label("Note").fill("See *table 3* of the labour survey.")
    panel.get_by_role("button", name="Preview note").click()
    expect(panel.locator(".note-preview em")).to_have_text("table 3")
    panel.get_by_role("button", name="Save draft").click()
    expect(mine).to_contain_text("version 2")
    panel.get_by_text("Add a source").click()
    add = panel.locator(".add-source")
    add.get_by_label("URL", exact=True).fill("javascript:alert(1)")
    panel.get_by_role("button", name="Add source").click()
    expect(panel.locator(".errorlist")).to_have_text("Only http:// and https:// links are allowed.")
    add.get_by_label("URL", exact=True).fill("https://stats.example.org/lfs")
    add.get_by_label("Title").fill("Labour force survey")
    panel.get_by_role("button", name="Add source").click()
    expect(mine).to_contain_text("version 3")
    expect(panel.get_by_role("link", name="Labour force survey")).to_be_visible()
    panel.get_by_role("button", name="Submit for review").click()
    expect(panel.locator(".panel-message")).to_have_text("Submitted for review.")

    reviewer = as_user(bob)
    reviewer.goto("/review/")
    reviewer.get_by_role("link", name="Unemployment fell").click()
    rpanel = reviewer.locator("#panel")
    expect(rpanel.get_by_text("It rose to 7%.")).to_be_visible()
    rpanel.get_by_label("Review comment").fill("Name the quarter.")
    rpanel.get_by_role("button", name="Request changes").click()
    expect(rpanel.locator(".panel-message")).to_have_text("Changes requested.")

    author.reload()
    expect(panel.locator(".requested-changes")).to_contain_text("Name the quarter.")
    panel.get_by_label("Summary").fill("It rose to 7% in the fourth quarter.")
    panel.get_by_role("button", name="Resubmit").click()
    expect(panel.locator(".panel-message")).to_have_text("Submitted for review.")

    reviewer.reload()
    rpanel.get_by_role("button", name="Approve").click()
    expect(rpanel.locator(".panel-message")).to_have_text("Approved.")

    editor = as_user(erin)
    editor.goto(url)
    mark = editor.locator(f"mark#claim-{claim.pk}")
    expect(mark).to_have_attribute("data-state", "approved")
    _open_claim(editor, claim)
    editor.locator("#panel").get_by_role("button", name="Publish verdict").click()
    confirm = editor.get_by_role("dialog", name="Publish this verdict?")
    expect(confirm).to_contain_text("It rose to 7% in the fourth quarter.")
    confirm.get_by_role("button", name="Publish").click()
    expect(editor.locator("#panel .panel-message")).to_have_text("Verdict published.")
    # The highlight follows without a reload: state, rating colour and words.
    expect(mark).to_have_attribute("data-state", "published")
    expect(mark).to_have_attribute("style", "--rating: #cf222e;")
    expect(mark.locator(".claim-rating")).to_have_text("False")
    verdict = Verdict.objects.get()
    assert (verdict.summary, verdict.sources[0]["title"]) == (
        "It rose to 7% in the fourth quarter.",
        "Labour force survey",
    )


def test_blind_workspace_second_annotator_sees_nothing_before_submitting(as_user):
    workspace = WorkspaceFactory(blind=True)
    document = _speech(workspace)
    claim = Claim.objects.get(document=document, start=12)
    first = AnnotationFactory(claim=claim, author=member(workspace), summary="First opinion")
    first.submit(first.author)
    second = member(workspace)
    page = as_user(second)
    page.goto(f"/documents/{document.pk}/")
    expect(page.locator(f"mark#claim-{claim.pk}")).to_have_attribute("data-state", "unchecked")
    _open_claim(page, claim)
    panel = page.locator("#panel")
    expect(panel.get_by_text("colleagues' annotations show once you submit yours")).to_be_visible()
    expect(panel.get_by_text("First opinion")).to_have_count(0)
    panel.get_by_role("radio", name="True", exact=True).check()
    expect(panel.locator("#mine-h")).to_contain_text("version 1")
    panel.get_by_label("Summary").fill("Mine")
    panel.get_by_role("button", name="Submit for review").click()
    expect(panel.get_by_text("First opinion")).to_be_visible()


def test_script_in_a_note_shows_as_text(as_user):
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=_speech()),
        note="<script>window.pwned = 1</script> <img src=x onerror=window.pwned=2>",
        status="submitted",
    )
    page = as_user(member(annotation.claim.document.workspace, Role.REVIEWER))
    page.goto(f"/documents/{annotation.claim.document_id}/")
    _open_claim(page, annotation.claim)
    expect(page.locator("#panel .note")).to_contain_text("<script>window.pwned = 1</script>")
    page.locator("#panel").get_by_label("Note").fill("<script>window.pwned = 3</script>")
    page.locator("#panel").get_by_role("button", name="Preview note").click()
    expect(page.locator("#panel .note-preview")).to_contain_text("<script>window.pwned = 3")
    assert page.evaluate("window.pwned") is None


def test_keyboard_alone_moves_between_claims_and_rates_one(as_user):
    document = _speech()
    heading, first, last = Claim.objects.filter(document=document).order_by("start")
    user = member(document.workspace)
    page = as_user(user)
    page.goto(f"/documents/{document.pk}/")
    page.keyboard.press("j")
    expect(page.locator(f'a.claim-badge[data-claim="{heading.pk}"]')).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator(f'a.claim-badge[data-claim="{first.pk}"]')).to_be_focused()
    expect(page.locator(f'#panel .panel-body[data-claim="{first.pk}"]')).to_be_visible()
    # j, j, k each asked for a panel; let the last answer land before rating in it.
    page.wait_for_load_state("networkidle")
    expect(page.locator(f'#panel .panel-body[data-claim="{first.pk}"]')).to_be_visible()
    page.keyboard.press("5")
    expect(page.locator("#panel .panel-message")).to_have_text("Saved.")
    expect(page.locator("#panel").get_by_role("radio", name="False", exact=True)).to_be_checked()
    annotation = Annotation.objects.get(claim=first, author=user)
    assert annotation.rating == rating(document.workspace, "False")
    page.keyboard.press("n")
    expect(page.locator("#panel .note-input")).to_be_focused()
    page.keyboard.type("Typed with keys.")
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
