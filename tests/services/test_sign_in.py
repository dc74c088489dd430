"""The roles claim of the identity provider: its format and what it changes."""

import pytest

from annotations.models import Membership, Role
from annotations.services.sign_in import apply_role_claim, parse_role_claim
from tests.factories import UserFactory, WorkspaceFactory, member


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {}),
        ([], {}),
        (["demo:editor"], {"demo": "editor"}),
        ("demo:reviewer", {"demo": "reviewer"}),
        ([" demo : Annotator "], {"demo": "annotator"}),
        (["demo:editor", "metro:reviewer"], {"demo": "editor", "metro": "reviewer"}),
        (["demo", "demo:", ":editor", "demo:owner", 7, None, ["x"]], {}),
        ({"demo": "editor"}, {}),
        (["a:b:editor"], {}),
    ],
)
def test_parse_role_claim(value, expected):
    assert parse_role_claim(value) == expected


@pytest.mark.django_db
def test_apply_role_claim_adds_and_changes_roles_and_removes_none():
    demo, metro, kept = (WorkspaceFactory(slug=s) for s in ("demo", "metro", "kept"))
    member(metro, Role.EDITOR)
    user = UserFactory()
    Membership.objects.create(workspace=metro, user=user, role=Role.ANNOTATOR)
    Membership.objects.create(workspace=kept, user=user, role=Role.REVIEWER)
    apply_role_claim(user, ["demo:editor", "metro:reviewer", "gone:editor"])
    assert sorted(Membership.objects.filter(user=user).values_list("workspace__slug", "role")) == [
        ("demo", "editor"),
        ("kept", "reviewer"),
        ("metro", "reviewer"),
    ]
    assert demo.memberships.count() == 1
