"""The respondent's questionnaire: no login, one single-use link (or a short code from paper).

Works without JavaScript (plain form posts, "save and continue later" button); with it, each
answer is saved as it is given. Accessible by construction: one fieldset per statement with
the statement as legend, native radio buttons, an error summary linking to the fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from instrument.selectors import form_get, form_items, instrument_version_current
from pilot.services import (
    InvitationUnusable,
    invitation_draft_save,
    invitation_mark_opened,
    invitation_open,
    invitation_submit,
)
from pilot.services.submissions import DONT_KNOW
from tenants.permissions import HostScope, host_scope_require
from web.local_questions import local_questions, posted_local_value
from web.security import short_code_failed, short_code_locked, short_code_locked_text

if TYPE_CHECKING:
    from instrument.models import InstrumentVersion
    from pilot.models import Invitation

UNUSABLE_TEMPLATE = "web/questionnaire/unusable.html"


def _questions(invitation: Invitation, version: InstrumentVersion) -> list[dict[str, Any]]:
    english = (get_language() or "sv").startswith("en")
    form = form_get(version=version, code=invitation.form_code)
    if form is None:
        raise Http404
    questions: list[dict[str, Any]] = []
    for item in form_items(form=form):
        # Some staff items apply only at some occasions (p12 at exit only).
        if invitation.occasion not in item.point.occasions and item.point.occasions:
            continue
        questions.append(
            {
                "name": item.code,
                "text": item.statement_en if english else item.statement_sv,
                "choices": [
                    (str(label["value"]), label["en"] if english else label["sv"])
                    for label in version.scale_labels
                ],
                "dont_know": version.missing_label_en if english else version.missing_label_sv,
            }
        )
    questions += local_questions(
        form_code=invitation.form_code,
        activity_id=invitation.activity_id,
        english=english,
        dont_know=version.missing_label_en if english else version.missing_label_sv,
    )
    return questions


def _posted_answers(request: HttpRequest, questions: list[dict[str, Any]]) -> dict[str, str]:
    answers = {}
    for q in questions:
        value = request.POST.get(q["name"], "")
        if value == DONT_KNOW:
            answers[q["name"]] = value
        elif (kept := posted_local_value(q, value)) is not None:
            answers[q["name"]] = kept
    return answers


class _AssociationHostOnly(View):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        # Before any dispatch: questionnaires live in an association's schema.
        host_scope_require(request, HostScope.ASSOCIATION)
        super().setup(request, *args, **kwargs)


class QuestionnaireView(_AssociationHostOnly):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            self.invitation = invitation_open(token=kwargs["token"])
        except InvitationUnusable as exc:
            return render(
                request,
                UNUSABLE_TEMPLATE,
                {"reason": exc.reason},
                status=410 if exc.reason != "unknown" else 404,
            )
        # answered on the version the link was issued on
        version = self.invitation.instrument_version or instrument_version_current()
        assert version is not None
        self.questions = _questions(self.invitation, version)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation_mark_opened(invitation=self.invitation, actor=None)
        return self._page(request, self.invitation.draft_answers, errors=[])

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        answers = _posted_answers(request, self.questions)
        try:
            if request.POST.get("action") == "submit":
                draft = {**self.invitation.draft_answers, **answers}
                unanswered = [q for q in self.questions if q["name"] not in draft]
                if unanswered:
                    invitation_draft_save(invitation=self.invitation, answers=answers, actor=None)
                    return self._page(request, draft, errors=unanswered, status=400)
                # Respondents are anonymous: the audit row names the invitation only.
                invitation_submit(invitation=self.invitation, answers=draft, actor=None)
                return render(request, "web/questionnaire/thanks.html")
            invitation_draft_save(invitation=self.invitation, answers=answers, actor=None)
        except InvitationUnusable as exc:
            return render(request, UNUSABLE_TEMPLATE, {"reason": exc.reason}, status=410)
        except ValidationError as exc:
            return self._page(request, answers, errors=[], messages=exc.messages, status=400)
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"saved": len(answers)})
        return self._page(
            request, {**self.invitation.draft_answers, **answers}, errors=[], saved=True
        )

    def _page(
        self,
        request: HttpRequest,
        answers: dict[str, str],
        *,
        errors: list[Any],
        messages: list[str] | None = None,
        saved: bool = False,
        status: int = 200,
    ) -> HttpResponse:
        missing = {q["name"] for q in errors}
        for q in self.questions:
            q["value"] = answers.get(q["name"], "")
            q["error"] = q["name"] in missing
        return render(
            request,
            "web/questionnaire/form.html",
            {
                "invitation": self.invitation,
                "questions": self.questions,
                "errors": errors,
                "messages_": messages or [],
                "saved": saved,
                "answered": sum(1 for q in self.questions if q["value"]),
            },
            status=status,
        )


class ShortCodeView(_AssociationHostOnly):
    """Paper-to-web: type the short code printed on the paper questionnaire."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "web/questionnaire/code.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        # Short codes can be guessed: unknown codes from one address are throttled (ADR 0014).
        if short_code_locked(request):
            context = {"error": short_code_locked_text()}
            return render(request, "web/questionnaire/code.html", context, status=429)
        try:
            invitation = invitation_open(short_code=request.POST.get("code", ""))
        except InvitationUnusable as exc:
            if exc.reason not in {"used", "expired"}:
                short_code_failed(request)
            return render(
                request,
                "web/questionnaire/code.html",
                {"error": _unusable_text(exc.reason)},
                status=400,
            )
        return redirect("web:questionnaire", token=invitation.token)


def _unusable_text(reason: str) -> str:
    return {
        "used": _("Enkäten har redan besvarats. Tack!"),
        "expired": _("Länken har gått ut. Kontakta den som gav dig länken."),
    }.get(reason, _("Koden eller länken finns inte. Kontrollera att du skrev rätt."))
