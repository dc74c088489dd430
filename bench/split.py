"""Benchmark of annotations.text.segmentation.split, run by hand: `python bench/split.py`.

Builds the demo document repeated to 1 MB and to 10 MB (UTF-8), and prints for each the
throughput (the best of --repeat runs, the two sizes taking turns), the peak memory of the
call (tracemalloc, in a separate run so tracing does not slow the timed one) and the number
of segments; then pySBD's throughput on the same 1 MB.
Then times inputs built to make a splitter backtrack or go quadratic (a million candidate
boundaries that are none, never-closed quotes, a million newlines, ...).
Checks the budgets: at least 5 MB/s, 10 MB in at most 11x the time of 1 MB, peak memory
under 10x the text's UTF-8 size, each pathological input in under 5 s. Needs no Django;
pySBD is optional (`pip install pysbd`).
Exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.text.segmentation import split  # noqa: E402

DOCUMENT = ROOT / "fixtures" / "seed-document.txt"
MB = 1_000_000
MIN_MB_PER_S = 5.0
MAX_SCALING = 11.0
MAX_MEMORY_RATIO = 10.0
MAX_PATHOLOGICAL_SECONDS = 5.0
PATHOLOGICAL = {
    "one giant line": "The war in Ukraine, said Mr. Smith, costs 3.5 billion (e.g. tanks). "
    * 14_705,
    "abbreviations": "e.g. " * 200_000,  # a million candidates, none of them a boundary
    "open quotes": '"(«“ Word. ' * 100_000,  # never-closed quotes and brackets
    "stray marks": ". " * 500_000,
    "newlines": "\n" * 1_000_000 + "Word.",
    "short lines": "a\n" * 300_000,
    "inline list": "• x " * 50_000,
    "stamps": "04/26/2001 07:17 AM Will " * 20_000,
    "ellipses": ". . . . Next " * 50_000,
    "no spaces": "a" * 1_000_000,
}


def build(text: str, megabytes: int) -> str:
    """The text repeated, paragraph-separated: enough copies for 1 MB (UTF-8), times
    `megabytes`, so the 10 MB text is exactly ten times the 1 MB one."""
    unit = text.rstrip() + "\n\n\n"
    copies = -(-MB // len(unit.encode("utf-8")))
    return unit * (copies * megabytes)


def best_time(function, argument, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = function(argument)
        best = min(best, time.perf_counter() - started)
    return best, result


def peak_memory(function, argument) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        function(argument)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=7, help="timed runs per size, taking turns (best kept)"
    )
    parser.add_argument("--skip-pysbd", action="store_true", help="do not time pySBD")
    args = parser.parse_args()

    source = DOCUMENT.read_text(encoding="utf-8")
    ok = True
    timings = {}
    print(f"Python {sys.version.split()[0]}, demo document {len(source.encode()):,} bytes")
    texts = {megabytes: build(source, megabytes) for megabytes in (1, 10)}
    # The sizes take turns, so that both see the machine as it is at the time: on a
    # shared machine a burst of other work would otherwise land on one size only.
    for _ in range(args.repeat):
        for megabytes, text in texts.items():
            seconds, segments = best_time(split, text, 1)
            del segments
            timings[megabytes] = min(seconds, timings.get(megabytes, seconds))
    for megabytes, text in texts.items():
        size = len(text.encode("utf-8"))
        seconds = timings[megabytes]
        segments_count = len(split(text))
        peak = peak_memory(split, text)
        speed = size / MB / seconds
        speed_ok = speed >= MIN_MB_PER_S
        memory_ok = peak < MAX_MEMORY_RATIO * size
        ok = ok and speed_ok and memory_ok
        print(
            f"{megabytes:>2} MB ({size:,} bytes): {seconds:.3f} s, {speed:.1f} MB/s "
            f"[>= {MIN_MB_PER_S} MB/s: {verdict(speed_ok)}], "
            f"peak {peak / MB:.1f} MB = {peak / size:.2f}x text "
            f"[< {MAX_MEMORY_RATIO}x: {verdict(memory_ok)}], {segments_count:,} segments"
        )
    scaling = timings[10] / timings[1]
    scaling_ok = scaling <= MAX_SCALING
    ok = ok and scaling_ok
    print(f"10 MB took {scaling:.2f}x the time of 1 MB [<= {MAX_SCALING}x: {verdict(scaling_ok)}]")

    for name, text in PATHOLOGICAL.items():
        seconds, segments = best_time(split, text, 1)
        fast = seconds < MAX_PATHOLOGICAL_SECONDS
        ok = ok and fast
        print(
            f"pathological, {name} ({len(text):,} characters): {seconds:.3f} s, "
            f"{len(segments):,} segments [< {MAX_PATHOLOGICAL_SECONDS:.0f} s: {verdict(fast)}]"
        )

    if not args.skip_pysbd:
        try:
            import pysbd
        except ImportError:
            print("pySBD not installed (pip install pysbd): comparison skipped")
        else:
            text = build(source, 1)
            size = len(text.encode("utf-8"))
            segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
            print("pySBD on the same 1 MB (one run, takes a few seconds) ...", flush=True)
            seconds, sentences = best_time(segmenter.segment, text, 1)
            print(
                f"pySBD {pysbd.__version__}: {seconds:.2f} s, {size / MB / seconds:.2f} MB/s, "
                f"{len(sentences):,} sentences; split is {seconds / timings[1]:.0f}x "
                "faster"
            )
    print("all budgets met" if ok else "SOME BUDGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
