"""Send the webhook attempts that are due.

    manage.py deliver_webhooks

With TASK_BACKEND=database the queue holds every retry until it is due, and this is not
needed; with a backend that cannot defer tasks (immediate), run it from cron every
minute so retries go out."""

from django.core.management.base import BaseCommand

from annotations import webhooks


class Command(BaseCommand):
    help = "Send the webhook attempts that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"Made {webhooks.deliver_due():,} webhook attempts.")
