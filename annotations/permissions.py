"""Who may do what: the one map that views, the API and the admin all ask.

`can(user, action, obj)` answers True or False and never raises. The role table is
DESIGN.md's; object rules (hidden items, blind workspaces, own work) follow it.
Lists do not call `can` per row: they filter with the QuerySet methods in models.py,
which apply the same rules (`tests/test_permissions.py` checks that both agree).
"""

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    Membership,
    Rating,
    RatingScale,
    Role,
    Source,
    Verdict,
    Workspace,
)

ANNOTATOR, REVIEWER, EDITOR = Role.ANNOTATOR, Role.REVIEWER, Role.EDITOR
ALL_ROLES = frozenset({ANNOTATOR, REVIEWER, EDITOR})

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "document.read": ALL_ROLES,
    "document.import": frozenset({EDITOR}),
    "claim.create": ALL_ROLES,
    "annotation.write": ALL_ROLES,
    "annotation.review": frozenset({REVIEWER, EDITOR}),
    "verdict.publish": frozenset({EDITOR}),
    "moderate": frozenset({EDITOR}),
    "workspace.manage": frozenset({EDITOR}),
}
ACTIONS = frozenset(ROLE_ACTIONS)

# Django staff holding this permission moderate every workspace in the admin site.
STAFF_MODERATION_PERMISSION = "annotations.moderate_workspaces"
STAFF_ACTIONS = frozenset({"document.read", "annotation.review", "moderate"})

_ROLE_CACHE = "_factcheck_workspace_roles"


def workspace_of(obj) -> Workspace | None:
    """The workspace an object belongs to, following foreign keys (cached by Django)."""
    if isinstance(obj, Workspace):
        return obj
    if isinstance(obj, (Document, Membership)):
        return obj.workspace
    if isinstance(obj, RatingScale):
        return obj.workspace
    if isinstance(obj, Rating):
        return obj.scale.workspace
    if isinstance(obj, Claim):
        return obj.document.workspace
    if isinstance(obj, Verdict):
        return obj.claim.document.workspace
    if isinstance(obj, Annotation):
        return obj.claim.document.workspace
    if isinstance(obj, (Source, Comment)):
        return obj.annotation.claim.document.workspace
    if isinstance(obj, Flag):
        target = obj.annotation if obj.annotation_id else obj.comment
        return workspace_of(target)
    return None


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def roles_of(user) -> dict[int, str]:
    """{workspace id: role} for the user, loaded once per user object (one query)."""
    if not _is_active_user(user):
        return {}
    roles = getattr(user, _ROLE_CACHE, None)
    if roles is None:
        roles = dict(Membership.objects.filter(user=user).values_list("workspace_id", "role"))
        setattr(user, _ROLE_CACHE, roles)
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles, after memberships of this user object changed."""
    if user is not None and hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


def role_in(user, workspace) -> str | None:
    if workspace is None:
        return None
    return roles_of(user).get(workspace.pk)


def is_staff_moderator(user) -> bool:
    return bool(
        _is_active_user(user) and user.is_staff and user.has_perm(STAFF_MODERATION_PERMISSION)
    )


def can(user, action: str, obj) -> bool:
    try:
        return _can(user, action, obj)
    except Exception:
        return False


def _can(user, action, obj) -> bool:
    if action not in ROLE_ACTIONS or not _is_active_user(user):
        return False
    workspace = workspace_of(obj)
    if workspace is None:
        return False
    role = role_in(user, workspace)
    if role is not None and role in ROLE_ACTIONS[action]:
        allowed_by_role = True
    elif action in STAFF_ACTIONS and is_staff_moderator(user):
        role = EDITOR if action != "annotation.review" else REVIEWER
        allowed_by_role = True
    else:
        allowed_by_role = False
    if not allowed_by_role:
        return False
    return _object_rule(user, role, action, obj)


def _object_rule(user, role, action, obj) -> bool:
    """Rules that depend on the object itself, after the role allowed the action."""
    if isinstance(obj, Annotation):
        if not annotation_visible(user, role, obj):
            return False
        if action == "annotation.write":
            return obj.author_id == user.pk
        if action == "annotation.review":
            return obj.author_id != user.pk and obj.status == Annotation.Status.SUBMITTED
        if action == "verdict.publish":
            # Like review, publication is never by the author of the work.
            return obj.status == Annotation.Status.APPROVED and obj.author_id != user.pk
        return True
    if isinstance(obj, Comment):
        if not annotation_visible(user, role, obj.annotation):
            return False
        if obj.hidden and role != EDITOR:
            return False
        if action == "annotation.write":
            return obj.author_id == user.pk
        return True
    if isinstance(obj, Source):
        if not annotation_visible(user, role, obj.annotation):
            return False
        if action == "annotation.write":
            return obj.annotation.author_id == user.pk
        return True
    if isinstance(obj, Flag):
        # Flags are for editors and for whoever raised them.
        return role == EDITOR or obj.reporter_id == user.pk
    return True


def annotation_visible(user, role, annotation) -> bool:
    """Hidden work is for editors; in a blind workspace annotators see colleagues' work
    on a claim only once they have submitted their own."""
    if annotation.hidden and role != EDITOR:
        return False
    if annotation.author_id == user.pk or role != ANNOTATOR:
        return True
    if not annotation.claim.document.workspace.blind:
        return True
    return has_submitted_on(user, annotation.claim_id)


def has_submitted_on(user, claim_id) -> bool:
    return (
        Annotation.objects.filter(claim_id=claim_id, author=user)
        .exclude(status=Annotation.Status.DRAFT)
        .exists()
    )
