"""The instrument validation report (national host): page and PDF per snapshot, for the
steering group, researchers and the platform administrator (issue 16).

Researchers see published snapshots only, and associations by number instead of name; the
steering group and the administrator also see a draft under review."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views import View
from django.views.generic import TemplateView

from national.selectors import (
    snapshot_by_number,
    validation_failed_list,
    validation_pending_list,
    validation_read,
    validation_snapshot_list,
)
from tenants.permissions import has_any_role
from tenants.roles import Role
from web.mixins import RoleRequiredMixin
from web.validation_page import validation_page

VALIDATION_VIEWERS = frozenset({Role.STEERING_GROUP, Role.RESEARCHER, Role.PLATFORM_ADMIN})
DRAFT_VIEWERS = frozenset({Role.STEERING_GROUP, Role.PLATFORM_ADMIN})


def _drafts(request: HttpRequest) -> bool:
    return has_any_role(request, DRAFT_VIEWERS)


PUBLISHED, DRAFT = "published", "draft"  # snapshot statuses (vocabulary kind snapshot_status)


def _snapshot(request: HttpRequest, number: int) -> Any:
    snapshot = snapshot_by_number(number=number)
    allowed = [PUBLISHED] + ([DRAFT] if _drafts(request) else [])
    if snapshot is None or snapshot.status not in allowed:
        raise Http404
    return snapshot


def validation_context(request: HttpRequest, number: int) -> dict[str, Any]:
    """Everything the page and the PDF show of snapshot ``number``."""
    snapshot = _snapshot(request, number)
    data = validation_read(snapshot=snapshot)
    if data is None:
        raise Http404
    if not _drafts(request):  # researchers: associations by number, not name
        data["names"] = {slug: f"#{i}" for i, slug in enumerate(sorted(data["names"]), 1)}
    version = request.GET.get("version", "")
    lang = get_language() or "sv"
    page = validation_page(data, lang=lang, version=version)
    if version and version not in page["versions"]:
        raise Http404
    return {"page": page, "snapshot": snapshot}


class ValidationLatestView(RoleRequiredMixin, TemplateView):
    """The newest report the viewer may read (or a page saying there is none yet)."""

    template_name = "web/national/validation.html"
    host_scope = "national"
    required_roles = VALIDATION_VIEWERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        snapshots = validation_snapshot_list(include_drafts=_drafts(request))
        published = [s for s in snapshots if s.status == PUBLISHED]
        chosen = (published or snapshots)[:1]
        if chosen:
            return redirect("web:validation", number=chosen[0].number)
        pending = validation_pending_list(include_drafts=_drafts(request))
        failed = validation_failed_list(include_drafts=_drafts(request))
        context = {"page": None, "snapshots": [], "pending": pending[:1], "failed": failed[:1]}
        return self.render_to_response(context)


class ValidationView(RoleRequiredMixin, TemplateView):
    template_name = "web/national/validation.html"
    host_scope = "national"
    required_roles = VALIDATION_VIEWERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        number = int(kwargs["number"])
        context["snapshots"] = validation_snapshot_list(include_drafts=_drafts(self.request))
        pending = validation_pending_list(include_drafts=_drafts(self.request))
        failed = validation_failed_list(include_drafts=_drafts(self.request))
        waiting = [s for s in pending if s.number == number]
        broken = [s for s in failed if s.number == number]
        if waiting or broken:  # reports stored, the validation report not (yet) there
            context.update({"page": None, "snapshot": (waiting or broken)[0]})
            context.update({"pending": waiting, "failed": broken})
            return context
        context.update(validation_context(self.request, number))
        newest = context["snapshots"][0].number if context["snapshots"] else 0
        context["pending"] = [s for s in pending if s.number > newest][:1]
        context["failed"] = [s for s in failed if s.number > newest][:1]
        return context


def validation_pdf_render(context: dict[str, Any], *, base_url: str = "") -> bytes:
    """The report as a PDF (WeasyPrint; fonts from Debian's fonts-dejavu and
    fonts-liberation), styled by the page's own CSS file plus the print rules."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~0.3 s

    html = render_to_string("web/national/validation_print.html", {**context, "print": True})
    sheets = [CSS(filename=path) for path in [finders.find("web/validation.css")] if path]
    sheets.append(CSS(string=_PRINT_CSS))
    return bytes(HTML(string=html, base_url=base_url or None).write_pdf(stylesheets=sheets))


_PRINT_CSS = """
@page { size: A4 landscape; margin: 14mm 12mm 16mm;
  @bottom-center { content: counter(page) " / " counter(pages);
    font: 8pt "DejaVu Sans", "Liberation Sans", sans-serif; color: #4a5561; } }
body { font: 8.5pt/1.4 "DejaVu Sans", "Liberation Sans", sans-serif; color: #1b1f24; }
.validation-form { break-before: page; }
tr { break-inside: avoid; }
.no-print { display: none; }
.table-scroll { overflow: visible; }
"""


class ValidationPdfView(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = VALIDATION_VIEWERS

    def get(self, request: HttpRequest, number: int) -> HttpResponse:
        context = validation_context(request, number)
        pdf = validation_pdf_render(context, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        version = context["page"]["version"]
        name = f"valideringsrapport-{number}{'-' + version if version else ''}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
