"""The demo fixture every matching test module may ask for."""

from tests.matching.common import demo  # noqa: F401
