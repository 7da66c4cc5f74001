"""Instrument versions on the national host (issue 16.5): the list, drafting the next version
item by item (reword, add, drop, split, each with a reason) and the side-by-side review where
the steering group publishes. Reads through instrument.selectors, writes through services."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from instrument.selectors import (
    instrument_draft_open,
    instrument_draft_problems,
    instrument_version_changes,
    instrument_version_current,
    instrument_version_forms,
    instrument_version_get,
    instrument_version_list,
    instrument_version_outline,
)
from instrument.services import (
    instrument_draft_create,
    instrument_draft_discard,
    instrument_item_add,
    instrument_item_drop,
    instrument_item_reword,
    instrument_item_split,
    instrument_version_publish,
)
from tenants.permissions import request_roles
from tenants.roles import INSTRUMENT_DRAFTERS, INSTRUMENT_PUBLISHERS, Role
from vocabulary import codes
from web.mixins import RoleRequiredMixin, acting_user

READERS = INSTRUMENT_DRAFTERS | INSTRUMENT_PUBLISHERS | {Role.PLATFORM_ADMIN}
FIELD_LABELS = {
    "code": gettext_lazy("Versionskod"),
    "title_sv": gettext_lazy("Titel på svenska"),
    "title_en": gettext_lazy("Titel på engelska"),
    "statement_sv": gettext_lazy("Lydelse på svenska"),
    "statement_en": gettext_lazy("Lydelse på engelska"),
    "part1_statement_sv": gettext_lazy("Första frågan på svenska"),
    "part1_statement_en": gettext_lazy("Första frågan på engelska"),
    "part2_statement_sv": gettext_lazy("Andra frågan på svenska"),
    "part2_statement_en": gettext_lazy("Andra frågan på engelska"),
    "reason": gettext_lazy("Motivering"),
    "point": gettext_lazy("Mätpunkt"),
    "forms": gettext_lazy("Formulär"),
    "item": gettext_lazy("Fråga"),
    "parts": gettext_lazy("Delar"),
    "version": gettext_lazy("Version"),
}


def _errors(exc: ValidationError) -> list[str]:
    """'Field: message' lines a person can read (the field named in Swedish)."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        f"{FIELD_LABELS.get(field, field)}: {message}" if field != "version" else str(message)
        for field, messages_ in exc.message_dict.items()
        for message in messages_
    ]


def _roles(request: HttpRequest) -> dict[str, bool]:
    roles = request_roles(request)
    return {
        "can_draft": not roles.isdisjoint(INSTRUMENT_DRAFTERS),
        "can_publish": not roles.isdisjoint(INSTRUMENT_PUBLISHERS),
    }


def _version(code: str) -> Any:
    version = instrument_version_get(code=code)
    if version is None:
        raise Http404
    return version


class _Base(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = READERS
    write_roles: frozenset[Role] = INSTRUMENT_DRAFTERS

    def post_allowed(self, request: HttpRequest) -> None:
        if request_roles(request).isdisjoint(self.write_roles):
            raise PermissionDenied


class VersionListView(_Base):
    """Every version; a drafter starts the next one from the current version."""

    def get(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        return self._page(request, {}, errors=[])

    def post(self, request: HttpRequest) -> HttpResponse:
        self.post_allowed(request)
        values = {f: request.POST.get(f, "") for f in ("code", "title_sv", "title_en")}
        try:
            version = instrument_draft_create(actor=acting_user(request), **values)
        except ValidationError as exc:
            return self._page(request, values, errors=_errors(exc), status=400)
        messages.success(request, _("Utkastet %(code)s är skapat.") % {"code": version.code})
        return redirect("web:instrument-draft", version=version.code)

    def _page(
        self, request: HttpRequest, values: dict[str, str], *, errors: list[str], status: int = 200
    ) -> HttpResponse:
        versions = list(instrument_version_list().select_related("previous", "published_by"))
        versions.sort(key=lambda v: v.created_at, reverse=True)
        context = {
            "versions": versions,
            "current": instrument_version_current(),
            "open_draft": instrument_draft_open(),
            "values": values,
            "errors": errors,
            **_roles(request),
        }
        return render(request, "web/national/versions.html", context, status=status)


class VersionDraftView(_Base):
    """A draft item by item; each change is one small form posted here with its action."""

    def get(self, request: HttpRequest, version: str) -> HttpResponse:
        return self._page(request, _version(version), errors=[])

    def post(self, request: HttpRequest, version: str) -> HttpResponse:
        self.post_allowed(request)
        draft = _version(version)
        post = request.POST
        action = post.get("action", "")
        common: dict[str, Any] = {
            "version": draft,
            "reason": post.get("reason", ""),
            "actor": acting_user(request),
        }
        texts: dict[str, Any] = {"statement_sv": post.get("statement_sv", ""),
                 "statement_en": post.get("statement_en", "")}  # fmt: skip
        try:
            if action == "reword":
                instrument_item_reword(item_code=post.get("item", ""), **texts, **common)
            elif action == "add":
                try:
                    point = int(post.get("point", ""))
                except ValueError:
                    raise ValidationError({"point": [_("Välj en mätpunkt.")]}) from None
                forms = post.getlist("forms")
                instrument_item_add(point_number=point, form_codes=forms, **texts, **common)
            elif action == "drop":
                instrument_item_drop(item_code=post.get("item", ""), **common)
            elif action == "split":
                parts = [(post.get(f"part{n}_statement_sv", ""),
                          post.get(f"part{n}_statement_en", "")) for n in (1, 2)]  # fmt: skip
                instrument_item_split(item_code=post.get("item", ""), parts=parts, **common)
            elif action == "discard":
                instrument_draft_discard(version=draft, actor=common["actor"])
                messages.success(request, _("Utkastet är borttaget."))
                return redirect("web:instrument-versions")
            else:
                raise ValidationError(_("Okänd ändring."))
        except ValidationError as exc:
            failed = {"action": action, "item": post.get("item", ""), "post": post,
                      "forms": post.getlist("forms")}  # fmt: skip
            return self._page(request, draft, errors=_errors(exc), failed=failed, status=400)
        messages.success(request, _("Ändringen är sparad."))
        return redirect("web:instrument-draft", version=draft.code)

    def _page(
        self,
        request: HttpRequest,
        version: Any,
        *,
        errors: list[str],
        failed: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        outline = instrument_version_outline(version=version)
        changes = instrument_version_changes(version=version)
        context = {
            "version": version,
            "outline": outline,
            "survey_points": [p for p in outline if p.survey],
            "forms": list(instrument_version_forms(version=version)),
            "changed": len(changes),
            "dropped": [c for c in changes if c.change == "dropped"],
            "errors": errors,
            "failed": failed or {},
            **_roles(request),
        }
        return render(request, "web/national/version_draft.html", context, status=status)


class VersionReviewView(_Base):
    """Old text | new text | change | reason | comparable, and the steering group publishes."""

    write_roles = INSTRUMENT_PUBLISHERS

    def get(self, request: HttpRequest, version: str) -> HttpResponse:
        return self._page(request, _version(version), errors=[])

    def post(self, request: HttpRequest, version: str) -> HttpResponse:
        self.post_allowed(request)
        draft = _version(version)
        try:
            instrument_version_publish(version=draft, actor=acting_user(request))
        except ValidationError as exc:
            return self._page(request, draft, errors=_errors(exc), status=400)
        messages.success(request, _("Version %(code)s är publicerad.") % {"code": draft.code})
        return redirect("web:instrument-review", version=draft.code)

    def _page(
        self, request: HttpRequest, version: Any, *, errors: list[str], status: int = 200
    ) -> HttpResponse:
        changes = instrument_version_changes(version=version)
        counts = Counter(c.change for c in changes)
        context = {
            "version": version,
            "changes": changes,
            "counts": [(c, counts[c]) for c in codes("lineage_change") if counts[c]],
            "unchanged": len(instrument_version_changes(version=version, include_same=True))
            - len(changes),
            "problems": [] if version.is_published else instrument_draft_problems(version=version),
            "errors": errors,
            **_roles(request),
        }
        return render(request, "web/national/version_review.html", context, status=status)
