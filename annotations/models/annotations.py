"""Annotations, one member's assessment of one claim, with their review workflow, and
the sources they cite."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from annotations.models._history import History, insert_with_history
from annotations.models._indexing import indexed_save
from annotations.models._rules import can as _can
from annotations.models._rules import require as _require
from annotations.models.documents import Claim
from annotations.models.events import Event, emit, recorded, unsaved
from annotations.models.exceptions import (
    HIDDEN_BY_EDITOR,
    Duplicate,
    InvalidInput,
    NotVisible,
    VersionConflict,
    WorkflowError,
)
from annotations.models.moderation import ModerationEvent
from annotations.models.review import Comment
from annotations.models.validators import HTTP_URL, http_url_validator
from annotations.models.workspaces import Rating
from annotations.text.dates import iso_date, parse_date


class Annotation(models.Model):
    """One member's assessment of one claim."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="annotations"
    )
    summary = models.CharField(
        max_length=600, blank=True, help_text="One or two plain sentences for readers."
    )
    note = models.TextField(blank=True, help_text="Markdown: the reasoning.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the annotation started from an earlier verdict on a similar claim.
    reused_from = models.ForeignKey(
        "Verdict", null=True, blank=True, on_delete=models.SET_NULL, related_name="reuses"
    )
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    history = History(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["claim", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "author"], name="one_annotation_per_author"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "changes_requested", "approved"]),
                name="annotation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(rating__isnull=False),
                name="annotation_rated_unless_draft",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_positive"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.author} on claim {self.claim_id} ({self.status})"

    def save(self, *args, **kwargs):
        with indexed_save(self, kwargs):  # search_vector, same write
            super().save(*args, **kwargs)

    @property
    def workspace(self):
        return self.claim.document.workspace

    @property
    def etag(self) -> str:
        return f'"annotation-{self.pk}-v{self.version}"'

    def clean(self):
        if self.rating_id and self.claim_id:
            if self.rating.scale.workspace_id != self.claim.document.workspace_id:
                raise ValidationError({"rating": "This rating belongs to another workspace."})

    # The review workflow. Every transition is one of these methods; views, the API and
    # the admin call them, so who may do what and what gets recorded lives here only.

    EDITABLE_FIELDS = ("rating", "summary", "note")

    DUPLICATE = "You already have an annotation on this claim; edit it instead."

    @classmethod
    def start(cls, claim, by, *, sources=(), **fields) -> "Annotation":
        """`by`'s annotation on the claim, with `sources` (unsaved, checked) written too."""
        cls.check_start(claim, by, fields)
        now = timezone.now()
        try:
            # No look for an earlier annotation first: the unique constraint answers, in
            # the one transaction of the write (a savepoint inside a caller's, which
            # stays usable), and a concurrent start by the same author loses on it too.
            # The history rows are copied from the rows written, not built and saved by
            # django-simple-history (its save cost more than the row's); the event, the
            # sources and the history rows are one statement on PostgreSQL.
            with transaction.atomic():
                annotation = cls(claim=claim, author=by, created_at=now, updated_at=now, **fields)
                annotation.skip_history_when_saving = True
                annotation.save(force_insert=True)
                del annotation.skip_history_when_saving
                event = unsaved(
                    Event.Kind.ANNOTATION_SAVED,
                    annotation=annotation,
                    actor=by,
                    data=annotation.event_facts(),
                )
                for source in sources:
                    source.annotation = annotation
                insert_with_history(
                    by,
                    now,
                    [(Event, [event], False), (Source, sources, True)],
                    copied=[(cls, [annotation.pk])],
                )
                recorded(event)
                return annotation
        except IntegrityError:
            if cls.objects.filter(claim=claim, author=by).exists():
                raise Duplicate(cls.DUPLICATE) from None
            raise

    @classmethod
    def check_start(cls, claim, by, fields) -> None:
        """What start() asks before it writes; a bulk start asks it of every item."""
        _require(by, "annotation.write", claim, "You cannot annotate in this workspace.")
        cls._validate_fields(claim, fields)

    @classmethod
    def _validate_fields(cls, claim, fields) -> None:
        unknown = set(fields) - set(cls.EDITABLE_FIELDS)
        if unknown:
            raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
        rating = fields.get("rating")
        if rating is not None and rating.scale.workspace_id != claim.document.workspace_id:
            raise InvalidInput("This rating is not on this workspace's scale.", field="rating")
        for name in ("summary", "note"):
            value = fields.get(name)
            if value is not None and "\x00" in value:
                raise InvalidInput("Text may not contain NUL characters.", field=name)

    def emit(self, kind, by, **data) -> None:
        """Record a change of this annotation (the row as saved) as an event."""
        emit(kind, annotation=self, actor=by, data=self.event_facts() | data)

    def event_facts(self) -> dict:
        """What an event about this annotation tells its readers of the row as saved."""
        return {
            "author": self.author_id,
            "status": self.status,
            "rating": self.rating_id,
            "hidden": self.hidden,
        }

    def _locked(self, expected_version=None, author=None) -> "Annotation":
        """Lock this row for the rest of the transaction and check the version. For its
        `author` writing, a hidden annotation is refused first: reloading would not help."""
        try:
            locked = (
                Annotation.objects.select_for_update(of=("self",))
                .select_related("claim__document__workspace", "rating")
                .get(pk=self.pk)
            )
        except Annotation.DoesNotExist:
            # Deleted by a request that held the lock before us.
            raise NotVisible() from None
        if author is not None and locked.hidden and locked.author_id == author.pk:
            raise WorkflowError(HIDDEN_BY_EDITOR, code="hidden")
        if expected_version is not None and locked.version != expected_version:
            raise VersionConflict(locked)
        return locked

    def _require_author(self, by, message: str) -> None:
        """Only the author writes, and not once an editor has hidden the annotation."""
        if self.hidden and self.author_id == by.pk:
            raise WorkflowError(HIDDEN_BY_EDITOR, code="hidden")
        _require(by, "annotation.write", self, message)

    def _saved(self, locked: "Annotation") -> "Annotation":
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        self.refresh_from_db()
        return self

    def edit(self, by, *, expected_version=None, **fields) -> "Annotation":
        """The author edits; an approved annotation goes back to submitted."""
        with transaction.atomic():
            locked = self._locked(expected_version, author=by)
            locked._require_author(by, "Only its author can edit an annotation.")
            self._validate_fields(locked.claim, fields)
            for name, value in fields.items():
                setattr(locked, name, value)
            if locked.status != self.Status.DRAFT and locked.rating_id is None:
                raise InvalidInput("A submitted annotation needs a rating.", field="rating")
            locked._clear_approval()
            self._saved(locked)
            locked.emit(Event.Kind.ANNOTATION_SAVED, by)
            return self

    def touch(self, by, *, expected_version=None) -> "Annotation":
        """Record a change to the annotation's sources as an edit of the annotation."""
        with transaction.atomic():
            locked = self._locked(expected_version, author=by)
            locked._require_author(by, "Only its author can edit an annotation.")
            locked._clear_approval()
            self._saved(locked)
            locked.emit(Event.Kind.ANNOTATION_SAVED, by)
            return self

    def _clear_approval(self) -> None:
        if self.status == self.Status.APPROVED:
            self.status = self.Status.SUBMITTED
            self.submitted_at = timezone.now()

    def submit(self, by, *, expected_version=None) -> "Annotation":
        with transaction.atomic():
            locked = self._locked(expected_version, author=by)
            locked._require_author(by, "Only its author can submit an annotation.")
            if locked.status not in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED):
                raise WorkflowError(
                    f"This annotation is already {locked.get_status_display().lower()}.",
                    code="invalid_transition",
                )
            if locked.rating_id is None:
                raise InvalidInput("Choose a rating before submitting.", field="rating")
            if not locked.summary.strip():
                raise InvalidInput("Write a summary before submitting.", field="summary")
            locked.status = self.Status.SUBMITTED
            locked.submitted_at = timezone.now()
            self._saved(locked)
            locked.emit(Event.Kind.ANNOTATION_SUBMITTED, by)
            return self

    def approve(self, by, body: str = "", *, expected_version=None) -> "Comment":
        return self._review(by, Comment.Decision.APPROVE, body, expected_version)

    def request_changes(self, by, body: str, *, expected_version=None) -> "Comment":
        if not (body or "").strip():
            raise InvalidInput("Say what should change.", field="body")
        return self._review(by, Comment.Decision.REQUEST_CHANGES, body, expected_version)

    def _review(self, by, decision, body, expected_version) -> "Comment":
        with transaction.atomic():
            locked = self._locked(expected_version)
            if not _can(by, "annotation.review", locked):
                if not _can(by, "document.read", locked):
                    raise NotVisible()
                if locked.author_id == by.pk:
                    raise WorkflowError("You cannot review your own annotation.")
                if locked.status != self.Status.SUBMITTED:
                    raise WorkflowError(
                        "Only submitted annotations can be reviewed; this one is "
                        f"{locked.get_status_display().lower()}.",
                        code="invalid_transition",
                    )
                raise WorkflowError("Only reviewers and editors can review annotations.")
            approve = decision == Comment.Decision.APPROVE
            locked.status = self.Status.APPROVED if approve else self.Status.CHANGES_REQUESTED
            self._saved(locked)
            comment = Comment.objects.create(
                annotation=self, author=by, body=(body or "").strip(), decision=decision
            )
            locked.emit(Event.Kind.REVIEW_DECIDED, by, **comment.facts())
            return comment

    def delete_draft(self, by) -> None:
        with transaction.atomic():
            locked = self._locked(author=by)
            locked._require_author(by, "Only its author can delete an annotation.")
            if locked.status != self.Status.DRAFT:
                raise WorkflowError(
                    "Only drafts can be deleted; an editor can hide this annotation instead.",
                    code="invalid_transition",
                )
            locked.emit(Event.Kind.ANNOTATION_DELETED, by)
            locked.delete()

    def hide(self, by, note: str = "") -> None:
        self._set_hidden(by, True, note)

    def unhide(self, by, note: str = "") -> None:
        self._set_hidden(by, False, note)

    def _set_hidden(self, by, hidden: bool, note: str) -> None:
        with transaction.atomic():
            locked = self._locked()
            _require(by, "moderate", locked, "Only editors can hide or unhide annotations.")
            if locked.hidden == hidden:
                return
            locked.hidden = hidden
            self._saved(locked)
            ModerationEvent.objects.create(
                workspace=locked.claim.document.workspace,
                actor=by,
                action=ModerationEvent.Action.HIDE if hidden else ModerationEvent.Action.UNHIDE,
                annotation=self,
                note=note,
            )
            # The author is told, and sees the annotation marked hidden with the note.
            kind = Event.Kind.ANNOTATION_HIDDEN if hidden else Event.Kind.ANNOTATION_UNHIDDEN
            locked.emit(kind, by)

    def add_source(self, by, **fields) -> "Source":
        with transaction.atomic():
            self.touch(by)
            source = Source(annotation=self, **fields)
            source.full_clean()
            source.save()
            return source


class Source(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=2000, validators=[http_url_validator])
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CONTEXT)
    archive_url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    position = models.PositiveSmallIntegerField(default=0)

    history = History()

    class Meta:
        ordering = ["annotation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=HTTP_URL, name="source_url_http"),
            models.CheckConstraint(
                condition=Q(archive_url="")
                | Q(archive_url__startswith="http://")
                | Q(archive_url__startswith="https://"),
                name="source_archive_url_http",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["supports", "refutes", "context"]),
                name="source_stance_valid",
            ),
        ]

    def __str__(self):
        return self.title or self.url

    def as_dict(self, *, with_ids: bool = False, with_position: bool = False) -> dict:
        """The source as plain data: what a verdict keeps (the default), what the API
        shows (with its ids and position) and what a backup holds (with its position)."""
        data = {"id": self.pk, "annotation": self.annotation_id} if with_ids else {}
        data |= {
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "published": iso_date(self.published),
            "excerpt": self.excerpt,
            "stance": self.stance,
            "archive_url": self.archive_url,
        }
        if with_position:
            data["position"] = self.position
        return data

    @classmethod
    def fields_from(cls, data: dict, position: int | None = None) -> dict:
        """The model fields of a source given as plain data (a verdict's snapshot or a
        backup): the inverse of as_dict, with defaults for what is missing."""
        return {
            "url": data.get("url") or "",
            "title": data.get("title") or "",
            "publisher": data.get("publisher") or "",
            "published": parse_date(data.get("published") or None),
            "excerpt": data.get("excerpt") or "",
            "stance": data.get("stance") or cls.Stance.CONTEXT,
            "archive_url": data.get("archive_url") or "",
            "position": data.get("position", 0) if position is None else position,
        }
