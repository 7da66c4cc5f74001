from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_serializer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.common import ErrorSerializer

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class ScopedAutoSchema(AutoSchema):
    """Documents the error answers every scoped view can give, in the shape of
    :mod:`api.errors`: 400 for a body or query parameters that do not validate, 403 for a
    missing role or the wrong host, 404 for an object that is not in this association's
    schema. Responses an operation documents itself (a 409, an import's row errors) win."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["403"]
        has_body = self.method in _UNSAFE and self.get_request_serializer() is not None
        if has_body or any(is_serializer(p) for p in self.get_override_parameters()):
            codes.append("400")  # the body or the query parameters do not validate
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses


class TokenRolesScheme(OpenApiAuthenticationExtension):
    """``api.authentication.TokenRolesAuthentication``: DRF's token header, its own name."""

    target_class = "api.authentication.TokenRolesAuthentication"
    name = "tokenRolesAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }


class HostSchemaView(SpectacularAPIView):
    """The OpenAPI schema of the URLs this host serves (national or association)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        return super().get(request, *args, **kwargs)
