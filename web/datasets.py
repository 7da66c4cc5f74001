"""Researcher datasets on the national host: request, review, download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from national.datasets import dataset_download_open, dataset_request_create, dataset_request_decide
from national.models import DatasetRequest
from tenants.models import User
from tenants.roles import Role
from web.mixins import RoleRequiredMixin


class DatasetRequestForm(forms.Form):
    purpose = forms.CharField(label=_lazy("Syfte"), widget=forms.Textarea(attrs={"rows": 4}))
    variables = forms.CharField(
        label=_lazy("Variabler (frågekoder, t.ex. p1 p2; tomt = alla)"), required=False
    )
    period_from = forms.DateField(
        label=_lazy("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_lazy("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    layout = forms.ChoiceField(
        label=_lazy("Form"),
        choices=DatasetRequest.Layout.choices,
    )
    fmt = forms.ChoiceField(label=_lazy("Format"), choices=DatasetRequest.Format.choices)
    association_names = forms.BooleanField(
        label=_lazy("Förbundens namn (annars koder)"), required=False
    )

    def clean_variables(self) -> list[str]:
        return [v for v in self.cleaned_data["variables"].replace(",", " ").split() if v]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class DatasetListView(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = frozenset({Role.RESEARCHER})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, DatasetRequestForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DatasetRequestForm(request.POST)
        if form.is_valid():
            try:
                dataset_request_create(requester=_user(request), **form.cleaned_data)
                messages.success(request, _("Begäran är skickad till styrgruppen."))
                return redirect("web:datasets")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: forms.Form, status: int = 200) -> HttpResponse:
        mine = DatasetRequest.objects.filter(requester=_user(request)).select_related("snapshot")
        return render(
            request, "web/datasets/list.html", {"form": form, "requests": mine}, status=status
        )


class DatasetReviewView(RoleRequiredMixin, View):
    host_scope = "national"
    required_roles = frozenset({Role.STEERING_GROUP})

    def get(self, request: HttpRequest) -> HttpResponse:
        pending = DatasetRequest.objects.filter(status=DatasetRequest.Status.REQUESTED)
        decided = DatasetRequest.objects.exclude(status=DatasetRequest.Status.REQUESTED)[:50]
        return render(
            request,
            "web/datasets/review.html",
            {"pending": pending.select_related("requester"), "decided": decided},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("request", "")
        item = DatasetRequest.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if item is None:
            raise Http404
        try:
            dataset_request_decide(
                request=item,
                approver=_user(request),
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

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        item = DatasetRequest.objects.filter(pk=pk).first()
        if item is None:
            raise Http404
        path, name = dataset_download_open(request=item, user=_user(request))
        # Streamed from disk in blocks, never read whole into memory.
        return FileResponse(path.open("rb"), as_attachment=True, filename=name)
