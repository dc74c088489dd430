"""Who may do and see what: the one map that pages, the API, the admin, exports, search,
matching, notifications and jobs all ask (DESIGN.md, "Who may do what").

- `Action`: the action keys, an enum; an unknown key is an error, not a silent "no".
- `can(user, action, obj)`: the role table, then the rules of the object itself.
- `require(user, action, obj, message)`: `can`, or NotVisible (404) when the user may not
  even know the object exists, or WorkflowError (403) with the message.
- `Viewer`: what one user sees of one workspace (role, staff, blind), with the predicates
  for loaded rows (`sees_annotation`, `sees_comment`, ...) and the QuerySet filters built
  from the same facts (`annotations()`, `comments()`, ...). Lists filter with the
  QuerySets; exports and pages that already loaded rows ask the predicates; the surfaces
  test (tests/test_visibility_surfaces.py) checks that every surface agrees with them.
Nothing outside this module derives visibility from roles or from `hidden` by itself.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from types import SimpleNamespace

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, OuterRef, Q, When

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    IngestClient,
    Job,
    Membership,
    ModerationEvent,
    Notification,
    NotVisible,
    Rating,
    RatingScale,
    ReferenceFactCheck,
    Role,
    Source,
    Verdict,
    WorkflowError,
    Workspace,
    progress_level,
)

ANNOTATOR, REVIEWER, EDITOR = Role.ANNOTATOR, Role.REVIEWER, Role.EDITOR
ALL_ROLES = frozenset({ANNOTATOR, REVIEWER, EDITOR})


class Action(StrEnum):
    DOCUMENT_READ = "document.read"
    DOCUMENT_IMPORT = "document.import"
    DOCUMENT_APPEND = "document.append"
    CLAIM_CREATE = "claim.create"
    CLAIM_TAKE = "claim.take"
    CLAIM_EDIT = "claim.edit"
    ANNOTATION_WRITE = "annotation.write"
    ANNOTATION_REVIEW = "annotation.review"
    VERDICT_PUBLISH = "verdict.publish"
    MODERATE = "moderate"
    WORKSPACE_MANAGE = "workspace.manage"
    FACTCHECKS_LOAD = "factchecks.load"
    # Asked before any workspace exists: who may is the WORKSPACE_CREATION setting.
    WORKSPACE_CREATE = "workspace.create"


ROLE_ACTIONS: dict[Action, frozenset[str]] = {
    Action.DOCUMENT_READ: ALL_ROLES,
    Action.DOCUMENT_IMPORT: frozenset({EDITOR}),
    Action.DOCUMENT_APPEND: frozenset({EDITOR}),
    Action.CLAIM_CREATE: ALL_ROLES,
    Action.CLAIM_TAKE: ALL_ROLES,
    Action.CLAIM_EDIT: frozenset({EDITOR}),
    Action.ANNOTATION_WRITE: ALL_ROLES,
    Action.ANNOTATION_REVIEW: frozenset({REVIEWER, EDITOR}),
    Action.VERDICT_PUBLISH: frozenset({EDITOR}),
    Action.MODERATE: frozenset({EDITOR}),
    Action.WORKSPACE_MANAGE: frozenset({EDITOR}),
    Action.FACTCHECKS_LOAD: frozenset({EDITOR}),
}
ACTIONS = frozenset(ROLE_ACTIONS) | {Action.WORKSPACE_CREATE}

# Django staff holding this permission moderate every workspace in the admin site.
STAFF_MODERATION_PERMISSION = "annotations.moderate_workspaces"
STAFF_ACTIONS = frozenset({Action.DOCUMENT_READ, Action.ANNOTATION_REVIEW, Action.MODERATE})

_MEMBERSHIP_CACHE = "_factcheck_memberships"


# --- who the user is in each workspace ----------------------------------------------------


def workspace_of(obj) -> Workspace | None:
    """The workspace an object belongs to, following foreign keys (cached by Django)."""
    if isinstance(obj, Workspace):
        return obj
    if isinstance(
        obj, (Document, Membership, Job, ModerationEvent, ReferenceFactCheck, RatingScale)
    ):
        return obj.workspace
    if isinstance(obj, Rating):
        return obj.scale.workspace
    if isinstance(obj, Claim):
        return obj.document.workspace
    if isinstance(obj, (Verdict, Annotation)):
        return obj.claim.document.workspace
    if isinstance(obj, (Source, Comment)):
        return obj.annotation.claim.document.workspace
    if isinstance(obj, Flag):
        return workspace_of(obj.annotation if obj.annotation_id else obj.comment)
    if isinstance(obj, Notification):
        return obj.claim.document.workspace if obj.claim_id else None
    return None


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _memberships(user) -> dict[int, tuple[str, bool]]:
    """{workspace id: (role, blind)} for the user, loaded once per user object (one query)."""
    if not _is_active_user(user):
        return {}
    cached = getattr(user, _MEMBERSHIP_CACHE, None)
    if cached is None:
        # Unordered: the model's ordering would join the users and sort for nothing.
        rows = Membership.objects.filter(user=user).order_by()
        cached = {
            ws: (role, blind)
            for ws, role, blind in rows.values_list("workspace_id", "role", "workspace__blind")
        }
        setattr(user, _MEMBERSHIP_CACHE, cached)
    return cached


def roles_of(user) -> dict[int, str]:
    """{workspace id: role} for the user's current memberships."""
    return {ws: role for ws, (role, _) in _memberships(user).items()}


def forget_roles(user) -> None:
    """Drop the cached memberships, after memberships of this user object changed."""
    if user is not None and hasattr(user, _MEMBERSHIP_CACHE):
        delattr(user, _MEMBERSHIP_CACHE)


def remember_roles(user, rows) -> None:
    """Keep the user's memberships read with another query: (workspace id, role, blind)."""
    setattr(user, _MEMBERSHIP_CACHE, {ws: (role, blind) for ws, role, blind in rows})


def role_in(user, workspace) -> str | None:
    if workspace is None:
        return None
    entry = _memberships(user).get(workspace.pk)
    return entry[0] if entry else None


def is_staff_moderator(user) -> bool:
    return _is_active_user(user) and user.is_staff and user.has_perm(STAFF_MODERATION_PERMISSION)


def readable_workspace_ids(user) -> list[int]:
    """The workspaces whose content the user may read: their memberships; staff
    moderators every workspace, as in the admin."""
    if is_staff_moderator(user):
        return list(Workspace.objects.values_list("pk", flat=True))
    return list(_memberships(user))


def workspace_ids_with(user, action, *, staff: bool = True) -> list[int]:
    """The workspaces where the user's role allows `action` (not object rules); with
    staff=False only by membership (a staff moderator's queues are their own desks')."""
    action = Action(action)
    if staff and action in STAFF_ACTIONS and is_staff_moderator(user):
        return readable_workspace_ids(user)
    return [ws for ws, (role, _) in _memberships(user).items() if role in ROLE_ACTIONS[action]]


def _blind_workspace_ids(user) -> list[int]:
    """Workspaces where the user is an annotator of a blind desk: they see colleagues'
    work on a claim only after submitting their own there."""
    return [ws for ws, (role, blind) in _memberships(user).items() if role == ANNOTATOR and blind]


# --- the one rule, as QuerySet filters ----------------------------------------------------


def _submitted_claims(user):
    return (
        Annotation.objects.filter(author=user)
        .exclude(status=Annotation.Status.DRAFT)
        .values("claim_id")
    )


def annotation_q(user, prefix: str = "", *, own_hidden: bool = False) -> Q:
    """The annotations `user` may see, over every workspace, as a Q on Annotation (or on
    a model reaching one through `prefix`, e.g. "annotation__"). Hidden work vanishes for
    everyone but editors (DESIGN.md), its author included; `own_hidden` keeps the user's
    own, for the panel to say why they cannot write there (it shows none of it). A blind
    desk's annotator sees colleagues' work on a claim once they have submitted their own."""
    p = prefix
    if is_staff_moderator(user):
        return Q(**{f"{p}pk__isnull": False})
    if not _is_active_user(user):
        return Q(**{f"{p}pk__in": []})
    memberships = _memberships(user)
    editor_ws = [ws for ws, (role, _) in memberships.items() if role == EDITOR]
    blind_ws = _blind_workspace_ids(user)
    open_ws = [ws for ws in memberships if ws not in editor_ws and ws not in blind_ws]
    workspace = f"{p}claim__document__workspace_id__in"
    # My own work on every desk I belong to (hidden: only when asked for).
    own = {} if own_hidden else {f"{p}hidden": False}
    q = (
        Q(**{workspace: list(memberships), f"{p}author": user, **own})
        if memberships
        else Q(**{f"{p}pk__in": []})
    )
    if editor_ws:
        q |= Q(**{workspace: editor_ws})
    if open_ws:
        q |= Q(**{workspace: open_ws, f"{p}hidden": False})
    if blind_ws:
        q |= Q(**{workspace: blind_ws, f"{p}hidden": False}) & (
            Q(**{f"{p}author": user}) | Q(**{f"{p}claim_id__in": _submitted_claims(user)})
        )
    return q


def visible_annotations(user, queryset=None):
    """The annotations the user may see, over every workspace they read."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    return queryset.filter(annotation_q(user))


def counted_annotations(user, queryset=None):
    """The work that counts for states, filters, queues and agreement: what the user may
    see (everything with user=None, the system), never hidden work, even for editors."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    queryset = queryset.filter(hidden=False)
    return queryset if user is None else queryset.filter(annotation_q(user))


def comment_q(user, prefix: str = "") -> Q:
    """Comments on annotations the user sees; hidden comments for editors only."""
    q = annotation_q(user, f"{prefix}annotation__")
    if is_staff_moderator(user):
        return q
    editor_ws = workspace_ids_with(user, Action.MODERATE)
    return q & (
        Q(**{f"{prefix}hidden": False})
        | Q(**{f"{prefix}annotation__claim__document__workspace_id__in": editor_ws})
    )


def visible_comments(user, queryset=None):
    queryset = Comment.objects.all() if queryset is None else queryset
    return queryset.filter(comment_q(user))


def visible_sources(user, queryset=None):
    queryset = Source.objects.all() if queryset is None else queryset
    return queryset.filter(annotation_q(user, "annotation__"))


def visible_flags(user, queryset=None):
    """Flags are for editors and for whoever raised them."""
    queryset = Flag.objects.all() if queryset is None else queryset
    editor_ws = workspace_ids_with(user, Action.MODERATE)
    on_editor_desk = Q(annotation__claim__document__workspace_id__in=editor_ws) | Q(
        comment__annotation__claim__document__workspace_id__in=editor_ws
    )
    readable = readable_workspace_ids(user)
    mine = Q(reporter=user) & (
        Q(annotation__claim__document__workspace_id__in=readable)
        | Q(comment__annotation__claim__document__workspace_id__in=readable)
    )
    return queryset.filter(on_editor_desk | mine)


def claims_with_state(user, queryset):
    """Claims with has_verdict and annotation_level (Claim.state), from the work the user
    may see: hidden work never counts; on a blind desk an annotator who has not submitted
    on a claim counts only their own. The level is an aggregate subquery per claim, not
    EXISTS (which PostgreSQL may run as a hash of every visible annotation); the aliases
    has_approved / has_annotation made of it are for filters (each repeats it)."""
    published = Verdict.objects.filter(
        claim=OuterRef("pk"), is_current=True, retracted_at__isnull=True
    )
    level = progress_level(Annotation.objects.filter(claim=OuterRef("pk"), hidden=False))
    blind_ws = _blind_workspace_ids(user)
    if blind_ws:
        mine = Annotation.objects.filter(claim=OuterRef("pk"), author=user)
        submitted = Exists(mine.exclude(status=Annotation.Status.DRAFT))
        level = Case(
            When(
                Q(document__workspace_id__in=blind_ws) & ~submitted,
                then=progress_level(mine.filter(hidden=False)),
            ),
            default=level,
        )
    return queryset.annotate(has_verdict=Exists(published), annotation_level=level).alias(
        has_approved=ExpressionWrapper(Q(annotation_level__gte=2), BooleanField()),
        has_annotation=ExpressionWrapper(Q(annotation_level__gte=1), BooleanField()),
    )


def filter_state(claims, state):
    """Claims (from claims_with_state) in one derived state."""
    if state == Claim.State.PUBLISHED:
        return claims.filter(has_verdict=True)
    if state == Claim.State.APPROVED:
        return claims.filter(has_verdict=False, has_approved=True)
    if state == Claim.State.IN_PROGRESS:
        return claims.filter(has_verdict=False, has_approved=False, has_annotation=True)
    if state == Claim.State.UNCHECKED:
        return claims.filter(has_verdict=False, has_approved=False, has_annotation=False)
    raise ValueError(f"Unknown claim state {state!r}.")


def public_annotations(queryset=None):
    """What a reader of a published report may see of the desk's work: approved, never hidden."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    return queryset.filter(hidden=False, status=Annotation.Status.APPROVED)


def public_approvals(queryset=None):
    """Approval comments a published report may name (never hidden ones)."""
    queryset = Comment.objects.all() if queryset is None else queryset
    return queryset.filter(decision=Comment.Decision.APPROVE, hidden=False)


def notifications_for(user, queryset=None):
    """The user's notifications about what they may still read: none from a desk they
    have left, none about work that is now hidden from them but the notice that it was."""
    queryset = Notification.objects.all() if queryset is None else queryset
    return queryset.filter(recipient=user).filter(
        Q(claim__isnull=True) | Q(claim__document__workspace_id__in=readable_workspace_ids(user)),
        Q(annotation__isnull=True)
        | Q(kind=Notification.Kind.HIDDEN)
        | annotation_q(user, "annotation__"),
    )


def owns_job(user, job) -> bool:
    """A job is its creator's while they are a member of its desk (the API's rule)."""
    return (
        _is_active_user(user)
        and job.created_by_id == user.pk
        and job.workspace_id in readable_workspace_ids(user)
    )


def sees_job(user, job) -> bool:
    """On the job pages, the desk's editors see and retry a job too."""
    return owns_job(user, job) or can(user, Action.MODERATE, job.workspace)


# --- one workspace: the viewer and its predicates -----------------------------------------


@dataclass
class Viewer:
    """What one user sees of one workspace. `user=None` is the system (a management
    command), which sees what an editor sees. Predicates answer for loaded rows without
    a query per row; the QuerySet filters above give the same answers for lists."""

    user: object | None
    workspace: Workspace

    @cached_property
    def role(self) -> str | None:
        if self.user is None:
            return EDITOR
        role = role_in(self.user, self.workspace)
        if role is None and is_staff_moderator(self.user):
            return EDITOR
        return role

    @property
    def reads(self) -> bool:
        return self.role is not None

    @property
    def is_editor(self) -> bool:
        return self.role == EDITOR

    @property
    def username(self) -> str | None:
        return self.user.get_username() if self.user is not None else None

    @property
    def blind_limited(self) -> bool:
        """Whether colleagues' work on a claim waits for the user's own submission."""
        return self.user is not None and self.role == ANNOTATOR and self.workspace.blind

    @cached_property
    def submitted_claim_ids(self) -> frozenset[int]:
        """The claims of this workspace the user has submitted on (blind desks only)."""
        if not self.blind_limited:
            return frozenset()
        return frozenset(
            Annotation.objects.filter(claim__document__workspace=self.workspace, author=self.user)
            .exclude(status=Annotation.Status.DRAFT)
            .values_list("claim_id", flat=True)
        )

    def sees_colleagues_on(self, claim_id) -> bool:
        return not self.blind_limited or claim_id in self.submitted_claim_ids

    def sees_annotation(self, annotation) -> bool:
        """Hidden work is for editors only, its author's too; a blind desk waits."""
        if not self.reads or (annotation.hidden and not self.is_editor):
            return False
        if self.user is not None and annotation.author_id == self.user.pk:
            return True
        return self.sees_colleagues_on(annotation.claim_id)

    def sees_comment(self, comment) -> bool:
        """On an annotation the user sees (the caller checks that), hidden for editors."""
        return self.reads and (self.is_editor or not comment.hidden)

    def sees_flag(self, flag) -> bool:
        return self.is_editor or (self.user is not None and flag.reporter_id == self.user.pk)

    def sees_event(self, event, annotation=None) -> bool:
        """A live event (annotations.live) about `annotation` (author_id, hidden, claim_id
        as they stand now; None: not about one's work): by the annotation rule; a
        hidden comment for editors; a flag for editors and its reporter."""
        if not self.reads or (annotation is not None and not self.sees_annotation(annotation)):
            return False
        if event.kind.startswith("flag."):
            return self.sees_flag(SimpleNamespace(reporter_id=event.data.get("reporter")))
        return self.is_editor or not event.data.get("comment_hidden")

    def sees_unhidden(self, annotation) -> bool:
        """Seen and not hidden: what counts for states and member exports (not editors' json)."""
        return not annotation.hidden and self.sees_annotation(annotation)

    def unhidden_on(self, claim_id, annotations) -> list:
        """sees_unhidden over one claim's loaded annotations, the claim asked about once."""
        everyone = self.reads and self.sees_colleagues_on(claim_id)
        own = self.user.pk if self.reads and not everyone else None  # None: nobody's
        return [a for a in annotations if not a.hidden and (everyone or a.author_id == own)]

    def annotations(self, queryset=None, *, own_hidden: bool = False):
        queryset = Annotation.objects.all() if queryset is None else queryset
        queryset = queryset.filter(claim__document__workspace=self.workspace)
        if self.user is None:
            return queryset
        return queryset.filter(annotation_q(self.user, own_hidden=own_hidden))

    def comments(self, queryset=None):
        queryset = Comment.objects.all() if queryset is None else queryset
        if self.user is None:
            return queryset
        return queryset.filter(comment_q(self.user))


def viewer_for(user, document) -> Viewer:
    """The Viewer of a document's desk for a reader (None: the system), else NotVisible."""
    if user is not None:
        require(user, Action.DOCUMENT_READ, document)
    return Viewer(user, document.workspace)


# --- the map ------------------------------------------------------------------------------


def can(user, action, obj) -> bool:
    """Whether the user may do `action` on `obj`. An unknown action raises ValueError."""
    action = Action(action)
    if isinstance(user, IngestClient):  # a desk's transcription service, not a member
        return action == Action.DOCUMENT_APPEND and user.may_append(obj)
    if not _is_active_user(user):
        return False
    if action == Action.WORKSPACE_CREATE:
        return _may_create_workspace(user)
    workspace = workspace_of(obj)
    if workspace is None:
        return False
    role = role_in(user, workspace)
    if role is None or role not in ROLE_ACTIONS[action]:
        if action in STAFF_ACTIONS and is_staff_moderator(user):
            role = REVIEWER if action == Action.ANNOTATION_REVIEW else EDITOR
        else:
            return False
    return _object_rule(user, role, action, obj)


def _may_create_workspace(user) -> bool:  # WORKSPACE_CREATION: any, staff or nobody
    return settings.WORKSPACE_CREATION == "any" or (
        settings.WORKSPACE_CREATION == "staff" and bool(user.is_staff)
    )


def require(user, action, obj, message: str = "You may not do that here.") -> None:
    """Return if the user may do `action` on `obj`; raise NotVisible (404) when they may
    not even see it, WorkflowError (403) with the message when they may see it."""
    if can(user, action, obj):
        return
    if action == Action.WORKSPACE_CREATE:
        raise WorkflowError(message)
    if action == Action.DOCUMENT_READ or not can(user, Action.DOCUMENT_READ, obj):
        raise NotVisible()
    raise WorkflowError(message)


def _object_rule(user, role, action, obj) -> bool:
    """Rules that depend on the object itself, after the role allowed the action."""
    if isinstance(obj, Annotation):
        if not _sees_annotation(user, role, obj):
            return False
        if action == Action.ANNOTATION_WRITE:
            # A hidden annotation is read-only, also for an editor who wrote it.
            return obj.author_id == user.pk and not obj.hidden
        if action == Action.ANNOTATION_REVIEW:
            return obj.author_id != user.pk and obj.status == Annotation.Status.SUBMITTED
        if action == Action.VERDICT_PUBLISH:
            # Like review, publication is never by the author of the work.
            approved = obj.status == Annotation.Status.APPROVED
            return approved and obj.author_id != user.pk and not obj.hidden
        return True
    if isinstance(obj, Comment):
        if not _sees_annotation(user, role, obj.annotation):
            return False
        if obj.hidden and role != EDITOR:
            return False
        if action == Action.ANNOTATION_WRITE:
            return obj.author_id == user.pk
        return True
    if isinstance(obj, Source):
        if not _sees_annotation(user, role, obj.annotation):
            return False
        if action == Action.ANNOTATION_WRITE:
            return obj.annotation.author_id == user.pk and not obj.annotation.hidden
        return True
    if isinstance(obj, Flag):
        return role == EDITOR or obj.reporter_id == user.pk
    if isinstance(obj, Job):
        return sees_job(user, obj)
    if isinstance(obj, Notification):
        return obj.recipient_id == user.pk and (
            obj.annotation_id is None or _sees_annotation(user, role, obj.annotation)
        )
    return True


def _sees_annotation(user, role, annotation) -> bool:
    if annotation.hidden and role != EDITOR:
        return False
    if annotation.author_id == user.pk or role != ANNOTATOR:
        return True
    if not annotation.claim.document.workspace.blind:
        return True
    return _submitted_claims(user).filter(claim_id=annotation.claim_id).exists()


# --- the admin site -----------------------------------------------------------------------

# How each admin-listed model reaches its workspace.
_WORKSPACE_PATHS = {
    Workspace: "pk",
    Membership: "workspace_id",
    RatingScale: "workspace_id",
    Rating: "scale__workspace_id",
    Document: "workspace_id",
    Claim: "document__workspace_id",
    Annotation: "claim__document__workspace_id",
    Verdict: "claim__document__workspace_id",
    Source: "annotation__claim__document__workspace_id",
    Comment: "annotation__claim__document__workspace_id",
    ModerationEvent: "workspace_id",
    Job: "workspace_id",
    ReferenceFactCheck: "workspace_id",
}


def admin_queryset(user, queryset):
    """What the admin site lists for a staff user: superusers and staff moderators see
    every desk; other staff what they would see in the workbench of their own desks."""
    if user.is_superuser or is_staff_moderator(user):
        return queryset
    model = queryset.model
    if model is Annotation:
        return visible_annotations(user, queryset)
    if model is Comment:
        return visible_comments(user, queryset)
    if model is Source:
        return visible_sources(user, queryset)
    if model is Flag:
        return visible_flags(user, queryset)
    if model is Notification:
        return notifications_for(user, queryset)
    path = _WORKSPACE_PATHS.get(model)
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": readable_workspace_ids(user)})
