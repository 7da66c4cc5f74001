"""Who gets questionnaires by e-mail (recipient lists for the staff, manager, board and
partner-management forms; participants' own addresses) and the demo's mailbox page.
Staff and administrators alike (README, "Roles")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from pilot.selectors import participants_with_email_count, recipient_groups, recipient_list
from pilot.services import participant_emails_set, recipient_remove, recipients_add
from tenants.roles import ASSOCIATION_ROLES
from vocabulary import label
from web.mailbox import mailbox_messages
from web.mixins import RoleRequiredMixin, acting_user


class _StaffPage(RoleRequiredMixin, TemplateView):
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES


class RecipientForm(forms.Form):
    group = forms.ChoiceField(label=_lazy("Mottagargrupp"))
    lines = forms.CharField(
        label=_lazy("Namn och e-postadress, en per rad"),
        help_text=_lazy("Till exempel: Anna Berg; anna.berg@kommun.se"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language()
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            (code, label("respondent", code, lang)) for code in recipient_groups()
        ]


class ParticipantEmailForm(forms.Form):
    lines = forms.CharField(
        label=_lazy("Deltagarkod och e-postadress, en per rad"),
        help_text=_lazy("Till exempel: SN-0001; namn@example.se. Kod utan adress tar bort den."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _errors_onto(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class RecipientsView(_StaffPage):
    """Name and address only; the answers are never linked to them."""

    template_name = "web/collect/recipients.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._page(request, RecipientForm(), ParticipantEmailForm(prefix="p"))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = acting_user(request)
        if "remove" in request.POST:
            raw = request.POST["remove"]
            recipient = recipient_list().filter(pk=int(raw)).first() if raw.isdigit() else None
            if recipient is None:
                raise Http404
            recipient_remove(recipient=recipient, actor=actor)
            messages.success(request, _("%s är borttagen från listan.") % recipient.email)
            return redirect("web:recipients")
        if request.POST.get("kind") == "participants":
            pform = ParticipantEmailForm(request.POST, prefix="p")
            if pform.is_valid():
                try:
                    changed = participant_emails_set(text=pform.cleaned_data["lines"], actor=actor)
                    messages.success(
                        request,
                        _("E-postadresserna är sparade (%(n)d ändrade).") % {"n": changed},
                    )
                    return redirect("web:recipients")
                except ValidationError as exc:
                    _errors_onto(pform, exc)
            return self._page(request, RecipientForm(), pform, status=400)
        form = RecipientForm(request.POST)
        if form.is_valid():
            try:
                new = recipients_add(
                    group=form.cleaned_data["group"], text=form.cleaned_data["lines"], actor=actor
                )
                messages.success(request, _("Listan är sparad (%(n)d nya mottagare).") % {"n": new})
                return redirect("web:recipients")
            except ValidationError as exc:
                _errors_onto(form, exc)
        return self._page(request, form, ParticipantEmailForm(prefix="p"), status=400)

    def _page(
        self,
        request: HttpRequest,
        form: RecipientForm,
        pform: ParticipantEmailForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form,
            "pform": pform,
            "recipients": recipient_list(),
            "participant_addresses": participants_with_email_count(),
        }
        return render(request, self.template_name, context, status=status)


class MailboxView(_StaffPage):
    """The demo's mailbox: e-mail the platform wrote to files (no mail server configured),
    only this association's, newest first. 404 where a real mail server is used."""

    template_name = "web/collect/mailbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        found = mailbox_messages()
        if found is None:
            raise Http404
        return {**super().get_context_data(**kwargs), "mail": found}
