"""The permission checks the models' transitions call. annotations.permissions builds
its rules from the models, so it cannot be imported while they load: this is the one
place the models reach it, on first use."""


def _permissions():
    # permissions imports the models: imported at call time to avoid the cycle.
    from annotations import permissions

    return permissions


def can(user, action: str, obj) -> bool:
    return _permissions().can(user, action, obj)


def require(user, action: str, obj, message: str) -> None:
    """permissions.require: NotVisible (404) or WorkflowError (403) with the message."""
    _permissions().require(user, action, obj, message)


def forget_roles(*users) -> None:
    for user in users:
        _permissions().forget_roles(user)


def claims_with_state(user, claims):
    return _permissions().claims_with_state(user, claims)
