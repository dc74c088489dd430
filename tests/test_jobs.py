"""Background jobs: inline, through a real worker process, and after a worker dies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from annotations import jobs
from annotations.models import Claim, Document, Job
from tests.factories import WorkspaceFactory

ROOT = Path(__file__).resolve().parent.parent
SMALL = b"# Budget\n\nTaxes rose by 5% in 2023. We must act.\n"


def _import_job(workspace, data=SMALL, name="speech.md", **params):
    return Job.objects.create(
        kind=Job.Kind.IMPORT,
        workspace=workspace,
        input_data=data,
        input_name=name,
        params={"title": "Speech", **params},
    )


@pytest.mark.django_db
def test_inline_import_job_succeeds_with_progress_and_result(django_capture_on_commit_callbacks):
    workspace = WorkspaceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(_import_job(workspace))
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("succeeded", 100, 1)
    assert job.document.title == "Speech"
    assert job.document.claims.count() == 3
    assert job.input_data is None
    assert job.message == "Imported with 3 claims."


@pytest.mark.django_db
def test_failed_job_shows_the_error_and_can_be_retried(django_capture_on_commit_callbacks, caplog):
    workspace = WorkspaceFactory()
    job = _import_job(workspace, data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, name="x.png")
    with caplog.at_level("INFO", logger="annotations.jobs"):
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "image" in job.error
    # A refused file is the user's to fix: logged, without a traceback or an error.
    (record,) = [r for r in caplog.records if r.name == "annotations.jobs"]
    assert (record.levelname, record.exc_info) == ("INFO", None)
    assert f"job {job.pk} refused the file" in record.getMessage()
    assert Document.objects.count() == 0
    Job.objects.filter(pk=job.pk).update(input_data=SMALL, input_name="speech.md")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.retry(job)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("succeeded", 2, "")


@pytest.mark.django_db
def test_only_failed_jobs_are_retried():
    job = _import_job(WorkspaceFactory())
    with pytest.raises(ValueError, match="Only a failed job"):
        jobs.retry(job)


@pytest.mark.django_db
def test_a_claimed_job_is_not_run_twice():
    job = _import_job(WorkspaceFactory())
    jobs.run(job.pk)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.attempts, Document.objects.count()) == (1, 1)


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(*args, lease=120):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASK_BACKEND": "database",
        "JOB_LEASE_SECONDS": str(lease),
        "SECRET_KEY": "x",
        "SECURE_SSL": "0",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_a_queued_import(database_queue):
    job = _import_job(WorkspaceFactory())
    jobs.run_job.enqueue(job.pk)
    worker = _worker("--once")
    output = worker.communicate(timeout=120)[0].decode()
    assert worker.returncode == 0, output
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error, output)
    assert job.document.claims.count() == 3
    assert job.worker.split(":")[1] == str(worker.pid)


def _big_text() -> bytes:
    seed = (ROOT / "fixtures" / "seed-document.txt").read_text(encoding="utf-8")
    return "".join(f"Part {i}\n\n{seed}\n\n" for i in range(40)).encode()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_nothing_and_the_job_is_taken_up_again(database_queue):
    workspace = WorkspaceFactory()
    job = _import_job(workspace, data=_big_text(), name="big.txt")
    jobs.run_job.enqueue(job.pk)
    worker = _worker("--interval", "0.2")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == "running" and job.progress >= 40:
            break
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == "running"  # as the dead worker left it
    assert (Document.objects.count(), Claim.objects.count()) == (0, 0)
    # Let the lease run out rather than wait for it.
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())
    rerun = _worker("--once")
    output = rerun.communicate(timeout=180)[0].decode()
    assert rerun.returncode == 0, output
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error, output)
    assert job.attempts == 2
    document = Document.objects.get()
    assert Claim.objects.count() == document.claims.count() > 1000
    spans = list(document.claims.values_list("start", "end"))
    assert len(spans) == len(set(spans))


@pytest.mark.django_db
def test_job_page_shows_progress_error_and_retry(client):
    from annotations.models import Role
    from tests.factories import UserFactory, member

    workspace = WorkspaceFactory()
    owner = member(workspace, Role.EDITOR)
    job = _import_job(workspace, data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, name="x.png")
    Job.objects.filter(pk=job.pk).update(created_by=owner)
    jobs.run(job.pk)
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Failed" in page and "image" in page and "Retry" in page
    client.force_login(UserFactory())
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    client.force_login(member(workspace, Role.ANNOTATOR))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_makes_a_queued_pdf_export(database_queue):
    from tests.factories import DocumentFactory

    document = DocumentFactory(title="Budget speech")
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        workspace=document.workspace,
        document=document,
        params={"format": "pdf", "approved": False},
    )
    jobs.run_job.enqueue(job.pk)
    worker = _worker("--once")
    output = worker.communicate(timeout=180)[0].decode()
    assert worker.returncode == 0, output
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error, output)
    assert bytes(job.result_data).startswith(b"%PDF-")
    assert job.result_name == f"budget-speech-{document.pk}.pdf"
