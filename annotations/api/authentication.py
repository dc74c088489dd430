"""`Authorization: Token …` for every kind of token: personal tokens (named, several per
user, annotations.models.tokens), the older one-per-user tokens of DRF, and a desk's
ingest tokens (a transcription service's: they sign in no user, see
annotations.models.tokens.IngestClient). A personal or DRF token is read with its user by
one statement written once (annotations.models._rows), as DRF's
`select_related("user").get(key=key)` reads it, with the same answers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from annotations.models import IngestClient, IngestToken, PersonalToken
from annotations.models._rows import RowWithRelated
from annotations.models.tokens import INGEST_PREFIX, PREFIX

_TOKENS = RowWithRelated(Token, "key", "user")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if key.startswith(INGEST_PREFIX):
            ingest = IngestToken.authenticate(key)
            if ingest is None:
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            return IngestClient(ingest), ingest
        token = PersonalToken.authenticate(key) if key.startswith(PREFIX) else _TOKENS.get(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
