"""Bodies of background jobs."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.api.serializers.documents import BatchResultSerializer
from annotations.models import Job


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="This job in the API.")
    download = serializers.SerializerMethodField(
        help_text="Once an export has succeeded: where to download its file; else null."
    )
    document = serializers.IntegerField(
        source="document_id",
        read_only=True,
        allow_null=True,
        help_text="The document exported, or the one an import made once it has succeeded.",
    )

    results = BatchResultSerializer(
        many=True,
        read_only=True,
        help_text="A batch import's outcome per item, once it has run; empty otherwise.",
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "progress",
            "message",
            "error",
            "document",
            "download",
            "results",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "progress": {"help_text": "Percent done, 0–100."},
            "error": {"help_text": "Why the job failed; empty otherwise."},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, job) -> str:
        return reverse("api-job", args=[job.pk])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_download(self, job) -> str | None:
        if job.status == Job.Status.SUCCEEDED and job.result_name:
            return reverse("api-job-download", args=[job.pk])
        return None
