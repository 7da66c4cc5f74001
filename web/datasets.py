"""Researcher datasets on the national host: the codebook to browse, request, review (with
every release, its requester and downloads for the steering group), download."""

from __future__ import annotations

import re
from typing import Any

import yaml
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from instrument.services import BUNDLED_VERSION_FILE
from national.datasets import (
    dataset_download_open,
    dataset_request_create,
    dataset_request_decide,
)
from national.datasets.catalogue import dataset_catalogue
from national.selectors import (
    dataset_release_list,
    dataset_request_get,
    dataset_request_list,
    dataset_request_pending_list,
)
from tenants.roles import Role
from vocabulary.choices import (
    DATASET_PERSON_LINK_HELP,
    DatasetFormat,
    DatasetLayout,
    DatasetPersonLink,
)
from web.mixins import RoleRequiredMixin, acting_user


class ItemsField(forms.MultipleChoiceField):
    """Items from the codebook as checkboxes; also takes codes typed as one text ("p1 p3").
    Which codes exist is checked by the service (one rule, naming every unknown code)."""

    def to_python(self, value: Any) -> list[str]:
        values = [value] if isinstance(value, str) else list(value or [])
        return [c for v in values for c in re.split(r"[\s,;]+", str(v)) if c]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


def _item_choices() -> list[tuple[str, str]]:
    with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
        catalogue = dataset_catalogue(yaml.safe_load(fh))
    lang = get_language() or "sv"
    return [(e.name, f"{e.name} – {e.label(lang)}") for e in catalogue if e.item]


class DatasetRequestForm(forms.Form):
    purpose = forms.CharField(
        label=_lazy("Syfte"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("Inga personnummer eller andra personuppgifter."),
    )
    organisation = forms.CharField(label=_lazy("Organisation"), max_length=200)
    ethics_dnr = forms.CharField(
        label=_lazy("Etikprövningsmyndighetens diarienummer"),
        max_length=40,
        help_text=_lazy("T.ex. 2024-01234-01."),
    )
    variables = ItemsField(
        label=_lazy("Frågor (tomt = alla; se kodboken)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_from = forms.DateField(
        label=_lazy("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_lazy("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    layout = forms.ChoiceField(
        label=_lazy("Form"),
        choices=DatasetLayout.choices,
    )
    formats = forms.MultipleChoiceField(
        label=_lazy("Format (ett eller flera)"),
        choices=DatasetFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Välj minst ett format.")},
    )
    language = forms.ChoiceField(
        label=_lazy("Etiketternas språk"),
        choices=[("sv", _lazy("Svenska")), ("en", _lazy("Engelska"))],
    )
    association_names = forms.BooleanField(
        label=_lazy("Förbundens namn (annars koder)"), required=False
    )
    person_link = forms.ChoiceField(
        label=_lazy("Personkoppling"),
        choices=DatasetPersonLink.choices,
        initial=DatasetPersonLink.NONE,
        required=False,  # not sent: without a link
        widget=forms.RadioSelect,
        help_text=DATASET_PERSON_LINK_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        variables = self.fields["variables"]
        assert isinstance(variables, ItemsField)
        variables.choices = _item_choices()

    def clean_person_link(self) -> str:
        return str(self.cleaned_data.get("person_link") or DatasetPersonLink.NONE)


class DatasetListView(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = frozenset({Role.RESEARCHER})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, DatasetRequestForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DatasetRequestForm(request.POST)
        if form.is_valid():
            try:
                dataset_request_create(requester=acting_user(request), **form.cleaned_data)
                messages.success(request, _("Begäran är skickad till styrgruppen."))
                return redirect("web:datasets")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: forms.Form, status: int = 200) -> HttpResponse:
        mine = dataset_request_list(requester=acting_user(request))
        if status == 400:
            messages.error(request, _("Begäran är inte skickad: rätta de markerade fälten."))
        return render(
            request, "web/datasets/list.html", {"form": form, "requests": mine}, status=status
        )


class DatasetCodebookView(RoleRequiredMixin, View):
    """The variables one can ask for, with labels and values, before asking."""

    host_scope = "national"
    required_roles = frozenset({Role.RESEARCHER, Role.STEERING_GROUP})

    def get(self, request: HttpRequest) -> HttpResponse:
        with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
            catalogue = dataset_catalogue(yaml.safe_load(fh))
        lang = "en" if (get_language() or "sv").startswith("en") else "sv"
        rows = [
            {
                "name": e.name,
                "label": e.label(lang),
                "item": e.item,
                "values": [(c, en if lang == "en" else sv) for c, sv, en in e.values],
            }
            for e in catalogue
        ]
        return render(request, "web/datasets/codebook.html", {"rows": rows})


class DatasetReviewView(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = frozenset({Role.STEERING_GROUP})

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "web/datasets/review.html",
            {"pending": dataset_request_pending_list(), "releases": dataset_release_list()},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        pk = request.POST.get("request", "")
        item = dataset_request_get(pk=int(pk)) if pk.isdecimal() else None
        if item is None:
            raise Http404
        try:
            dataset_request_decide(
                request=item,
                approver=acting_user(request),
                approve=request.POST.get("decision") == "approve",
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Beslutet är sparat."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("web:dataset-review")


class DatasetDownloadView(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = frozenset({Role.RESEARCHER})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
        item = dataset_request_get(pk=pk)
        if item is None:
            raise Http404
        try:
            path, name = dataset_download_open(request=item, user=acting_user(request))
        except PermissionDenied as exc:
            # Refused (and audited): the researcher's page says why.
            messages.error(request, " ".join(str(a) for a in exc.args))
            return render(request, "web/datasets/refused.html", {"item": item}, status=403)
        # Streamed from disk in blocks, never read whole into memory.
        return FileResponse(path.open("rb"), as_attachment=True, filename=name)
