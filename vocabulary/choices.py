"""Django side of the vocabulary: lazy labels (in the active language) and the ``choices``
classes models, forms and serializers use. The only module of :mod:`vocabulary` that imports
Django; the codes and labels themselves live in :mod:`vocabulary.terms`."""

from __future__ import annotations

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy

from vocabulary import codes, label


def _label_now(kind: str, code: str) -> str:
    return label(kind, code, get_language())


#: ``lazy_label(kind, code)``: the label, evaluated in the language active when it is shown.
lazy_label = lazy(_label_now, str)
_l = lazy_label


def choices(kind: str, *, only: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """``[(code, lazy label), ...]`` of one kind (optionally only some of its codes)."""
    return [(c, _l(kind, c)) for c in codes(kind) if only is None or c in only]


class Gender(models.TextChoices):
    WOMAN = "woman", _l("gender", "woman")
    MAN = "man", _l("gender", "man")
    OTHER = "other", _l("gender", "other")
    UNDISCLOSED = "undisclosed", _l("gender", "undisclosed")


class AgeBand(models.TextChoices):
    A16_19 = "16-19", _l("age_band", "16-19")
    A20_24 = "20-24", _l("age_band", "20-24")
    A25_29 = "25-29", _l("age_band", "25-29")
    A30_39 = "30-39", _l("age_band", "30-39")
    A40_49 = "40-49", _l("age_band", "40-49")
    A50_64 = "50-64", _l("age_band", "50-64")


class RegisterOutcome(models.TextChoices):
    WORK = "work", _l("exit_outcome", "work")
    STUDIES = "studies", _l("exit_outcome", "studies")
    OTHER_SOLUTION = "other_solution", _l("exit_outcome", "other_solution")
    DROPPED_OUT = "dropped_out", _l("exit_outcome", "dropped_out")
    STILL_IN = "still_in", _l("exit_outcome", "still_in")


class Occasion(models.TextChoices):
    DURING = "during", _l("occasion", "during")
    EXIT = "exit", _l("occasion", "exit")
    PERIODIC = "periodic", _l("occasion", "periodic")
    HALF_YEARLY = "half_yearly", _l("occasion", "half_yearly")


class LocalItemKind(models.TextChoices):
    LIKERT = "likert", _l("local_item_kind", "likert")
    YES_NO = "yes_no", _l("local_item_kind", "yes_no")
    NUMBER = "number", _l("local_item_kind", "number")
    GOOD_EXAMPLE = "good_example", _l("local_item_kind", "good_example")


class RuleKind(models.TextChoices):
    SHARE_AT_LEAST = "share_at_least", _l("rule_kind", "share_at_least")
    SHARE_AT_MOST = "share_at_most", _l("rule_kind", "share_at_most")
    MEAN_AT_LEAST = "mean_at_least", _l("rule_kind", "mean_at_least")
    GOOD_EXAMPLE = "good_example", _l("rule_kind", "good_example")
    REGISTER_SHARE = "register_share", _l("rule_kind", "register_share")


class ResponseSource(models.TextChoices):
    WEB = "web", _l("response_source", "web")
    PAPER = "paper", _l("response_source", "paper")
    IMPORT = "import", _l("response_source", "import")
    API = "api", _l("response_source", "api")
    SYNTHETIC = "synthetic", _l("response_source", "synthetic")


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _l("response_status", "draft")
    SUBMITTED = "submitted", _l("response_status", "submitted")


class Role(models.TextChoices):
    ASSOCIATION_ADMIN = "association_admin", _l("role", "association_admin")
    ASSOCIATION_STAFF = "association_staff", _l("role", "association_staff")
    STEERING_GROUP = "steering_group", _l("role", "steering_group")
    RESEARCHER = "researcher", _l("role", "researcher")
    PLATFORM_ADMIN = "platform_admin", _l("role", "platform_admin")


class County(models.TextChoices):
    """Sweden's 21 counties (län), by their official codes."""

    STOCKHOLM = "01", _l("county", "01")
    UPPSALA = "03", _l("county", "03")
    SODERMANLAND = "04", _l("county", "04")
    OSTERGOTLAND = "05", _l("county", "05")
    JONKOPING = "06", _l("county", "06")
    KRONOBERG = "07", _l("county", "07")
    KALMAR = "08", _l("county", "08")
    GOTLAND = "09", _l("county", "09")
    BLEKINGE = "10", _l("county", "10")
    SKANE = "12", _l("county", "12")
    HALLAND = "13", _l("county", "13")
    VASTRA_GOTALAND = "14", _l("county", "14")
    VARMLAND = "17", _l("county", "17")
    OREBRO = "18", _l("county", "18")
    VASTMANLAND = "19", _l("county", "19")
    DALARNA = "20", _l("county", "20")
    GAVLEBORG = "21", _l("county", "21")
    VASTERNORRLAND = "22", _l("county", "22")
    JAMTLAND = "23", _l("county", "23")
    VASTERBOTTEN = "24", _l("county", "24")
    NORRBOTTEN = "25", _l("county", "25")


class MemberBodyKind(models.TextChoices):
    MUNICIPALITY = "municipality", _l("member_body_kind", "municipality")
    REGION = "region", _l("member_body_kind", "region")
    FORSAKRINGSKASSAN = "forsakringskassan", _l("member_body_kind", "forsakringskassan")
    ARBETSFORMEDLINGEN = "arbetsformedlingen", _l("member_body_kind", "arbetsformedlingen")


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", _l("instrument_status", "draft")
    PUBLISHED = "published", _l("instrument_status", "published")


class IndicatorType(models.TextChoices):
    PROCESS = "process", _l("indicator_type", "process")
    EFFECT = "effect", _l("indicator_type", "effect")


class IndicatorLevel(models.TextChoices):
    PARTICIPANT = "participant", _l("indicator_level", "participant")
    STAFF = "staff", _l("indicator_level", "staff")
    ORGANISATION = "organisation", _l("indicator_level", "organisation")
    SOCIETY = "society", _l("indicator_level", "society")


class PointSource(models.TextChoices):
    SURVEY = "survey", _l("point_source", "survey")
    REGISTER = "register", _l("point_source", "register")


class LineageChange(models.TextChoices):
    SAME = "same", _l("lineage_change", "same")
    REWORDED = "reworded", _l("lineage_change", "reworded")
    NEW = "new", _l("lineage_change", "new")
    DROPPED = "dropped", _l("lineage_change", "dropped")
    SPLIT = "split", _l("lineage_change", "split")


class SnapshotStatus(models.TextChoices):
    RUNNING = "running", _l("snapshot_status", "running")
    DRAFT = "draft", _l("snapshot_status", "draft")
    FAILED = "failed", _l("snapshot_status", "failed")
    PUBLISHED = "published", _l("snapshot_status", "published")


class SnapshotPartStatus(models.TextChoices):
    PENDING = "pending", _l("snapshot_part_status", "pending")
    RUNNING = "running", _l("snapshot_part_status", "running")
    DONE = "done", _l("snapshot_part_status", "done")
    FAILED = "failed", _l("snapshot_part_status", "failed")


class ReportKind(models.TextChoices):
    RELIABILITY = "reliability", _l("report_kind", "reliability")
    BENCHMARK = "benchmark", _l("report_kind", "benchmark")
    VALIDITY = "validity", _l("report_kind", "validity")
    ASSOCIATION = "association", _l("report_kind", "association")
    VALIDATION = "validation", _l("report_kind", "validation")


class DatasetStatus(models.TextChoices):
    REQUESTED = "requested", _l("dataset_status", "requested")
    REJECTED = "rejected", _l("dataset_status", "rejected")
    BUILDING = "building", _l("dataset_status", "building")
    READY = "ready", _l("dataset_status", "ready")
    FAILED = "failed", _l("dataset_status", "failed")
    EXPIRED = "expired", _l("dataset_status", "expired")


class DatasetFormat(models.TextChoices):
    CSV = "csv", _l("dataset_format", "csv")
    XLSX = "xlsx", _l("dataset_format", "xlsx")
    SAV = "sav", _l("dataset_format", "sav")
    DTA = "dta", _l("dataset_format", "dta")
    PARQUET = "parquet", _l("dataset_format", "parquet")


class DatasetLayout(models.TextChoices):
    WIDE = "wide", _l("dataset_layout", "wide")
    LONG = "long", _l("dataset_layout", "long")


class DatasetPersonLink(models.TextChoices):
    NONE = "none", _l("dataset_person_link", "none")
    LINKED = "linked", _l("dataset_person_link", "linked")


#: Why a release is without a person link unless the researcher asks for one (model and form).
DATASET_PERSON_LINK_HELP = gettext_lazy(
    "Med personkoppling får varje deltagare en pseudonym som bara gäller i detta "
    "utlämnande, så att personens enkäter och personalens skattningar av personen kan "
    "kopplas ihop (t.ex. för förändring över tid). Kombinationen av en persons "
    "uppgifter över flera enkäter kan peka ut personen, så röjandeskyddet blir "
    "strängare och fler rader kan generaliseras eller tas bort. Välj det bara om "
    "analysen kräver det."
)


#: Each choices class and the vocabulary kind its codes come from (checked by a test).
KIND_OF: dict[type[models.TextChoices], str] = {
    Gender: "gender",
    AgeBand: "age_band",
    RegisterOutcome: "exit_outcome",
    Occasion: "occasion",
    LocalItemKind: "local_item_kind",
    RuleKind: "rule_kind",
    ResponseSource: "response_source",
    ResponseStatus: "response_status",
    Role: "role",
    County: "county",
    MemberBodyKind: "member_body_kind",
    InstrumentStatus: "instrument_status",
    IndicatorType: "indicator_type",
    IndicatorLevel: "indicator_level",
    PointSource: "point_source",
    LineageChange: "lineage_change",
    SnapshotStatus: "snapshot_status",
    SnapshotPartStatus: "snapshot_part_status",
    ReportKind: "report_kind",
    DatasetStatus: "dataset_status",
    DatasetFormat: "dataset_format",
    DatasetLayout: "dataset_layout",
    DatasetPersonLink: "dataset_person_link",
}
