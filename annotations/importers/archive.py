"""A ZIP of documents for a batch import: its files, once the archive has passed the same
inflation guard as a Word document (the bytes really inflated, whatever its headers say),
so a ZIP bomb is refused after a few MB of work."""

from __future__ import annotations

import io
import zipfile
import zlib
from contextlib import contextmanager

from .common import ImportRefused
from .docx import _MAX_UNZIPPED_BYTES, _unzips_too_large, check_inflated_size

MAX_FILES = 1000
_ADVICE = "Unpack it, check its files and make a fresh archive of them."


def _skipped(info: zipfile.ZipInfo) -> bool:
    # Folders, and what archivers add beside the files (macOS resource forks, dot files).
    parts = info.filename.split("/")
    return info.is_dir() or parts[0] == "__MACOSX" or parts[-1].startswith(".")


def zip_files(data: bytes, name: str, *, max_files: int = MAX_FILES) -> list[tuple[str, object]]:
    """The archive's files in archive order: (path, bytes), or (path, ImportRefused) for a
    member that cannot be read (encrypted, damaged), once `check_zip` has passed."""
    with _checked(data, name, max_files) as (archive, members):
        return [(info.filename, _read(archive, info)) for info in members]


def check_zip(data: bytes, name: str, *, max_files: int = MAX_FILES) -> int:
    """Refuse the archive (ImportRefused) when it is no ZIP, holds no files or more than
    `max_files`, or inflates beyond the guard's limits; else the number of its files."""
    with _checked(data, name, max_files) as (_, members):
        return len(members)


@contextmanager
def _checked(data: bytes, name: str, max_files: int):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImportRefused(
            f"{name} is not a ZIP archive, or it is damaged. Make a fresh archive of the files.",
            "damaged",
        ) from None
    with archive:
        members = [info for info in archive.infolist() if not _skipped(info)]
        if not members:
            raise ImportRefused(f"{name} holds no files to import.", "empty")
        if len(members) > max_files:
            raise ImportRefused(
                f"{name} holds {len(members):,} files; the limit is {max_files:,} a batch. "
                "Split it into several archives.",
                "too_long",
            )
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED_BYTES:
            raise _unzips_too_large(name)
        try:
            check_inflated_size(archive, data, name, what="archive of documents", advice=_ADVICE)
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError):
            raise ImportRefused(
                f"{name} is damaged or encrypted. Make a fresh archive of the files.", "damaged"
            ) from None
        yield archive, members


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | ImportRefused:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError):
        return ImportRefused(
            f"{info.filename} in the archive is damaged or encrypted; it was skipped.", "damaged"
        )
