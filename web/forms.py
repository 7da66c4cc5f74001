"""HTML forms for the association's configuration pages; they call the same services as the API."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from instrument.selectors import form_list, point_list
from instrument.targets import RegisterOutcome, RuleKind
from pilot.selectors import local_item_active_list
from vocabulary import EXIT_OUTCOMES
from vocabulary.choices import LocalItemKind

if TYPE_CHECKING:
    from instrument.models import Form, InstrumentVersion

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class IsoDateField(forms.DateField):
    """A date written ÅÅÅÅ-MM-DD only (what type=date inputs send, and what people are told to
    type where the browser has no date picker); anything else gets a Swedish message naming
    the field."""

    input_formats = ["%Y-%m-%d"]

    def __init__(self, *, label: Any, required: bool = True) -> None:
        super().__init__(
            label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
        )

    def to_python(self, value: Any) -> dt.date | None:
        message = _("%(field)s: skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01.")
        if isinstance(value, str) and value.strip() and not ISO_DAY.match(value.strip()):
            raise forms.ValidationError(message % {"field": self.label}, code="invalid")
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(message % {"field": self.label}, code="invalid") from None


def errors_onto(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError as the form's errors: on the named fields where the form
    has them, otherwise on the form as a whole."""
    for field, messages_ in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def form_page(
    request: HttpRequest, form: forms.Form, template: str, extra: dict[str, Any]
) -> HttpResponse:
    """The form's page: 400 when it carries errors."""
    return render(request, template, {"form": form, **extra}, status=400 if form.errors else 200)


def f_items(form: Form) -> list[str]:
    return [fi.item.code for fi in form.form_items.all()]


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(
        label=_("Startdatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Slutdatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    form_codes = forms.MultipleChoiceField(
        label=_("Formulär som insatsen använder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, version: InstrumentVersion, english: bool, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["form_codes"].choices = [  # type: ignore[attr-defined]
            (
                f.code,
                f"{f.name_en if english else f.name_sv} ({', '.join(f_items(f))})",
            )
            for f in form_list(version=version, with_items=True)
        ]


class LocalItemForm(forms.Form):
    code = forms.SlugField(
        label=_("Kod"), max_length=30, help_text=_("Kort namn utan mellanslag, t.ex. trivsel.")
    )
    text_sv = forms.CharField(
        label=_("Frågetext (svenska)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Frågetext (engelska)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Typ"), choices=LocalItemKind.choices)
    scale_points = forms.IntegerField(label=_("Antal skalsteg (2–11)"), required=False)
    scale_labels = forms.CharField(
        label=_("Etiketter, en per rad från lägsta steget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_scale_labels(self) -> list[dict[str, object]]:
        lines = [line.strip() for line in self.cleaned_data["scale_labels"].splitlines()]
        return [{"value": n, "sv": text, "en": ""} for n, text in enumerate(filter(None, lines), 1)]


class TargetRuleForm(forms.Form):
    """The rule and validity fields every target form shares."""

    kind = forms.ChoiceField(label=_("Regel"), choices=RuleKind.choices)
    categories = forms.CharField(
        label=_("Svarskategorier som räknas"),
        required=False,
        help_text=_("Till exempel 4, 5, 6 eller 4–6. För ja/nej-frågor: ja eller nej."),
    )
    category = forms.IntegerField(
        label=_("Eller: lägsta svarskategori som räknas"),
        required=False,
        help_text=_("Räknar den kategorin och alla högre."),
    )
    percent = forms.DecimalField(
        label=_("Målnivå (%)"), required=False, max_digits=5, decimal_places=2
    )
    mean = forms.DecimalField(label=_("Medelvärde"), required=False, max_digits=5, decimal_places=2)
    outcomes = forms.MultipleChoiceField(
        label=_("Utfall som räknas (registermål)"),
        required=False,
        choices=[(c, n) for c, n in RegisterOutcome.choices if c in EXIT_OUTCOMES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "För mål på registerpunkten (avslut till arbete, studier …): kryssa i de utfall "
            "som räknas och välj regeln för registermål."
        ),
    )
    valid_from = IsoDateField(label=_("Gäller från"))
    valid_to = IsoDateField(label=_("Gäller till och med"), required=False)

    def clean_categories(self) -> list[int]:
        return categories_parse(self.cleaned_data.get("categories") or "")


def categories_parse(text: str) -> list[int]:
    """ "4, 5, 6", "4–6", "nej" (0) or "ja" (1) as a sorted list of categories."""
    out: set[int] = set()
    words = {"ja": 1, "nej": 0, "yes": 1, "no": 0}
    for token in text.replace(";", ",").replace(" ", ",").split(","):
        token = token.strip().lower()
        if not token:
            continue
        low, dash, high = token.replace("\N{EN DASH}", "-").partition("-")
        try:
            if token in words:
                out.add(words[token])
            elif dash:
                out.update(range(int(low), int(high) + 1))
            else:
                out.add(int(token))
        except ValueError:
            raise forms.ValidationError(
                _("Skriv kategorierna som tal, till exempel 4, 5, 6 eller 4–6 (eller ja/nej).")
            ) from None
    return sorted(out)


class TargetEndForm(forms.Form):
    valid_to = IsoDateField(label=_("Sista dag målnivån gäller"))


class LocalTargetForm(TargetRuleForm):
    subject = forms.ChoiceField(label=_("Mätpunkt eller egen fråga"))
    field_order = ["subject"]

    def __init__(self, *args: object, version: InstrumentVersion, english: bool, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        points = point_list(version=version, with_indicator=True)
        items = local_item_active_list()
        self.fields["subject"].choices = [  # type: ignore[attr-defined]
            (_("Egna frågor"), [(f"item:{i.pk}", f"{i.code}: {i.text_sv[:60]}") for i in items]),
            (
                _("Nationella mätpunkter"),
                [
                    (
                        f"point:{p.number}",
                        f"{p.number}. {(p.statement_en if english else p.statement_sv)[:70]}",
                    )
                    for p in points
                ],
            ),
        ]


class NationalTargetForm(TargetRuleForm):
    point = forms.ChoiceField(label=_("Mätpunkt"))
    field_order = ["point"]

    def __init__(self, *args: object, version: InstrumentVersion, english: bool, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["point"].choices = [  # type: ignore[attr-defined]
            (p.number, f"{p.number}. {(p.statement_en if english else p.statement_sv)[:70]}")
            for p in point_list(version=version)
        ]


class GoodExampleForm(forms.Form):
    local_item = forms.ModelChoiceField(
        label=_("Fråga (gott exempel)"),
        queryset=local_item_active_list(kind=LocalItemKind.GOOD_EXAMPLE),
    )
    reported_on = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    text = forms.CharField(label=_("Beskrivning"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Bilaga (valfri)"), required=False)
