"""Reference fact-checks: verdicts published elsewhere (by another fact-checker, as
schema.org ClaimReview or a table of claims and ratings) that a desk loads so that
"checked before?" searches them too. They are read-only and attributed, never this
desk's own verdicts, and never part of its exports."""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations.models.validators import HTTP_URL, http_url_validator
from annotations.models.workspaces import Workspace


def claim_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReferenceFactCheck(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="reference_factchecks"
    )
    # The claim as the publisher states it.
    claim = models.TextField()
    claim_sha256 = models.CharField(max_length=64, editable=False)
    # Who made the claim, where the publisher names them.
    claimant = models.CharField(max_length=300, blank=True)
    # The rating exactly as published ("Mostly False", "Pants on Fire", "Faux").
    rating = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, validators=[http_url_validator])
    publisher = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=10, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    # For matching and search, as on Claim: the folded text and (PostgreSQL) a tsvector.
    match_text = models.TextField(blank=True, default="")
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # The word-vector sum of the folded claim and title (matching.embedding.stored).
    match_vector = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["workspace", "id"]
        constraints = [
            models.CheckConstraint(condition=HTTP_URL, name="referencefactcheck_url_http"),
            models.CheckConstraint(condition=~Q(claim=""), name="referencefactcheck_claim_set"),
            # Loading the same file twice adds nothing.
            models.UniqueConstraint(
                fields=["workspace", "url", "claim_sha256"], name="one_reference_per_claim_and_url"
            ),
        ]

    def __str__(self):
        return f"{self.publisher or self.url}: {self.claim[:80]}"

    def save(self, *args, **kwargs):
        self.claim_sha256 = claim_digest(self.claim)
        super().save(*args, **kwargs)


class ReferenceMatchKey(models.Model):
    """The term keys of a reference fact-check (its claim and title), as ClaimMatchKey
    holds a claim's: what the first stage of matching looks up."""

    pk = models.CompositePrimaryKey("reference", "key")
    reference = models.ForeignKey(
        ReferenceFactCheck,
        on_delete=models.CASCADE,
        related_name="match_keys",
        db_constraint=False,
        db_index=False,
    )
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    key = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "key", "reference"], name="referencematchkey_lookup")
        ]

    def __str__(self):
        return f"{self.key} → reference {self.reference_id}"
