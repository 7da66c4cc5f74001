from __future__ import annotations

from django.http import HttpRequest

from tenants.permissions import current_association, request_roles


def platform(request: HttpRequest) -> dict[str, object]:
    if not hasattr(request, "user"):  # a 404 raised before authentication (unknown host)
        return {"current_association": None, "current_roles": []}
    return {
        "current_association": current_association(request),
        "current_roles": sorted(r.value for r in request_roles(request)),
    }
