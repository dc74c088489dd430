"""Request and response bodies of the API, one module per resource; every name is
importable from here."""

from annotations.api.serializers.annotations import (
    AnnotationClaimSerializer,
    AnnotationCreateSerializer,
    AnnotationSerializer,
    AnnotationWriteSerializer,
    ModerationNoteSerializer,
    RatingRefSerializer,
    ReviewSerializer,
    SourceSerializer,
    VersionSerializer,
    _document_id,
    _RatingField,
    _sources,
)
from annotations.api.serializers.claims import (
    ClaimAssignSerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
)
from annotations.api.serializers.comments import (
    CommentCreateSerializer,
    CommentSerializer,
    NestedCommentCreateSerializer,
)
from annotations.api.serializers.common import (
    COMMENT_MAX,
    EXCERPT_MAX,
    MAX_INT,
    NOTE_MAX,
    REASON_MAX,
    RESTATEMENT_MAX,
    ErrorSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
    _dt,
    _user,
    http_url,
)
from annotations.api.serializers.documents import (
    DocumentCreatedSerializer,
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
)
from annotations.api.serializers.factchecks import (
    FactCheckLoadSerializer,
    FactCheckProblemSerializer,
    FactCheckUploadSerializer,
    ReferenceFactCheckSerializer,
)
from annotations.api.serializers.flags import (
    FlagCreateSerializer,
    FlagResolveSerializer,
    FlagSerializer,
)
from annotations.api.serializers.jobs import (
    JobSerializer,
)
from annotations.api.serializers.search import (
    ClaimRefSerializer,
    SearchHitSerializer,
    SearchResultSerializer,
    SimilarClaimSerializer,
    VerdictRefSerializer,
    claim_ref,
    verdict_ref,
)
from annotations.api.serializers.verdicts import (
    RetractSerializer,
    VerdictPublishSerializer,
    VerdictSerializer,
)
from annotations.api.serializers.w3c import (
    W3CAnnotationSerializer,
    W3CCollectionSerializer,
    W3CField,
)
from annotations.api.serializers.workspaces import (
    MembershipRoleSerializer,
    MembershipSerializer,
    RatingScaleSerializer,
    RatingSerializer,
    WorkspaceSerializer,
)

__all__ = [
    "AnnotationClaimSerializer",
    "AnnotationCreateSerializer",
    "AnnotationSerializer",
    "AnnotationWriteSerializer",
    "COMMENT_MAX",
    "ClaimAssignSerializer",
    "ClaimCreateSerializer",
    "ClaimRefSerializer",
    "ClaimSerializer",
    "CommentCreateSerializer",
    "CommentSerializer",
    "DocumentCreateSerializer",
    "DocumentCreatedSerializer",
    "DocumentDetailSerializer",
    "DocumentSerializer",
    "EXCERPT_MAX",
    "FactCheckLoadSerializer",
    "FactCheckProblemSerializer",
    "FactCheckUploadSerializer",
    "ErrorSerializer",
    "FlagCreateSerializer",
    "FlagResolveSerializer",
    "FlagSerializer",
    "JobSerializer",
    "MAX_INT",
    "MembershipRoleSerializer",
    "MembershipSerializer",
    "ModerationNoteSerializer",
    "NOTE_MAX",
    "NestedCommentCreateSerializer",
    "REASON_MAX",
    "RESTATEMENT_MAX",
    "RatingRefSerializer",
    "RatingScaleSerializer",
    "RatingSerializer",
    "ReferenceFactCheckSerializer",
    "RetractSerializer",
    "ReviewSerializer",
    "SearchHitSerializer",
    "SearchResultSerializer",
    "SimilarClaimSerializer",
    "SourceSerializer",
    "TokenRequestSerializer",
    "TokenSerializer",
    "UserSerializer",
    "VerdictPublishSerializer",
    "VerdictRefSerializer",
    "VerdictSerializer",
    "VersionSerializer",
    "W3CAnnotationSerializer",
    "W3CCollectionSerializer",
    "W3CField",
    "WorkspaceSerializer",
    "_RatingField",
    "_document_id",
    "_dt",
    "_sources",
    "_user",
    "claim_ref",
    "http_url",
    "verdict_ref",
]
