"""Word-level differences between two texts, for showing what changed: pure, no Django.

`words(old, new)` cuts both texts into words and the whitespace between them and answers
the runs of each: ("equal", text), ("delete", old text) or ("insert", new text). A
replaced run is a delete followed by an insert. Nothing is escaped here: the caller shows
the runs as text.
"""

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")

Run = tuple[str, str]


def words(old: str, new: str) -> list[Run]:
    before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    runs: list[Run] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(runs, "equal", "".join(before[i1:i2]))
            continue
        if op in ("delete", "replace"):
            _append(runs, "delete", "".join(before[i1:i2]))
        if op in ("insert", "replace"):
            _append(runs, "insert", "".join(after[j1:j2]))
    return runs


def _append(runs: list[Run], op: str, text: str) -> None:
    if not text:
        return
    if runs and runs[-1][0] == op:
        runs[-1] = (op, runs[-1][1] + text)
    else:
        runs.append((op, text))


def changed(runs: list[Run]) -> bool:
    return any(op != "equal" for op, _ in runs)
