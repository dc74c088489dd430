"""Background jobs: large imports, batch imports and PDF exports, run by django-tasks
workers.

`submit(job)` hands the job to the configured task backend (inline in development, the
database queue in production). `run(job_id)` is what a worker executes: it claims the job
with a conditional UPDATE (only a queued job, or a running one whose lease expired), does
the slow reading and splitting outside any transaction while renewing the lease, then
writes everything in one transaction. A worker killed at any point leaves no partial rows:
the open transaction dies with its connection, and `requeue_expired()` gives the job to
another worker once the lease runs out.
"""

import json
import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from annotations import importers
from annotations.exports import FORMATS
from annotations.importers.archive import zip_files
from annotations.models import Job, NotVisible
from annotations.permissions import Action, require
from annotations.services import import_document
from annotations.text.dates import iso_date, parse_date

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def submit(job: Job) -> Job:
    """Queue the job after the surrounding transaction commits."""
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def start_export(document, user, *, fmt: str = "pdf", include_approved: bool = False) -> Job:
    """A job that renders the document in `fmt` for `user` (the PDF takes seconds)."""
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        workspace=document.workspace,
        created_by=user,
        document=document,
        params={"format": fmt, "approved": include_approved},
        input_name=f"{document.title[:200]}.{fmt}",
    )
    return submit(job)


def start_import(
    workspace,
    user,
    data: bytes,
    *,
    filename: str,
    content_type: str | None = None,
    title: str = "",
    speaker: str = "",
    speaker_type: str = "",
    source_url: str = "",
    published=None,
    language: str = "",
) -> Job:
    """A job that imports an uploaded file (one over BACKGROUND_IMPORT_BYTES): reading
    and splitting it takes longer than a request should."""
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        workspace=workspace,
        created_by=user,
        input_data=data,
        input_name=filename[:255],
        params={
            "content_type": content_type,
            "title": title,
            "speaker": speaker,
            "speaker_type": speaker_type,
            "source_url": source_url,
            "published": iso_date(published),
            "language": language,
        },
    )
    return submit(job)


def start_batch(workspace, user, *, documents=None, archive=None, name="", refused=()) -> Job:
    """A job that imports many documents: `documents`, a list of checked fields (`text`,
    `markdown`, `title`, …, `published` as an ISO date) with their `index`, or `archive`,
    the bytes of a ZIP of files. `refused` holds the results of items refused before the
    job (by index): they are reported with the others."""
    params = {"archive": archive is not None, "refused": list(refused)}
    data = archive if archive is not None else json.dumps(documents).encode()
    job = Job.objects.create(
        kind=Job.Kind.BATCH,
        workspace=workspace,
        created_by=user,
        input_data=data,
        input_name=name[:255],
        params=params,
    )
    return submit(job)


def retry(job: Job) -> Job:
    if job.status != Job.Status.FAILED:
        raise ValueError("Only a failed job can be retried.")
    Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, error="", progress=0, message="Queued again."
    )
    job.refresh_from_db()
    return submit(job)


def requeue_expired() -> int:
    """Running jobs whose worker stopped renewing the lease go back to the queue."""
    expired = list(
        Job.objects.filter(
            status=Job.Status.RUNNING, lease_expires_at__lt=timezone.now()
        ).values_list("pk", flat=True)
    )
    for pk in expired:
        updated = Job.objects.filter(
            pk=pk, status=Job.Status.RUNNING, lease_expires_at__lt=timezone.now()
        ).update(status=Job.Status.QUEUED, message="The worker stopped; queued again.")
        if updated:
            log.warning("job %s: lease expired, queued again", pk)
            run_job.enqueue(pk)
    return len(expired)


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, lease_expires_at__lt=now)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING,
        worker=WORKER_ID,
        lease_expires_at=now + lease(),
        started_at=now,
        message="Started.",
        progress=0,
    )
    if not claimed:
        return None
    Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)
    return Job.objects.get(pk=job_id)


def _progress(job: Job, percent: int, message: str) -> None:
    """Report progress and renew the lease, if this worker still holds the job."""
    Job.objects.filter(pk=job.pk, worker=WORKER_ID, status=Job.Status.RUNNING).update(
        progress=percent, message=message, lease_expires_at=timezone.now() + lease()
    )


def run(job_id: int) -> None:
    job = _claim(job_id)
    if job is None:
        return
    try:
        if job.kind == Job.Kind.IMPORT:
            _run_import(job)
        elif job.kind == Job.Kind.BATCH:
            _run_batch(job)
        else:
            _run_export(job)
    except Exception as exc:
        if isinstance(exc, NotVisible):
            log.info("job %s: its creator may no longer read the desk", job.pk)
            message = "You are no longer a member of this desk."
        elif isinstance(exc, importers.ImportRefused):
            # The file, not the workbench: the user reads why on the job's page.
            log.info("job %s refused the file: %s", job.pk, exc)
            message = str(exc)
        else:
            log.exception("job %s failed", job.pk)
            message = f"{type(exc).__name__}: {exc}"
        Job.objects.filter(pk=job.pk, worker=WORKER_ID).update(
            status=Job.Status.FAILED,
            error=message[:5000],
            finished_at=timezone.now(),
            message="Failed.",
        )


@task()
def run_job(job_id: int) -> None:
    run(job_id)


def _run_import(job: Job) -> None:
    params = job.params
    _progress(job, 10, "Reading the file.")
    imported = importers.import_file(
        bytes(job.input_data),
        filename=job.input_name,
        content_type=params.get("content_type"),
        max_chars=settings.MAX_DOCUMENT_CHARS,
    )
    _progress(job, 40, "Splitting into claims and saving.")
    published = params.get("published")
    with transaction.atomic():
        result = import_document(
            job.workspace,
            imported,
            title=params.get("title", ""),
            speaker=params.get("speaker", ""),
            speaker_type=params.get("speaker_type", ""),
            source_url=params.get("source_url", ""),
            published=parse_date(published),
            language=params.get("language", ""),
            created_by=job.created_by,
        )
        done = Job.objects.filter(pk=job.pk, worker=WORKER_ID).update(
            status=Job.Status.SUCCEEDED,
            progress=100,
            document=result.document,
            message=f"Imported with {result.claims} claims."
            if result.created
            else "This text was already imported.",
            finished_at=timezone.now(),
            input_data=None,
        )
        if not done:
            # Another worker took the job over after our lease ran out: keep its result.
            transaction.set_rollback(True)


def _batch_items(job: Job) -> list[dict]:
    """The batch's items: {"index", "name", "imported": ImportedText, "fields"}, or with
    "error" (an ImportRefused) for one that cannot be read."""
    items = []
    if job.params.get("archive"):
        for index, (name, data) in enumerate(zip_files(bytes(job.input_data), job.input_name)):
            item = {"index": index, "name": name, "fields": {}}
            try:
                if isinstance(data, Exception):
                    raise data
                item["imported"] = importers.import_file(
                    data, filename=name, max_chars=settings.MAX_DOCUMENT_CHARS
                )
            except importers.ImportRefused as exc:
                item["error"] = exc
            items.append(item)
        return items
    for fields in json.loads(bytes(job.input_data)):
        index, text = fields.pop("index"), fields.pop("text")
        item = {"index": index, "name": fields.get("title", ""), "fields": fields}
        try:
            item["imported"] = importers.import_text(
                text,
                as_markdown=fields.pop("markdown", False),
                max_chars=settings.MAX_DOCUMENT_CHARS,
            )
        except importers.ImportRefused as exc:
            item["error"] = exc
        items.append(item)
    return items


def _refused(item: dict, exc: Exception) -> dict:
    message = str(exc) if isinstance(exc, importers.ImportRefused) else f"{exc}"
    code = getattr(exc, "code", "invalid")
    return {
        "index": item["index"],
        "name": item["name"],
        "status": "failed",
        "document": None,
        "claims": None,
        "code": code,
        "detail": message,
        "errors": {},
    }


STATUSES = ("imported", "exists", "failed")  # of a batch's item


def _run_batch(job: Job) -> None:
    """Read every item outside the transaction, then import them in one, each in its own
    savepoint: an item that fails leaves nothing, the others are kept."""
    if job.created_by is not None:
        require(job.created_by, Action.DOCUMENT_IMPORT, job.workspace, "Only editors import.")
    _progress(job, 5, "Reading the files.")
    items = _batch_items(job)
    _progress(job, 30, f"Splitting {len(items)} documents into claims and saving.")
    results = list(job.params.get("refused", []))
    with transaction.atomic():
        for item in items:
            if "error" in item:
                results.append(_refused(item, item["error"]))
                continue
            fields = item["fields"]
            try:
                with transaction.atomic():
                    result = import_document(
                        job.workspace,
                        item["imported"],
                        title=fields.get("title", ""),
                        speaker=fields.get("speaker", ""),
                        speaker_type=fields.get("speaker_type", ""),
                        source_url=fields.get("source_url", ""),
                        published=parse_date(fields.get("published")),
                        language=fields.get("language", ""),
                        created_by=job.created_by,
                    )
            except (importers.ImportRefused, IntegrityError) as exc:
                results.append(_refused(item, exc))
                continue
            results.append(
                {
                    "index": item["index"],
                    "name": item["name"],
                    "status": "imported" if result.created else "exists",
                    "document": result.document.pk,
                    "claims": result.claims,
                    "code": "",
                    "detail": "",
                    "errors": {},
                }
            )
        results.sort(key=lambda r: r["index"])
        counts = {status: sum(r["status"] == status for r in results) for status in STATUSES}
        imported = counts["imported"] + counts["exists"]
        outcome = {"status": Job.Status.SUCCEEDED, "input_data": None}
        if not imported:  # kept for a retry
            outcome = {"status": Job.Status.FAILED, "error": "No document could be imported."}
        done = Job.objects.filter(pk=job.pk, worker=WORKER_ID).update(
            progress=100,
            results=results,
            message=f"Imported {counts['imported']} of {len(results)} documents "
            f"({counts['exists']} already there, {counts['failed']} failed).",
            finished_at=timezone.now(),
            **outcome,
        )
        if not done:
            transaction.set_rollback(True)  # another worker took the job over


def _run_export(job: Job) -> None:
    fmt = FORMATS[job.params["format"]]
    # The export is built as its creator sees the desk now, not as when they asked; a job
    # without a creator is the system's (a command), which sees what an editor sees.
    if job.created_by is not None:
        require(job.created_by, Action.DOCUMENT_READ, job.document)
    _progress(job, 10, "Building the report.")
    data = fmt.export(job.document, job.created_by, include_approved=job.params.get("approved"))
    if not isinstance(data, bytes):
        data = b"".join(data)
    Job.objects.filter(pk=job.pk, worker=WORKER_ID).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        result_data=data,
        result_name=fmt.filename(job.document),
        result_content_type=fmt.content_type,
        message="Ready to download.",
        finished_at=timezone.now(),
    )
