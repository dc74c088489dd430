"""Workspaces (desks), their members and roles, and each desk's rating scale."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from annotations.models._rules import forget_roles
from annotations.models._rules import require as _require
from annotations.models.events import Event, emit
from annotations.models.exceptions import InvalidInput, NotVisible
from annotations.models.validators import http_url_validator

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
# The same rule for the database's check. \A and \Z mean the ends of the text on both
# SQLite (Python's re) and PostgreSQL, where `$` in Python would also allow a final "\n".
HEX_COLOUR_REGEX = r"\A#[0-9a-fA-F]{6}\Z"


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

    @classmethod
    def create_by(cls, by, *, slug: str, name: str, **fields) -> "Workspace":
        """A user creates a desk (if the WORKSPACE_CREATION setting lets them) and becomes
        its editor."""
        _require(
            by,
            "workspace.create",
            None,
            "Creating workspaces is not open to you on this server; ask its operator.",
        )
        if cls.objects.filter(slug=slug).exists():
            raise InvalidInput("Another workspace already has this address.", field="slug")
        try:
            with transaction.atomic():
                workspace = cls.objects.create(slug=slug, name=name, **fields)
                Membership.objects.create(workspace=workspace, user=by, role=Role.EDITOR)
        except IntegrityError:
            # Someone took the slug between the check and the insert.
            raise InvalidInput(
                "Another workspace already has this address.", field="slug"
            ) from None
        forget_roles(by)
        return workspace


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
            self._emit_change(by, role)
        self.role = role
        forget_roles(by, self.user)

    def remove(self, by) -> None:
        """An editor removes a member; the desk keeps at least one editor."""
        _require(by, "workspace.manage", self.workspace, "Only editors can remove members.")
        with transaction.atomic():
            self._lock_keeping_an_editor(losing_editor=True).delete()
            self._emit_change(by, None)
        forget_roles(by, self.user)

    def _emit_change(self, by, role) -> None:
        # The member's open streams hear it and ask the map again (closing when removed).
        data = {"member": self.user_id, "role": role}
        emit(Event.Kind.MEMBER_CHANGED, workspace=self.workspace, actor=by, data=data)

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
            # Colours go into style attributes of pages and exports: only #rrggbb is stored.
            models.CheckConstraint(
                condition=Q(colour__regex=HEX_COLOUR_REGEX), name="rating_colour_hex"
            ),
        ]

    def __str__(self):
        return self.label
