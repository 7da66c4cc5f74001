"""Typed access to django-tenants' connection extras (the stubs do not know them)."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection


def _tenant_connection() -> Any:
    return cast(Any, connection)


def current_schema() -> str:
    return str(_tenant_connection().schema_name)


def public_schema_use() -> None:
    """Point the connection back at the public schema (after a tenant context or request)."""
    _tenant_connection().set_schema_to_public()


def tenant_use(tenant: Any) -> None:
    """Point the connection at a tenant's schema (django-tenants' ``set_tenant``)."""
    _tenant_connection().set_tenant(tenant)


def current_association_slug() -> str:
    """The slug of the association whose schema the connection is on ("" on public)."""
    tenant = getattr(_tenant_connection(), "tenant", None)
    if tenant is None or current_schema() == "public":
        return ""
    return str(getattr(tenant, "slug", ""))
