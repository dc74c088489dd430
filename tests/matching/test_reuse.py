"""Prior verdicts marked on import, and reusing a verdict on a similar claim."""

from datetime import date

import pytest
from django.utils import timezone

from annotations.matching import (
    mark_prior_verdicts,
    mark_threshold,
    reuse_verdict,
)
from annotations.models import (
    Annotation,
    InvalidInput,
    NotVisible,
    Role,
    WorkflowError,
)
from annotations.services import import_document
from tests.factories import (
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)
from tests.matching.common import (
    BACKED,
    SOURCES,
    SUPPORTED,
    UNRELATED,
    VOTED,
    VOTED_REWORDED,
    claim_in,
)

# --- prior verdicts on import ------------------------------------------------------


@pytest.mark.django_db
def test_import_marks_claims_that_match_an_earlier_published_verdict():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    checked = claim_in(workspace, VOTED)
    verdict = VerdictFactory(claim=checked)
    retracted_claim = claim_in(workspace, "Unemployment fell to 5 percent in the last year.")
    VerdictFactory(claim=retracted_claim, retracted_at=timezone.now(), retraction_note="Oops.")
    other_workspace_claim = claim_in(elsewhere, "The minimum wage doubled since 2010.")
    VerdictFactory(claim=other_workspace_claim)

    text = f"{VOTED_REWORDED} {UNRELATED} The minimum wage doubled since 2010."
    document = import_document(workspace, text, title="New speech").document

    marked = {c.text: (c.prior_verdict_id, c.prior_similarity) for c in document.claims.all()}
    verdict_id, score = marked[VOTED_REWORDED]
    assert verdict_id == verdict.pk
    assert score >= mark_threshold()
    assert marked[UNRELATED] == (None, None)
    assert marked["The minimum wage doubled since 2010."] == (None, None)
    assert list(document.claims.filter(prior_verdict__isnull=False)) == [
        document.claims.get(text=VOTED_REWORDED)
    ]


@pytest.mark.django_db
def test_a_short_sentence_sharing_its_few_words_is_not_marked():
    workspace = WorkspaceFactory()
    checked = "The U.S. has a global trade deficit of $800 billion."
    VerdictFactory(claim=claim_in(workspace, checked))
    said = "We had an $800 billion deficit."
    document = import_document(workspace, said, title="Debate").document
    assert document.claims.get().prior_verdict is None


@pytest.mark.django_db
def test_marking_again_clears_a_mark_whose_verdict_was_retracted():
    workspace = WorkspaceFactory()
    verdict = VerdictFactory(claim=claim_in(workspace, VOTED))
    document = import_document(workspace, VOTED_REWORDED, title="New speech").document
    assert document.claims.get().prior_verdict == verdict
    verdict.retracted_at = timezone.now()
    verdict.retraction_note = "Wrong figure."
    verdict.save()
    assert mark_prior_verdicts(document) == 0
    assert document.claims.get().prior_verdict is None


# --- reusing a verdict ---------------------------------------------------------------


@pytest.mark.django_db
def test_reusing_a_verdict_copies_rating_summary_and_sources_and_records_the_link():
    workspace = WorkspaceFactory()
    annotator = member(workspace)
    verdict = VerdictFactory(
        claim=claim_in(workspace, BACKED),
        rating=rating(workspace, "Mostly false"),
        summary="141 countries voted for it, not 114.",
        sources=SOURCES,
    )
    claim = claim_in(workspace, SUPPORTED)

    annotation = reuse_verdict(verdict, claim, annotator)

    annotation.refresh_from_db()
    assert annotation.claim == claim
    assert annotation.author == annotator
    assert annotation.status == Annotation.Status.DRAFT
    assert annotation.rating.label == "Mostly false"
    assert annotation.summary == "141 countries voted for it, not 114."
    assert annotation.reused_from == verdict
    assert list(verdict.reuses.all()) == [annotation]
    copied = [source.as_dict() for source in annotation.sources.order_by("position")]
    assert copied == [
        {**SOURCES[0]},
        {
            "url": SOURCES[1]["url"],
            "title": "",
            "publisher": "",
            "published": None,
            "excerpt": "",
            "stance": "context",
            "archive_url": "",
        },
    ]
    assert annotation.sources.first().published == date(2022, 3, 2)


@pytest.mark.django_db
def test_a_verdict_cannot_be_reused_across_workspaces():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    user = member(workspace)
    elsewhere.memberships.create(user=user, role=Role.ANNOTATOR)
    verdict = VerdictFactory(claim=claim_in(elsewhere, BACKED))
    with pytest.raises(NotVisible):
        reuse_verdict(verdict, claim_in(workspace, SUPPORTED), user)
    assert not Annotation.objects.exists()


@pytest.mark.django_db
def test_a_retracted_verdict_cannot_be_reused():
    workspace = WorkspaceFactory()
    user = member(workspace)
    verdict = VerdictFactory(
        claim=claim_in(workspace, BACKED), retracted_at=timezone.now(), retraction_note="No."
    )
    with pytest.raises(InvalidInput):
        reuse_verdict(verdict, claim_in(workspace, SUPPORTED), user)


@pytest.mark.django_db
def test_reusing_on_a_claim_already_annotated_is_refused_and_saves_nothing():
    workspace = WorkspaceFactory()
    user = member(workspace)
    verdict = VerdictFactory(claim=claim_in(workspace, BACKED), sources=SOURCES)
    claim = claim_in(workspace, SUPPORTED)
    Annotation.start(claim, user, summary="Mine.")
    with pytest.raises(WorkflowError):
        reuse_verdict(verdict, claim, user)
    assert Annotation.objects.get().reused_from is None


# --- marks of a long import come from a job ------------------------------------------


@pytest.mark.django_db
def test_a_long_import_marks_its_claims_in_a_job_after_it_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    from annotations.matching import reuse

    monkeypatch.setattr(reuse, "INLINE_MARK_CLAIMS", 1)
    workspace = WorkspaceFactory()
    verdict = VerdictFactory(claim=claim_in(workspace, VOTED))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        text = f"{VOTED_REWORDED} {UNRELATED}"
        document = import_document(workspace, text, title="Speech").document
    document.refresh_from_db()
    assert document.marks_pending is True
    assert list(document.claims.filter(prior_verdict__isnull=False)) == []
    [run_job] = callbacks
    run_job()  # the job, run by the immediate backend of the tests
    document.refresh_from_db()
    assert document.marks_pending is False
    marked = dict(document.claims.values_list("text", "prior_verdict_id"))
    assert marked == {VOTED_REWORDED: verdict.pk, UNRELATED: None}


@pytest.mark.django_db
def test_the_document_page_says_marks_are_coming(client):
    workspace = WorkspaceFactory()
    user = member(workspace)
    document = import_document(workspace, SUPPORTED, title="Speech").document
    client.force_login(user)
    assert (
        "marks appear in a few seconds"
        not in client.get(f"/documents/{document.pk}/").content.decode()
    )
    type(document).objects.filter(pk=document.pk).update(marks_pending=True)
    assert (
        "marks appear in a few seconds" in client.get(f"/documents/{document.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_a_long_import_in_a_desk_without_verdicts_marks_nothing_and_queues_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    from annotations.matching import reuse

    monkeypatch.setattr(reuse, "INLINE_MARK_CLAIMS", 1)
    monkeypatch.setattr(reuse, "INLINE_REFERENCE_CLAIMS", 1)
    workspace = WorkspaceFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = import_document(workspace, f"{SUPPORTED} {UNRELATED}", title="Speech").document
    assert callbacks == []
    document.refresh_from_db()
    assert document.marks_pending is False
