"""Run background jobs: `python manage.py jobs_worker`.

Any number of these, on any machines that reach the database. Each loop first puts jobs
whose worker died (lease expired) back in the queue, then runs what is queued.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from annotations import jobs


class Command(BaseCommand):
    help = "Take background jobs from the database queue and run them."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--once", action="store_true", help="Run what is queued now, then exit."
        )

    def handle(self, *args, interval, once, **options):
        while True:
            requeued = jobs.requeue_expired()
            if requeued:
                self.stdout.write(f"Queued {requeued} job(s) again after their worker stopped.")
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
            if once:
                return
            time.sleep(interval)
