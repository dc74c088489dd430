"""Bodies of webhooks and their delivery log."""

from rest_framework import serializers

from annotations.models import Webhook, WebhookDelivery
from annotations.outbound import MAX_URL_LENGTH

EVENTS_HELP = "The event types it hears: " + ", ".join(Webhook.EventType.values) + "."


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "events": {"help_text": EVENTS_HELP},
            "active": {"help_text": "False once disabled (by an editor or after failures)."},
            "consecutive_failures": {
                "help_text": "Events in a row whose every attempt failed; a success resets it."
            },
        }


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (whsec_…), shown this once: store it with the receiver.",
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="The new secret, shown this once.")


class WebhookWriteSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=MAX_URL_LENGTH,
        trim_whitespace=False,
        help_text="An http(s) URL whose host resolves to a public address.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Webhook.EventType.choices),
        allow_empty=False,
        max_length=len(Webhook.EventType.values),
        help_text=EVENTS_HELP,
    )
    active = serializers.BooleanField(
        required=False, help_text="true enables a disabled webhook again; false disables it."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "attempt",
            "status",
            "response_code",
            "error",
            "created_at",
            "attempted_at",
            "next_attempt_at",
            "payload",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "message_id": {"help_text": "The webhook-id header; the same for every attempt."},
            "response_code": {"help_text": "The endpoint's HTTP status; null if none came."},
            "next_attempt_at": {
                "help_text": "Pending: when it is due. Failed: when the next attempt is, or "
                "null when none is left."
            },
        }
