"""Documents and the claims split from them, with the keys that find similar claims."""

import hashlib
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Case, F, IntegerField, Max, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from annotations.models._history import History
from annotations.models._indexing import indexed_save
from annotations.models._rules import claims_with_state
from annotations.models._rules import require as _require
from annotations.models.claim_edits import ClaimEdits
from annotations.models.events import Event, emit
from annotations.models.exceptions import NO_SUCH_MEMBER, Conflict, InvalidInput
from annotations.models.moderation import ModerationEvent
from annotations.models.validators import http_url_validator
from annotations.models.workspaces import Workspace
from annotations.text import anchoring, checkworthiness, transcripts

# Starts a live document's text_sha256 (see Document.live): no SHA-256 digest does.
LIVE_MARK = "live:"


class SpeakerType(models.TextChoices):
    """Who the speaker is, as schema.org names it (ClaimReview's itemReviewed.author)."""

    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


class Document(models.Model):
    """Imported text. The text is immutable once split (claims point into it), except
    while the document is live: a transcript still arriving, append-only until closed
    (annotations.services.live)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    speaker = models.CharField(max_length=200, blank=True)
    speaker_type = models.CharField(
        max_length=12, choices=SpeakerType.choices, default=SpeakerType.PERSON
    )
    source_url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=10, default="en")
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The public report page (/reports/<slug>/), when an editor has published it.
    report_slug = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    report_published_at = models.DateTimeField(null=True, blank=True)
    report_include_approved = models.BooleanField(
        default=False, help_text="Also show approved work that has no published verdict yet."
    )
    # Set while a background job marks the claims that earlier verdicts cover (a long
    # import in a desk with published verdicts); the page says the marks are coming.
    marks_pending = models.BooleanField(default=False)
    # Archived: out of the document lists; its page, verdicts and public report stay.
    archived_at = models.DateTimeField(null=True, blank=True)
    # The number the next claim gets. Only ever grows: a number, once given, names one
    # claim for good, even after that claim is deleted (see take_claim_numbers).
    next_claim_number = models.PositiveIntegerField(default=1, editable=False)
    # Live: text arrives in numbered chunks and is only ever added to; closing makes the
    # document ordinary and immutable again (closed_at). While live, text_sha256 is a
    # mark of the document's own, not its text's digest: a growing text is no duplicate
    # of another document, and its digest would change with every chunk.
    live = models.BooleanField(default=False, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last chunk's sequence number (chunks are numbered 1, 2, …, no gaps).
    last_sequence = models.PositiveIntegerField(default=0, editable=False)
    # Where the text not split yet begins: an unfinished last sentence, held until the
    # next chunk completes it or the document is closed.
    held_from = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "text_sha256"], name="one_document_per_text"
            ),
            models.CheckConstraint(
                condition=Q(source_url="")
                | Q(source_url__startswith="http://")
                | Q(source_url__startswith="https://"),
                name="document_source_url_http",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.live or self.text_sha256.startswith(LIVE_MARK):
            self._save_live(*args, **kwargs)
            return
        digest = self.hash_text(self.text)
        changed = not self._state.adding and digest != self.text_sha256
        if changed and self.claims.exists():
            raise ValidationError("The text of a split document cannot change.")
        self.text_sha256 = digest
        super().save(*args, **kwargs)

    def _save_live(self, *args, **kwargs):
        """A live document (or a closed one whose text another document of the desk has
        too, which keeps its mark): its text changes only by an appended chunk
        (services.live), written by UPDATE, never by save()."""
        fields = kwargs.get("update_fields")
        if not self._state.adding and (fields is None or "text" in fields):
            stored = Document.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored not in (None, self.text):
                raise ValidationError("A live document grows only by appended chunks.")
        if not self.text_sha256.startswith(LIVE_MARK):
            self.text_sha256 = LIVE_MARK + uuid.uuid4().hex
        super().save(*args, **kwargs)

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def take_claim_numbers(self, count: int = 1) -> int:
        """The first of `count` numbers for claims made now, taken from the document's
        counter. One UPDATE … RETURNING: concurrent writers queue on the row and each gets
        its own numbers, and a deleted claim's number is never given again (not even the
        last one's). Rolled back with the caller's transaction."""
        alias = router.db_for_write(Document, instance=self)
        connection = connections[alias]
        table = connection.ops.quote_name(Document._meta.db_table)
        column = connection.ops.quote_name("next_claim_number")
        update = f"UPDATE {table} SET {column} = {column} + %s WHERE id = %s"
        if connection.features.can_return_columns_from_insert:
            with connection.cursor() as cursor:
                cursor.execute(f"{update} RETURNING {column}", [count, self.pk])
                row = cursor.fetchone()
        else:  # SQLite before 3.35: the transaction's write lock keeps others out
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute(update, [count, self.pk])
                cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [self.pk])
                row = cursor.fetchone()
        if row is None:
            raise Document.DoesNotExist("The document no longer exists.")
        self.next_claim_number = row[0]
        return row[0] - count

    def keep_claim_number(self, number: int) -> None:
        """A claim comes with its number (a restored backup): later numbers follow it."""
        Document.objects.filter(pk=self.pk, next_claim_number__lte=number).update(
            next_claim_number=number + 1
        )

    def lock(self) -> None:
        """Lock the document's row for the rest of the transaction: claims are numbered
        and edited one writer at a time."""
        Document.objects.select_for_update().filter(pk=self.pk).values_list("pk").first()

    def set_speaker_type(self, by, speaker_type: str) -> None:
        """An editor records whether the speaker is a person or an organisation."""
        _require(by, "document.import", self, "Only editors can change a document's details.")
        if speaker_type not in SpeakerType.values:
            raise InvalidInput("Choose person or organization.", field="speaker_type")
        self.speaker_type = speaker_type
        self.save(update_fields=["speaker_type"])

    def publish_report(self, by, *, slug: str = "", include_approved: bool = False) -> None:
        """Put the report at /reports/<slug>/ for anyone to read; the slug stays stable
        across withdrawals and republications."""
        _require(by, "verdict.publish", self, "Only editors can publish a report.")
        slug = slugify(slug or self.report_slug or f"{self.title[:80]}-{self.pk}")[:120]
        if not slug:
            raise InvalidInput("Choose an address for the report.", field="slug")
        if Document.objects.filter(report_slug=slug).exclude(pk=self.pk).exists():
            raise InvalidInput("Another report already uses this address.", field="slug")
        self.report_slug = slug
        self.report_include_approved = include_approved
        self.report_published_at = timezone.now()
        fields = ["report_slug", "report_include_approved", "report_published_at"]
        with transaction.atomic():
            self.save(update_fields=fields)
            ModerationEvent.objects.create(
                workspace=self.workspace,
                actor=by,
                action=ModerationEvent.Action.PUBLISH_REPORT,
                note=f"/reports/{slug}/",
            )
            emit(Event.Kind.REPORT_PUBLISHED, document=self, actor=by, data={"slug": slug})

    def has_work(self) -> bool:
        """Whether anyone has worked on the document: an annotation (a draft too) or a
        verdict on one of its claims."""
        return self.claims.filter(Q(annotations__isnull=False) | Q(verdicts__isnull=False)).exists()

    def delete_by(self, by) -> None:
        """An editor deletes a document nobody has worked on; one with work is archived."""
        _require(by, "workspace.manage", self, "Only editors can delete documents.")
        with transaction.atomic():
            self.lock()
            if self.has_work():
                raise Conflict(
                    "People have worked on this document, so it cannot be deleted; archive "
                    "it instead (its verdicts and public report stay)."
                )
            self.delete()

    def archive(self, by) -> None:
        """An editor takes the document out of the lists; nothing of it is lost."""
        _require(by, "workspace.manage", self, "Only editors can archive documents.")
        if self.archived_at is None:
            self.archived_at = timezone.now()
            self.save(update_fields=["archived_at"])

    def unarchive(self, by) -> None:
        _require(by, "workspace.manage", self, "Only editors can restore archived documents.")
        if self.archived_at is not None:
            self.archived_at = None
            self.save(update_fields=["archived_at"])

    def withdraw_report(self, by) -> None:
        _require(by, "verdict.publish", self, "Only editors can withdraw a report.")
        if self.report_published_at is None:
            return
        self.report_published_at = None
        with transaction.atomic():
            self.save(update_fields=["report_published_at"])
            ModerationEvent.objects.create(
                workspace=self.workspace,
                actor=by,
                action=ModerationEvent.Action.WITHDRAW_REPORT,
                note=f"/reports/{self.report_slug}/",
            )
            data = {"slug": self.report_slug}
            emit(Event.Kind.REPORT_WITHDRAWN, document=self, actor=by, data=data)


class ClaimKind(models.TextChoices):
    HEADING = "heading", "Heading"
    SENTENCE = "sentence", "Sentence"
    LIST_ITEM = "list_item", "List item"
    METADATA = "metadata", "Metadata"
    SELECTION = "selection", "Selection"


class ClaimQuerySet(models.QuerySet):
    def check_worthy(self):
        return self.filter(checkworthiness__gte=F("document__workspace__checkworthiness_threshold"))


def progress_level(annotations):
    """2 if one of `annotations` (rows of one claim) is approved, 1 if there are any, 0."""
    # The Annotation model from the queryset: its module imports this one.
    approved = annotations.model.Status.APPROVED
    level = (
        annotations.order_by()
        .values("claim")
        .annotate(level=Max(Case(When(status=approved, then=Value(2)), default=Value(1))))
        .values("level")
    )
    return Coalesce(Subquery(level, output_field=IntegerField()), 0)


class Claim(ClaimEdits, models.Model):
    """A span [start, end) of a document's text, in code points, with a number that
    never changes once given (see `number`)."""

    class State(models.TextChoices):
        UNCHECKED = "unchecked", "Unchecked"
        IN_PROGRESS = "in_progress", "In progress"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    # No index of its own: the unique (document, start, end) and (document, id) start with it.
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="claims", db_index=False
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # Shown as "Claim N" on pages, in ?claim=N, exports and reports; never changes, and
    # never names another claim. An import numbers 1..n in reading order; a claim made
    # later (the second half of a split claim too) gets the document's next_claim_number.
    number = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.SENTENCE)
    # A copy of document.text[start:end], kept for search and similarity.
    text = models.TextField()
    checkworthiness = models.FloatField(
        default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    restatement = models.TextField(blank=True)
    # Who said it: a transcript's speaker label, else the document's speaker.
    speaker = models.CharField(max_length=200, blank=True)
    # Where a transcript gives it: seconds from the start of the recording.
    spoken_at = models.PositiveIntegerField(null=True, blank=True)
    not_checkable = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # For matching: the text folded (case, punctuation, numbers in words) so that the
    # same claim worded a little differently compares close (trigram index on PostgreSQL).
    match_text = models.TextField(blank=True, default="")
    # Full-text search on PostgreSQL; unused (NULL) on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # For matching: match_text's word-vector sum (matching.embedding.stored), written
    # with match_text; NULL until `manage.py backfill_match_vectors` for claims stored
    # before it existed (the matcher then computes it).
    match_vector = models.BinaryField(null=True, blank=True, editable=False)
    # Set on import when the claim matches an earlier published verdict.
    prior_verdict = models.ForeignKey(
        "Verdict", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prior_similarity = models.FloatField(null=True, blank=True)
    # Set when a live document's appended claim says what a reference fact-check of the
    # desk says (matching.mark_references), with the matcher's score.
    prior_reference = models.ForeignKey(
        "ReferenceFactCheck",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the partial index below: only marked claims are indexed
    )
    prior_reference_similarity = models.FloatField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()
    history = History(excluded_fields=["search_vector", "match_text", "match_vector"])

    class Meta:
        ordering = ["document", "start", "end"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="claim_start_not_negative"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="claim_start_before_end"),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1),
                name="claim_checkworthiness_in_unit_interval",
            ),
            models.UniqueConstraint(fields=["document", "start", "end"], name="one_claim_per_span"),
            models.UniqueConstraint(fields=["document", "number"], name="one_claim_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="claim_number_positive"),
        ]
        # A document's claims in reading order come from the unique (document, start, end).
        indexes = [
            # The API's claim list: one document's claims in id order, a page at a time.
            models.Index(fields=["document", "id"], name="claim_document_id_order"),
            # A reference fact-check's deletion clears its marks; few claims carry one.
            models.Index(
                fields=["prior_reference"],
                condition=Q(prior_reference__isnull=False),
                name="claim_prior_reference",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return text

    def save(self, *args, **kwargs):
        if self.document_id and not self.text and self.start is not None and self.end is not None:
            self.text = self.document.text[self.start : self.end]
        if self._state.adding and self.document_id and not self.speaker:
            self.speaker = self.document.speaker  # a new claim only: no read on updates
        if self.number is None and self.document_id:
            self.number = self.document.take_claim_numbers()
        elif self._state.adding and self.document_id:
            self.document.keep_claim_number(self.number)
        with indexed_save(self, kwargs):  # match_text and search_vector, same write
            super().save(*args, **kwargs)

    def clean(self):
        if self.document_id and self.end is not None and self.start is not None:
            if self.end > len(self.document.text):
                raise ValidationError({"end": "The claim ends beyond the document's text."})

    @property
    def spoken_time(self) -> str:
        """`spoken_at` as h:mm:ss, or ""."""
        return "" if self.spoken_at is None else transcripts.clock(self.spoken_at)

    @property
    def state(self) -> str:
        """Derived, never stored. Uses the annotations of permissions.claims_with_state
        when present (what one user may see); without them, as the system sees it."""
        if hasattr(self, "has_verdict"):
            has_verdict, level = self.has_verdict, self.annotation_level
        else:
            has_verdict, level = claims_with_state(
                None, Claim.objects.filter(pk=self.pk)
            ).values_list("has_verdict", "annotation_level")[0]
        return self.derive_state(has_verdict, level >= 2, level >= 1)

    @classmethod
    def from_selection(cls, document, start: int, end: int, by, *, restatement: str = ""):
        """A `selection` claim of a reader's span, checked and trimmed by
        anchoring.check_span (SpanError when it is no span of the text). Returns
        (claim, created): the claim already at that span, also one made concurrently,
        instead of a duplicate."""
        if by is not None:
            _require(by, "claim.create", document, "You cannot add claims here.")
        start, end = anchoring.check_span(document.text, start, end)
        text = document.text[start:end]
        # Inside a transcript's turn, a selection is its speaker's words.
        turn = next((t for t in transcripts.turns(document.text) if t.start <= start < t.end), None)
        defaults = {
            "speaker": turn.speaker if turn else document.speaker,
            "spoken_at": turn.seconds if turn else None,
            "kind": ClaimKind.SELECTION,
            "text": text,
            "restatement": restatement,
            "checkworthiness": checkworthiness.score(
                text, ClaimKind.SELECTION, document.language or checkworthiness.DEFAULT_LANGUAGE
            ),
            "created_by": by,
        }
        try:
            with transaction.atomic():
                document.lock()  # one span, one claim: concurrent selections queue here
                claim, created = cls.objects.get_or_create(
                    document=document, start=start, end=end, defaults=defaults
                )
                if created:
                    claim.emit_created(by)
                return claim, created
        except IntegrityError:  # the same span, made by someone else in between
            return cls.objects.get(document=document, start=start, end=end), False

    @classmethod
    def derive_state(cls, has_verdict: bool, has_approved: bool, has_annotation: bool) -> str:
        if has_verdict:
            return cls.State.PUBLISHED
        if has_approved:
            return cls.State.APPROVED
        if has_annotation:
            return cls.State.IN_PROGRESS
        return cls.State.UNCHECKED

    def assign(self, to, by) -> None:
        """An editor assigns the claim to a member (or to nobody, with None)."""
        _require(by, "moderate", self, "Only editors can assign claims.")
        workspace = self.document.workspace
        if to is not None and not workspace.memberships.filter(user=to).exists():
            raise InvalidInput(NO_SUCH_MEMBER, field="assignee")
        with transaction.atomic():
            self.assignee = to
            self.save(update_fields=["assignee"])
            data = {"assignee": to.pk if to else None}
            emit(Event.Kind.CLAIM_ASSIGNED, claim=self, actor=by, data=data)

    def emit_created(self, by) -> None:
        data = {"start": self.start, "end": self.end, "kind": self.kind}
        emit(Event.Kind.CLAIM_CREATED, claim=self, actor=by, data=data)

    def take(self, by) -> None:
        """Take the claim ("I'm on it"): shown to everyone on the document, not a lock
        (the annotation's version still decides whose save wins). Ends with release(),
        the taker's submission, or events.TAKE_TIMEOUT."""
        _require(by, "claim.take", self, "You cannot take claims here.")
        emit(Event.Kind.CLAIM_TAKEN, claim=self, actor=by)

    def release(self, by) -> None:
        _require(by, "claim.take", self, "You cannot take claims here.")
        emit(Event.Kind.CLAIM_RELEASED, claim=self, actor=by)

    def mark_presence(self, by, *, here: bool) -> None:
        """A reader opened (here=True) or left the claim: who else is on it."""
        _require(by, "document.read", self, "")
        emit(Event.Kind.CLAIM_VIEWED if here else Event.Kind.CLAIM_LEFT, claim=self, actor=by)

    def update_details(self, by, **fields) -> None:
        """Restatement and the not-checkable switch, for any member."""
        _require(by, "claim.create", self, "You cannot change claims here.")
        unknown = set(fields) - {"restatement", "not_checkable"}
        if unknown:
            raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=list(fields))


class ClaimMatchKey(models.Model):
    """MinHash band keys of a claim's folded text: claims that share a key are candidates
    for similarity, so a lookup reads a few index entries instead of scanning trigrams."""

    # An import writes ~28 keys a claim, so each key costs as little as it can. No
    # database foreign keys: checking each reference at commit doubled the import's time
    # (Django still cascades deletes). No surrogate id: the primary key is (claim, key),
    # which also serves deletes by claim, so a key row has two index entries, this and
    # the lookup (workspace, key, claim), an index-only scan on PostgreSQL.
    pk = models.CompositePrimaryKey("claim", "key")
    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="match_keys",
        db_constraint=False,
        db_index=False,
    )
    # Copied from the claim's document so the lookup stays inside one workspace by index.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "key", "claim"], name="claimmatchkey_lookup")]

    def __str__(self):
        return f"{self.key} → claim {self.claim_id}"
