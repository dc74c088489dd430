"""What an annotation POST reads before it writes, in one statement: the claim with its
document's workspace, the poster's memberships (the roles the permission map asks for)
and the rating the body names, if it is on that workspace's scale.

Read one by one through the ORM these were three statements, and compiling them cost
more than running them. The rows are one per membership of the poster (one with empty
membership columns when there is none); the claim and rating columns repeat.
"""

from django.db import connection, router

from annotations.models import Claim, Document, Membership, Rating, RatingScale, Workspace
from annotations.permissions import remember_roles

MAX_ID = 2**63 - 1
_SQL: list[str] = []


def _sql() -> str:
    if not _SQL:
        q = connection.ops.quote_name

        def table(model):
            return q(model._meta.db_table)

        _SQL.append(
            "SELECT c.id, c.number, d.id, w.id, w.slug, w.blind, m.workspace_id, m.role, "
            "mw.blind, r.id, r.scale_id, r.label, r.position, r.ordinal, r.colour, "
            "r.description "
            f"FROM {table(Claim)} c "
            f"JOIN {table(Document)} d ON d.id = c.document_id "
            f"JOIN {table(Workspace)} w ON w.id = d.workspace_id "
            f"LEFT JOIN {table(Membership)} m ON m.user_id = %s "
            f"LEFT JOIN {table(Workspace)} mw ON mw.id = m.workspace_id "
            f"LEFT JOIN {table(Rating)} r ON r.id = %s AND r.scale_id = "
            f"(SELECT s.id FROM {table(RatingScale)} s WHERE s.workspace_id = w.id) "
            "WHERE c.id = %s"
        )
    return _SQL[0]


def _instance(model, alias: str, **values):
    """A model instance from columns read by hand; the fields not given are deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])


def rating_key(value) -> int | None:
    """The rating id a body names, as the rating field reads it (None: read no rating)."""
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        return None
    try:
        key = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return key if 0 < key <= MAX_ID else None


def claim_to_annotate(claim_id: int, rating, user) -> tuple[Claim | None, dict[int, Rating]]:
    """The claim (with its document and workspace: what the permission map, the event and
    the answer read) or None when there is no such claim, and {id: rating} of the rating
    named, when it is on the claim's workspace's scale. The user's roles are remembered
    for the permission map, as if it had read them."""
    alias = router.db_for_read(Claim)
    rating_id = rating_key(rating)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user.pk, rating_id, claim_id])
        rows = cursor.fetchall()
    if not rows:
        return None, {}
    first = rows[0]
    workspace = _instance(Workspace, alias, id=first[3], slug=first[4], blind=bool(first[5]))
    document = _instance(Document, alias, id=first[2], workspace_id=workspace.pk)
    document.workspace = workspace
    claim = _instance(Claim, alias, id=first[0], number=first[1], document_id=document.pk)
    claim.document = document
    remember_roles(user, [(row[6], row[7], bool(row[8])) for row in rows if row[6] is not None])
    ratings = {}
    if first[9] is not None:
        rating = _instance(
            Rating,
            alias,
            id=first[9],
            scale_id=first[10],
            label=first[11],
            position=first[12],
            ordinal=bool(first[13]),
            colour=first[14],
            description=first[15],
        )
        rating.scale = _instance(RatingScale, alias, id=first[10], workspace_id=workspace.pk)
        ratings[rating.pk] = rating
    return claim, ratings
