"""Workspaces, memberships and rating scales: the rules the database keeps."""

import pytest
from django.db import transaction

from annotations.models import Rating, Role
from tests.factories import (
    MembershipFactory,
    WorkspaceFactory,
)
from tests.models import violates

pytestmark = pytest.mark.django_db


def test_new_workspace_gets_the_default_scale():
    workspace = WorkspaceFactory()
    ratings = list(
        Rating.objects.filter(scale__workspace=workspace).values_list("label", "ordinal")
    )
    assert ratings == [
        ("True", True),
        ("Mostly true", True),
        ("Half true", True),
        ("Mostly false", True),
        ("False", True),
        ("Unverifiable", False),
        ("Opinion", False),
    ]


def test_workspace_threshold_must_be_between_zero_and_one():
    with violates("workspace_threshold_in_unit_interval"):
        WorkspaceFactory(checkworthiness_threshold=1.5)


def test_one_membership_per_user_and_workspace():
    membership = MembershipFactory()
    with violates("one_membership_per_user|UNIQUE constraint failed"):
        MembershipFactory(workspace=membership.workspace, user=membership.user, role=Role.EDITOR)


@pytest.mark.parametrize("colour", ["red", "#12345", "#12345g", "#12345\n", ""])
def test_rating_colour_other_than_hex_is_refused_by_the_database(colour):
    rating = Rating.objects.filter(scale__workspace=WorkspaceFactory()).first()
    rating.colour = colour
    with violates("rating_colour_hex"), transaction.atomic():
        rating.save()


def test_rating_colour_in_hex_of_either_case_is_stored():
    rating = Rating.objects.filter(scale__workspace=WorkspaceFactory()).first()
    rating.colour = "#AbCdEf"
    rating.save()
    rating.refresh_from_db()
    assert rating.colour == "#AbCdEf"
