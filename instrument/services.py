"""Loading and publishing instrument versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from instrument.drafts import (
    instrument_draft_create,
    instrument_draft_discard,
    instrument_item_add,
    instrument_item_drop,
    instrument_item_reword,
    instrument_item_split,
)
from instrument.models import (
    Form,
    FormItem,
    Indicator,
    InstrumentVersion,
    Item,
    ItemLineage,
    NationalTarget,
    Point,
)
from instrument.selectors import instrument_draft_problems
from instrument.targets import RULE_FIELDS, target_write
from tenants.audit import audit_record

if TYPE_CHECKING:
    from tenants.models import User

__all__ = [  # drafting lives in instrument.drafts; callers import every writer from here
    "instrument_draft_create",
    "instrument_draft_discard",
    "instrument_item_add",
    "instrument_item_drop",
    "instrument_item_reword",
    "instrument_item_split",
    "instrument_version_load",
    "instrument_version_publish",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_VERSION_FILE = DATA_DIR / "instrument_v1.yaml"


def instrument_data_read(*, path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValidationError(_("Instrumentfilen är inte ett YAML-objekt."))
    return data


def _fingerprint(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_references(data: dict[str, Any]) -> None:
    """Refuse a file whose forms, respondents or occasions point at nothing."""
    groups = {g["code"] for g in data["respondent_groups"]}
    occasions = {o["code"] for o in data["occasions"]}
    indicators = {i["number"] for i in data["indicators"]}
    items: set[str] = set()
    errors: list[str] = []
    for point in data["points"]:
        if point["indicator"] not in indicators:
            errors.append(f"point {point['number']}: unknown indicator {point['indicator']}")
        errors += [
            f"point {point['number']}: unknown occasion {o}"
            for o in point["occasions"]
            if o not in occasions
        ]
        for item in point["items"]:
            if item["code"] in items:
                errors.append(f"item {item['code']} defined twice")
            items.add(item["code"])
            errors += [
                f"item {item['code']}: unknown respondent group {r}"
                for r in item["respondents"]
                if r not in groups
            ]
    for form in data["forms"]:
        errors += [
            f"form {form['code']}: unknown item {c}" for c in form["items"] if c not in items
        ]
        if form["respondent"] not in groups:
            errors.append(f"form {form['code']}: unknown respondent group {form['respondent']}")
    labels = [label["value"] for label in data["scale"]["labels"]]
    scale = data["scale"]
    if scale["max"] <= scale["min"] or labels != list(range(scale["min"], scale["max"] + 1)):
        errors.append("scale: needs two or more steps with one label per step")
    if errors:
        raise ValidationError({"instrument": errors})


@transaction.atomic
def instrument_version_load(
    *, data: dict[str, Any], actor: User | None = None
) -> InstrumentVersion:
    """Store a version from its data file contents (a draft). Idempotent for identical data.

    With ``previous_version`` in the file, items may name ``crosswalk: {from, change, reason}``;
    unnamed items count as new and unreferenced previous items as dropped. A change without a
    reason in the file is stored with one saying it came from the file.
    """
    _check_references(data)
    fingerprint = _fingerprint(data)
    meta = data["version"]
    existing = InstrumentVersion.objects.filter(code=meta["code"]).first()
    if existing is not None:
        if existing.content_sha256 == fingerprint:
            return existing
        if existing.is_published:
            raise ValidationError(
                {
                    "version": [
                        _("Version %(code)s är publicerad och kan inte ändras.")
                        % {"code": existing.code}
                    ]
                }
            )
        existing.delete()  # a draft is replaced wholesale

    previous = None
    if meta.get("previous_version"):
        previous = InstrumentVersion.objects.filter(code=meta["previous_version"]).first()
        if previous is None or not previous.is_published:
            raise ValidationError(
                {"previous_version": [_("Föregående version måste finnas och vara publicerad.")]}
            )
    scale = data["scale"]
    version = InstrumentVersion.objects.create(
        code=meta["code"],
        title_sv=meta["title_sv"],
        title_en=meta["title_en"],
        source=meta.get("source", ""),
        content_sha256=fingerprint,
        previous=previous,
        scale_min=scale["min"],
        scale_max=scale["max"],
        scale_labels=[{"value": s["value"], "sv": s["sv"], "en": s["en"]} for s in scale["labels"]],
        missing_code=scale["missing"]["code"],
        missing_label_sv=scale["missing"]["sv"],
        missing_label_en=scale["missing"]["en"],
    )
    indicators = {
        i["number"]: Indicator.objects.create(
            version=version,
            number=i["number"],
            title_sv=i["title_sv"],
            title_en=i["title_en"],
            short_sv=i["short_sv"],
            short_en=i["short_en"],
            type=i["type"],
            level=i["level"],
            description_sv=i.get("description_sv") or "",
            description_en=i.get("description_en") or "",
            definitions=i.get("definitions") or [],
            scale_text_sv=i.get("scale_text_sv") or "",
            occasions_text_sv=i.get("occasions_text_sv") or "",
            method_text_sv=i.get("method_text_sv") or "",
        )
        for i in data["indicators"]
    }
    items: dict[str, Item] = {}
    lineage: list[ItemLineage] = []
    previous_items = {it.code: it for it in previous.items.all()} if previous else {}
    referenced: set[str] = set()
    from_file = f"Enligt instrumentfilen för version {meta['code']}."
    for p in data["points"]:
        point = Point.objects.create(
            version=version,
            indicator=indicators[p["indicator"]],
            number=p["number"],
            statement_sv=p["statement_sv"],
            statement_en=p["statement_en"],
            respondents=p["respondents"],
            occasions=p["occasions"],
            source=p["source"],
            note_sv=p.get("note_sv") or "",
            note_en=p.get("note_en") or "",
        )
        for it in p["items"]:
            item = Item.objects.create(
                version=version,
                point=point,
                code=it["code"],
                label=it.get("label") or "",
                statement_sv=it["statement_sv"],
                statement_en=it["statement_en"],
                respondents=it["respondents"],
            )
            items[item.code] = item
            if previous is not None:
                link = it.get("crosswalk")
                if link:
                    if link["from"] not in previous_items:
                        raise ValidationError(
                            {"crosswalk": [f"{item.code}: unknown {link['from']}"]}
                        )
                    referenced.add(link["from"])
                    lineage.append(
                        ItemLineage(
                            version=version,
                            item=item,
                            change=link["change"],
                            previous_item=previous_items[link["from"]],
                            reason=link.get("reason")
                            or ("" if link["change"] == "same" else from_file),
                        )
                    )
                else:
                    lineage.append(
                        ItemLineage(version=version, item=item, change="new", reason=from_file)
                    )
    lineage += [
        ItemLineage(version=version, previous_item=old, change="dropped", reason=from_file)
        for code, old in previous_items.items()
        if code not in referenced
    ]
    ItemLineage.objects.bulk_create(lineage)
    for f in data["forms"]:
        form = Form.objects.create(
            version=version,
            code=f["code"],
            name_sv=f["sv"],
            name_en=f["en"],
            respondent=f["respondent"],
            occasions=f.get("occasions") or [f.get("occasion")],
        )
        FormItem.objects.bulk_create(
            FormItem(form=form, item=items[code], position=n)
            for n, code in enumerate(f["items"], start=1)
        )
    audit_record(action="instrument.loaded", actor=actor, version=version.code)
    return version


@transaction.atomic
def instrument_version_publish(
    *, version: InstrumentVersion, actor: User | None
) -> InstrumentVersion:
    """Publish a draft. From then on the version is immutable. A later version is refused
    while ``instrument_draft_problems`` names anything (no changes, a change without a reason,
    an item on no form ...). Audited with the actor."""
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError({"version": [_("Versionen är redan publicerad.")]})
    if version.previous_id is not None and (problems := instrument_draft_problems(version=version)):
        raise ValidationError({"version": problems})
    version.status = InstrumentVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    if not version.content_sha256:  # drafted on the platform: fingerprint what is published
        version.content_sha256 = _fingerprint(_version_contents(version))
    version.save(update_fields=["status", "published_at", "published_by", "content_sha256"])
    changes = version.lineage.exclude(change="same").count()
    previous = version.previous.code if version.previous else None
    audit_record(action="instrument.published", actor=actor, version=version.code,
                 previous=previous, changes=changes)  # fmt: skip
    return version


def _version_contents(version: InstrumentVersion) -> dict[str, Any]:
    items = version.items.order_by("code").values_list(
        "code", "point__number", "statement_sv", "statement_en"
    )
    forms = {
        f.code: [fi.item.code for fi in f.form_items.select_related("item")]
        for f in version.forms.all()
    }
    lineage = version.lineage.values_list("change", "previous_item__code", "item__code", "reason")
    return {"code": version.code, "items": [list(i) for i in items], "forms": forms,
            "lineage": sorted((list(r) for r in lineage), key=json.dumps)}  # fmt: skip


def instrument_bundled_ensure() -> InstrumentVersion:
    """Load and publish the bundled national instrument if it is not there yet."""
    version = instrument_version_load(data=instrument_data_read(path=BUNDLED_VERSION_FILE))
    if not version.is_published:
        version = instrument_version_publish(version=version, actor=None)
    return version


def _national_subject(point: Point) -> tuple[str, tuple[int | None, int | None]]:
    version = point.version
    subject = "register" if point.source == Point.Source.REGISTER else "scale"
    return subject, (version.scale_min, version.scale_max)


def _national_write(target: NationalTarget) -> list[Any]:
    point = target.point
    if point.source == Point.Source.SURVEY and not point.items.filter(forms__isnull=False).exists():
        raise ValidationError({"point": [_("Inget formulär samlar in mätpunkten.")]})
    subject, scale = _national_subject(point)
    existing = NationalTarget.objects.filter(point__number=point.number).order_by("pk")
    return target_write(
        target,
        subject=subject,
        scale=scale,
        existing=list(existing.select_for_update(of=("self",))),
    )


@transaction.atomic
def national_target_create(
    *,
    point: Point,
    kind: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    category: int | None = None,
    categories: Sequence[int] = (),
    percent: Decimal | None = None,
    mean: Decimal | None = None,
    outcomes: Sequence[str] = (),
    actor: User | None,
) -> NationalTarget:
    """A national default target on a core point; one rule per point at a time: an open-ended
    target from a later date supersedes the open-ended one (ended the day before). Audited."""
    target = NationalTarget(
        point=point,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        category=category,
        categories=list(categories),
        percent=percent,
        mean=mean,
        outcomes=list(outcomes),
        set_by=actor,
    )
    ended = _national_write(target)
    audit_record(
        action="target.national_created",
        actor=actor,
        point=point.number,
        target=target.pk,
        rule=target.describe(),
        valid_from=str(valid_from),
        valid_to=str(valid_to) if valid_to else None,
        ended=[t.pk for t in ended],
    )
    return target


@transaction.atomic
def national_target_update(
    *, target: NationalTarget, actor: User | None, **changes: Any
) -> NationalTarget:
    """Edit a national target's rule and/or validity period (fields in
    ``instrument.targets.RULE_FIELDS`` plus ``valid_from``/``valid_to``). Audited with the
    values before and after."""
    target = NationalTarget.objects.select_for_update().select_related("point").get(pk=target.pk)
    allowed = {*RULE_FIELDS, "valid_from", "valid_to"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({f: [_("Fältet kan inte ändras.")] for f in unknown})
    before = {"rule": target.describe(), "valid_from": str(target.valid_from),
              "valid_to": str(target.valid_to) if target.valid_to else None}  # fmt: skip
    for field, value in changes.items():
        setattr(target, field, list(value) if field in ("categories", "outcomes") else value)
    target.set_by = actor
    _national_write(target)
    audit_record(
        action="target.national_updated",
        actor=actor,
        point=target.point.number,
        target=target.pk,
        before=before,
        after={"rule": target.describe(), "valid_from": str(target.valid_from),
               "valid_to": str(target.valid_to) if target.valid_to else None},
    )  # fmt: skip
    return target


def national_target_end(
    *, target: NationalTarget, valid_to: dt.date, actor: User | None
) -> NationalTarget:
    """End a national target: it applies to results up to and including ``valid_to``."""
    return national_target_update(target=target, valid_to=valid_to, actor=actor)
