"""One verdict per version of an annotation.

Expand: verdicts record the annotation version they were snapshotted from. Fill: the
version is read from the annotation's history at the moment of publication (null when no
history tells it). Fold: verdicts that published the same version twice (concurrent
corrections) become one, the earliest; it stays current if one of them was, references
move to it and the others are logged and deleted. Contract: the unique constraint.
"""

import logging

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery

logger = logging.getLogger("annotations.migrations")

# Where other rows point at a verdict; they follow it to the one that is kept.
REFERENCES = [
    ("ModerationEvent", "verdict"),
    ("Claim", "prior_verdict"),
    ("Annotation", "reused_from"),
]


def fill_versions(Verdict, HistoricalAnnotation):
    as_published = HistoricalAnnotation.objects.filter(
        id=OuterRef("annotation_id"), history_date__lte=OuterRef("published_at")
    ).order_by("-history_date", "-history_id")
    Verdict.objects.filter(annotation__isnull=False).update(
        annotation_version=Subquery(as_published.values("version")[:1])
    )


def fold_group(apps, Verdict, rows) -> None:
    kept, extra = rows[0], rows[1:]
    current = next((v for v in rows if v.is_current), None)
    extra_ids = [v.pk for v in extra]
    for model_name, field in REFERENCES:
        model = apps.get_model("annotations", model_name)
        model.objects.filter(**{f"{field}__in": extra_ids}).update(**{f"{field}_id": kept.pk})
    Verdict.objects.filter(pk__in=extra_ids).delete()
    if current is not None and current.pk != kept.pk:
        # The claim's current verdict is the kept one now, retracted if that one was.
        kept.is_current = True
        kept.retracted_at = current.retracted_at
        kept.retracted_by_id = current.retracted_by_id
        kept.retraction_note = current.retraction_note
        kept.save(
            update_fields=["is_current", "retracted_at", "retracted_by", "retraction_note"]
        )
    logger.warning(
        "Verdicts %s published version %s of annotation %s again; folded into verdict %s.",
        ", ".join(str(pk) for pk in extra_ids),
        kept.annotation_version,
        kept.annotation_id,
        kept.pk,
    )


def fill_and_fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Check foreign keys as we go: deferred checks still pending at the end would
        # forbid the ALTER TABLE that adds the constraint in this same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Verdict = apps.get_model("annotations", "Verdict")
    fill_versions(Verdict, apps.get_model("annotations", "HistoricalAnnotation"))
    groups = (
        Verdict.objects.filter(annotation__isnull=False, annotation_version__isnull=False)
        .values("annotation_id", "annotation_version")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("annotation_id", "annotation_version")
    )
    for group in groups:
        rows = list(
            Verdict.objects.filter(
                annotation_id=group["annotation_id"],
                annotation_version=group["annotation_version"],
            ).order_by("published_at", "id")
        )
        fold_group(apps, Verdict, rows)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0017_claim_document_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalverdict",
            name="annotation_version",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="verdict",
            name="annotation_version",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(fill_and_fold, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="verdict",
            constraint=models.UniqueConstraint(
                fields=("annotation", "annotation_version"),
                name="one_verdict_per_annotation_version",
            ),
        ),
    ]
