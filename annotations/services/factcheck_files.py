"""Loading a file of reference fact-checks into a workspace: read it
(importers.factchecks), store the records that could be read (factchecks.store_references,
one transaction), and report what was loaded and which records were left out and why.
The import page, the API and `manage.py import_factchecks` all load through here."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError

from annotations.importers.factchecks import FactCheckFile, RecordProblem, read_factchecks
from annotations.models import Workspace
from annotations.permissions import Action, require
from annotations.services.factchecks import FactCheckRecord, store_references

NOT_EDITOR = "Only editors can load reference fact-checks."


@dataclass(frozen=True)
class LoadReport:
    format: str  # "json", "jsonl" or "tsv"
    loaded: int  # new reference fact-checks
    duplicates: int  # read, but already in the workspace (or twice in the file)
    problems: list[RecordProblem]  # records left out, in file order

    @property
    def skipped(self) -> int:
        return len(self.problems)


def load_factchecks(
    workspace: Workspace, data: bytes, by, *, filename: str | None = None
) -> LoadReport:
    """Read `data` and add its fact-checks to the workspace. `by` must be allowed
    `factchecks.load` (None: a trusted caller, the command). Raises ImportRefused when the
    file as a whole cannot be read, before anything is stored."""
    if by is not None:
        require(by, Action.FACTCHECKS_LOAD, workspace, NOT_EDITOR)
    parsed = read_factchecks(data, filename, max_bytes=settings.FACTCHECKS_MAX_BYTES)
    loaded = _stored(workspace, parsed, by)
    return LoadReport(
        format=parsed.format,
        loaded=loaded,
        duplicates=len(parsed.records) - loaded,
        problems=parsed.problems,
    )


def _stored(workspace: Workspace, parsed: FactCheckFile, by) -> int:
    records = [FactCheckRecord(**asdict(record)) for record in parsed.records]
    if not records:
        return 0
    try:
        return store_references(workspace, records, by)
    except IntegrityError:
        # Another load of the same fact-checks committed meanwhile; what it stored now
        # counts as already there.
        return store_references(workspace, records, by)
