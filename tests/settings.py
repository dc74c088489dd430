"""The settings tests run with: the production settings plus a real OpenID Connect
provider (django-oidc-provider) for the sign-in tests to talk to.

The provider app is for tests only: its migrations are not clean under
`makemigrations --check`, and no deployment serves it.
"""

from factcheck.settings import *  # noqa: F403
from factcheck.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "oidc_provider"]

# What the test provider says about its users (tests/identity_provider.py).
OIDC_USERINFO = "tests.identity_provider.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.identity_provider.add_roles_claim"
