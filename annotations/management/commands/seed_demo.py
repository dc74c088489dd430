"""Load the demo desk: workspace `demo`, its members and the demo document.

Re-running changes nothing: every step looks for what it would create first.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.models import Membership, Role, Workspace
from annotations.services import import_document

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_USERS = [("alice", Role.ANNOTATOR), ("bob", Role.REVIEWER), ("erin", Role.EDITOR)]
DEMO_TITLE = (
    "Extracts from the Political Document of the 37th Congress of the Communist Party of Belgium"
)


class Command(BaseCommand):
    help = "Create the demo workspace, users (alice, bob, erin, admin) and document."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo user.")

    @transaction.atomic
    def handle(self, *args, password, **options):
        User = get_user_model()
        workspace, _ = Workspace.objects.get_or_create(
            slug="demo",
            defaults={
                "name": "Demo desk",
                "organisation_name": "Demo Fact-Check Desk",
                "organisation_url": "https://factcheck.example.org",
                "methodology": (
                    "Each claim is checked by one member against primary sources, "
                    "reviewed by a second, and published by an editor."
                ),
            },
        )
        for username, role in DEMO_USERS:
            user = self._user(User, username, password)
            Membership.objects.get_or_create(
                workspace=workspace, user=user, defaults={"role": role}
            )
        self._user(User, "admin", password, is_staff=True, is_superuser=True)

        text = (FIXTURES / "seed-document.txt").read_text(encoding="utf-8")
        result = import_document(
            workspace,
            text,
            title=DEMO_TITLE,
            speaker="Communist Party of Belgium",
            published=date(2023, 10, 25),
            created_by=User.objects.get(username="erin"),
        )
        verb = "Imported" if result.created else "Kept"
        self.stdout.write(f"{verb} document {result.document.pk}: {result.document.title}")

    def _user(self, User, username, password, **flags):
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", **flags}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
