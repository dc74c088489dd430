"""Whether a document's speaker is a person or an organisation (ClaimReview's
itemReviewed.author @type); existing documents keep what exports said so far: Person."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("annotations", "0026_claim_number_required")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="speaker_type",
            field=models.CharField(
                choices=[("person", "Person"), ("organization", "Organization")],
                default="person",
                max_length=12,
            ),
        ),
    ]
