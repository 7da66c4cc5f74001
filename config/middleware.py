"""Cross-cutting response and session guards (ADR 0014)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.second_factor import (
    second_factor_device,
    second_factor_required,
    second_factor_verified,
)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and API response Django renders.

    Pages and API answers carry personal or health data; no browser or proxy cache may keep
    them. Static files are served by WhiteNoise before this runs and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response


# Reachable before the second factor: the login and second-factor pages themselves,
# language switching, and liveness.
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/2fa/", "/i18n/", "/jsi18n/", "/static/")
_OPEN_PATHS = ("/api/v1/health/",)


class SecondFactorMiddleware:
    """A session user who needs TOTP reaches nothing else until they have verified it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path_info
        if (
            not user.is_authenticated
            or path.startswith(_OPEN_PREFIXES)
            or path in _OPEN_PATHS
            or second_factor_verified(user=user)
            or not second_factor_required(user=user)
        ):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Tvåstegsverifiering krävs. Logga in på nytt."), "errors": {}},
                status=403,
            )
        has_device = second_factor_device(user=user) is not None
        target = reverse("web:otp-verify" if has_device else "web:otp-enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
