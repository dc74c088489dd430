"""Store the matcher's word-vector sums of existing claims and reference fact-checks.

    manage.py backfill_match_vectors [--chunk 5000]

Run once after deploying the version that stores them (migration 0037 adds the column,
empty): until then the matcher embeds those claims' texts at every lookup, which is
slower but gives the same matches. On the live database: it works in short transactions
of --chunk rows, imports and edits going on meanwhile, and a second run writes
nothing."""

from django.core.management.base import BaseCommand

from annotations.matching.keys import VECTOR_CHUNK, backfill_match_vectors
from annotations.models import Claim, ReferenceFactCheck


class Command(BaseCommand):
    help = "Store the word-vector sums that matching reads, for claims and reference fact-checks."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=VECTOR_CHUNK)

    def handle(self, *args, chunk, **options):
        if chunk < 1:
            self.stderr.write("--chunk must be at least 1.")
            raise SystemExit(2)
        claims = backfill_match_vectors(Claim, chunk=chunk)
        references = backfill_match_vectors(ReferenceFactCheck, chunk=chunk)
        self.stdout.write(
            f"Stored the word-vector sums of {claims:,} claims and "
            f"{references:,} reference fact-checks."
        )
