"""Where an association's own question is asked: on which forms, for which activities."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instrument.models import Form
from pilot.models import Activity, LocalItem
from pilot.services.configuration import _check_form_codes
from tenants.audit import audit_record_here
from tenants.models import User

ASKED_KINDS = (LocalItem.Kind.LIKERT, LocalItem.Kind.YES_NO, LocalItem.Kind.NUMBER)


@transaction.atomic
def local_item_place(
    *,
    item: LocalItem,
    form_codes: Sequence[str],
    activities: Sequence[Activity],
    actor: User | None,
) -> LocalItem:
    """Ask ``item`` on ``form_codes`` in questionnaires of ``activities`` (web, API and import
    templates). Every chosen form must be used by at least one chosen activity. Empty
    ``form_codes`` takes the question off every form. Audited."""
    item = LocalItem.objects.select_for_update().get(pk=item.pk)
    forms = _check_form_codes(form_codes)
    errors: dict[str, list[str]] = {}
    if forms and item.kind not in ASKED_KINDS:
        errors["form_codes"] = [_("Goda exempel rapporteras på egen sida, inte i en enkät.")]
    if forms and not activities:
        errors["activities"] = [_("Välj minst en insats.")]
    used = {code for a in activities for code in a.form_codes}
    unused = [code for code in forms if code not in used]
    if activities and unused:
        names = dict(Form.objects.filter(code__in=unused).values_list("code", "name_sv"))
        errors["form_codes"] = [
            _("Ingen av de valda insatserna använder formuläret %s.")
            % ", ".join(names.get(c, c) for c in unused)
        ]
    if errors:
        raise ValidationError(errors)
    before = {"form_codes": list(item.form_codes),
              "activities": sorted(item.activities.values_list("pk", flat=True))}  # fmt: skip
    item.form_codes = forms
    item.save(update_fields=["form_codes"])
    item.activities.set(activities)
    audit_record_here(
        action="pilot.local_item_placed",
        actor=actor,
        code=item.code,
        before=before,
        after={"form_codes": forms, "activities": sorted(a.pk for a in activities)},
    )
    return item
