"""Fields, limits and formatting shared by the API's bodies; the error and token bodies.

Reads of the rows that lists return by the hundred (claims, annotations, sources) build
their dicts by hand in `to_representation`: DRF's per-field machinery costs several times
more, and the declared fields still describe the bodies in the OpenAPI schema. Nothing
here queries per row; the views' querysets select and prefetch what is read.
"""

import datetime

from django.core.validators import URLValidator
from django.utils import timezone
from rest_framework import serializers

from annotations.models import PersonalToken, http_url_validator

# Limits for text fields that the database would take at any length: a request carrying
# megabytes in a note is refused with a message, not stored.
NOTE_MAX = 50_000
COMMENT_MAX = 10_000
REASON_MAX = 5_000
RESTATEMENT_MAX = 2_000
EXCERPT_MAX = 10_000
MAX_INT = 2**31 - 1


def dt_writer():
    """What `_dt` does, for a list's many values: the current time zone is looked up
    once (the lookup costs more than the writing), and UTC is the fixed offset, which
    writes the same text as ZoneInfo("UTC") in a tenth of the time."""
    zone = timezone.get_current_timezone()
    if getattr(zone, "key", None) == "UTC":
        zone = datetime.UTC

    def write(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        # iso_datetime(..., utc=False, zulu=True), inlined: a page writes 1,500 of them.
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def _dt(value: datetime.datetime | None) -> str | None:
    """In the site's time zone, "Z" when that is UTC."""
    return dt_writer()(value)


def http_url(**kwargs) -> serializers.Field:
    """An http(s) URL. Optional ones are strings in the schema: "" is no URI."""
    if kwargs.get("allow_blank"):
        validators = [URLValidator(schemes=["http", "https"]), http_url_validator]
        return serializers.CharField(validators=validators, **kwargs)
    return serializers.URLField(validators=[http_url_validator], **kwargs)


class ErrorSerializer(serializers.Serializer):
    """Every 4xx body."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="What went wrong, for a program.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per request field; non_field_errors for the request as a whole.",
    )


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


def _user(user) -> dict | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class PersonalTokenSerializer(serializers.ModelSerializer):
    hint = serializers.CharField(read_only=True, help_text="The first characters of the key.")

    class Meta:
        model = PersonalToken
        fields = ["id", "name", "hint", "created_at", "last_used_at"]
        read_only_fields = ["id", "hint", "created_at", "last_used_at"]


class PersonalTokenCreatedSerializer(PersonalTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The key, shown this once: send it as `Token …`."
    )

    class Meta(PersonalTokenSerializer.Meta):
        fields = [*PersonalTokenSerializer.Meta.fields, "token"]
