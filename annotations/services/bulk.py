"""Many annotations started at once (a newsroom's model or a migration bringing pre-filled
work in): each is checked as `Annotation.start` checks one, and saved whole or not at all.

The items that pass every check are written together: one INSERT of the annotations, one
of their sources, their history rows (one statement on PostgreSQL, one a table elsewhere),
one UPDATE of the search vectors and one INSERT of their events. The history rows are
copied by the database from the rows just written (INSERT … SELECT, models._history):
building a historical instance for each row cost as much as writing the rows. Should a
concurrent request win a race the checks could not see (the same author starting on the
same claim in between), the batch's savepoint is rolled back and the items are written one
by one, each in its own savepoint, as single requests are.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations import search
from annotations.models import Annotation, Claim, Duplicate, Event, Source, WorkflowError
from annotations.models._history import copy_history
from annotations.models.events import emit_many, event_for


@dataclass
class NewAnnotation:
    """One item: the claim (read by the caller, who checked it may be seen), the
    annotation's fields (rating, summary, note) and its sources' fields."""

    claim: Claim
    fields: dict
    sources: list[dict] = field(default_factory=list)


def start_annotations(by, items: list[NewAnnotation]) -> list[Annotation | Exception]:
    """Start `by`'s annotation on each item's claim. Returns, in the items' order, the
    saved annotation (its sources prefetched) or the exception that refused it."""
    results: list[Annotation | Exception | None] = [None] * len(items)
    taken = set(
        Annotation.objects.filter(
            author=by, claim_id__in={item.claim.pk for item in items}
        ).values_list("claim_id", flat=True)
    )
    now = timezone.now()
    ready = []
    for position, item in enumerate(items):
        try:
            Annotation.check_start(item.claim, by, item.fields)
            if item.claim.pk in taken:
                raise Duplicate(Annotation.DUPLICATE)
            annotation = Annotation(
                claim=item.claim, author=by, created_at=now, updated_at=now, **item.fields
            )
            sources = [_source(annotation, n, fields) for n, fields in enumerate(item.sources)]
        except (WorkflowError, ValidationError) as exc:
            results[position] = exc
            continue
        taken.add(item.claim.pk)
        ready.append((position, annotation, sources))
    try:
        with transaction.atomic():
            _write_together(by, ready, now)
    except IntegrityError:
        for position, annotation, sources in ready:
            results[position] = _write_alone(by, annotation, sources)
    else:
        for position, annotation, _ in ready:
            results[position] = annotation
    return results


def _source(annotation: Annotation, position: int, fields: dict) -> Source:
    source = Source(annotation=annotation, **{"position": position, **fields})
    # The serializer checked the fields; the database checks the constraints (and a
    # source has no unique fields to look up).
    source.full_clean(exclude=["annotation"], validate_unique=False, validate_constraints=False)
    return source


def _with_sources(annotation: Annotation, sources: list[Source]) -> Annotation:
    annotation._prefetched_objects_cache = {"sources": Source.objects.none()}
    annotation._prefetched_objects_cache["sources"]._result_cache = sources
    return annotation


def _write_together(by, ready, now) -> None:
    annotations = [annotation for _, annotation, _ in ready]
    if not annotations:
        return
    Annotation.objects.bulk_create(annotations)
    sources = []
    for _, annotation, item_sources in ready:
        for source in item_sources:
            source.annotation = annotation  # now with its id
        sources += item_sources
        _with_sources(annotation, item_sources)
    Source.objects.bulk_create(sources)
    copy_history(
        by,
        now,
        (Annotation, [annotation.pk for annotation in annotations]),
        (Source, [source.pk for source in sources]),
    )
    search.index_annotations([annotation.pk for annotation in annotations])
    # One event each, as a single start records: the desk sees them live.
    emit_many(
        [
            event_for(
                Event.Kind.ANNOTATION_SAVED,
                annotation=annotation,
                actor=by,
                data=annotation.event_facts(),
            )
            for annotation in annotations
        ]
    )


def _write_alone(by, annotation: Annotation, sources: list[Source]) -> Annotation | Exception:
    fields = {name: getattr(annotation, name) for name in Annotation.EDITABLE_FIELDS}
    for source in sources:
        source.pk = None
    try:
        saved = Annotation.start(annotation.claim, by, sources=sources, **fields)
    except (WorkflowError, IntegrityError) as exc:
        return exc
    saved.claim = annotation.claim
    return _with_sources(saved, sources)
