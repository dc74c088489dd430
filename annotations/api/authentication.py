"""`Authorization: Token …` for every kind of token: personal tokens (named, several per
user, annotations.models.tokens), the older one-per-user tokens of DRF, and a desk's
ingest tokens (a transcription service's: they sign in no user, see
annotations.models.tokens.IngestClient)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from annotations.models import IngestClient, IngestToken, PersonalToken
from annotations.models.tokens import INGEST_PREFIX, PREFIX


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if key.startswith(INGEST_PREFIX):
            ingest = IngestToken.authenticate(key)
            if ingest is None:
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            return IngestClient(ingest), ingest
        if not key.startswith(PREFIX):
            return super().authenticate_credentials(key)
        token = PersonalToken.authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
