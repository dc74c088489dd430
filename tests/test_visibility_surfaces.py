"""Every surface of tests/surfaces.py, asked as every kind of member of a blind desk,
shows exactly what permissions.Viewer says that member may see: no colleague's work
before the annotator's own submission (nor anything derived from it: states, counts),
no hidden work but for editors, nothing at all for an outsider."""

from dataclasses import dataclass, field

import pytest
from django.test import Client

from annotations.models import Annotation, Claim, Comment, Role
from annotations.permissions import Viewer
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    SourceFactory,
    UserFactory,
    WorkspaceFactory,
    member,
)
from tests.surfaces import SURFACES, Seen

pytestmark = pytest.mark.django_db

SENTENCES = [
    "The harbour budget rose by 12 percent in 2023.",
    "The harbour staff doubled since 2019.",
    "The harbour fees fell by 3 percent last year.",
]
VIEWERS = ["annotator", "colleague", "reviewer", "editor", "outsider"]


@dataclass
class Scenario:
    workspace: object = None
    document: object = None
    claims: list = field(default_factory=list)
    users: dict = field(default_factory=dict)
    annotations: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    tokens: dict = field(default_factory=dict)  # token -> (kind, pk)
    common_word: str = "zqcommon"
    claim_word: str = "harbour"

    def annotate(self, n, claim, author, status, *, hidden=False):
        annotation = AnnotationFactory(
            claim=claim,
            author=author,
            status=status,
            hidden=hidden,
            summary=f"{self.common_word} zq{n}xsum",
            note=f"zq{n}xnote",
        )
        SourceFactory(annotation=annotation, title=f"zq{n}xsrc")
        for suffix in ("sum", "note", "src"):
            self.tokens[f"zq{n}x{suffix}"] = ("annotation", annotation.pk)
        self.annotations.append(annotation)
        return annotation

    def comment(self, n, annotation, author, *, hidden=False, decision=""):
        comment = CommentFactory(
            annotation=annotation,
            author=author,
            body=f"zq{n}xcmt",
            hidden=hidden,
            decision=decision,
        )
        self.tokens[f"zq{n}xcmt"] = ("comment", comment.pk)
        self.comments.append(comment)
        return comment


@pytest.fixture
def scenario():
    s = Scenario()
    s.workspace = WorkspaceFactory(slug="blinddesk", blind=True)
    s.document = DocumentFactory(
        workspace=s.workspace, title="Port report", text=" ".join(SENTENCES)
    )
    start = 0
    for sentence in SENTENCES:
        s.claims.append(ClaimFactory(document=s.document, start=start, end=start + len(sentence)))
        start += len(sentence) + 1
    s.users = {
        "annotator": member(s.workspace, Role.ANNOTATOR, username="alice"),
        "colleague": member(s.workspace, Role.ANNOTATOR, username="carol"),
        "reviewer": member(s.workspace, Role.REVIEWER, username="rob"),
        "editor": member(s.workspace, Role.EDITOR, username="eve"),
        "outsider": UserFactory(username="oscar"),
    }
    alice, carol, rob = s.users["annotator"], s.users["colleague"], s.users["reviewer"]
    c1, c2, c3 = s.claims
    approved, submitted = Annotation.Status.APPROVED, Annotation.Status.SUBMITTED
    a1 = s.annotate(1, c1, carol, approved)  # alice has not submitted on c1
    a2 = s.annotate(2, c2, carol, approved)
    s.annotate(3, c2, alice, submitted)  # so alice sees c2's work
    s.annotate(4, c2, rob, submitted, hidden=True)  # editors only
    s.annotate(5, c3, alice, Annotation.Status.DRAFT)  # her own draft
    s.comment(6, a1, rob, decision=Comment.Decision.APPROVE)
    s.comment(7, a2, rob, hidden=True)
    s.comment(8, a2, carol)
    return s


def _expected_annotations(viewer, scenario, scope):
    if scope == "none" or not viewer.reads:
        return set()
    ids = set()
    for a in scenario.annotations:
        a.refresh_from_db()
        if not viewer.sees_annotation(a):
            continue
        if scope in ("unhidden", "approved") and a.hidden:
            continue
        if scope == "approved" and a.status != Annotation.Status.APPROVED:
            continue
        ids.add(a.pk)
    return ids


def _expected_comments(viewer, scenario, expected_annotations):
    return {
        c.pk
        for c in scenario.comments
        if c.annotation_id in expected_annotations
        and viewer.sees_annotation(c.annotation)
        and viewer.sees_comment(c)
    }


def _expected_states(viewer, scenario):
    states = {}
    for claim in scenario.claims:
        counted = [
            a
            for a in Annotation.objects.filter(claim=claim)
            if viewer.reads and viewer.sees_unhidden(a)
        ]
        has_approved = any(a.status == Annotation.Status.APPROVED for a in counted)
        states[claim.pk] = Claim.derive_state(False, has_approved, bool(counted))
    return states


def _check(scenario, who):
    user = scenario.users[who]
    client = Client()
    client.force_login(user)
    viewer = Viewer(user, scenario.workspace)
    problems = []
    for surface in SURFACES:
        seen: Seen = surface.fetch(client, scenario)
        expected = _expected_annotations(viewer, scenario, surface.scope)
        leaked = seen.annotations - expected
        if leaked:
            problems.append(f"{surface.name}: shows annotations {sorted(leaked)}")
        if surface.complete and not seen.refused and expected - seen.annotations:
            problems.append(
                f"{surface.name}: misses annotations {sorted(expected - seen.annotations)}"
            )
        # Comment surfaces carry the comments on every annotation the viewer may see.
        shown_annotations = (
            _expected_annotations(viewer, scenario, "all") if surface.comments else set()
        )
        expected_comments = _expected_comments(viewer, scenario, shown_annotations)
        if seen.comments - expected_comments:
            problems.append(
                f"{surface.name}: shows comments {sorted(seen.comments - expected_comments)}"
            )
        if surface.comments and not seen.refused and expected_comments - seen.comments:
            problems.append(
                f"{surface.name}: misses comments {sorted(expected_comments - seen.comments)}"
            )
        if not viewer.reads:
            if not seen.refused and any(
                state not in ("none of the four",) and key != "counts"
                for key, state in seen.states.items()
            ):
                problems.append(f"{surface.name}: shows an outsider claim states")
            continue
        if surface.states:
            states = _expected_states(viewer, scenario)
            if "counts" in seen.states:
                values = list(states.values())
                counts = (
                    len(values),
                    sum(s in ("in_progress", "approved") for s in values),
                    values.count("approved"),
                    0,
                )
                if seen.states["counts"] != counts:
                    problems.append(f"{surface.name}: {seen.states['counts']} != {counts}")
            elif seen.states != states:
                problems.append(f"{surface.name}: states {seen.states} != {states}")
    return problems


@pytest.mark.parametrize("who", VIEWERS)
def test_every_surface_shows_what_the_rule_allows(scenario, who):
    problems = _check(scenario, who)
    assert problems == [], "\n".join(problems)


def test_blind_annotator_sees_colleagues_work_on_a_claim_only_after_submitting(scenario):
    alice, carol = scenario.users["annotator"], scenario.users["colleague"]
    c1 = scenario.claims[0]
    carols_on_c1 = Annotation.objects.get(claim=c1, author=carol)
    assert not Viewer(alice, scenario.workspace).sees_annotation(carols_on_c1)
    assert _check(scenario, "annotator") == []
    scenario.annotate(9, c1, alice, Annotation.Status.SUBMITTED)
    assert Viewer(alice, scenario.workspace).sees_annotation(carols_on_c1)
    assert _check(scenario, "annotator") == []


def test_the_rule_itself_on_the_scenario(scenario):
    """What the surfaces are held to, spelled out: DESIGN.md's blind mode."""
    alice = Viewer(scenario.users["annotator"], scenario.workspace)
    editor = Viewer(scenario.users["editor"], scenario.workspace)
    reviewer = Viewer(scenario.users["reviewer"], scenario.workspace)
    outsider = Viewer(scenario.users["outsider"], scenario.workspace)
    a1, a2, a3, a4, a5 = scenario.annotations
    assert [alice.sees_annotation(a) for a in (a1, a2, a3, a4, a5)] == [
        False,
        True,
        True,
        False,
        True,
    ]
    # a4 is the reviewer's own, hidden: it vanishes for its author too (DESIGN.md).
    assert [reviewer.sees_annotation(a) for a in (a1, a2, a3, a4, a5)] == [
        True,
        True,
        True,
        False,
        True,
    ]
    colleague = Viewer(scenario.users["colleague"], scenario.workspace)
    assert not colleague.sees_annotation(a4)
    assert all(editor.sees_annotation(a) for a in (a1, a2, a3, a4, a5))
    assert not any(outsider.sees_annotation(a) for a in (a1, a2, a3, a4, a5))
    assert _expected_states(alice, scenario) == {
        scenario.claims[0].pk: "unchecked",
        scenario.claims[1].pk: "approved",
        scenario.claims[2].pk: "in_progress",
    }
