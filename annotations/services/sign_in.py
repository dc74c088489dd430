"""Workspace roles from the identity provider's claim, applied at each OIDC sign-in.

The claim (OIDC_ROLES_CLAIM, "factcheck_roles" by default) is a list of "slug:role"
strings, e.g. ["demo:editor", "metro:annotator"]. Each names an existing workspace and a
role; the user becomes a member with that role, or has their role changed to it. The claim
removes no one: an editor removes members in the workbench. A desk's last editor keeps the
role whatever the claim says, as everywhere else.
"""

import logging

from django.db import transaction

from annotations.models import Membership, Role, Workspace
from annotations.permissions import forget_roles

log = logging.getLogger(__name__)


def parse_role_claim(value) -> dict[str, str]:
    """{workspace slug: role} from the claim's value; entries that are not "slug:role"
    with a known role are skipped (and logged), never guessed at."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        log.warning("The roles claim is not a list of strings: %r", type(value).__name__)
        return {}
    roles: dict[str, str] = {}
    for entry in value:
        slug, sep, role = entry.partition(":") if isinstance(entry, str) else ("", "", "")
        slug, role = slug.strip(), role.strip().lower()
        if not sep or not slug or role not in Role.values:
            log.warning("Skipped the roles claim entry %r: expected slug:role", entry)
            continue
        roles[slug] = role
    return roles


def apply_role_claim(user, value) -> None:
    """Give the user the roles the claim lists, in the workspaces that exist."""
    roles = parse_role_claim(value)
    if not roles:
        return
    workspaces = {w.slug: w for w in Workspace.objects.filter(slug__in=roles)}
    for slug in roles.keys() - workspaces.keys():
        log.warning("The roles claim names the workspace %r, which does not exist", slug)
    with transaction.atomic():
        for slug, workspace in workspaces.items():
            role = roles[slug]
            membership = (
                Membership.objects.select_for_update()
                .filter(workspace=workspace, user=user)
                .first()
            )
            if membership is None:
                Membership.objects.create(workspace=workspace, user=user, role=role)
            elif membership.role != role:
                if membership.role == Role.EDITOR and _last_editor(membership):
                    log.warning("Kept %s as the last editor of %s", user, slug)
                    continue
                membership.role = role
                membership.save(update_fields=["role"])
    forget_roles(user)


def _last_editor(membership) -> bool:
    editors = Membership.objects.select_for_update().filter(
        workspace_id=membership.workspace_id, role=Role.EDITOR
    )
    return len(list(editors)) <= 1
