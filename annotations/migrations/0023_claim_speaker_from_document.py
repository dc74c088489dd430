"""Each existing claim gets its document's speaker (claims had none of their own).

One UPDATE with a subquery, so it stays one statement however many claims there are."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def speaker_from_document(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    Document = apps.get_model("annotations", "Document")
    speaker = Document.objects.filter(pk=OuterRef("document_id")).values("speaker")[:1]
    Claim.objects.filter(speaker="").exclude(document__speaker="").update(speaker=Subquery(speaker))


class Migration(migrations.Migration):
    dependencies = [("annotations", "0022_claim_speaker_and_reference_factchecks")]

    operations = [migrations.RunPython(speaker_from_document, migrations.RunPython.noop)]
