"""Claim numbers, filled by 0025, are required and unique within a document."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0025_claim_number'),
    ]

    operations = [
        migrations.AlterField(
            model_name='claim',
            name='number',
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='number',
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.UniqueConstraint(fields=('document', 'number'), name='one_claim_per_number'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='claim_number_positive'),
        ),
    ]
