"""Host-level guards that run after django-tenants has chosen the schema."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.translation import gettext as _


class ActiveAssociationMiddleware:
    """An archived association's host serves nothing; its data stays in its schema."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is not None and getattr(tenant, "archived_at", None) is not None:
            return HttpResponseNotFound(_("Samordningsförbundet är arkiverat."))
        return self.get_response(request)
