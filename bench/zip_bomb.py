"""Time and memory the importer spends refusing a Word document that is a ZIP bomb.

    .venv/bin/python bench/zip_bomb.py [--inflated-mb 20]

Two bombs, each a real .docx whose word/document.xml inflates to --inflated-mb MB from a
few dozen KB: an honest one, and one whose headers understate that size. For each it
prints the upload's size, the seconds until the refusal and the peak of Python memory
allocated meanwhile (tracemalloc), then the process's peak RSS. Budget: each refused in
under 0.5 s with under 5 MB allocated.
"""

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 0.5
BUDGET_BYTES = 5 * 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inflated-mb", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from annotations.importers import ImportRefused, import_file
    from tests.zip_bombs import docx_bomb

    over = False
    for lying in (False, True):
        data = docx_bomb(args.inflated_mb * 2**20, lying=lying)
        tracemalloc.start()
        started = time.perf_counter()
        try:
            import_file(data, "bomb.docx")
            outcome = "ACCEPTED"
        except ImportRefused as refusal:
            outcome = f"refused ({refusal.code})"
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        over |= seconds > BUDGET_S or peak > BUDGET_BYTES or outcome == "ACCEPTED"
        print(
            f"{'lying' if lying else 'honest'} bomb: {len(data) / 1024:.0f} KB inflating to "
            f"{args.inflated_mb} MB, {outcome} in {seconds:.3f} s, "
            f"peak {peak / 2**20:.1f} MB allocated"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (building the bombs included): {rss:.0f} MB")
    if over:
        print(f"OVER BUDGET: {BUDGET_S} s and {BUDGET_BYTES // 2**20} MB a refusal")
        sys.exit(1)


if __name__ == "__main__":
    main()
