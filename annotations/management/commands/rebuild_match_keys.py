"""Back-fill the matcher's term keys of existing claims and reference fact-checks.

    manage.py rebuild_match_keys [--chunk 2000]

Run once after deploying the version that matches by terms (claims imported before it
carry MinHash keys, which the matcher no longer reads), on the live database: it works
in short transactions of --chunk rows, and a second run writes nothing."""

from django.core.management.base import BaseCommand

from annotations.matching.keys import REBUILD_CHUNK, rebuild_stale_keys
from annotations.models import Claim, ReferenceFactCheck


class Command(BaseCommand):
    help = "Rebuild the term keys that matching looks up, for claims and reference fact-checks."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=REBUILD_CHUNK)

    def handle(self, *args, chunk, **options):
        if chunk < 1:
            self.stderr.write("--chunk must be at least 1.")
            raise SystemExit(2)
        claims = rebuild_stale_keys(Claim, chunk=chunk)
        references = rebuild_stale_keys(ReferenceFactCheck, chunk=chunk)
        self.stdout.write(
            f"Rebuilt the term keys of {claims:,} claims and {references:,} reference fact-checks."
        )
