"""The association's own targets: create (superseding the open-ended one from a date), edit
and end, each audited. Rules and periods are checked by :mod:`instrument.targets`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instrument.models import Point
from instrument.targets import RULE_FIELDS, target_write
from pilot.models import LocalItem, LocalTarget
from pilot.services.configuration import _collected_points, _current_version
from tenants.audit import audit_record_here
from tenants.models import User


def _subject(target: LocalTarget) -> tuple[str, tuple[int | None, int | None]]:
    version = _current_version()
    if (target.point_number is None) == (target.local_item_id is None):
        raise ValidationError(
            {"point_number": [_("Välj antingen en mätpunkt eller en egen fråga.")]}
        )
    if target.point_number is not None:
        point = Point.objects.filter(version=version, number=target.point_number).first()
        if point is None:
            raise ValidationError({"point_number": [_("Okänd mätpunkt.")]})
        if target.point_number not in _collected_points():
            raise ValidationError(
                {
                    "point_number": [
                        _("Ingen av förbundets insatser samlar in mätpunkt %d.")
                        % target.point_number
                    ]
                }
            )
        subject = "register" if point.source == Point.Source.REGISTER else "scale"
        return subject, (version.scale_min, version.scale_max)
    item = target.local_item
    assert item is not None
    if item.kind == LocalItem.Kind.YES_NO:
        return "yes_no", (0, 1)  # 1 = yes, 0 = no
    if item.kind == LocalItem.Kind.LIKERT:
        return "scale", (1, item.scale_points)
    return str(item.kind), (None, None)


def _write(target: LocalTarget) -> list[Any]:
    subject, scale = _subject(target)
    if target.point_number is not None:
        same = LocalTarget.objects.filter(point_number=target.point_number)
    else:
        same = LocalTarget.objects.filter(local_item_id=target.local_item_id)
    existing = list(same.order_by("pk").select_for_update(of=("self",)))
    return target_write(target, subject=subject, scale=scale, existing=existing)


def _state(target: LocalTarget) -> dict[str, Any]:
    return {
        "rule": target.describe(),
        "valid_from": str(target.valid_from),
        "valid_to": str(target.valid_to) if target.valid_to else None,
    }


@transaction.atomic
def local_target_create(
    *,
    kind: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    point_number: int | None = None,
    local_item: LocalItem | None = None,
    category: int | None = None,
    categories: Sequence[int] = (),
    percent: Decimal | None = None,
    mean: Decimal | None = None,
    outcomes: Sequence[str] = (),
    actor: User | None,
) -> LocalTarget:
    """A local target beside the national one. One rule per subject at a time: an open-ended
    target from a later date supersedes the open-ended one (ended the day before)."""
    target = LocalTarget(
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        point_number=point_number,
        local_item=local_item,
        category=category,
        categories=list(categories),
        percent=percent,
        mean=mean,
        outcomes=list(outcomes),
    )
    ended = _write(target)
    audit_record_here(
        action="pilot.local_target_created",
        actor=actor,
        target=target.pk,
        point=point_number,
        local_item=local_item.code if local_item else None,
        kind=kind,
        **_state(target),
        ended=[t.pk for t in ended],
    )
    return target


@transaction.atomic
def local_target_update(*, target: LocalTarget, actor: User | None, **changes: Any) -> LocalTarget:
    """Edit a local target's rule and/or validity period. Audited with before and after."""
    target = LocalTarget.objects.select_for_update(of=("self",)).get(pk=target.pk)
    unknown = sorted(set(changes) - {*RULE_FIELDS, "valid_from", "valid_to"})
    if unknown:
        raise ValidationError({f: [_("Fältet kan inte ändras.")] for f in unknown})
    before = _state(target)
    for field, value in changes.items():
        setattr(target, field, list(value) if field in ("categories", "outcomes") else value)
    _write(target)
    audit_record_here(
        action="pilot.local_target_updated",
        actor=actor,
        target=target.pk,
        before=before,
        after=_state(target),
    )
    return target


def local_target_end(*, target: LocalTarget, valid_to: dt.date, actor: User | None) -> LocalTarget:
    """End a local target: it applies to results up to and including ``valid_to``."""
    return local_target_update(target=target, valid_to=valid_to, actor=actor)
