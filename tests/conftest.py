"""Fixtures shared across the test tree."""

from tests.asgi_server import asgi_server  # noqa: F401
