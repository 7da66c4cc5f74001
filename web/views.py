from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from instrument.selectors import (
    form_list,
    indicator_list,
    instrument_version_current,
    instrument_version_list,
    national_target_get,
    national_target_list,
    point_get,
)
from instrument.services import national_target_create
from national.selectors import target_proposals
from pilot.selectors import (
    activity_list,
    activity_schedule_list,
    good_example_list,
    local_item_get,
    local_item_list,
    local_target_get,
    local_target_list,
)
from pilot.services import (
    activity_create,
    good_example_report,
    local_item_create,
    local_target_create,
)
from tenants.permissions import current_association, request_roles
from tenants.roles import ASSOCIATION_ROLES, Role
from tenants.selectors import association_list, user_associations
from tenants.services import association_host
from vocabulary import half_year_label
from web.forms import (
    ActivityForm,
    GoodExampleForm,
    LocalItemForm,
    LocalTargetForm,
    NationalTargetForm,
)
from web.mixins import RoleRequiredMixin, acting_user
from web.numbers import count_text, percent_text

if TYPE_CHECKING:
    from instrument.models import InstrumentVersion
    from pilot.models import LocalItem


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def revision_initial(old: Any) -> dict[str, Any]:
    """Form values for a new target replacing ``old``: its rule, no dates."""
    return {
        "kind": old.kind,
        "categories": ", ".join(str(c) for c in old.categories or []),
        "category": old.category,
        "percent": old.percent,
        "mean": old.mean,
        "outcomes": list(old.outcomes or []),
    }


def proposal_text(p: dict[str, Any], lang: str | None) -> dict[str, str]:
    """The achievable benchmark beside a national target, as people read it."""
    if p["reason"] == "not_a_share":
        return {"value": "–", "detail": str(_("Beräknas bara för andelsmål."))}
    if p["reason"] == "no_results":
        return {"value": "–", "detail": str(_("Inga publicerade resultat för regeln ännu."))}
    detail = _(
        "%(period)s: de bästa %(units)s av %(units_total)s förbund, %(n)s av %(n_total)s svar"
    ) % {
        "period": half_year_label(p["period"], lang),
        "units": p["units"],
        "units_total": p["units_total"],
        "n": count_text(p["n"], lang),
        "n_total": count_text(p["n_total"], lang),
    }
    return {"value": percent_text(p["share"], lang=lang), "detail": str(detail)}


class HomeView(TemplateView):
    """Landing page: the national site on the public host, the association's own on its host."""

    def get_template_names(self) -> list[str]:
        if current_association(self.request) is None:
            return ["web/home_public.html"]
        return ["web/home_association.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roles = request_roles(self.request)
        association = current_association(self.request)
        if association is None:
            if roles & {Role.PLATFORM_ADMIN, Role.STEERING_GROUP}:
                context["associations"] = association_list()
            if self.request.user.is_authenticated:
                context["my_associations"] = [
                    (a.name, self._host_url(association_host(slug=a.slug)))
                    for a in user_associations(user=self.request.user)
                ]
        elif roles & ASSOCIATION_ROLES:
            context["activities"] = activity_list()
        return context

    def _host_url(self, host: str) -> str:
        port = self.request.get_port()
        suffix = "" if port in {"80", "443"} else f":{port}"
        return f"{self.request.scheme}://{host}{suffix}/"


class InstrumentView(RoleRequiredMixin, TemplateView):
    """The national instrument: each point with its indicator, statement and who answers it."""

    template_name = "web/instrument.html"
    required_roles = frozenset(Role)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = instrument_version_current()
        if version is None:
            raise Http404
        english = (get_language() or "sv").startswith("en")
        context.update(
            version=version,
            english=english,
            indicators=indicator_list(version=version),
            forms=form_list(version=version, with_items=True),
        )
        return context


class AssociationAdminMixin(RoleRequiredMixin):
    host_scope = "association"
    required_roles = frozenset({Role.ASSOCIATION_ADMIN})

    def english(self) -> bool:
        return (get_language() or "sv").startswith("en")

    def version(self) -> InstrumentVersion:
        version = instrument_version_current()
        if version is None:
            raise Http404
        return version


class ConfigurationView(RoleRequiredMixin, TemplateView):
    """The association's configuration at a glance (administrators may change it)."""

    template_name = "web/config/overview.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        english = (get_language() or "sv").startswith("en")
        version = instrument_version_current()
        forms_ = list(form_list(version=version)) if version else []
        names = {f.code: f.name_en if english else f.name_sv for f in forms_}
        used = {code for a in activity_list() for code in a.form_codes}
        respondent_groups = sorted({f.respondent for f in forms_ if f.code in used})
        activities = list(activity_schedule_list())
        for activity in activities:
            activity.form_names = [names.get(c, c) for c in activity.form_codes]  # type: ignore[attr-defined]
        context.update(
            respondent_groups=respondent_groups,
            activities=activities,
            local_items=_with_placement(names),
            local_targets=local_target_list(),
            good_examples=good_example_list(),
            national_targets=national_target_list(),
            can_edit=Role.ASSOCIATION_ADMIN in request_roles(self.request),
        )
        return context


def _with_placement(form_names: dict[str, str]) -> list[LocalItem]:
    """Local items with ``placement_text``: "Deltagare – vid avslut (Kompassen, Steget)"."""
    items = list(local_item_list())
    for item in items:
        where = ", ".join(a.name for a in item.activities.all()) or str(_("alla insatser"))
        forms_ = "; ".join(form_names.get(c, c) for c in item.form_codes)
        item.placement_text = f"{forms_} ({where})" if forms_ else ""  # type: ignore[attr-defined]
    return items


class _ServiceFormView(AssociationAdminMixin, FormView):
    """A form whose valid data goes to a service; service errors land on the fields."""

    success_url = reverse_lazy("web:config")
    success_message: Any = ""

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            with transaction.atomic():
                self.save(form.cleaned_data)
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return super().form_valid(form)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400  # bad input is a 4xx, with the errors on the fields
        return response

    def save(self, data: dict[str, Any]) -> None:
        raise NotImplementedError


class ActivityCreateView(_ServiceFormView):
    template_name = "web/config/form.html"
    form_class = ActivityForm
    success_message = _("Insatsen är sparad.")
    extra_context = {"title": _("Ny insats")}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "version": self.version(), "english": self.english()}

    def save(self, data: dict[str, Any]) -> None:
        activity_create(**data, actor=acting_user(self.request))


class LocalItemCreateView(_ServiceFormView):
    template_name = "web/config/form.html"
    form_class = LocalItemForm
    success_message = _("Frågan är sparad.")
    extra_context = {"title": _("Ny egen fråga")}

    def save(self, data: dict[str, Any]) -> None:
        local_item_create(**data, actor=acting_user(self.request))


class LocalTargetCreateView(_ServiceFormView):
    template_name = "web/config/form.html"
    form_class = LocalTargetForm
    success_message = _("Målnivån är sparad.")
    extra_context = {"title": _("Ny lokal målnivå")}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "version": self.version(), "english": self.english()}

    def get_initial(self) -> dict[str, Any]:
        """``?from=<pk>``: a revision of that target from a date (the rule prefilled)."""
        old = local_target_get(pk=_int(self.request.GET.get("from")) or 0)
        if old is None:
            return super().get_initial()
        subject = f"item:{old.local_item_id}" if old.local_item_id else f"point:{old.point_number}"
        return {**revision_initial(old), "subject": subject}

    def save(self, data: dict[str, Any]) -> None:
        kind_of_subject, _sep, key = data.pop("subject").partition(":")
        if kind_of_subject == "item":
            data["local_item"] = local_item_get(pk=int(key))
            if data["local_item"] is None:
                raise Http404
        else:
            data["point_number"] = int(key)
        local_target_create(**data, actor=acting_user(self.request))


class NationalTargetsView(RoleRequiredMixin, FormView):
    """National instrument versions and default targets (public host)."""

    template_name = "web/national/targets.html"
    host_scope = "national"
    required_roles = frozenset({Role.PLATFORM_ADMIN, Role.STEERING_GROUP})
    form_class = NationalTargetForm
    success_url = reverse_lazy("web:national-targets")

    def get_form_kwargs(self) -> dict[str, Any]:
        version = instrument_version_current()
        if version is None:
            raise Http404
        english = (get_language() or "sv").startswith("en")
        return {**super().get_form_kwargs(), "version": version, "english": english}

    def get_initial(self) -> dict[str, Any]:
        """``?from=<pk>``: a revision of that target from a date (the rule prefilled)."""
        old = national_target_get(pk=_int(self.request.GET.get("from")) or 0)
        if old is None:
            return super().get_initial()
        return {**revision_initial(old), "point": old.point.number}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        targets = list(national_target_list())
        proposals = target_proposals(targets=targets)
        lang = get_language()
        for t in targets:
            t.proposal = proposal_text(proposals[t.pk], lang)  # type: ignore[attr-defined]
        context.update(
            versions=instrument_version_list(newest_first=True),
            targets=targets,
        )
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = dict(form.cleaned_data)
        version = instrument_version_current()
        point = point_get(version=version, number=int(data.pop("point")))
        if point is None:  # the form offers only the current version's points
            raise Http404
        try:
            national_target_create(point=point, actor=acting_user(self.request), **data)
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
        messages.success(self.request, _("Målnivån är sparad."))
        return super().form_valid(form)


class GoodExampleCreateView(_ServiceFormView):
    template_name = "web/config/form.html"
    form_class = GoodExampleForm
    success_message = _("Det goda exemplet är sparat.")
    extra_context = {"title": _("Nytt gott exempel"), "multipart": True}

    def save(self, data: dict[str, Any]) -> None:
        good_example_report(**data, actor=acting_user(self.request))
