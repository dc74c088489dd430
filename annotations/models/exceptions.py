"""The exceptions the workflow raises, each with the HTTP status views and the API
answer with, and the messages that must read the same wherever they are raised."""


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


class Conflict(WorkflowError):
    """The request clashes with the state of what it names: a claim someone has worked
    on cannot be deleted, merged or split (409)."""

    status_code = 409

    def __init__(self, message: str):
        super().__init__(message, code="conflict")


# What the author of a hidden annotation is told when they try to change it.
HIDDEN_BY_EDITOR = (
    "An editor has hidden this annotation, so it can no longer be changed. If you think "
    "it should be shown again, contact an editor of this workspace."
)

# One answer for an unknown account and for someone else's: which ids exist is not told.
NO_SUCH_MEMBER = "No member of this workspace has this id."
