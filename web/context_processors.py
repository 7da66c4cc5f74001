from __future__ import annotations

from django.http import HttpRequest

from tenants.permissions import current_association, request_roles


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "current_association": current_association(request),
        "current_roles": sorted(r.value for r in request_roles(request)),
    }
