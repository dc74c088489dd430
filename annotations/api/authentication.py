"""`Authorization: Token …` for both kinds of token: personal tokens (named, several per
user, annotations.models.tokens) and the older one-per-user tokens of DRF."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from annotations.models import PersonalToken
from annotations.models.tokens import PREFIX


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if not key.startswith(PREFIX):
            return super().authenticate_credentials(key)
        token = PersonalToken.authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
