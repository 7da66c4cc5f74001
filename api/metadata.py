"""What ``OPTIONS`` answers: the endpoint's name, description and formats, never a 5xx.

DRF's default metadata builds each endpoint's serializer to describe its fields, which fails
on views that take no request body (no ``serializer_class``) and repeats what the OpenAPI
schema (``/api/schema/``) already says precisely. So OPTIONS describes no actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class EndpointMetadata(SimpleMetadata):
    def determine_actions(self, request: Request, view: APIView) -> dict[str, Any]:
        return {}
