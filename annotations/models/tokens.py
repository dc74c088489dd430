"""Personal API tokens: named, several per user, revocable, with their last use.

The key is shown once, when it is made; the database keeps only its SHA-256, so a copy
of the database signs nobody in. Keys start with PREFIX, which tells them apart from the
older one-per-user tokens of DRF (still accepted, see annotations/api/authentication.py).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from annotations.models._rows import RowWithRelated
from annotations.models.exceptions import InvalidInput

PREFIX = "fcp_"
# A user holds at most this many tokens: enough for every script, few enough to review.
MAX_TOKENS_PER_USER = 50
# The last use is written at most once per this interval, not on every request.
USE_RESOLUTION = timedelta(minutes=1)


def note_use(token):
    """The token (personal or ingest, or None) with its last use noted, at most once per
    USE_RESOLUTION."""
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class PersonalToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, so its owner can tell their tokens apart.
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="personal_token_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="personal_token_named"),
        ]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["PersonalToken", str]:
        """A new token for the user and its key, which is never shown again."""
        name = name.strip()
        if not name:
            raise InvalidInput("Give the token a name.", field="name")
        key = PREFIX + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                # Counted under a lock of the user's row, so two requests cannot pass the cap.
                get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk").first()
                if cls.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
                    raise InvalidInput(
                        f"You have {MAX_TOKENS_PER_USER} tokens, the most allowed; revoke "
                        "one you no longer use first.",
                        field="name",
                    )
                token = cls.objects.create(
                    user=user, name=name, digest=cls.digest_of(key), hint=key[: len(PREFIX) + 4]
                )
        except IntegrityError:
            raise InvalidInput("You already have a token with this name.", field="name") from None
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> "PersonalToken | None":
        """The token of this key, with its user; its last use noted (once a minute)."""
        return note_use(_BY_DIGEST.get(cls.digest_of(key)))

    def revoke(self) -> None:
        self.delete()


INGEST_PREFIX = "fci_"
# A desk holds at most this many ingest tokens.
MAX_INGEST_TOKENS = 20


class IngestToken(models.Model):
    """A workspace's token for a transcription service: it may append chunks to and close
    the live documents of its workspace, and nothing else (annotations.permissions). Kept
    as personal tokens are: the key is shown once, the database holds its SHA-256."""

    workspace = models.ForeignKey(
        "Workspace", on_delete=models.CASCADE, related_name="ingest_tokens"
    )
    name = models.CharField(max_length=100, help_text="Which service uses the token.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="ingest_token_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="ingest_token_named"),
        ]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, workspace, name: str, by) -> tuple["IngestToken", str]:
        """A new token for the workspace and its key, which is never shown again. The
        caller checks that `by` manages the workspace."""
        name = name.strip()
        if not name:
            raise InvalidInput("Give the token a name.", field="name")
        if len(name) > 100:
            raise InvalidInput("The name has more than 100 characters.", field="name")
        key = INGEST_PREFIX + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                type(workspace).objects.select_for_update().filter(pk=workspace.pk).first()
                if cls.objects.filter(workspace=workspace).count() >= MAX_INGEST_TOKENS:
                    raise InvalidInput(
                        f"The desk has {MAX_INGEST_TOKENS} ingest tokens, the most allowed; "
                        "revoke one no service uses first.",
                        field="name",
                    )
                token = cls.objects.create(
                    workspace=workspace,
                    name=name,
                    digest=PersonalToken.digest_of(key),
                    hint=key[: len(INGEST_PREFIX) + 4],
                    created_by=by,
                )
        except IntegrityError:
            raise InvalidInput("The desk has a token with this name.", field="name") from None
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> "IngestToken | None":
        return note_use(cls.objects.filter(digest=PersonalToken.digest_of(key)).first())


class IngestClient:
    """Who a request comes from when it carries an ingest token: no user, no membership;
    the permission map lets it append to and close its workspace's live documents only."""

    is_authenticated = True
    is_anonymous = False
    # Not an active user: no membership, so nothing a member may do or see.
    is_active = False
    is_staff = False
    is_superuser = False

    def __init__(self, token: IngestToken):
        self.token = token
        self.ingest_workspace_id = token.workspace_id
        self.pk = self.id = f"ingest-{token.pk}"

    def __str__(self):
        return f"ingest token {self.token.name}"

    def get_username(self) -> str:
        return self.token.name

    def has_perm(self, *args, **kwargs) -> bool:
        return False

    def may_append(self, document) -> bool:
        """Whether the token may append to (and close) `document`: one of its desk's."""
        return type(document).__name__ == "Document" and (
            document.workspace_id == self.ingest_workspace_id
        )


# The API reads a token with its user on every request: one statement written once.
_BY_DIGEST = RowWithRelated(PersonalToken, "digest", "user")
