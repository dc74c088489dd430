"""Load the demo desk: workspace `demo`, its members and the demo document.

Re-running changes nothing: every step looks for what it would create first.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import (
    Annotation,
    Claim,
    Membership,
    Rating,
    Role,
    Verdict,
    Workspace,
)
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
        self.stdout.write(
            f"{verb} document {result.document.pk} ({result.claims} claims): "
            f"{result.document.title}"
        )
        checks = json.loads((FIXTURES / "demo-checks.json").read_text(encoding="utf-8"))
        added = sum(self._check(result.document, check) for check in checks["checks"])
        self.stdout.write(f"Added {added} demo checks ({len(checks['checks'])} in the demo).")

    def _check(self, document, check) -> bool:
        """One demo check: alice annotates, bob approves, erin publishes. Runs the same
        workflow methods as the browser, so the demo shows what the desk really records."""
        User = get_user_model()
        alice, bob, erin = (User.objects.get(username=u) for u in ("alice", "bob", "erin"))
        start = document.text.find(check["claim"])
        if start < 0:
            raise CommandError(f"Demo claim not in the document: {check['claim'][:60]}")
        end = start + len(check["claim"])
        claim, _ = Claim.from_selection(document, start, end, alice)
        if claim.annotations.filter(author=alice).exists():
            return False
        rating = Rating.objects.get(scale__workspace=document.workspace, label=check["rating"])
        annotation = Annotation.start(
            claim, alice, rating=rating, summary=check["summary"], note=check.get("note", "")
        )
        for position, source in enumerate(check.get("sources", [])):
            fields = {k: v for k, v in source.items() if v is not None}
            if "published" in fields:
                fields["published"] = date.fromisoformat(fields["published"])
            annotation.add_source(alice, position=position, **fields)
        annotation.submit(alice)
        annotation.approve(bob, "Checked the sources.")
        Verdict.publish(annotation, erin)
        return True

    def _user(self, User, username, password, **flags):
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", **flags}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
