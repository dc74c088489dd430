"""The modules of annotations/text/ are pure: each imports with Django unconfigured and
loads nothing of Django or of the rest of the app."""

import subprocess
import sys
from pathlib import Path

import pytest

import annotations.text

MODULES = sorted(
    p.stem for p in Path(annotations.text.__file__).parent.glob("*.py") if p.stem != "__init__"
)


def test_the_text_package_has_the_pure_modules():
    assert MODULES == [
        "abbreviations",
        "agreement",
        "anchoring",
        "checkworthiness",
        "claim_features",
        "claim_lexicons",
        "claim_ngrams",
        "dates",
        "diffing",
        "growing",
        "inline_lists",
        "language",
        "layout",
        "markdown",
        "segmentation",
        "transcripts",
    ]


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_without_django(module):
    code = (
        "import os, sys\n"
        "os.environ.pop('DJANGO_SETTINGS_MODULE', None)\n"
        f"import annotations.text.{module}\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')\n"
        "    or (m.startswith('annotations.') and not m.startswith('annotations.text')))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(annotations.__file__).parent.parent,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
