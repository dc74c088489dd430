"""Validators and conditions shared by the models' fields and check constraints."""

from django.core.exceptions import ValidationError
from django.db.models import Q

HTTP_URL = Q(url__startswith="http://") | Q(url__startswith="https://")


def http_url_validator(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError("Only http:// and https:// links are allowed.", code="scheme")
