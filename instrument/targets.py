"""Target-level rules, shared by national (public schema) and local (tenant schema) targets.

A rule says what an indicator result should reach:

* ``share_at_least``: the share of answers in categories >= ``category`` is at least ``percent``
  (e.g. >= 4 on 1-5 at 80 %);
* ``mean_at_least``: the mean answer is at least ``mean``;
* ``good_example``: a narrative good example is reported in the period;
* ``register_share``: the share of exits with an outcome in ``outcomes`` is at least ``percent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from vocabulary import label
from vocabulary.choices import RegisterOutcome, RuleKind

NBSP = "\N{NO-BREAK SPACE}"

__all__ = ["RegisterOutcome", "RuleKind", "TargetRuleFields"]


class TargetRuleFields(models.Model):
    """Fields and constraints every target row carries; subjects differ per subclass."""

    kind = models.CharField(_("regel"), max_length=20, choices=RuleKind.choices)
    category = models.PositiveSmallIntegerField(_("lägsta svarskategori"), null=True, blank=True)
    percent = models.DecimalField(
        _("målnivå (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    mean = models.DecimalField(
        _("medelvärde"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    outcomes = models.JSONField(_("utfall"), default=list, blank=True)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="share_at_least",
                        category__isnull=False,
                        percent__gt=0,
                        percent__lte=100,
                    )
                    | Q(kind="mean_at_least", mean__isnull=False)
                    | Q(kind="good_example")
                    | Q(kind="register_share", percent__gt=0, percent__lte=100)
                ),
                name="%(app_label)s_%(class)s_rule_fields",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_period",
            ),
        ]

    def describe(self) -> str:
        """The rule as people read it, in the active language, as in the social accounting
        report: "Minst 80 % svarar 4 eller högre"."""
        english = (get_language() or "sv").startswith("en")

        def num(value: object) -> str:
            # No trailing zeros ("80", "3,5"); decimal comma in Swedish.
            text = f"{float(str(value)):g}"
            return text if english else text.replace(".", ",")

        percent = f"{num(self.percent)}{'%' if english else NBSP + '%'}" if self.percent else ""
        if self.kind == RuleKind.SHARE_AT_LEAST:
            return gettext("Minst %(percent)s svarar %(category)s eller högre") % {
                "percent": percent,
                "category": self.category,
            }
        if self.kind == RuleKind.MEAN_AT_LEAST:
            return gettext("Medelvärde minst %(mean)s") % {"mean": num(self.mean)}
        if self.kind == RuleKind.GOOD_EXAMPLE:
            return gettext("Ett gott exempel redovisas")
        outcomes = ", ".join(
            label("exit_outcome", o, get_language()).lower() for o in self.outcomes or []
        )
        return gettext("Minst %(percent)s av avslut till %(outcomes)s") % {
            "percent": percent,
            "outcomes": outcomes,
        }


def target_rule_errors(
    *,
    kind: str,
    subject: str,
    scale_min: int | None,
    scale_max: int | None,
    category: int | None = None,
    percent: float | None = None,
    mean: float | None = None,
    outcomes: list[str] | None = None,
) -> dict[str, list[str]]:
    """Field errors for a rule on a subject.

    ``subject`` is what the rule measures: "scale" (a Likert item or core survey point),
    "yes_no", "number", "good_example" or "register" (point 20).
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    allowed = {
        "scale": {RuleKind.SHARE_AT_LEAST, RuleKind.MEAN_AT_LEAST},
        "yes_no": {RuleKind.SHARE_AT_LEAST},
        "number": {RuleKind.MEAN_AT_LEAST},
        "good_example": {RuleKind.GOOD_EXAMPLE},
        "register": {RuleKind.REGISTER_SHARE},
    }[subject]
    if kind not in allowed:
        add("kind", gettext("Regeln passar inte för den här mätpunkten eller frågan."))
        return errors
    if kind in {RuleKind.SHARE_AT_LEAST, RuleKind.REGISTER_SHARE} and (
        percent is None or not 0 < percent <= 100
    ):
        add("percent", gettext("Målnivån ska vara en andel över 0 och högst 100 %."))
    if (
        kind == RuleKind.SHARE_AT_LEAST
        and scale_min is not None
        and scale_max is not None
        and (category is None or not scale_min < category <= scale_max)
    ):
        add("category", gettext("Kategorin ska ligga inom skalan (över lägsta steget)."))
    if kind == RuleKind.MEAN_AT_LEAST and (
        mean is None
        or (scale_min is not None and scale_max is not None and not scale_min <= mean <= scale_max)
    ):
        add("mean", gettext("Medelvärdet ska ligga inom skalan."))
    if kind == RuleKind.REGISTER_SHARE and (
        not outcomes or any(o not in RegisterOutcome.values for o in outcomes)
    ):
        add("outcomes", gettext("Ange ett eller flera giltiga utfall."))
    return errors


def periods_overlap(
    a_from: object, a_to: object | None, b_from: object, b_to: object | None
) -> bool:
    """Closed date intervals; None is open-ended."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)  # type: ignore[operator]


def target_errors(
    *,
    kind: str,
    subject: str,
    scale: tuple[int | None, int | None],
    valid_from: object,
    valid_to: object | None,
    existing: Iterable[TargetRuleFields],
    category: int | None = None,
    percent: object = None,
    mean: object = None,
    outcomes: Sequence[str] = (),
) -> dict[str, list[str]]:
    """All field errors of a new target: its rule on the subject's scale, its period, and
    overlap with ``existing`` targets on the same subject (one rule at a time)."""
    errors = target_rule_errors(
        kind=kind,
        subject=subject,
        scale_min=scale[0],
        scale_max=scale[1],
        category=category,
        percent=float(str(percent)) if percent is not None else None,
        mean=float(str(mean)) if mean is not None else None,
        outcomes=list(outcomes),
    )
    if valid_to is not None and valid_to < valid_from:  # type: ignore[operator]
        errors.setdefault("valid_to", []).append(gettext("Slutdatum före startdatum."))
    clash = [t for t in existing if periods_overlap(valid_from, valid_to, t.valid_from, t.valid_to)]
    if clash:
        errors.setdefault("valid_from", []).append(
            gettext("Giltighetstiden överlappar en befintlig målnivå (från %s).")
            % clash[0].valid_from
        )
    return errors
