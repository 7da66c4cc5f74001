"""Researcher dataset releases: request → approval by the steering group → frozen build →
download by the requester only, for a limited time, every download audited.

Approval queues the build on commit, by task name (``national.dataset_build``): this module
never imports the tasks, which import it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from instrument.services import BUNDLED_VERSION_FILE
from national.datasets.build import dataset_build
from national.datasets.spec import FORMATS, DatasetSpec, instrument_items
from national.datasets.writers import dataset_write_many
from national.models import DatasetDownload, DatasetRequest
from national.pooling import snapshot_frames
from national.selectors import snapshot_published_latest
from national.tasking import task_queue_on_commit
from tenants.models import User
from tenants.services import audit_record
from tenants.validators import looks_like_personal_number
from vocabulary.choices import DatasetPersonLink

logger = logging.getLogger(__name__)

RELEASE_DAYS = 30
BUILD_TASK = "national.dataset_build"  # stable: running workers know it by this name
EXPIRE_TASK = "national.dataset_releases_expire"  # daily, from the beat schedule
COPY_BLOCK = 1 << 20
# Share of the build that each stage takes (roughly, measured on the 1M-row bench release).
STAGES: dict[str, tuple[float, float]] = {
    "load": (0.0, 0.15),
    "build": (0.15, 0.35),
    "write": (0.35, 0.7),
    "zip": (0.7, 0.97),
    "checksum": (0.97, 1.0),
}
BuildProgress = Callable[[str, float], None]
# Etikprövningsmyndigheten's diary numbers: 2019-01234, 2023-01234-01 (supplements).
ETHICS_DNR = re.compile(r"^(?:Dnr\s*)?(\d{4}-\d{5}(?:-\d{2})?)$", re.IGNORECASE)


def releases_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "releases"


def release_pseudonym_key(*, request_id: int) -> bytes:
    """The key of one release's pseudonyms: derived from the pooling key (never stored) and
    the release's number, so every release has its own and a rebuild gives the same."""
    message = f"nns-dataset-release\x1f{request_id}".encode()
    return hmac.new(settings.NNS_POOLING_HMAC_KEY.encode(), message, hashlib.sha256).digest()


@cache
def dataset_item_codes() -> tuple[str, ...]:
    """The item codes a researcher may ask for: the codebook's items (bundled instrument)."""
    with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
        return tuple(it.code for it in instrument_items(yaml.safe_load(fh)))


def dataset_request_check(
    *,
    purpose: str,
    formats: Sequence[str],
    layout: str,
    variables: Sequence[str],
    period_from: dt.date | None,
    period_to: dt.date | None,
    organisation: str,
    ethics_dnr: str,
    language: str,
    person_link: str = DatasetPersonLink.NONE,
) -> dict[str, list[str]]:
    """Every problem of a request, by field (empty: the request can be built). Run when the
    request is made, so that nothing is found wrong after approval."""
    errors: dict[str, list[str]] = {}
    if len(purpose.strip()) < 20:
        errors["purpose"] = [_("Beskriv syftet (minst 20 tecken).")]
    elif looks_like_personal_number(purpose):
        # Minimal use of the shared guard in tenants.validators.
        errors["purpose"] = [_("Syftet får inte innehålla personnummer eller samordningsnummer.")]
    unknown_formats = [f for f in formats if f not in FORMATS]
    if not formats:
        errors["formats"] = [_("Välj minst ett format.")]
    elif unknown_formats:
        errors["formats"] = [_("Okända format: %(f)s.") % {"f": ", ".join(unknown_formats)}]
    if layout not in ("wide", "long"):
        errors["layout"] = [_("Välj en rad per enkät eller en rad per svar.")]
    known = set(dataset_item_codes())
    unknown = [v for v in variables if v not in known]
    if unknown:
        errors["variables"] = [
            _("Okända variabler: %(v)s. Välj bland kodbokens frågor.") % {"v": ", ".join(unknown)}
        ]
    if period_from and period_to and period_to < period_from:
        errors["period_to"] = [_("Slutdatum före startdatum.")]
    if not organisation.strip():
        errors["organisation"] = [_("Ange organisation (lärosäte eller myndighet).")]
    elif len(organisation.strip()) > 200:
        errors["organisation"] = [_("Högst 200 tecken.")]
    if not ETHICS_DNR.match(ethics_dnr.strip()):
        errors["ethics_dnr"] = [
            _("Ange Etikprövningsmyndighetens diarienummer, t.ex. 2024-01234-01.")
        ]
    if language not in ("sv", "en"):
        errors["language"] = [_("Välj svenska eller engelska.")]
    if person_link not in DatasetPersonLink.values:
        errors["person_link"] = [_("Välj med eller utan personkoppling.")]
    return errors


def dataset_request_create(
    *,
    requester: User,
    purpose: str,
    formats: Sequence[str] | None = None,
    fmt: str | None = None,
    layout: str = "wide",
    variables: Sequence[str] | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    association_names: bool = False,
    organisation: str = "",
    ethics_dnr: str = "",
    language: str = "sv",
    person_link: str = DatasetPersonLink.NONE,
) -> DatasetRequest:
    """File a request; every field is checked now (:func:`dataset_request_check`), so an
    approved request always builds. ``fmt``: shorthand for one format. ``person_link``:
    "linked" keeps a pseudonym of the release's own (rows of one person can be joined),
    "none" (the default) releases no pseudonym."""
    chosen = list(dict.fromkeys(formats if formats is not None else ([fmt] if fmt else [])))
    wanted = list(dict.fromkeys(str(v).strip() for v in variables or [] if str(v).strip()))
    errors = dataset_request_check(
        purpose=purpose,
        formats=chosen,
        layout=layout,
        variables=wanted,
        period_from=period_from,
        period_to=period_to,
        organisation=organisation,
        ethics_dnr=ethics_dnr,
        language=language,
        person_link=person_link,
    )
    if errors:
        raise ValidationError(errors)
    match = ETHICS_DNR.match(ethics_dnr.strip())
    assert match is not None
    request = DatasetRequest(
        requester=requester,
        purpose=purpose.strip(),
        formats=chosen,
        layout=layout,
        variables=wanted,
        period_from=period_from,
        period_to=period_to,
        association_names=association_names,
        organisation=organisation.strip(),
        ethics_dnr=match.group(1),
        language=language,
        person_link=person_link,
    )
    request.full_clean()
    request.save()
    audit_record(
        action="dataset.requested",
        actor=requester,
        request=request.pk,
        person_link=request.person_link,
    )
    return request


@transaction.atomic
def dataset_request_decide(
    *, request: DatasetRequest, approver: User, approve: bool, reason: str
) -> DatasetRequest:
    """Approve (freezing the latest published snapshot) or reject, with a reason."""
    request = DatasetRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DatasetRequest.Status.REQUESTED:
        raise ValidationError({"status": [_("Begäran är redan avgjord.")]})
    if request.requester_id == approver.pk:
        raise PermissionDenied(_("Ingen får godkänna sin egen begäran."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Ange ett skäl.")]})
    request.decided_by, request.decided_at = approver, timezone.now()
    request.decision_reason = reason.strip()
    if approve:
        snapshot = snapshot_published_latest()
        if snapshot is None:
            raise ValidationError({"status": [_("Det finns ingen publicerad sammanställning.")]})
        request.snapshot = snapshot
        request.status = DatasetRequest.Status.BUILDING
    else:
        request.status = DatasetRequest.Status.REJECTED
    request.save()
    audit_record(
        action="dataset.approved" if approve else "dataset.rejected",
        actor=approver,
        request=request.pk,
        reason=request.decision_reason,
        person_link=request.person_link,
    )
    if approve:
        task_queue_on_commit(BUILD_TASK, request.pk)
    return request


def _stage(progress: BuildProgress | None, stage: str) -> Callable[[float], None]:
    """``progress(stage, overall share 0–1)`` from a share of one stage."""
    lo, hi = STAGES[stage]

    def report(done: float) -> None:
        if progress is not None:
            progress(stage, lo + (hi - lo) * min(max(done, 0.0), 1.0))

    return report


def _zip_files(
    archive: Path, files: list[Path], report: Callable[[float], None], root: Path | None = None
) -> None:
    """Deflate (level 1: about half the time of the default for ~1.7x the size) block by
    block; never reads a file whole. Members are named relative to ``root`` (one folder per
    format)."""
    sizes = [p.stat().st_size for p in files]
    total = sum(sizes) or 1
    done = 0
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for path, size in zip(files, sizes, strict=True):
            large = size >= zipfile.ZIP64_LIMIT
            name = path.relative_to(root).as_posix() if root else path.name
            with path.open("rb") as src, zf.open(name, "w", force_zip64=large) as dst:
                while block := src.read(COPY_BLOCK):
                    dst.write(block)
                    done += len(block)
                    report(done / total)


def _sha256(path: Path, report: Callable[[float], None]) -> str:
    total = path.stat().st_size or 1
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as fh:
        while block := fh.read(COPY_BLOCK):
            digest.update(block)
            done += len(block)
            report(done / total)
    return digest.hexdigest()


def dataset_build_run(*, request_id: int, progress: BuildProgress | None = None) -> DatasetRequest:
    """Build the frozen release files (idempotent: a ready release is left as it is).

    ``progress(stage, share)`` is called as the build goes: stage one of :data:`STAGES`,
    share the overall share done (0–1). The snapshot's frames are dropped once the dataset is
    built; the data file is written in chunks of rows (except xlsx), zipped and checksummed
    block by block, so the peak memory is the snapshot frames or the built frame plus a
    chunk, not several copies of the release."""
    request = DatasetRequest.objects.select_related("snapshot").get(pk=request_id)
    if request.status == DatasetRequest.Status.READY:
        return request
    assert request.snapshot is not None
    _stage(progress, "load")(0.0)
    answers, outcomes = snapshot_frames(snapshot=request.snapshot)
    with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
        instrument = yaml.safe_load(fh)
    linked = request.person_link == DatasetPersonLink.LINKED
    citation = (
        f"NNS indikatordata, sammanställning {request.snapshot.number}, utlämnande "
        f"{request.pk} ({timezone.localdate():%Y-%m-%d})."
    )
    spec = DatasetSpec(
        variables=request.variables or None,
        period_from=request.period_from,
        period_to=request.period_to,
        layout="long" if request.layout == "long" else "wide",
        association_codes="names" if request.association_names else "coded",
        snapshot_number=request.snapshot.number,
        citation=citation,
        k=request.snapshot.small_cell_k,
        language="en" if request.language == "en" else "sv",
        person_link=linked,
        # every release: its own row order and numbers (and pseudonyms, when linked)
        pseudonym_key=release_pseudonym_key(request_id=request.pk),
    )
    _stage(progress, "build")(0.0)
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=instrument, spec=spec)
    del answers, outcomes
    target = releases_dir() / str(request.pk)
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"nns-dataset-{request.pk}.zip"
    with tempfile.TemporaryDirectory() as work:
        files = dataset_write_many(
            dataset=built,
            formats=request.formats or ["csv"],
            directory=Path(work),
            progress=_stage(progress, "write"),
        )
        changes = list(built.changes)
        del built
        _zip_files(archive, files, _stage(progress, "zip"), root=Path(work))
    request.file_path = str(archive)
    request.checksum = _sha256(archive, _stage(progress, "checksum"))
    request.citation = citation + f" SHA-256 {request.checksum[:16]}."
    request.disclosure_changes = changes
    request.expires_at = timezone.now() + dt.timedelta(days=RELEASE_DAYS)
    request.status = DatasetRequest.Status.READY
    request.progress, request.progress_stage = 100, "done"
    request.save()
    return request


def dataset_build_failed(*, request_id: int, error: str) -> None:
    """Mark a build failed: the technical error goes to the log and the audit trail, the
    people see a sentence."""
    logger.error("dataset %s build failed: %s", request_id, error)
    updated = (
        DatasetRequest.objects.filter(pk=request_id)
        .exclude(status=DatasetRequest.Status.READY)
        .update(
            status=DatasetRequest.Status.FAILED,
            decision_reason=_(
                "Utlämnandet kunde inte byggas (tekniskt fel). Styrgruppen kan pröva begäran igen."
            ),
        )
    )
    if updated:
        audit_record(
            action="dataset.build_failed", actor=None, request=request_id, error=error[:500]
        )


def _refuse(request: DatasetRequest, user: User, reason: str, message: str) -> PermissionDenied:
    """Audit a refused download attempt (own transaction when the caller has none) and
    return the error to raise."""
    audit_record(action="dataset.download_refused", actor=user, request=request.pk, reason=reason)
    return PermissionDenied(message)


def dataset_download_open(*, request: DatasetRequest, user: User) -> tuple[Path, str]:
    """The release file for its requester, while it is valid; writes the audit row. Every
    refused attempt (someone else, not ready, expired, files gone) is audited too."""
    if request.requester_id != user.pk:
        raise _refuse(
            request, user, "not_requester", _("Bara den som begärt utlämnandet kan hämta det.")
        )
    if request.status == DatasetRequest.Status.EXPIRED or (
        request.expires_at is not None and request.expires_at <= timezone.now()
    ):
        raise _refuse(request, user, "expired", _("Utlämnandet har gått ut."))
    if request.status != DatasetRequest.Status.READY or request.expires_at is None:
        raise _refuse(request, user, "not_ready", _("Utlämnandet är inte godkänt och klart."))
    path = Path(request.file_path)
    if not path.is_file():
        raise _refuse(request, user, "file_missing", _("Filen finns inte längre."))
    DatasetDownload.objects.create(
        request=request, user=user, checksum=request.checksum, filename=path.name
    )
    audit_record(
        action="dataset.downloaded", actor=user, request=request.pk, checksum=request.checksum
    )
    return path, path.name


def dataset_release_purge(*, request: DatasetRequest, actor: User | None = None) -> None:
    """Remove a release's files and mark it expired (the record and audit trail stay)."""
    shutil.rmtree(releases_dir() / str(request.pk), ignore_errors=True)
    DatasetRequest.objects.filter(pk=request.pk).update(
        status=DatasetRequest.Status.EXPIRED, file_path="", purged_at=timezone.now()
    )
    audit_record(
        action="dataset.purged", actor=actor, request=request.pk, checksum=request.checksum
    )


def dataset_releases_expire(*, now: dt.datetime | None = None) -> list[int]:
    """Purge every ready release whose time has run out (the scheduled task's body)."""
    moment = now or timezone.now()
    due = DatasetRequest.objects.filter(
        status=DatasetRequest.Status.READY, expires_at__lte=moment
    ).order_by("pk")
    purged = []
    for request in due:
        dataset_release_purge(request=request)
        purged.append(request.pk)
    return purged


def dataset_progress_set(*, request_id: int, stage: str, percent: int) -> None:
    """Record a build's progress (own statement, outside any transaction of the build, so
    pages polling the request see it while the build runs)."""
    DatasetRequest.objects.filter(pk=request_id, status=DatasetRequest.Status.BUILDING).update(
        progress=max(0, min(percent, 100)), progress_stage=stage[:16]
    )


def dataset_request_summary(request: DatasetRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "status": request.status,
        "purpose": request.purpose,
        "formats": request.formats,
        "language": request.language,
        "organisation": request.organisation,
        "ethics_dnr": request.ethics_dnr,
        "layout": request.layout,
        "person_link": request.person_link,
        "variables": request.variables,
        "snapshot": request.snapshot.number if request.snapshot else None,
        "checksum": request.checksum or None,
        "citation": request.citation or None,
        "expires_at": request.expires_at.isoformat() if request.expires_at else None,
        "decision_reason": request.decision_reason or None,
        "disclosure_changes": request.disclosure_changes,
        "progress": request.progress if request.status == DatasetRequest.Status.BUILDING else None,
        "progress_stage": request.progress_stage or None,
    }
