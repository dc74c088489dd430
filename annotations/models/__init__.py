"""The domain of the workbench: workspaces, documents, claims and the work done on them.

Invariants live in the database (check and unique constraints); transitions of the
review workflow live in model methods, which views, the API and the admin all call.

One module per aggregate, each importing only those below it:
exceptions, validators -> workspaces -> moderation -> documents -> review -> annotations
-> jobs; factchecks (reference fact-checks) and webhooks need only workspaces; tokens
(personal API tokens, and workspaces' ingest tokens) the user model and workspaces;
chunks (of live documents) documents. Every public name is re-exported here: import from
`annotations.models`.
"""

from annotations.models.annotations import Annotation, Source
from annotations.models.chunks import DocumentChunk
from annotations.models.documents import (
    Claim,
    ClaimKind,
    ClaimMatchKey,
    ClaimQuerySet,
    Document,
    SpeakerType,
    progress_level,
)
from annotations.models.events import Event
from annotations.models.exceptions import (
    HIDDEN_BY_EDITOR,
    NO_SUCH_MEMBER,
    Conflict,
    Duplicate,
    InvalidInput,
    NotVisible,
    VersionConflict,
    WorkflowError,
)
from annotations.models.factchecks import ReferenceFactCheck, ReferenceMatchKey, claim_digest
from annotations.models.jobs import Job
from annotations.models.moderation import Flag, ModerationEvent, Notification
from annotations.models.review import Comment, Verdict
from annotations.models.tokens import IngestClient, IngestToken, PersonalToken
from annotations.models.validators import HTTP_URL, http_url_validator
from annotations.models.webhooks import Webhook, WebhookDelivery
from annotations.models.workspaces import (
    DEFAULT_RATINGS,
    Membership,
    Rating,
    RatingScale,
    Role,
    Workspace,
    hex_colour,
)

__all__ = [
    "DEFAULT_RATINGS",
    "HIDDEN_BY_EDITOR",
    "HTTP_URL",
    "NO_SUCH_MEMBER",
    "Annotation",
    "Claim",
    "ClaimKind",
    "ClaimMatchKey",
    "ClaimQuerySet",
    "Conflict",
    "Comment",
    "Document",
    "DocumentChunk",
    "Duplicate",
    "Event",
    "Flag",
    "IngestClient",
    "IngestToken",
    "InvalidInput",
    "Job",
    "Membership",
    "ModerationEvent",
    "NotVisible",
    "Notification",
    "PersonalToken",
    "Rating",
    "ReferenceFactCheck",
    "ReferenceMatchKey",
    "RatingScale",
    "Role",
    "Source",
    "SpeakerType",
    "Verdict",
    "VersionConflict",
    "Webhook",
    "WebhookDelivery",
    "WorkflowError",
    "Workspace",
    "claim_digest",
    "hex_colour",
    "http_url_validator",
    "progress_level",
]
