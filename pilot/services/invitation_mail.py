"""Questionnaire links by e-mail: sending, reminders to non-respondents, opened/bounced status.

Mail goes through Django's mail framework (any SMTP server; the demo writes files, see the
README). Each service writes one audit row that counts messages and never names an address.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pilot.models import Invitation
from tenants.audit import audit_record_here
from tenants.db import current_association_slug
from tenants.models import User
from vocabulary import label


@dataclass(frozen=True)
class MailResult:
    sent: int
    bounced: int


def link_base_url() -> str:
    """``<scheme>://<this association's primary domain>[:port]`` for links sent off a request."""
    tenant = getattr(connection, "tenant", None)
    host = tenant.get_primary_domain().domain if tenant is not None else "localhost"
    port = f":{settings.NNS_LINK_PORT}" if settings.NNS_LINK_PORT else ""
    return f"{settings.NNS_LINK_SCHEME}://{host}{port}"


def _association_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return str(getattr(tenant, "name", "") or "")


def _message(invitation: Invitation, base_url: str, *, reminder: bool) -> EmailMessage:
    with override("sv"):
        form = label("form", invitation.form_code, "sv")
        subject = (
            _("Påminnelse: %(form)s – %(activity)s")
            if reminder
            else _("Enkät: %(form)s – %(activity)s")
        ) % {"form": form, "activity": invitation.activity.name}
        names = {
            "association": _association_name() or _("Samordningsförbundet"),
            "activity": invitation.activity.name,
        }
        intro = (
            _("Vi påminner om enkäten från %(association)s om insatsen %(activity)s.")
            if reminder
            else _("%(association)s ber dig svara på en kort enkät om insatsen %(activity)s.")
        )
        lines = [
            _("Hej!"),
            "",
            intro % names,
            "",
            _("Öppna enkäten här:"),
            f"{base_url.rstrip('/')}/q/{invitation.token}/",
            "",
            _("Du kan också skriva in koden %(code)s på %(url)s.")
            % {"code": invitation.short_code, "url": f"{base_url.rstrip('/')}/q/"},
            _("Länken gäller till och med %(date)s. Svaren behandlas utan ditt namn.")
            % {"date": timezone.localdate(invitation.expires_at).isoformat()},
        ]
    # The demo's mailbox page shows each association only its own messages (web/mailbox.py).
    headers = {"X-NNS-Association": current_association_slug()}
    return EmailMessage(
        subject=subject, body="\n".join(lines), to=[invitation.email], headers=headers
    )


def _deliver(
    invitations: Sequence[Invitation], base_url: str, *, reminder: bool
) -> tuple[list[int], list[int]]:
    """Send one message each over one connection; (delivered ids, refused ids)."""
    delivered: list[int] = []
    refused: list[int] = []
    with get_connection() as mail:
        for invitation in invitations:
            try:
                mail.send_messages([_message(invitation, base_url, reminder=reminder)])
                delivered.append(invitation.pk)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
                refused.append(invitation.pk)
    return delivered, refused


def invitations_send(
    *, invitations: Sequence[Invitation], base_url: str | None = None, actor: User | None
) -> MailResult:
    """E-mail the links of invitations that have an address and have not been sent yet.

    An address the server refuses marks the invitation bounced (shown on the status page)."""
    pending = [i for i in invitations if i.email and i.sent_at is None and i.used_at is None]
    delivered, refused = _deliver(pending, base_url or link_base_url(), reminder=False)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk__in=delivered).update(sent_at=now)
        Invitation.objects.filter(pk__in=refused).update(bounced_at=now)
        audit_record_here(
            action="pilot.invitations_sent",
            actor=actor,
            sent=len(delivered),
            bounced=len(refused),
        )
    return MailResult(sent=len(delivered), bounced=len(refused))


def invitations_remind(
    *, today: dt.date, base_url: str | None = None, actor: User | None = None
) -> MailResult:
    """One reminder to each e-mailed invitation not answered ``NNS_INVITATION_REMINDER_DAYS``
    days after it was sent (and still valid, not bounced, not reminded before)."""
    days = settings.NNS_INVITATION_REMINDER_DAYS
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.max))
    due = list(
        Invitation.objects.select_related("activity")
        .filter(
            sent_at__lte=cutoff,
            used_at__isnull=True,
            reminded_at__isnull=True,
            bounced_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(email="")
    )
    delivered, refused = _deliver(due, base_url or link_base_url(), reminder=True)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk__in=delivered).update(reminded_at=now)
        Invitation.objects.filter(pk__in=refused).update(bounced_at=now)
        audit_record_here(
            action="pilot.invitation_reminders_sent",
            actor=actor,
            sent=len(delivered),
            bounced=len(refused),
            today=today.isoformat(),
        )
    return MailResult(sent=len(delivered), bounced=len(refused))


def invitation_mark_opened(*, invitation: Invitation, actor: User | None = None) -> None:
    """Record the first time a link is opened (respondents are anonymous: ``actor`` None)."""
    if invitation.opened_at is not None:
        return
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        if updated:
            audit_record_here(
                action="pilot.invitation_opened", actor=actor, invitation=invitation.pk
            )
