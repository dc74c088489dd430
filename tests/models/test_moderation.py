"""Flags: the rules the database keeps."""

import pytest
from django.db import transaction

from annotations.models import Flag
from tests.factories import (
    AnnotationFactory,
    CommentFactory,
    FlagFactory,
)
from tests.models import violates

pytestmark = pytest.mark.django_db


def test_flag_must_name_exactly_one_target():
    annotation = AnnotationFactory()
    comment = CommentFactory(annotation=annotation)
    with transaction.atomic(), violates("flag_names_exactly_one_target"):
        FlagFactory(annotation=annotation, comment=comment)
    with violates("flag_names_exactly_one_target"):
        FlagFactory(annotation=None, comment=None)


def test_one_open_flag_per_reporter_and_item():
    flag = FlagFactory()
    with transaction.atomic(), violates("one_open_flag_per_reporter_annotation|UNIQUE"):
        FlagFactory(reporter=flag.reporter, annotation=flag.annotation)
    flag.status = Flag.Status.DISMISSED
    flag.save()
    again = FlagFactory(reporter=flag.reporter, annotation=flag.annotation)
    assert again.status == Flag.Status.OPEN
