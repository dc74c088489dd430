"""Test set-up shared by every test: property tests run without a deadline; browser tests
need a Chromium.

Browser tests run wherever /usr/bin/chromium (or $CHROMIUM) exists. Elsewhere they are
skipped and the run ends with a loud warning; with REQUIRE_BROWSER=1 (set by CI) a
missing browser fails the run instead of skipping.
"""

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

# Property tests check what code computes, never how fast: Hypothesis's per-example
# deadline and its "too slow" health check would fail them on a busy machine.
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
_skipped_browser_tests = []


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or chromium_available():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}: install Debian's chromium."
        )
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in browser_items:
        item.add_marker(skip)
        _skipped_browser_tests.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped_browser_tests:
        terminalreporter.write_sep(
            "!",
            f"SKIPPED {len(_skipped_browser_tests)} BROWSER TESTS: no Chromium at {CHROMIUM} "
            "(apt-get install chromium)",
            red=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at full strength makes every factory user cost ~50 ms.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests serve static files from the apps; production uses the collected manifest.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Throttle counters in memory: the database cache table of production would add its
    # queries to every API request a query-count test measures. Tests of the table itself
    # set it back (tests/api/test_throttling.py).
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle",
        },
    }
