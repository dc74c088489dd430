"""Bodies of workspaces, memberships, ratings and rating scales."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.api.serializers.common import NOTE_MAX, UserSerializer, http_url
from annotations.models import (
    Membership,
    Rating,
    Role,
    Workspace,
)
from annotations.permissions import roles_of


class WorkspaceSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this workspace.")
    organisation_url = http_url(max_length=200, required=False, allow_blank=True)
    methodology = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)

    class Meta:
        model = Workspace
        fields = [
            "id",
            "slug",
            "name",
            "organisation_name",
            "organisation_url",
            "methodology",
            "blind",
            "checkworthiness_threshold",
            "role",
            "created_at",
        ]
        read_only_fields = ["id", "slug", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, workspace) -> str | None:
        return roles_of(self.context["request"].user).get(workspace.pk)


class WorkspaceCreateSerializer(WorkspaceSerializer):
    slug = serializers.RegexField(
        r"^[-a-zA-Z0-9_]+\Z",
        max_length=50,
        help_text="The workspace's address in URLs: letters, digits, - and _.",
        error_messages={"invalid": "Use only letters, digits, - and _."},
    )

    class Meta(WorkspaceSerializer.Meta):
        read_only_fields = ["id", "created_at"]


class MembershipSerializer(serializers.ModelSerializer):
    user = UserSerializer(read_only=True)
    username = serializers.CharField(
        write_only=True, max_length=150, help_text="The account to add to the workspace."
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "role", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_username(self, value):
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("There is no active account with this username.")
        workspace = self.context["workspace"]
        if Membership.objects.filter(workspace=workspace, user=user).exists():
            raise serializers.ValidationError("This account is already a member.")
        self.context["new_member"] = user
        return value


class MembershipRoleSerializer(MembershipSerializer):
    class Meta(MembershipSerializer.Meta):
        read_only_fields = ["id", "created_at", "username"]
        extra_kwargs = {"username": {"required": False}}


class RatingSerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(min_value=0, max_value=32767)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Rating
        fields = ["id", "label", "position", "ordinal", "colour", "description"]

    def validate(self, attrs):
        scale = self.context["scale"]
        others = Rating.objects.filter(scale=scale)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if "label" in attrs and others.filter(label=attrs["label"]).exists():
            raise serializers.ValidationError({"label": ["This scale already has this label."]})
        if "position" in attrs and others.filter(position=attrs["position"]).exists():
            raise serializers.ValidationError(
                {"position": ["Another rating of this scale has this position."]}
            )
        return attrs


class RatingScaleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    ratings = RatingSerializer(many=True, read_only=True)
