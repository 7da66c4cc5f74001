"""The one host check every page and endpoint uses (tenants.permissions.host_allows)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from tenants.models import Association
from tenants.permissions import HostScope, host_allows, host_scope_require


def _request(tenant: Association | None):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    if tenant is not None:
        request.tenant = tenant  # type: ignore[attr-defined]
    return request


@pytest.mark.django_db
def test_each_scope_exists_only_on_its_host(alfa):
    public = Association.objects.get(schema_name="public")
    on_alfa, on_public, no_tenant = _request(alfa), _request(public), _request(None)
    assert host_allows(on_alfa, HostScope.ASSOCIATION)
    assert not host_allows(on_alfa, HostScope.NATIONAL)
    for national in (on_public, no_tenant):
        assert host_allows(national, HostScope.NATIONAL)
        assert not host_allows(national, HostScope.ASSOCIATION)
    for request in (on_alfa, on_public, no_tenant):
        assert host_allows(request, HostScope.ANY)
    # Views declare the scope as a plain string too.
    assert host_allows(on_alfa, "association") and not host_allows(on_alfa, "national")


@pytest.mark.django_db
def test_wrong_host_is_a_404(alfa):
    with pytest.raises(Http404):
        host_scope_require(_request(alfa), HostScope.NATIONAL)
    host_scope_require(_request(alfa), HostScope.ASSOCIATION)


def test_no_other_module_repeats_the_host_check():
    """The host comparison is written once: grep the views for the old inline forms."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("web", "api", "tenants"):
        for path in (root / folder).rglob("*.py"):
            if path == root / "tenants" / "permissions.py":
                continue  # the one place it lives
            text = path.read_text(encoding="utf-8")
            if "on_association" in text or "current_association(request) is None" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
