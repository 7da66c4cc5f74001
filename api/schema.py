from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class HostSchemaView(SpectacularAPIView):
    """The OpenAPI schema of the URLs this host serves (national or association)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        return super().get(request, *args, **kwargs)


class TokenRolesScheme(OpenApiAuthenticationExtension):
    """The fast token class (api.authentication) is the same header as DRF's token."""

    target_class = "api.authentication.TokenRolesAuthentication"
    name = "tokenRolesAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
