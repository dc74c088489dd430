"""Export queries do not grow with the number of claims: the same count at 2 and 30."""

import pytest
from django.contrib.auth import get_user_model

from annotations.exports import FORMATS
from annotations.models import Document, Verdict
from tests.exports.factories import make_desk
from tests.factories import AnnotationFactory, CommentFactory, FlagFactory

pytestmark = pytest.mark.django_db

# Per format, with a fresh Document (workspace not loaded) and a fresh user object:
EXPECTED = {
    # workspace, ratings, claims with a verdict, their verdicts, the notes of the current
    # verdicts' annotations, the people named
    "html": 6,
    "pdf": 6,
    "md": 6,
    "claimreview": 6,
    # workspace, memberships (roles); then per chunk of 1,000 claims: claims, annotations
    # with their authors, sources, verdicts with their ratings
    "csv": 6,
    # workspace, memberships, document's creator, ratings (header), ratings, claim ids;
    # per chunk: claims, annotations, sources, comments, flags, verdicts, users
    "json": 13,
    # workspace, memberships, ratings, claim ids; per chunk: claims, annotations, sources,
    # users
    "w3c": 8,
}


def export_with_queries(assert_num_queries, expected, name, desk, user, **options):
    # Fresh objects, as a view has them: nothing cached on the document or the user.
    document = Document.objects.get(pk=desk.document.pk)
    user = get_user_model().objects.get(pk=user.pk)
    with assert_num_queries(expected):
        FORMATS[name].render(document, user, **options)


def busy_desk(claims):
    desk = make_desk(claims=claims)
    desk.document.created_by = desk.editor
    desk.document.save()
    for claim in desk.claims:
        annotation = claim.annotations.first()
        comment = CommentFactory(annotation=annotation, author=desk.editor)
        FlagFactory(annotation=None, comment=comment, reporter=desk.reviewer)
        FlagFactory(annotation=annotation, reporter=desk.editor)
    return desk


@pytest.mark.parametrize("name", list(FORMATS))
def test_export_queries_do_not_grow_with_claims(name, django_assert_num_queries):
    for claims in (2, 30):
        desk = busy_desk(claims)
        export_with_queries(django_assert_num_queries, EXPECTED[name], name, desk, desk.editor)


@pytest.mark.parametrize("name", ["html", "md"])
def test_include_approved_adds_four_queries_whatever_the_size(name, django_assert_num_queries):
    # the user's memberships (which approved work they may see), approved annotations,
    # their sources, their approvals
    for claims in (2, 30):
        desk = busy_desk(claims)
        Verdict.objects.filter(claim=desk.claims[0]).delete()
        export_with_queries(
            django_assert_num_queries, EXPECTED[name] + 4, name, desk, desk.editor,
            include_approved=True,
        )  # fmt: skip


@pytest.mark.parametrize("name", ["csv", "json", "w3c"])
def test_blind_annotator_export_adds_one_query_whatever_the_size(name, django_assert_num_queries):
    # the claims the annotator has submitted on, which decide whether they see the
    # colleague's annotation on each claim
    for claims in (2, 30):
        desk = busy_desk(claims)
        desk.workspace.blind = True
        desk.workspace.save()
        for claim in desk.claims:
            AnnotationFactory(claim=claim, author=desk.reviewer, status="submitted")
        export_with_queries(
            django_assert_num_queries, EXPECTED[name] + 1, name, desk, desk.annotator
        )
