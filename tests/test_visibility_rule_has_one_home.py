"""Who sees what is derived in annotations/permissions.py alone: no other module of the
app reads roles with role_in() or filters on `hidden` (the copies of the rule that
disagreed are what leaked blind work)."""

import re
from pathlib import Path

import annotations

APP = Path(annotations.__file__).parent
HOME = APP / "permissions.py"
# A call of role_in, or `hidden` used as a filter: hidden=..., hidden__..., "hidden": in a
# Q(**{...}), or .exclude(hidden...).
FORBIDDEN = [
    (re.compile(r"\brole_in\("), "role_in("),
    (re.compile(r"\b(filter|exclude|Q)\([^)]*\bhidden(=|__)"), "a filter on hidden"),
    (re.compile(r"\bhidden__\w+\s*="), "a lookup on hidden"),
]


def _modules():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts or path == HOME:
            continue
        yield path


def test_no_module_but_permissions_derives_visibility():
    found = []
    for path in _modules():
        # The whole text, so a call spread over several lines is caught too.
        text = path.read_text()
        for pattern, what in FORBIDDEN:
            for match in pattern.finditer(text):
                number = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(APP.parent)}:{number}: {what}")
    assert found == []


def test_the_check_finds_what_it_looks_for():
    samples = [
        "Annotation.objects.filter(claim=claim, hidden=False)",
        "qs.exclude(hidden=True)",
        "role = role_in(user, workspace)",
        "Q(hidden=False) | Q(author=user)",
        "Comment.objects.filter(\n    annotation_id__in=ids,\n    hidden=False,\n)",
    ]
    for sample in samples:
        assert any(p.search(sample) for p, _ in FORBIDDEN), sample
    for innocent in ("locked.hidden = hidden", "if annotation.hidden:", "roles_of(user)"):
        assert not any(p.search(innocent) for p, _ in FORBIDDEN), innocent
