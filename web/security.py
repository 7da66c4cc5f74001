"""Login with lockout (django-axes) and the TOTP second factor (django-otp), in Swedish.

* ``LoginView``: after the password, a person who needs the second factor goes on to verify
  it (or to enrol a device, the first time) before anything else (ADR 0014).
* ``SecondFactorEnrolView``: a QR code for an authenticator app and the key as text; the
  device counts once a code from it has been verified.
* ``SecondFactorVerifyView``: the six-digit code, throttled by django-otp per device.
* ``lockout_response``: what django-axes shows after too many wrong passwords.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login

from tenants.second_factor import (
    second_factor_device,
    second_factor_device_confirm,
    second_factor_device_pending,
    second_factor_required,
)
from web.mixins import acting_user

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=gettext_lazy("Sexsiffrig kod"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": gettext_lazy("Skriv de sex siffrorna som appen visar just nu."),
            "required": gettext_lazy("Skriv de sex siffrorna som appen visar just nu."),
        },
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = self.request.user
        if not second_factor_required(user=user):
            return url
        step = (
            "web:otp-verify"
            if second_factor_device(user=acting_user(self.request))
            else "web:otp-enrol"
        )
        return f"{reverse(step)}?{urlencode({'next': url})}"


def _verify(device: TOTPDevice, token: str) -> tuple[bool, str]:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False, _("För många felaktiga koder. Vänta några sekunder och försök igen.")
    if device.verify_token(token.strip()):
        return True, ""
    return False, _("Koden stämmer inte. Kontrollera att klockan i telefonen går rätt.")


class SecondFactorVerifyView(LoginRequiredMixin, View):
    template_name = "web/otp/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if second_factor_device(user=acting_user(request)) is None:
            return redirect(f"{reverse('web:otp-enrol')}?{urlencode({'next': _next_url(request)})}")
        return self._render(request, TokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        device = second_factor_device(user=acting_user(request))
        if device is None:
            return redirect("web:otp-enrol")
        form = TokenForm(request.POST)
        if form.is_valid():
            ok, error = _verify(device, form.cleaned_data["otp_token"])
            if ok:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("otp_token", error)
        return self._render(request, form, status=400)

    def _render(self, request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "next": _next_url(request)}
        return render(request, self.template_name, context, status=status)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


class SecondFactorEnrolView(LoginRequiredMixin, View):
    """Set up TOTP: one unconfirmed device per person until a code from it is verified."""

    template_name = "web/otp/enrol.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        if second_factor_device(user=user) is not None:
            messages.info(request, _("Du har redan tvåstegsverifiering."))
            return redirect(
                f"{reverse('web:otp-verify')}?{urlencode({'next': _next_url(request)})}"
            )
        device = second_factor_device_pending(user=user, name=_("Autentiseringsapp"))
        return self._render(request, device, TokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        if second_factor_device(user=user) is not None:
            return redirect("web:otp-verify")
        device = second_factor_device_pending(user=user, name=_("Autentiseringsapp"))
        form = TokenForm(request.POST)
        if form.is_valid():
            ok, error = _verify(device, form.cleaned_data["otp_token"])
            if ok:
                second_factor_device_confirm(device=device, actor=user)
                otp_login(request, device)
                messages.success(request, _("Tvåstegsverifiering är aktiverad."))
                return redirect(_next_url(request))
            form.add_error("otp_token", error)
        return self._render(request, device, form, status=400)

    def _render(
        self, request: HttpRequest, device: TOTPDevice, form: TokenForm, status: int = 200
    ) -> HttpResponse:
        secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        context: dict[str, Any] = {
            "form": form,
            "next": _next_url(request),
            "qr": _qr_data_uri(device.config_url),
            # Groups of four make the key easier to type into an app by hand.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }
        return render(request, self.template_name, context, status=status)


# Paper short codes are short: after this many unknown codes from one address within the
# window, the code page refuses for the rest of the window (tokens in links are long).
SHORT_CODE_FAILURE_LIMIT = 10
SHORT_CODE_WINDOW_SECONDS = 15 * 60


def _short_code_key(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    tenant = getattr(request, "tenant", None)
    return f"nns:short-code:{getattr(tenant, 'schema_name', '')}:{get_client_ip_address(request)}"


def short_code_locked(request: HttpRequest) -> bool:
    return int(cache.get(_short_code_key(request), 0)) >= SHORT_CODE_FAILURE_LIMIT


def short_code_failed(request: HttpRequest) -> None:
    key = _short_code_key(request)
    if cache.add(key, 1, SHORT_CODE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, SHORT_CODE_WINDOW_SECONDS)


def short_code_locked_text() -> str:
    return _("För många felaktiga koder. Vänta 15 minuter och försök igen.")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = _(
        "För många misslyckade inloggningar. Kontot är spärrat i %(minutes)d minuter. "
        "Försök igen senare eller kontakta din administratör."
    ) % {"minutes": minutes}
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message, "errors": {}}, status=429)
    return render(request, "web/otp/locked.html", {"message": message}, status=429)
