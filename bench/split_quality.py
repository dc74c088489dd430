"""Quality of annotations.text.segmentation.split against public references, run by hand:
`python bench/split_quality.py`.

Prints, for the splitter and for pySBD in the same run:

- the share of the 48 English "Golden Rules" of pragmatic_segmenter / pySBD split exactly
  (the cases are those of tests/text/test_segmentation_golden.py);
- on Universal Dependencies English-EWT (`--ewt`, default ../shared/data/...): the F1 of
  *internal* sentence boundaries. The sentences of each paragraph are joined with one space
  and split again; boundaries at the ends of paragraphs are given, so not counted. The
  splitter ships no statistics fitted on EWT; its web-text rules were written looking only at
  the documents whose id hashes to an even number (`training_half`), so the figure is given
  for the other, held-back half and for the whole file;
- the splitter's throughput on the demo document and on the held-back half, each repeated to
  5 MB (best of `--repeat` runs), by the clock and in CPU time: on a machine shared with other
  work the clock also counts the time spent waiting for a core.

Needs no Django. pySBD is a development requirement (`requirements-dev.txt`).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.text.segmentation import split  # noqa: E402
from tests.text.test_segmentation_golden import GOLDEN_RULES, golden_pieces  # noqa: E402

EWT = ROOT.parent / "shared" / "data" / "ud-english-ewt-dev.conllu"
MB = 1_000_000


def ewt_paragraphs(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(document id, sentences) of every paragraph of a CoNLL-U file."""
    document, sentences = "", []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(("# newdoc id", "# newpar")):
                if sentences:
                    yield document, sentences
                sentences = []
                if line.startswith("# newdoc id"):
                    document = line.split("=", 1)[1].strip()
            elif line.startswith("# text ="):
                sentences.append(line.split("=", 1)[1].strip())
    if sentences:
        yield document, sentences


def training_half(document: str) -> bool:
    """The half of the documents looked at while writing the splitter's rules (by a hash of
    the document id, so the same on every machine)."""
    return zlib.crc32(document.encode("utf-8")) % 2 == 0


def internal_boundaries(sentences: list[str]) -> tuple[str, set[int]]:
    """The paragraph (sentences joined by one space) and the offsets where its sentences
    2..n start."""
    offsets, position = set(), 0
    for sentence in sentences[:-1]:
        position += len(sentence) + 1
        offsets.add(position)
    return " ".join(sentences), offsets


def ours(text: str) -> list[int]:
    return [segment.start for segment in split(text)]


def pysbd_starts(segmenter) -> Callable[[str], list[int]]:
    def starts(text: str) -> list[int]:
        return [span.start for span in segmenter.segment(text)]

    return starts


def boundary_f1(paragraphs, starts: Callable[[str], list[int]]) -> tuple[float, float, float]:
    true_positive = predicted = expected = 0
    for sentences in paragraphs:
        text, gold = internal_boundaries(sentences)
        found = {start for start in starts(text) if start > 0}
        true_positive += len(found & gold)
        predicted += len(found)
        expected += len(gold)
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def golden_accuracy(pieces: Callable[[str], list[str]]) -> tuple[int, list[int]]:
    failed = [
        number
        for number, (text, expected) in enumerate(GOLDEN_RULES, 1)
        if pieces(text) != expected
    ]
    return len(GOLDEN_RULES) - len(failed), failed


def throughput(text: str, repeat: int) -> tuple[float, float]:
    """MB/s by the wall clock and by this process's CPU time (best of `repeat` runs each):
    on a machine shared with other work the two differ, and the CPU figure is the steadier."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        split(text)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    size = len(text.encode("utf-8")) / MB
    return size / wall, size / cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ewt", type=Path, default=EWT, help="the EWT .conllu file")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (best kept)")
    args = parser.parse_args()
    try:
        import pysbd
    except ImportError:
        print("pySBD is needed for the comparison: pip install -r requirements-dev.txt")
        return 2
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    sbd_starts = pysbd_starts(segmenter)

    passed, failed = golden_accuracy(golden_pieces)
    print(
        f"Golden Rules (English, {len(GOLDEN_RULES)}): split {passed}/{len(GOLDEN_RULES)} "
        f"= {passed / len(GOLDEN_RULES):.1%}" + (f", failed: {failed}" if failed else "")
    )
    sbd_passed, sbd_failed = golden_accuracy(
        lambda text: [span.sent.strip() for span in segmenter.segment(text)]
    )
    print(
        f"Golden Rules: pySBD {pysbd.__version__} {sbd_passed}/{len(GOLDEN_RULES)} "
        f"= {sbd_passed / len(GOLDEN_RULES):.1%}"
        + (f", failed: {sbd_failed}" if sbd_failed else "")
    )

    documents = list(ewt_paragraphs(args.ewt))
    held_back = [sentences for document, sentences in documents if not training_half(document)]
    parts = (("held-back half", held_back), ("whole file", [s for _, s in documents]))
    for part, paragraphs in parts:
        boundaries = sum(len(p) - 1 for p in paragraphs)
        print(f"EWT {part}: {len(paragraphs)} paragraphs, {boundaries} internal boundaries")
        for name, starts in (("split", ours), (f"pySBD {pysbd.__version__}", sbd_starts)):
            precision, recall, f1 = boundary_f1(paragraphs, starts)
            print(f"  {name:<12} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")

    demo = (ROOT / "fixtures" / "seed-document.txt").read_text(encoding="utf-8")
    web = "\n\n".join(" ".join(p) for p in held_back)
    for name, unit in (("demo document", demo), ("EWT held-back half", web)):
        unit = unit.rstrip() + "\n\n\n"
        text = unit * -(-5 * MB // len(unit.encode("utf-8")))
        wall, cpu = throughput(text, args.repeat)
        print(
            f"Throughput, {name} repeated to {len(text.encode()) / MB:.1f} MB: "
            f"{wall:.1f} MB/s by the clock, {cpu:.1f} MB/s of CPU time"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
