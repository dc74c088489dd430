"""Delete the events older than the retention window (24 hours).

    manage.py prune_events

Emitting prunes too, after every thousandth event; run this from cron where a desk is
quiet for long, so the table keeps only what a reconnecting reader can still ask for."""

from django.core.management.base import BaseCommand

from annotations.models import Event


class Command(BaseCommand):
    help = "Delete the events older than the retention window."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {Event.prune():,} events older than 24 hours.")
