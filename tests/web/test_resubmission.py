"""A resubmitted annotation shows its reviewer what changed since they asked for changes:
summary, note, rating and sources, from the annotation's and its sources' history."""

import pytest
from django.urls import reverse

from annotations.models import Role, Source
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
    WorkspaceFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed():
    workspace = WorkspaceFactory()
    author = member(workspace, username="author")
    reviewer = member(workspace, Role.REVIEWER, username="reviewer")
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=workspace)),
        author=author,
        status="submitted",
        summary="Unemployment fell to 5%.",
        note="See the report.",
    )
    kept = SourceFactory(annotation=annotation, title="Kept report", stance="context")
    dropped = SourceFactory(annotation=annotation, title="Dropped blog")
    annotation.request_changes(reviewer, "Use the <official> figure.")
    return {
        "workspace": workspace,
        "author": author,
        "reviewer": reviewer,
        "annotation": annotation,
        "kept": kept,
        "dropped": dropped,
    }


def _panel(client, user, annotation):
    client.force_login(user)
    response = client.get(reverse("claim_panel", args=[annotation.claim_id]))
    assert response.status_code == 200
    [other] = [a for a in response.context["others"] if a.pk == annotation.pk]
    return other.since_review, response.content.decode()


def test_reviewer_sees_summary_note_rating_and_source_changes_since_the_request(client, reviewed):
    annotation, author = reviewed["annotation"], reviewed["author"]
    new_rating = rating(reviewed["workspace"], "True")
    annotation.edit(
        author,
        summary="Unemployment rose to <b>6%</b>.",
        note="See the report.\nAnd the survey.",
        rating=new_rating,
    )
    kept = Source.objects.get(pk=reviewed["kept"].pk)
    kept.stance = "refutes"
    kept.save()
    reviewed["dropped"].delete()
    annotation.add_source(author, url="https://stats.example.org/new", title="New survey")
    annotation.submit(author)
    since, page = _panel(client, reviewed["reviewer"], annotation)
    assert since["request"].body == "Use the <official> figure."
    assert [(f["label"], f["runs"]) for f in since["fields"]] == [
        (
            "Summary",
            [
                ("equal", "Unemployment "),
                ("delete", "fell"),
                ("insert", "rose"),
                ("equal", " to "),
                ("delete", "5%."),
                ("insert", "<b>6%</b>."),
            ],
        ),
        ("Note", [("equal", "See the report."), ("insert", "\nAnd the survey.")]),
    ]
    assert since["rating"] == {"before": "False", "after": "True"}
    assert since["sources"] == [
        {"change": "edited", "name": "Kept report", "details": [("Stance", "Context", "Refutes")]},
        {"change": "added", "name": "New survey", "details": []},
        {"change": "removed", "name": "Dropped blog", "details": []},
    ]
    assert since["unchanged"] is False
    # Escaped, every part of it.
    assert "<ins>&lt;b&gt;6%&lt;/b&gt;.</ins>" in page
    assert "Use the &lt;official&gt; figure." in page
    assert "<b>6%</b>" not in page
    assert "Added: New survey" in page and "Removed: Dropped blog" in page
    assert "Stance: <del>Context</del> → <ins>Refutes</ins>" in page


def test_resubmission_without_changes_says_so(client, reviewed):
    annotation = reviewed["annotation"]
    annotation.submit(reviewed["author"])
    since, page = _panel(client, reviewed["reviewer"], annotation)
    assert (since["fields"], since["rating"], since["sources"], since["unchanged"]) == (
        [],
        None,
        [],
        True,
    )
    assert "Nothing changed since the review." in page


def test_no_diff_while_changes_are_pending_or_for_the_author_or_without_a_request(client, reviewed):
    annotation = reviewed["annotation"]
    # Changes requested, not yet resubmitted: nothing to review, nothing to compare.
    assert _panel(client, reviewed["reviewer"], annotation)[0] is None
    annotation.edit(reviewed["author"], summary="Unemployment rose.")
    annotation.submit(reviewed["author"])
    # An annotator cannot review it: no diff for them.
    since, page = _panel(client, member(reviewed["workspace"]), annotation)
    assert since is None and "Changed since the request" not in page
    # A first submission had no request for changes.
    fresh = AnnotationFactory(
        claim=annotation.claim, author=member(reviewed["workspace"]), status="submitted"
    )
    assert _panel(client, reviewed["reviewer"], fresh)[0] is None
