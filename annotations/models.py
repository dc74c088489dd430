"""The domain of the workbench: workspaces, documents, claims and the work done on them.

Invariants live in the database (check and unique constraints); transitions of the
review workflow live in model methods, which views, the API and the admin all call.
"""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

HTTP_URL = Q(url__startswith="http://") | Q(url__startswith="https://")

# The scale every new workspace starts with: (label, ordinal, colour).
DEFAULT_RATINGS = [
    ("True", True, "#1a7f37"),
    ("Mostly true", True, "#6cb33f"),
    ("Half true", True, "#d4a72c"),
    ("Mostly false", True, "#e16f24"),
    ("False", True, "#cf222e"),
    ("Unverifiable", False, "#6e7781"),
    ("Opinion", False, "#8250df"),
]

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")


def http_url_validator(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError("Only http:// and https:// links are allowed.", code="scheme")


class WorkflowError(Exception):
    """A transition the workflow refuses; the message says why, for the user (403)."""

    status_code = 403

    def __init__(self, message: str, code: str = "forbidden"):
        super().__init__(message)
        self.message = message
        self.code = code


class NotVisible(WorkflowError):
    """The user may not even know the object exists (404)."""

    status_code = 404

    def __init__(self, message: str = "Not found."):
        super().__init__(message, code="not_found")


class Duplicate(WorkflowError):
    """What the request would make exists already: a second annotation by the same person
    on a claim, a second open flag by the same person on the same thing (409)."""

    status_code = 409

    def __init__(self, message: str):
        super().__init__(message, code="duplicate")


class InvalidInput(WorkflowError):
    """The request is understood but its content is refused (400)."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, code="invalid")
        self.field = field


class VersionConflict(WorkflowError):
    """Someone saved in between: the client's version is stale (412)."""

    status_code = 412

    def __init__(self, current):
        super().__init__(
            "This annotation was changed by someone else since you loaded it; "
            "reload it and apply your changes again.",
            code="version_conflict",
        )
        self.current = current


def _can(user, action: str, obj) -> bool:
    from annotations.permissions import can

    return can(user, action, obj)


def _require(user, action: str, obj, message: str) -> None:
    """permissions.require: NotVisible (404) or WorkflowError (403) with the message."""
    from annotations.permissions import require

    require(user, action, obj, message)


# One answer for an unknown account and for someone else's: which ids exist is not told.
NO_SUCH_MEMBER = "No member of this workspace has this id."


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"
    EDITOR = "editor", "Editor"


class Workspace(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_url = models.URLField(blank=True, validators=[http_url_validator])
    methodology = models.TextField(blank=True, help_text="Markdown, shown in reports.")
    blind = models.BooleanField(
        default=False,
        help_text="Annotators see colleagues' work on a claim only after submitting their own.",
    )
    checkworthiness_threshold = models.FloatField(
        default=0.5, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        permissions = [("moderate_workspaces", "Can moderate every workspace (staff)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(checkworthiness_threshold__gte=0) & Q(checkworthiness_threshold__lte=1),
                name="workspace_threshold_in_unit_interval",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                RatingScale.create_default(self)


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANNOTATOR)
    email_notifications = models.BooleanField(
        default=False, help_text="Also send this desk's notifications by email."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workspace", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.workspace}"

    def change_role(self, role, by) -> None:
        """An editor changes a member's role; the desk keeps at least one editor."""
        _require(by, "workspace.manage", self.workspace, "Only editors can change roles.")
        if role not in Role.values:
            raise InvalidInput(f"Unknown role {role!r}.", field="role")
        with transaction.atomic():
            locked = self._lock_keeping_an_editor(losing_editor=role != Role.EDITOR)
            locked.role = role
            locked.save(update_fields=["role"])
        self.role = role
        _forget_memberships(by, self.user)

    def remove(self, by) -> None:
        """An editor removes a member; the desk keeps at least one editor."""
        _require(by, "workspace.manage", self.workspace, "Only editors can remove members.")
        with transaction.atomic():
            self._lock_keeping_an_editor(losing_editor=True).delete()
        _forget_memberships(by, self.user)

    def _lock_keeping_an_editor(self, *, losing_editor: bool) -> "Membership":
        """This membership, re-read under a lock together with the desk's editors, so two
        editors demoting each other at once cannot leave the desk without one."""
        editors = list(
            Membership.objects.select_for_update()
            .filter(workspace_id=self.workspace_id, role=Role.EDITOR)
            .order_by("pk")
        )
        locked = Membership.objects.select_for_update().filter(pk=self.pk).first()
        if locked is None:
            raise NotVisible("This person is no longer a member.")
        if losing_editor and locked.role == Role.EDITOR and len(editors) <= 1:
            raise InvalidInput("A workspace keeps at least one editor.", field="role")
        return locked


def _forget_memberships(*users) -> None:
    from annotations.permissions import forget_roles

    for user in users:
        forget_roles(user)


class RatingScale(models.Model):
    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="rating_scale"
    )
    name = models.CharField(max_length=100, default="Default scale")

    def __str__(self):
        return f"{self.name} ({self.workspace})"

    @classmethod
    def create_default(cls, workspace: Workspace) -> "RatingScale":
        scale = cls.objects.create(workspace=workspace)
        Rating.objects.bulk_create(
            Rating(scale=scale, label=label, position=i, ordinal=ordinal, colour=colour)
            for i, (label, ordinal, colour) in enumerate(DEFAULT_RATINGS)
        )
        return scale


class Rating(models.Model):
    """One label of a scale. Ordinal labels are ordered by position, truest first."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="ratings")
    label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    ordinal = models.BooleanField(default=True)
    colour = models.CharField(max_length=7, default="#6e7781", validators=[hex_colour])
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="rating_label_unique"),
            models.UniqueConstraint(fields=["scale", "position"], name="rating_position_unique"),
        ]

    def __str__(self):
        return self.label


class Document(models.Model):
    """Imported text. The text is immutable once split: claims point into it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    speaker = models.CharField(max_length=200, blank=True)
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
        digest = self.hash_text(self.text)
        changed = not self._state.adding and digest != self.text_sha256
        if changed and self.claims.exists():
            raise ValidationError("The text of a split document cannot change.")
        self.text_sha256 = digest
        super().save(*args, **kwargs)

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def publish_report(self, by, *, slug: str = "", include_approved: bool = False) -> None:
        """Put the report at /reports/<slug>/ for anyone to read; the slug stays stable
        across withdrawals and republications."""
        from django.utils.text import slugify

        _require(by, "verdict.publish", self, "Only editors can publish a report.")
        slug = slugify(slug or self.report_slug or f"{self.title[:80]}-{self.pk}")[:120]
        if not slug:
            raise InvalidInput("Choose an address for the report.", field="slug")
        if Document.objects.filter(report_slug=slug).exclude(pk=self.pk).exists():
            raise InvalidInput("Another report already uses this address.", field="slug")
        self.report_slug = slug
        self.report_include_approved = include_approved
        self.report_published_at = timezone.now()
        self.save(update_fields=["report_slug", "report_include_approved", "report_published_at"])
        ModerationEvent.objects.create(
            workspace=self.workspace,
            actor=by,
            action=ModerationEvent.Action.PUBLISH_REPORT,
            note=f"/reports/{slug}/",
        )

    def withdraw_report(self, by) -> None:
        _require(by, "verdict.publish", self, "Only editors can withdraw a report.")
        if self.report_published_at is None:
            return
        self.report_published_at = None
        self.save(update_fields=["report_published_at"])
        ModerationEvent.objects.create(
            workspace=self.workspace,
            actor=by,
            action=ModerationEvent.Action.WITHDRAW_REPORT,
            note=f"/reports/{self.report_slug}/",
        )


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
    level = (
        annotations.order_by()
        .values("claim")
        .annotate(
            level=Max(
                Case(When(status=Annotation.Status.APPROVED, then=Value(2)), default=Value(1))
            )
        )
        .values("level")
    )
    return Coalesce(Subquery(level, output_field=IntegerField()), 0)


class Claim(models.Model):
    """A span [start, end) of a document's text, in code points."""

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
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.SENTENCE)
    # A copy of document.text[start:end], kept for search and similarity.
    text = models.TextField()
    checkworthiness = models.FloatField(
        default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    restatement = models.TextField(blank=True)
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
    # Set on import when the claim matches an earlier published verdict.
    prior_verdict = models.ForeignKey(
        "Verdict", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prior_similarity = models.FloatField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector", "match_text"])

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
        ]
        # A document's claims in reading order come from the unique (document, start, end).
        indexes = [
            # The API's claim list: one document's claims in id order, a page at a time.
            models.Index(fields=["document", "id"], name="claim_document_id_order"),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return text

    def save(self, *args, **kwargs):
        if self.document_id and not self.text and self.start is not None and self.end is not None:
            self.text = self.document.text[self.start : self.end]
        from annotations.search import indexed_save

        with indexed_save(self, kwargs):  # match_text and search_vector, same write
            super().save(*args, **kwargs)

    def clean(self):
        if self.document_id and self.end is not None and self.start is not None:
            if self.end > len(self.document.text):
                raise ValidationError({"end": "The claim ends beyond the document's text."})

    @property
    def state(self) -> str:
        """Derived, never stored. Uses the annotations of permissions.claims_with_state
        when present (what one user may see); without them, as the system sees it."""
        if hasattr(self, "has_verdict"):
            return self.derive_state(self.has_verdict, self.has_approved, self.has_annotation)
        from annotations.permissions import claims_with_state

        row = claims_with_state(None, Claim.objects.filter(pk=self.pk)).values_list(
            "has_verdict", "has_approved", "has_annotation"
        )[0]
        has_verdict, has_approved, has_annotation = row
        return self.derive_state(has_verdict, has_approved, has_annotation)

    @classmethod
    def from_selection(cls, document, start: int, end: int, by, *, restatement: str = ""):
        """A `selection` claim of a reader's span, checked and trimmed by
        anchoring.check_span (SpanError when it is no span of the text). Returns
        (claim, created): the claim already at that span, also one made concurrently,
        instead of a duplicate."""
        from annotations.text import anchoring, checkworthiness

        if by is not None:
            _require(by, "claim.create", document, "You cannot add claims here.")
        start, end = anchoring.check_span(document.text, start, end)
        text = document.text[start:end]
        defaults = {
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
                return cls.objects.get_or_create(
                    document=document, start=start, end=end, defaults=defaults
                )
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
        self.assignee = to
        self.save(update_fields=["assignee"])
        if to is not None:
            Notification.send([to.pk], Notification.Kind.ASSIGNED, actor=by, claim=self)

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

    history = HistoricalRecords(excluded_fields=["search_vector"])

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
        from annotations.search import indexed_save

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

    @classmethod
    def start(cls, claim, by, **fields) -> "Annotation":
        _require(by, "annotation.write", claim, "You cannot annotate in this workspace.")
        cls._validate_fields(claim, fields)
        duplicate = Duplicate("You already have an annotation on this claim; edit it instead.")
        if cls.objects.filter(claim=claim, author=by).exists():
            raise duplicate
        now = timezone.now()
        try:
            # A savepoint: a concurrent start by the same author loses on the unique
            # constraint and the caller's transaction stays usable.
            with transaction.atomic():
                return cls.objects.create(
                    claim=claim, author=by, created_at=now, updated_at=now, **fields
                )
        except IntegrityError:
            if cls.objects.filter(claim=claim, author=by).exists():
                raise duplicate from None
            raise

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

    def _locked(self, expected_version=None) -> "Annotation":
        """Lock this row for the rest of the transaction and check the version."""
        try:
            locked = (
                Annotation.objects.select_for_update(of=("self",))
                .select_related("claim__document__workspace", "rating")
                .get(pk=self.pk)
            )
        except Annotation.DoesNotExist:
            # Deleted by a request that held the lock before us.
            raise NotVisible() from None
        if expected_version is not None and locked.version != expected_version:
            raise VersionConflict(locked)
        return locked

    def _saved(self, locked: "Annotation") -> "Annotation":
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        self.refresh_from_db()
        return self

    def edit(self, by, *, expected_version=None, **fields) -> "Annotation":
        """The author edits; an approved annotation goes back to submitted."""
        with transaction.atomic():
            locked = self._locked(expected_version)
            _require(by, "annotation.write", locked, "Only its author can edit an annotation.")
            self._validate_fields(locked.claim, fields)
            for name, value in fields.items():
                setattr(locked, name, value)
            if locked.status != self.Status.DRAFT and locked.rating_id is None:
                raise InvalidInput("A submitted annotation needs a rating.", field="rating")
            locked._clear_approval()
            return self._saved(locked)

    def touch(self, by, *, expected_version=None) -> "Annotation":
        """Record a change to the annotation's sources as an edit of the annotation."""
        with transaction.atomic():
            locked = self._locked(expected_version)
            _require(by, "annotation.write", locked, "Only its author can edit an annotation.")
            locked._clear_approval()
            return self._saved(locked)

    def _clear_approval(self) -> None:
        if self.status == self.Status.APPROVED:
            self.status = self.Status.SUBMITTED
            self.submitted_at = timezone.now()

    def submit(self, by, *, expected_version=None) -> "Annotation":
        with transaction.atomic():
            locked = self._locked(expected_version)
            _require(by, "annotation.write", locked, "Only its author can submit an annotation.")
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
            Notification.send(
                Membership.objects.filter(
                    workspace=locked.claim.document.workspace,
                    role__in=[Role.REVIEWER, Role.EDITOR],
                ).values_list("user_id", flat=True),
                Notification.Kind.REVIEW_REQUESTED,
                actor=by,
                annotation=self,
            )
            return self

    def approve(self, by, body: str = "", *, expected_version=None) -> "Comment":
        return self._review(by, Comment.Decision.APPROVE, body, expected_version)

    def request_changes(self, by, body: str, *, expected_version=None) -> "Comment":
        if not (body or "").strip():
            raise InvalidInput("Say what should change.", field="body")
        return self._review(by, Comment.Decision.REQUEST_CHANGES, body, expected_version)

    def _review(self, by, decision, body, expected_version) -> "Comment":
        from annotations.permissions import can

        with transaction.atomic():
            locked = self._locked(expected_version)
            if not can(by, "annotation.review", locked):
                if not can(by, "document.read", locked):
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
            Notification.send(
                [self.author_id],
                Notification.Kind.APPROVED if approve else Notification.Kind.CHANGES_REQUESTED,
                actor=by,
                annotation=self,
            )
            return comment

    def delete_draft(self, by) -> None:
        with transaction.atomic():
            locked = self._locked()
            _require(by, "annotation.write", locked, "Only its author can delete an annotation.")
            if locked.status != self.Status.DRAFT:
                raise WorkflowError(
                    "Only drafts can be deleted; an editor can hide this annotation instead.",
                    code="invalid_transition",
                )
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

    history = HistoricalRecords()

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

    def snapshot(self) -> dict:
        """The source as a verdict keeps it."""
        return {
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published.isoformat() if self.published else None,
            "excerpt": self.excerpt,
            "stance": self.stance,
            "archive_url": self.archive_url,
        }


class Comment(models.Model):
    class Decision(models.TextChoices):
        NONE = "", "None"
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, default="")
    hidden = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["annotation", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["", "approve", "request_changes"]),
                name="comment_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(decision=""), name="comment_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.author}: {self.body[:60]}"

    @classmethod
    def post(cls, annotation, by, body: str, parent=None) -> "Comment":
        _require(by, "annotation.write", annotation.claim, "You cannot comment here.")
        from annotations.permissions import can

        if not can(by, "document.read", annotation):
            raise NotVisible()
        body = (body or "").strip()
        if not body:
            raise InvalidInput("Write a comment first.", field="body")
        if "\x00" in body:
            raise InvalidInput("Text may not contain NUL characters.", field="body")
        if parent is not None and (
            parent.annotation_id != annotation.pk or not can(by, "document.read", parent)
        ):
            raise InvalidInput("You can only reply within the same thread.", field="parent")
        comment = cls.objects.create(annotation=annotation, author=by, body=body, parent=parent)
        Notification.send(
            [annotation.author_id], Notification.Kind.COMMENTED, actor=by, annotation=annotation
        )
        return comment

    def resolve_thread(self, by) -> None:
        from annotations.permissions import can

        root = self.parent or self
        if not can(by, "document.read", root):
            raise NotVisible()
        may = by.pk in (root.author_id, root.annotation.author_id) or can(
            by, "annotation.review", root.annotation.claim
        )
        if not may:
            raise WorkflowError("Only the participants or a reviewer can resolve this thread.")
        Comment.objects.filter(pk=root.pk).update(resolved=True)
        root.resolved = True

    def hide(self, by, note: str = "") -> None:
        self._set_hidden(by, True, note)

    def unhide(self, by, note: str = "") -> None:
        self._set_hidden(by, False, note)

    def _set_hidden(self, by, hidden: bool, note: str) -> None:
        _require(by, "moderate", self, "Only editors can hide or unhide comments.")
        with transaction.atomic():
            # Locked, so that a repeated hide sees the first one and logs nothing.
            locked = Comment.objects.select_for_update().filter(pk=self.pk).first()
            if locked is None:
                raise NotVisible()
            self.hidden = locked.hidden
            if locked.hidden == hidden:
                return
            locked.hidden = self.hidden = hidden
            locked.save(update_fields=["hidden"])
            ModerationEvent.objects.create(
                workspace=self.annotation.claim.document.workspace,
                actor=by,
                action=ModerationEvent.Action.HIDE if hidden else ModerationEvent.Action.UNHIDE,
                comment=self,
                note=note,
            )


class Verdict(models.Model):
    """A published snapshot of an approved annotation. Later ones on a claim correct it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    annotation = models.ForeignKey(
        Annotation, null=True, on_delete=models.SET_NULL, related_name="verdicts"
    )
    # The annotation's version the snapshot was taken from: one verdict per version.
    # Null when unknown (published before it was recorded, and no history tells it).
    annotation_version = models.PositiveIntegerField(null=True, blank=True)
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.CharField(max_length=600)
    # The sources as they stood when published: a list of dicts.
    sources = models.JSONField(default=list, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="published_verdicts"
    )
    published_at = models.DateTimeField(default=timezone.now)
    correction_note = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retraction_note = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["claim", "published_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(is_current=True), name="one_current_verdict_per_claim"
            ),
            models.UniqueConstraint(
                fields=["annotation", "annotation_version"],
                name="one_verdict_per_annotation_version",
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_note=""),
                name="verdict_retraction_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.rating} on claim {self.claim_id}"

    def save(self, *args, **kwargs):
        from annotations.search import indexed_save

        with indexed_save(self, kwargs):  # search_vector, same write
            super().save(*args, **kwargs)

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def is_correction(self) -> bool:
        return bool(self.correction_note)

    @classmethod
    def publish(cls, annotation, by, note: str = "") -> "Verdict":
        """Snapshot an approved annotation as the claim's verdict. A verdict on a claim
        that already had one is a correction and needs a note."""
        return cls.publish_once(annotation, by, note)[0]

    @classmethod
    def publish_once(cls, annotation, by, note: str = "") -> tuple["Verdict", bool]:
        """publish(), and whether a verdict was made. A version of an annotation is
        published once: asked again (a retry, a double click), the verdict it made is
        returned while it is the claim's current one, and refused once it was corrected
        or retracted."""
        note = (note or "").strip()
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=annotation.claim_id)
            locked = annotation._locked()
            if not _can(by, "verdict.publish", locked):
                _require(by, "document.read", locked, "")
                _require(by, "verdict.publish", claim, "Only editors can publish verdicts.")
                if locked.hidden:
                    raise WorkflowError("A hidden annotation cannot be published.")
                if locked.author_id == by.pk:
                    raise WorkflowError("You cannot publish a verdict from your own annotation.")
                raise WorkflowError(
                    "Only an approved annotation can be published.", code="invalid_transition"
                )
            same = cls.objects.filter(annotation=locked, annotation_version=locked.version).first()
            if same is not None:
                if same.is_current and same.retracted_at is None:
                    return same, False
                happened = "retracted" if same.retracted_at else "corrected"
                raise Duplicate(
                    f"This version of the annotation was published before and that verdict "
                    f"was {happened}; its author has to revise it before it is published again."
                )
            earlier = cls.objects.filter(claim=claim)
            if earlier.exists() and not note:
                raise InvalidInput(
                    "This claim already had a verdict: say what changed and why in a "
                    "correction note.",
                    field="note",
                )
            earlier.filter(is_current=True).update(is_current=False)
            review = (
                locked.comments.filter(decision=Comment.Decision.APPROVE)
                .order_by("-created_at", "-id")
                .first()
            )
            verdict = cls.objects.create(
                claim=claim,
                annotation=locked,
                annotation_version=locked.version,
                rating=locked.rating,
                summary=locked.summary,
                sources=[source.snapshot() for source in locked.sources.all()],
                checked_by_id=locked.author_id,
                reviewed_by_id=review.author_id if review else None,
                published_by=by,
                correction_note=note,
            )
            ModerationEvent.objects.create(
                workspace=claim.document.workspace,
                actor=by,
                action=(ModerationEvent.Action.CORRECT if note else ModerationEvent.Action.PUBLISH),
                annotation=locked,
                verdict=verdict,
                note=note,
            )
            Notification.send(
                [locked.author_id], Notification.Kind.VERDICT_PUBLISHED, actor=by, annotation=locked
            )
            return verdict, True

    def retract(self, by, note: str) -> None:
        note = (note or "").strip()
        _require(by, "verdict.publish", self.claim, "Only editors can retract verdicts.")
        if not note:
            raise InvalidInput("Say why the verdict is retracted.", field="note")
        with transaction.atomic():
            locked = Verdict.objects.select_for_update().get(pk=self.pk)
            if not locked.is_current or locked.retracted_at is not None:
                raise WorkflowError(
                    "Only the current verdict can be retracted.", code="invalid_transition"
                )
            locked.retracted_at = timezone.now()
            locked.retracted_by = by
            locked.retraction_note = note
            locked.save()
            ModerationEvent.objects.create(
                workspace=self.claim.document.workspace,
                actor=by,
                action=ModerationEvent.Action.RETRACT,
                verdict=locked,
                note=note,
            )
            self.refresh_from_db()


class Flag(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Resolved by hiding"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(annotation__isnull=False, comment__isnull=True)
                    | Q(annotation__isnull=True, comment__isnull=False)
                ),
                name="flag_names_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "hidden", "dismissed"]), name="flag_status_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="flag_has_reason"),
            models.UniqueConstraint(
                fields=["reporter", "annotation"],
                condition=Q(status="open", annotation__isnull=False),
                name="one_open_flag_per_reporter_annotation",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open", comment__isnull=False),
                name="one_open_flag_per_reporter_comment",
            ),
        ]

    def __str__(self):
        target = (
            f"annotation {self.annotation_id}"
            if self.annotation_id
            else f"comment {self.comment_id}"
        )
        return f"Flag on {target} by {self.reporter} ({self.status})"

    @property
    def target(self):
        return self.annotation if self.annotation_id else self.comment

    @classmethod
    def raise_on(cls, target, by, reason: str) -> "Flag":
        from annotations.permissions import can

        if not can(by, "document.read", target):
            raise NotVisible()
        claim = target.claim if isinstance(target, Annotation) else target.annotation.claim
        _require(by, "annotation.write", claim, "You cannot flag in this workspace.")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput("Say what the problem is.", field="reason")
        key = {"annotation": target} if isinstance(target, Annotation) else {"comment": target}
        duplicate = Duplicate("You have already flagged this; an editor will look at it.")
        if cls.objects.filter(reporter=by, status=cls.Status.OPEN, **key).exists():
            raise duplicate
        try:
            with transaction.atomic():
                return cls.objects.create(reporter=by, reason=reason, **key)
        except IntegrityError:
            raise duplicate from None

    def resolve(self, by, *, hide: bool, note: str = "") -> None:
        """An editor resolves the flag by hiding its target or dismissing the flag."""
        _require(by, "moderate", self.target, "Only editors can resolve flags.")
        with transaction.atomic():
            locked = Flag.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.OPEN:
                raise WorkflowError("This flag is already resolved.", code="invalid_transition")
            if hide:
                self.target.hide(by, note)
            locked.status = self.Status.HIDDEN if hide else self.Status.DISMISSED
            locked.resolved_by = by
            locked.resolved_at = timezone.now()
            locked.resolution_note = note
            locked.save()
            ModerationEvent.objects.create(
                workspace=_workspace_of_target(self.target),
                actor=by,
                action=ModerationEvent.Action.RESOLVE_FLAG,
                annotation=self.annotation,
                comment=self.comment,
                flag=locked,
                note=note,
            )
            self.refresh_from_db()


def _workspace_of_target(target):
    if isinstance(target, Annotation):
        return target.claim.document.workspace
    return target.annotation.claim.document.workspace


class ModerationEvent(models.Model):
    """The audit log: every hide, unhide, flag resolution, publication and retraction."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hide"
        UNHIDE = "unhide", "Unhide"
        RESOLVE_FLAG = "resolve_flag", "Resolve flag"
        PUBLISH = "publish", "Publish verdict"
        CORRECT = "correct", "Correct verdict"
        RETRACT = "retract", "Retract verdict"
        PUBLISH_REPORT = "publish_report", "Publish report"
        WITHDRAW_REPORT = "withdraw_report", "Withdraw report"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="moderation_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.actor} {self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notice: shown as a counter in the page header and in a list."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned to you"
        REVIEW_REQUESTED = "review_requested", "Review requested"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        VERDICT_PUBLISHED = "verdict_published", "Verdict published"
        COMMENTED = "commented", "New comment"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    claim = models.ForeignKey(Claim, null=True, on_delete=models.CASCADE, related_name="+")
    annotation = models.ForeignKey(
        Annotation, null=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    @classmethod
    def send(cls, recipient_ids, kind, *, actor, claim=None, annotation=None) -> None:
        """Notify everyone listed except the actor."""
        if annotation is not None and claim is None:
            claim = annotation.claim
        recipients = {rid for rid in recipient_ids if rid != actor.pk}
        if not recipients:
            return
        cls.objects.bulk_create(
            cls(recipient_id=rid, actor=actor, kind=kind, claim=claim, annotation=annotation)
            for rid in recipients
        )
        if claim is not None:
            emails = list(
                Membership.objects.filter(
                    workspace_id=claim.document.workspace_id,
                    user_id__in=recipients,
                    email_notifications=True,
                    user__is_active=True,
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
            if emails:
                subject = f"{cls.Kind(kind).label}: {claim.text[:60]}"
                transaction.on_commit(lambda: _email_notification(emails, subject, actor, claim))


def _email_notification(emails, subject, actor, claim) -> None:
    from django.core.mail import send_mass_mail
    from django.urls import reverse

    link = settings.SITE_URL + reverse("document", args=[claim.document_id]) + f"#claim-{claim.pk}"
    body = f"{subject}\nBy {actor.get_username()}.\n\n{claim.text}\n\n{link}\n"
    # One message per recipient, so nobody sees the others' addresses.
    send_mass_mail([(subject, body, None, [email]) for email in emails], fail_silently=True)


class Job(models.Model):
    """A background job (large import, PDF export) as the desk sees it: progress, then a
    result or an error with a retry. django-tasks carries it to a worker; the lease here is
    what the task library lacks: a job whose worker died is taken up again once its lease
    expires, and each attempt writes in one transaction, so a dead attempt leaves nothing."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import a document"
        EXPORT = "export", "Export a document"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # What to do: import options, or the document and format to export.
    params = models.JSONField(default=dict, blank=True)
    input_data = models.BinaryField(null=True, blank=True, editable=False)
    input_name = models.CharField(max_length=255, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_data = models.BinaryField(null=True, blank=True, editable=False)
    result_name = models.CharField(max_length=255, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "lease_expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="job_status_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
