"""Tests of annotations/models/, one module per aggregate."""

import pytest
from django.db import IntegrityError


def violates(name):
    """The constraint's name appears in the database's error (SQLite and PostgreSQL)."""
    return pytest.raises(IntegrityError, match=name)
