"""POST /api/v1/auth/token/: a username and password for an API token, while password
sign-in is on (PASSWORD_LOGIN); personal tokens (annotations/api/tokens.py) work always."""

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api import serializers
from annotations.api.base import ApiView
from annotations.api.parsers import BoundedJSONParser
from annotations.api.throttling import TokenThrottle


class TokenView(ApiView, APIView):
    """Exchange a username and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="auth_token",
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied(
                "Password sign-in is switched off on this server, so no token is given for a "
                "password. Sign in with "
                f"{settings.OIDC_PROVIDER_NAME} and create a personal API token on your "
                "account's API tokens page (/account/tokens/)."
            )
        data = serializers.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with these credentials."]},
                code="invalid_credentials",
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
