"""Fixtures shared across the test tree."""

import pytest

from annotations.matching import reuse
from tests.asgi_server import asgi_server  # noqa: F401


@pytest.fixture(autouse=True)
def _no_published_verdicts_kept_from_another_test():
    """Each test reads its desks' published verdicts afresh: ids are reused after a
    rolled-back test on SQLite, so a desk kept by one test could look like another's."""
    reuse.forget_published()
    yield
