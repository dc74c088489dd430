"""Background jobs in the API: the PDF export and large imports answer 202 Accepted with
`Location: /api/v1/jobs/{id}/`, where the client reads the job's progress and, once it
has succeeded, the link to its file or document.

A job is its creator's, and only while they are a member of its workspace: anyone else
gets 404, as for anything they may not see.
"""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.base import AnyContentNegotiation, ApiView, get_by_id
from annotations.api.exceptions import Conflict
from annotations.api.serializers import JobSerializer
from annotations.models import Job
from annotations.permissions import owns_job


def accepted(job: Job) -> Response:
    """202 with the job's body and its address in Location."""
    job.refresh_from_db()  # run already when the task backend is inline
    body = JobSerializer(job).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


def readable_job(user, pk) -> Job:
    job = get_by_id(Job.objects.all(), pk, "No such job.")
    if not owns_job(user, job):
        raise NotFound("No such job.")
    return job


JOB_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class JobView(ApiView, APIView):
    @extend_schema(
        operation_id="jobs_retrieve",
        summary="A background job you started",
        description="Status (queued, running, succeeded, failed), progress, message and "
        "error; `download` once an export has succeeded, `document` once an import has.",
        parameters=[JOB_ID],
        responses={200: JobSerializer},
        tags=["jobs"],
    )
    def get(self, request, pk):
        return Response(JobSerializer(readable_job(request.user, pk)).data)


class JobDownloadView(ApiView, APIView):
    content_negotiation_class = AnyContentNegotiation
    extra_error_codes = {"GET": ("409",)}

    @extend_schema(
        operation_id="jobs_download",
        summary="The file a job made",
        description="409 while the job is queued or running; 404 when it failed or made "
        "no file (an import's result is its document).",
        parameters=[JOB_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        tags=["jobs"],
    )
    def get(self, request, pk):
        job = readable_job(request.user, pk)
        if job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
            raise Conflict(
                f"The job is {job.status}; its file is ready once it has succeeded.",
                code="not_ready",
            )
        if job.status != Job.Status.SUCCEEDED or job.result_data is None:
            raise NotFound("This job has no file to download.")
        response = HttpResponse(bytes(job.result_data), content_type=job.result_content_type)
        response["Content-Disposition"] = content_disposition_header(True, job.result_name)
        response["Cache-Control"] = "private, no-store"
        return response
