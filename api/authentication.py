"""Token authentication that reads the user's roles on this host in the same query.

DRF's ``TokenAuthentication`` costs one query for the token and its user, and the role check
(``tenants.permissions.request_roles``) two more. Hot endpoints (``POST /api/v1/responses/``)
use this class instead: one round trip for token, user, national roles and memberships of
the current host's association, with the same rules as ``tenants.selectors.user_roles``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from tenants.models import Membership, NationalRoleGrant, User
from tenants.permissions import _CACHE_ATTR as ROLES_ATTR
from tenants.permissions import current_association
from tenants.roles import Role

_USER_FIELDS = User._meta.concrete_fields
_TOKEN_FIELDS = Token._meta.concrete_fields
_SQL = (
    "SELECT {token}, {user}, "
    'ARRAY(SELECT g."role" FROM "{grants}" g WHERE g."user_id" = u."id"), '
    'ARRAY(SELECT m."role" FROM "{members}" m '
    'WHERE m."user_id" = u."id" AND m."association_id" = %s) '
    'FROM "{tokens}" t JOIN "{users}" u ON u."id" = t."user_id" WHERE t."key" = %s'
).format(
    token=", ".join(f't."{f.column}"' for f in _TOKEN_FIELDS),
    user=", ".join(f'u."{f.column}"' for f in _USER_FIELDS),
    grants=NationalRoleGrant._meta.db_table,
    members=Membership._meta.db_table,
    tokens=Token._meta.db_table,
    users=User._meta.db_table,
)


class TokenRolesAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, plus the roles for the permission check."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        association = current_association(request)
        self._association_id = association.pk if association is not None else None
        result = super().authenticate(request)
        if result is not None:
            # The permission layer reads this cache before it would query the roles itself.
            setattr(request, ROLES_ATTR, self._roles)
            setattr(request._request, ROLES_ATTR, self._roles)
        return result

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        with connection.cursor() as cursor:
            cursor.execute(_SQL, [self._association_id, key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        n_token, n_user = len(_TOKEN_FIELDS), len(_USER_FIELDS)
        token = Token.from_db(connection.alias, [f.attname for f in _TOKEN_FIELDS], row[:n_token])
        user = User.from_db(
            connection.alias, [f.attname for f in _USER_FIELDS], row[n_token : n_token + n_user]
        )
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        national, memberships = row[n_token + n_user :]
        self._roles = frozenset(Role(r) for r in [*national, *memberships])
        return user, token
