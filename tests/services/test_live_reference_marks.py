"""A live document's new claims matched against the desk's reference fact-checks as
they are appended: marked with the reference and the matcher's score, in the append's
answer and its events; what does not say the same is left unmarked; the batched lookup
gives what "checked before?" shows first."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations.matching import mark_threshold, rank
from annotations.matching.engine import first_matches
from annotations.models import Claim, Event, Role
from annotations.services.live import append_chunk, close_live_document, start_live_document
from tests.factories import WorkspaceFactory, member
from tests.matching.test_checked_before import (
    CHARLOTTE,
    CHARLOTTE_REWORDED,
    GUANTANAMO,
    GUANTANAMO_TWEET,
    OTHERS,
    references,
)

pytestmark = pytest.mark.django_db

SAID = (
    "[0:01:10] JONES: Good evening and welcome. "
    f"{CHARLOTTE_REWORDED}. Unemployment fell to 4% last year.\n"
)


@pytest.fixture
def desk():
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    loaded = references(workspace, GUANTANAMO, CHARLOTTE, *OTHERS)
    return workspace, editor, loaded


def _marks(document):
    return list(
        Claim.objects.filter(document=document)
        .order_by("number")
        .values_list("text", "prior_reference__claim")
    )


def test_an_appended_claim_that_says_what_a_reference_says_is_marked(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    appended = append_chunk(document, SAID, sequence=1, by=editor)
    assert _marks(document) == [
        ("Good evening and welcome.", None),
        (f"{CHARLOTTE_REWORDED}.", CHARLOTTE),
        ("Unemployment fell to 4% last year.", None),
    ]
    marked = Claim.objects.get(document=document, prior_reference__isnull=False)
    assert marked.prior_reference_similarity >= mark_threshold()
    # The answer carries the marks as stored, the reference loaded.
    [answered] = [c for c in appended.claims if c.prior_reference_id is not None]
    assert (answered.pk, answered.prior_reference.claim) == (marked.pk, CHARLOTTE)
    assert answered.prior_reference_similarity == marked.prior_reference_similarity


def test_the_claim_created_event_names_the_reference(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, SAID, sequence=1, by=editor)
    events = Event.objects.filter(document=document, kind=Event.Kind.CLAIM_CREATED)
    by_claim = {event.claim.text: event.data for event in events}
    marked = by_claim[f"{CHARLOTTE_REWORDED}."]
    reference = loaded[CHARLOTTE]
    assert marked["reference"] == {
        "id": reference.pk,
        "publisher": "Snopes",
        "rating": "False",
        "score": Claim.objects.get(text=f"{CHARLOTTE_REWORDED}.").prior_reference_similarity,
    }
    assert "reference" not in by_claim["Good evening and welcome."]


def test_a_held_sentence_is_matched_once_the_next_chunk_completes_it(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    half = len(GUANTANAMO) // 2
    first = append_chunk(document, f"SMITH: {GUANTANAMO[:half]}", sequence=1, by=editor)
    assert first.claims == []
    second = append_chunk(document, f"{GUANTANAMO[half:]} Thank you.\n", sequence=2, by=editor)
    assert [(c.text, c.prior_reference_id) for c in second.claims] == [
        (GUANTANAMO, loaded[GUANTANAMO].pk),
        ("Thank you.", None),
    ]


def test_a_retried_chunk_answers_with_the_same_marks(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, SAID, sequence=1, by=editor)
    retried = append_chunk(document, SAID, sequence=1, by=editor)
    assert retried.replayed
    assert [c.prior_reference_id for c in retried.claims] == [None, loaded[CHARLOTTE].pk, None]
    assert Claim.objects.filter(document=document).count() == 3


def test_closing_matches_the_held_words(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, f"SMITH: {GUANTANAMO[:-1]}", sequence=1, by=editor)
    closed = close_live_document(document, editor)
    assert [(c.text, c.prior_reference_id) for c in closed.claims] == [
        (GUANTANAMO[:-1], loaded[GUANTANAMO].pk)
    ]


def test_a_desk_without_references_marks_nothing_and_other_desks_references_do_not_count():
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    references(WorkspaceFactory(), CHARLOTTE)
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, SAID, sequence=1, by=editor)
    assert [reference for _, reference in _marks(document)] == [None, None, None]


def test_a_deleted_reference_leaves_the_claim_unmarked(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, SAID, sequence=1, by=editor)
    loaded[CHARLOTTE].delete()
    assert [reference for _, reference in _marks(document)] == [None, None, None]
    assert not Claim.objects.filter(prior_reference_similarity__isnull=True).exclude(
        prior_reference=None
    )


def _firsts_one_by_one(workspace, texts, threshold) -> dict:
    """What checked before? (rank) shows first for each text, asked one at a time."""
    firsts = {}
    for key, text in texts.items():
        shown = rank(workspace.pk, text, limit=1, kinds=("reference",), threshold=threshold)
        if shown:
            firsts[key] = ("reference", shown[0].reference.pk, round(shown[0].score, 4))
    return firsts


def test_the_batched_lookup_gives_what_checked_before_shows_first(desk):
    workspace, _, loaded = desk
    texts = {
        1: GUANTANAMO_TWEET,
        2: CHARLOTTE_REWORDED,
        3: "Wind turbines kill more birds every year than cats.",
        4: "Unemployment fell to 4% last year.",
        5: "Good evening and welcome.",
        6: "",
    }
    for threshold in (mark_threshold(), 0.01):
        found = first_matches(workspace.pk, texts, kinds=("reference",), threshold=threshold)
        assert found == _firsts_one_by_one(workspace, texts, threshold)
    # At the mark threshold (fitted for precision) the tweet, scoring a little under, is
    # left: the restatement and the near-verbatim repeat are marked.
    marked = first_matches(workspace.pk, texts, kinds=("reference",), threshold=mark_threshold())
    assert {key: pk for key, (_, pk, _) in marked.items()} == {
        2: loaded[CHARLOTTE].pk,
        3: loaded[OTHERS[3]].pk,
    }


def test_the_batched_lookup_reads_every_texts_candidates_in_one_query(desk):
    workspace, _, _ = desk
    counts = []
    for n in (1, 10, 40):
        texts = {i: f"{CHARLOTTE_REWORDED} in year {2000 + i}" for i in range(n)}
        with CaptureQueriesContext(connection) as queries:
            found = first_matches(
                workspace.pk, texts, kinds=("reference",), threshold=mark_threshold()
            )
        assert len(found) == n
        counts.append(len(queries))
    # The terms' frequencies (with the desk's size), then all the texts' candidates.
    assert counts == [2, 2, 2]


def test_appends_take_a_fixed_number_of_queries_with_references_in_the_desk(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    client = APIClient()
    client.force_authenticate(editor)
    counts = []
    for sequence, n in ((1, 2), (2, 20), (3, 40)):
        said = " ".join(f"Exports to country {sequence * 100 + i} rose by 3%." for i in range(n))
        chunk = f"SMITH: {CHARLOTTE_REWORDED}. {said}\n"
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/api/v1/documents/{document.pk}/append/",
                {"sequence": sequence, "text": chunk},
                format="json",
            )
        assert response.status_code == 201
        claims = response.json()["claims"]
        assert len(claims) == n + 1
        assert claims[0]["prior_reference"] == {
            "id": loaded[CHARLOTTE].pk,
            "claim": CHARLOTTE,
            "claimant": "",
            "rating": "False",
            "publisher": "Snopes",
            "url": loaded[CHARLOTTE].url,
            "published": None,
            "title": "Fact check by Snopes",
        }
        assert [c["prior_reference"] for c in claims[1:]] == [None] * n
        counts.append(len(queries))
    # However many claims (the client signed in already, so no token or role is read):
    # the document; a savepoint; the document locked; the claims of held words; the
    # claims' ids, rows, match keys and numbers; the document's text and state; the
    # published verdicts and the new claims (matching them); then, for the reference
    # fact-checks: their terms' frequencies, all the new claims' candidates, the marks
    # written in one UPDATE, the references marked read for the answer; the events; the
    # chunk; the release.
    assert counts == [19 if connection.vendor == "postgresql" else 18] * 3


def test_a_reader_polling_the_document_hears_the_claim_was_checked_before(desk, client):
    workspace, editor, loaded = desk
    reader = member(workspace, Role.ANNOTATOR)
    document = start_live_document(workspace, title="Debate", created_by=editor)
    client.force_login(reader)
    after = client.get(f"/live/documents/{document.pk}/events/").json()["last"]
    append_chunk(document, SAID, sequence=1, by=editor)
    events = client.get(f"/live/documents/{document.pk}/events/?after={after}").json()["events"]
    created = [e for e in events if e["kind"] == "claim.created"]
    assert [e.get("reference", {}).get("publisher") for e in created] == [None, "Snopes", None]
    marked = Claim.objects.get(document=document, prior_reference__isnull=False)
    [heard] = [e for e in created if "reference" in e]
    assert (heard["claim"], heard["reference"]["id"], heard["reference"]["rating"]) == (
        marked.pk,
        loaded[CHARLOTTE].pk,
        "False",
    )


def test_the_document_page_filters_the_claims_checked_before(desk, client):
    workspace, editor, _ = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, SAID, sequence=1, by=editor)
    client.force_login(editor)
    response = client.get(f"/documents/{document.pk}/", {"prior": "on"})
    assert response.context["shown_count"] == 1
    assert f"{CHARLOTTE_REWORDED}.".encode() in response.content
    every = client.get(f"/documents/{document.pk}/")
    assert every.context["shown_count"] == 3
    # The marked claim's badge says so, to the eye and in its accessible name.
    page = every.content.decode()
    marked = Claim.objects.get(document=document, prior_reference__isnull=False)
    assert page.count("data-checked-before") == 1
    assert page.count('<span class="claim-checked" aria-hidden="true">↺</span><span') == 1
    badge = re.search(rf'data-claim="{marked.pk}">(.*?)</a>', page).group(1)
    assert (
        '<span class="visually-hidden claim-state">said by JONES, unchecked, checked before</span>'
        in badge
    )


def test_the_batched_lookup_agrees_with_checked_before_over_many_texts_and_thresholds():
    from annotations.matching import show_threshold
    from tests.matching.common import SEED

    workspace = WorkspaceFactory()
    sentences = [
        s.strip()
        for s in re.split(r"(?<=[.!?])\s+", SEED.read_text(encoding="utf-8"))
        if len(s.split()) >= 6
    ][:60]
    references(workspace, *sentences[::2])
    # Sentences loaded and not, each also cut short and with its words reordered.
    texts = {}
    for i, sentence in enumerate(sentences[:40]):
        words = sentence.split()
        texts[3 * i] = sentence
        texts[3 * i + 1] = " ".join(words[2:])
        texts[3 * i + 2] = " ".join(words[len(words) // 2 :] + words[: len(words) // 2])
    for threshold in (show_threshold(), 0.5, 0.99, mark_threshold()):
        found = first_matches(workspace.pk, texts, kinds=("reference",), threshold=threshold)
        assert found == _firsts_one_by_one(workspace, texts, threshold)
        assert len(found) >= 20  # the sentences loaded, at least, are found at any threshold


def test_candidates_whose_weights_differ_only_in_the_last_bits_are_ordered_by_id():
    from annotations.matching.engine import _in_order

    # One database sums the same terms' weights in another order than the other: the
    # same candidates must come in the same order, or a tie between two copies of one
    # fact-check goes one way on SQLite and the other on PostgreSQL.
    rows = [
        ("reference", 3593, 2.3000000000000003, ("a",)),
        ("reference", 209, 2.3, ("b",)),
        ("claim", 7, 2.3, ("c",)),
        ("reference", 12, 2.4, ("d",)),
    ]
    assert list(_in_order(rows)) == [
        ("reference", 12),
        ("claim", 7),
        ("reference", 209),
        ("reference", 3593),
    ]


# --- imports are marked against the reference fact-checks too --------------------------


def test_an_import_marks_its_claims_that_a_reference_fact_check_covers(desk):
    from annotations.services import import_document

    workspace, _, loaded = desk
    text = f"# {CHARLOTTE}\n\nGood evening. {CHARLOTTE_REWORDED}. {GUANTANAMO}\n"
    document = import_document(workspace, text, title="Speech").document
    assert document.marks_pending is False
    assert _marks(document) == [
        (CHARLOTTE, None),  # a heading is not matched
        ("Good evening.", None),
        (f"{CHARLOTTE_REWORDED}.", CHARLOTTE),
        (GUANTANAMO, GUANTANAMO),
    ]


def test_a_long_import_is_marked_against_the_references_by_its_job_in_batches(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    from annotations.matching import reuse
    from annotations.services import import_document

    monkeypatch.setattr(reuse, "INLINE_REFERENCE_CLAIMS", 1)
    monkeypatch.setattr(reuse, "REFERENCE_BATCH", 2)
    workspace, _, loaded = desk
    text = f"Good evening. {CHARLOTTE_REWORDED}. Thank you. {GUANTANAMO} Goodbye."
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = import_document(workspace, text, title="Speech").document
    document.refresh_from_db()
    assert document.marks_pending is True
    assert [reference for _, reference in _marks(document)] == [None] * 5
    [run_job] = callbacks
    run_job()
    document.refresh_from_db()
    assert document.marks_pending is False
    assert _marks(document) == [
        ("Good evening.", None),
        (f"{CHARLOTTE_REWORDED}.", CHARLOTTE),
        ("Thank you.", None),
        (GUANTANAMO, GUANTANAMO),
        ("Goodbye.", None),
    ]


def test_the_claims_api_carries_the_marks_and_filters_on_them(desk):
    workspace, editor, loaded = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, SAID, sequence=1, by=editor)
    client = APIClient()
    client.force_authenticate(member(workspace, Role.ANNOTATOR))
    url = f"/api/v1/claims/?document={document.pk}"
    every = client.get(url).json()["results"]
    assert [(c["text"], c["prior_reference"], c["prior_verdict"]) for c in every] == [
        ("Good evening and welcome.", None, None),
        (f"{CHARLOTTE_REWORDED}.", loaded[CHARLOTTE].pk, None),
        ("Unemployment fell to 4% last year.", None, None),
    ]
    marked = client.get(f"{url}&checked_before=true").json()["results"]
    assert [c["text"] for c in marked] == [f"{CHARLOTTE_REWORDED}."]
    others = client.get(f"{url}&checked_before=false").json()["results"]
    assert [c["text"] for c in others] == [
        "Good evening and welcome.",
        "Unemployment fell to 4% last year.",
    ]
    bad = client.get(f"{url}&checked_before=perhaps")
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "detail": 'checked_before: Give "true" or "false".',
            "code": "invalid",
            "errors": {"checked_before": ['Give "true" or "false".']},
        },
    )
    # The other yes-or-no filters are as strict.
    assert client.get(f"{url}&not_checkable=maybe").status_code == 400


def _word(i: int) -> str:
    letters = "bcdfghjklmnprstvz"
    out = ""
    for _ in range(4):
        i, r = divmod(i, len(letters))
        out += letters[r] + "a"
    return out + "x"


def test_many_texts_with_many_terms_are_looked_up_in_queries_the_databases_accept():
    # 1,000 texts of 30 rare words each (a long chunk's claims): 24 looked-up terms a
    # text, three parameters a term, would be 72,000 parameters in one statement;
    # PostgreSQL binding them on the server takes 65,535 at most, SQLite as commonly
    # built 32,766.
    workspace = WorkspaceFactory()
    sentences = [" ".join(_word(30 * i + j) for j in range(30)) for i in range(30)]
    loaded = references(workspace, *sentences)
    texts = {k: sentences[k % 30] for k in range(1000)}
    with CaptureQueriesContext(connection) as queries:
        found = first_matches(workspace.pk, texts, kinds=("reference",), threshold=mark_threshold())
    assert {k: pk for k, (_, pk, _) in found.items()} == {
        k: loaded[sentences[k % 30]].pk for k in range(1000)
    }
    # The terms' frequencies (900 terms: three queries of 400), then the candidates in
    # three queries of at most 10,000 looked-up terms.
    assert len(queries) == 6


def test_a_marking_job_that_fails_still_stops_saying_marks_are_coming(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    from annotations.matching import reuse
    from annotations.services import import_document

    monkeypatch.setattr(reuse, "INLINE_REFERENCE_CLAIMS", 1)
    workspace, _, _ = desk
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = import_document(workspace, f"Hello. {CHARLOTTE}", title="Speech").document

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reuse, "mark_references", broken)
    document.refresh_from_db()
    assert (document.marks_pending, len(callbacks)) == (True, 1)
    with pytest.raises(RuntimeError, match="went away"):
        reuse.mark_prior_verdicts_job.call(document.pk)
    document.refresh_from_db()
    assert document.marks_pending is False


def test_the_claims_panel_names_the_reference_and_the_verdict_it_was_marked_with(desk, client):
    from tests.factories import VerdictFactory
    from tests.matching.common import VOTED, VOTED_REWORDED, claim_in

    workspace, editor, loaded = desk
    verdict = VerdictFactory(claim=claim_in(workspace, VOTED), summary="It was 141 <b>yes</b>.")
    document = start_live_document(workspace, title="Debate", created_by=editor)
    append_chunk(document, f"{SAID}SMITH: {VOTED_REWORDED}\n", sequence=1, by=editor)
    client.force_login(member(workspace, Role.ANNOTATOR))
    marks = dict(Claim.objects.filter(document=document).values_list("text", "prior_verdict_id"))
    assert marks[VOTED_REWORDED] == verdict.pk
    referenced = Claim.objects.get(document=document, prior_reference__isnull=False)
    panel = client.get(f"/claims/{referenced.pk}/panel/").content.decode()
    checked = re.search(r'<section class="checked-before".*?</section>', panel, re.S).group(0)
    assert "by Snopes says: <q>" + CHARLOTTE.replace("'", "&#x27;") + "</q>" in checked
    assert '<span class="badge">False</span> as published' in checked
    assert f'href="{loaded[CHARLOTTE].url}" rel="noopener noreferrer nofollow"' in checked
    repeated = Claim.objects.get(document=document, text=VOTED_REWORDED)
    panel = client.get(f"/claims/{repeated.pk}/panel/").content.decode()
    checked = re.search(r'<section class="checked-before".*?</section>', panel, re.S).group(0)
    assert f"claim {verdict.claim.number} of" in checked
    assert "It was 141 &lt;b&gt;yes&lt;/b&gt;." in checked  # escaped
    # A retracted verdict is no longer named; an unmarked claim has no such section.
    verdict.retract(editor, "Wrong count.")
    panel = client.get(f"/claims/{repeated.pk}/panel/").content.decode()
    assert 'class="checked-before"' not in panel
    plain = Claim.objects.get(document=document, text="Good evening and welcome.")
    assert 'class="checked-before"' not in client.get(f"/claims/{plain.pk}/panel/").content.decode()


# --- a desk's published verdicts are kept between appends ---------------------------------


def test_published_verdicts_are_read_again_once_one_is_published_or_retracted(desk):
    from tests.factories import VerdictFactory
    from tests.matching.common import VOTED, VOTED_REWORDED, claim_in

    CRIME = "Crime in the capital fell by 12% between 2019 and 2023."

    workspace, editor, _ = desk
    voted = VerdictFactory(claim=claim_in(workspace, VOTED))
    document = start_live_document(workspace, title="Debate", created_by=editor)
    first = append_chunk(document, f"SMITH: {VOTED_REWORDED}\n", sequence=1, by=editor)
    assert [c.prior_verdict_id for c in first.claims] == [voted.pk]
    # A verdict published after: the next chunk is compared with it too.
    backed = VerdictFactory(claim=claim_in(workspace, CRIME))
    second = append_chunk(document, f"JONES: {CRIME}\n", sequence=2, by=editor)
    assert [c.prior_verdict_id for c in second.claims] == [backed.pk]
    # Retracted: no longer marks what repeats it.
    voted.retract(editor, "Wrong count.")
    third = append_chunk(document, f"SMITH: {VOTED_REWORDED} Again.\n", sequence=3, by=editor)
    assert [(c.text, c.prior_verdict_id) for c in third.claims] == [
        (VOTED_REWORDED, None),
        ("Again.", None),
    ]


def test_a_live_documents_own_published_verdicts_do_not_mark_its_claims(desk):
    from tests.factories import VerdictFactory
    from tests.matching.common import VOTED, VOTED_REWORDED

    workspace, editor, _ = desk
    document = start_live_document(workspace, title="Debate", created_by=editor)
    [said] = append_chunk(document, f"SMITH: {VOTED}\n", sequence=1, by=editor).claims
    VerdictFactory(claim=said)
    again = append_chunk(document, f"JONES: {VOTED_REWORDED}\n", sequence=2, by=editor)
    assert [c.prior_verdict_id for c in again.claims] == [None]


def test_a_webhook_hears_which_new_claim_was_checked_before(
    desk, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from annotations import outbound
    from annotations.models import Webhook, WebhookDelivery

    # Deliveries wait on the database queue: nothing is sent.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["93.184.216.34"])
    workspace, editor, loaded = desk
    Webhook.create_by(editor, workspace, url="https://hooks.example.org/", events=["claim.created"])
    document = start_live_document(workspace, title="Debate", created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        append_chunk(document, SAID, sequence=1, by=editor)
    sent = [d.payload["data"] for d in WebhookDelivery.objects.order_by("id")]
    assert [(d["claim_number"], d["prior_reference"], d["prior_verdict"]) for d in sent] == [
        (1, None, None),
        (2, loaded[CHARLOTTE].pk, None),
        (3, None, None),
    ]
