"""API throttles and the client address they count by.

Counters live in the `throttle` cache (THROTTLE_CACHE_URL): in production a store that
every gunicorn worker and app server shares, since with a per-process cache each worker
would count on its own. A client is its REMOTE_ADDR unless the settings say how many
proxies in front add X-Forwarded-For (REST_FRAMEWORK NUM_PROXIES, from BEHIND_PROXY and
NUM_PROXIES): a header anyone can send must not pick the counter.
"""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

# Resolved on each use, as django.core.cache.cache is, so that a changed CACHES applies.
throttle_cache = ConnectionProxy(caches, "throttle")


class _SharedCounters:
    cache = throttle_cache

    def get_rate(self):
        # Read on each request, so that overriding REST_FRAMEWORK (tests, benchmarks)
        # takes effect; DRF reads it once at import.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SharedCounters, AnonRateThrottle):
    pass


class UserThrottle(_SharedCounters, UserRateThrottle):
    pass


class TokenThrottle(_SharedCounters, SimpleRateThrottle):
    """Per client address, stricter: guessing passwords must be slow."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def client_address(request) -> str | None:
    """The address the throttles count by; django-axes locks logins by it too
    (AXES_CLIENT_IP_CALLABLE), so that both follow the same proxy settings."""
    return BaseThrottle().get_ident(request)
