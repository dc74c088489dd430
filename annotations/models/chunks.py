"""The chunks of a live document: each appended piece of transcript, by its sequence
number, so that a retried chunk is recognised and answered as the first time."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from annotations.models.documents import Document


class DocumentChunk(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    # 1, 2, … in the order sent; 0 is the text a live document was created with.
    sequence = models.PositiveIntegerField()
    # Where the chunk's text went: document.text[start:end] (code points).
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # SHA-256 of the chunk as sent: the same number with other text is refused.
    sha256 = models.CharField(max_length=64)
    # The claims this append stored: numbers first_number .. first_number + claims - 1.
    first_number = models.PositiveIntegerField(null=True, blank=True)
    claims = models.PositiveIntegerField(default=0)
    appended_at = models.DateTimeField(default=timezone.now)
    appended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who sent it when a workspace's ingest token did (its name: the token may be revoked).
    sent_by_token = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["document", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["document", "sequence"], name="one_chunk_per_sequence"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="chunk_start_before_end"),
        ]

    def __str__(self):
        return f"chunk {self.sequence} of document {self.document_id}"
