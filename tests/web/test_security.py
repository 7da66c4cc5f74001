"""Login lockout (django-axes) and the TOTP second factor (django-otp), ADR 0014."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, step_offset: int = 0) -> str:
    """The code an authenticator app shows now (or ``step_offset`` steps later)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, drift=0)
    generator.time = time.time() + step_offset * device.step
    return f"{generator.token():0{device.digits}d}"


def _login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password, "next": "/"})


def test_lockout_after_the_failure_limit_even_with_the_right_password(alfa):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 10
    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    client = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.1")
    for _ in range(limit - 1):
        response = _login(client, user.username, "fel-lösenord")
        assert response.status_code == 200  # the login page again, with its error
        assert "_auth_user_id" not in client.session
    response = _login(client, user.username, "fel-lösenord")
    assert response.status_code == 429
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "För många misslyckade inloggningar. Kontot är spärrat i 15 minuter." in page
    assert "_auth_user_id" not in client.session
    # The name is locked from every address too; another person elsewhere is not.
    elsewhere = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.2")
    assert _login(elsewhere, user.username, PASSWORD).status_code == 429
    other = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    assert _login(elsewhere, other.username, PASSWORD).status_code == 302


def test_one_address_trying_many_names_is_locked(alfa):
    names = [user_with_role(Role.ASSOCIATION_STAFF, alfa).username for _ in range(3)]
    client = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.3")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, names[attempt % 3], "fel")
    assert _login(client, names[0], PASSWORD).status_code == 429


def test_a_success_before_the_limit_resets_the_count(alfa):
    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    client = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.4")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.username, "fel")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.4")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.username, "fel")
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_association_staff_log_in_without_a_second_factor(alfa):
    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    client = Client(HTTP_HOST="alfa.localhost")
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/collect/").status_code == 200


@pytest.mark.parametrize("role", [Role.STEERING_GROUP, Role.RESEARCHER, Role.PLATFORM_ADMIN])
def test_national_roles_must_enrol_then_verify(role):
    user = user_with_role(role)
    client = Client(HTTP_HOST="localhost")
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/enrol/?next=%2F"
    # Without the second factor: pages send to the second-factor step, the API refuses.
    page = {Role.RESEARCHER: "/datasets/"}.get(role, "/national/")
    refused = client.get(page)
    assert refused.status_code == 302
    assert refused["Location"].startswith("/account/2fa/enrol/?next=")
    api = client.get("/api/v1/national/snapshots/")
    assert api.status_code == 403
    assert api.json()["detail"] == "Tvåstegsverifiering krävs. Logga in på nytt."

    enrol = client.get("/account/2fa/enrol/?next=" + page)
    text = enrol.content.decode()
    assert "Aktivera tvåstegsverifiering" in text
    assert 'src="data:image/svg+xml;base64,' in text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "".join(text.split('id="otp-secret">')[1].split("<")[0].split()) != ""
    wrong_code = "000000" if _code(device) != "000000" else "111111"
    wrong = client.post("/account/2fa/enrol/", {"otp_token": wrong_code, "next": page})
    assert wrong.status_code == 400
    assert "Koden stämmer inte." in wrong.content.decode()
    # django-otp throttles: right after a wrong code even the right one must wait.
    throttled = client.post("/account/2fa/enrol/", {"otp_token": _code(device), "next": page})
    assert "Vänta några sekunder och försök igen." in throttled.content.decode()
    device.throttle_reset()  # the wait is over
    done = client.post("/account/2fa/enrol/", {"otp_token": _code(device), "next": page})
    assert done.status_code == 302 and done["Location"] == page
    device.refresh_from_db()
    assert device.confirmed
    enrolled = AuditEvent.objects.filter(action="account.second_factor_enrolled")
    assert list(enrolled.values_list("actor", "details")) == [
        (user.pk, {"device": "Autentiseringsapp"})
    ]
    assert client.get(page).status_code == 200
    if role != Role.RESEARCHER:
        assert client.get("/api/v1/national/snapshots/").status_code == 200

    # The next login goes to the verify page; a wrong code keeps the national pages closed.
    client = Client(HTTP_HOST="localhost")
    response = _login(client, user.username, PASSWORD)
    assert response["Location"] == "/account/2fa/verify/?next=%2F"
    assert client.get(page)["Location"].startswith("/account/2fa/verify/?next=")
    bad = client.post("/account/2fa/verify/", {"otp_token": "12345", "next": "/"})
    assert bad.status_code == 400
    assert "Skriv de sex siffrorna som appen visar just nu." in bad.content.decode()
    ok = client.post("/account/2fa/verify/", {"otp_token": _code(device, 1), "next": page})
    assert ok.status_code == 302 and ok["Location"] == page
    assert client.get(page).status_code == 200


def test_verify_refuses_a_foreign_next_url():
    user = user_with_role(Role.STEERING_GROUP)
    client = host_client("localhost", user, second_factor=False)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(
        "/account/2fa/verify/", {"otp_token": _code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_anyone_may_enrol_and_is_then_asked_for_the_code(alfa):
    user = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    client = host_client("alfa.localhost", user, second_factor=False)
    page = client.get("/").content.decode()
    assert 'href="/account/2fa/enrol/"' in page and "Tvåstegsverifiering" in page
    client.get("/account/2fa/enrol/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post("/account/2fa/enrol/", {"otp_token": _code(device)})
    client = Client(HTTP_HOST="alfa.localhost")
    assert _login(client, user.username, PASSWORD)["Location"] == "/account/2fa/verify/?next=%2F"


def test_pages_and_api_answers_are_not_stored_and_carry_a_strict_csp(alfa):
    user = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    client = host_client("alfa.localhost", user)
    for url in ("/", "/collect/participants/", "/api/v1/participants/", "/login/"):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_short_codes_from_one_address_are_throttled(alfa):
    from django.core.cache import cache

    cache.clear()
    client = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.9")
    for _ in range(10):
        assert client.post("/q/", {"code": "ZZZZ-ZZZZ"}).status_code == 400
    locked = client.post("/q/", {"code": "ZZZZ-ZZZZ"})
    assert locked.status_code == 429
    assert "För många felaktiga koder. Vänta 15 minuter och försök igen." in locked.content.decode()
    # Another address is not affected.
    other = Client(HTTP_HOST="alfa.localhost", REMOTE_ADDR="10.0.0.10")
    assert other.post("/q/", {"code": "ZZZZ-ZZZZ"}).status_code == 400
    cache.clear()


def test_second_factor_pages_in_english(alfa):
    from django.conf import settings as dj

    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    client = host_client("alfa.localhost", user, second_factor=False)
    client.cookies[dj.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/account/2fa/enrol/").content.decode()
    assert "Turn on two-step verification" in page and "Six-digit code" in page
    assert "Aktivera" not in page
