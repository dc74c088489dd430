"""Pages for background jobs: progress, then the result; a failed job can be retried."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from annotations import jobs
from annotations.models import Job
from annotations.permissions import sees_job


def _job_for(request, pk) -> Job:
    job = get_object_or_404(Job.objects.select_related("workspace", "document"), pk=pk)
    # A job is its creator's while a member of the desk; the desk's editors see it too.
    if not sees_job(request.user, job):
        raise Http404("No such job.")
    return job


@login_required
def job_detail(request, pk):
    job = _job_for(request, pk)
    return render(request, "annotations/job.html", {"job": job})


@login_required
def job_download(request, pk):
    job = _job_for(request, pk)
    if job.status != Job.Status.SUCCEEDED or job.result_data is None:
        raise Http404("This job has no file to download.")
    response = HttpResponse(bytes(job.result_data), content_type=job.result_content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.result_name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_retry(request, pk):
    job = _job_for(request, pk)
    try:
        jobs.retry(job)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("job", pk=job.pk)
