"""Place the association's own questions on forms of chosen activities, and preview each
form as respondents see it (the questionnaire's own template, nothing stored)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from instrument.selectors import form_list
from pilot.selectors import activity_get, activity_list, invitation_preview, local_item_get
from pilot.services import local_item_place
from web.mixins import acting_user
from web.questionnaire import _questions
from web.views import AssociationAdminMixin, _ServiceFormView

if TYPE_CHECKING:
    from pilot.models import LocalItem


class PlacementForm(forms.Form):
    form_codes = forms.MultipleChoiceField(
        label=_("Formulär där frågan ställs"), required=False, widget=forms.CheckboxSelectMultiple
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Insatser"),
        queryset=activity_list().none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, names: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_codes"].choices = list(names.items())  # type: ignore[attr-defined]
        self.fields["activities"].queryset = activity_list()  # type: ignore[attr-defined]


class LocalItemPlaceView(_ServiceFormView):
    template_name = "web/config/form.html"
    form_class = PlacementForm
    success_message = _("Frågans placering är sparad.")

    def item(self) -> LocalItem:
        item = local_item_get(pk=self.kwargs["item"])
        if item is None:
            raise Http404
        return item

    def form_names(self) -> dict[str, str]:
        english = self.english()
        used = {code for a in activity_list() for code in a.form_codes}
        return {
            f.code: f.name_en if english else f.name_sv
            for f in form_list(version=self.version(), codes=used)
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "names": self.form_names()}

    def get_initial(self) -> dict[str, Any]:
        item = self.item()
        return {"form_codes": item.form_codes, "activities": list(item.activities.all())}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        item = self.item()
        title = _("Var ställs frågan %(code)s?") % {"code": item.code}
        return {**super().get_context_data(**kwargs), "title": title}

    def save(self, data: dict[str, Any]) -> None:
        local_item_place(item=self.item(), form_codes=data["form_codes"],
                         activities=list(data["activities"]),
                         actor=acting_user(self.request))  # fmt: skip


class FormPreviewView(AssociationAdminMixin, View):
    """``?activity=<id>&form=<code>[&occasion=...]``: the questionnaire exactly as that
    activity's respondents get it (same template and questions; answers are not stored).
    Without parameters: the list of the association's activity x form pairs."""

    def get(self, request: HttpRequest) -> HttpResponse:
        version = self.version()
        english = self.english()
        forms_ = {f.code: f for f in form_list(version=version)}
        activity = activity_get(pk=_int(request.GET.get("activity")))
        form = forms_.get(request.GET.get("form", ""))
        if activity is None or form is None or form.code not in activity.form_codes:
            pairs = [
                (a, forms_[c], forms_[c].name_en if english else forms_[c].name_sv)
                for a in activity_list()
                for c in a.form_codes
                if c in forms_
            ]
            return render(request, "web/config/previews.html", {"pairs": pairs})
        occasions = list(form.occasions or [])
        occasion = request.GET.get("occasion", "")
        occasion = occasion if occasion in occasions else (occasions[0] if occasions else "")
        probe = invitation_preview(form_code=form.code, occasion=occasion, activity=activity)
        questions = _questions(probe, version)
        for q in questions:
            q["value"], q["error"] = "", False
        return render(
            request,
            "web/questionnaire/form.html",
            {"questions": questions, "errors": [], "messages_": [], "preview": True,
             "preview_of": {"activity": activity.name,
                            "form": form.name_en if english else form.name_sv,
                            "occasion": occasion}},
        )  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        """The preview's form posts here: nothing is stored, the page comes back."""
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"saved": 0})
        return self.get(request)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0
