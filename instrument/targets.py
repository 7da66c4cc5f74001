"""Target-level rules, shared by national (public schema) and local (tenant schema) targets.

A rule says what an indicator result should reach:

* ``share_at_least`` / ``share_at_most``: the share answering in ``categories`` (any set on the
  subject's scale; yes/no items are 1 = yes, 0 = no) is at least / at most ``percent``, e.g.
  "80 % svarar 4, 5 eller 6", "100 % svarar nej". Older rows carry only ``category`` (the
  lowest accepted category): they mean ``category`` .. top of the scale;
* ``mean_at_least``: the mean answer is at least ``mean``;
* ``good_example``: a narrative good example is reported in the period;
* ``register_share``: the share of exits with an outcome in ``outcomes`` is at least ``percent``.

Targets change over time: each row is valid ``valid_from`` .. ``valid_to`` (open-ended when
empty); a new open-ended target for a subject from a date ends the open-ended one the day
before (:func:`targets_superseded`, :func:`target_write`); edits and ends go through
:func:`target_write` too. Results use the target valid in their period
(:func:`stats.periods.target_for`, re-exported as ``national.reports.periods.target_for``).
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
    categories = models.JSONField(_("svarskategorier"), default=list, blank=True)
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
                    (
                        Q(kind="share_at_least", percent__gt=0, percent__lte=100)
                        & (Q(category__isnull=False) | ~Q(categories=[]))
                    )
                    | (
                        Q(kind="share_at_most", percent__gte=0, percent__lte=100)
                        & (Q(category__isnull=False) | ~Q(categories=[]))
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

        percent = (
            f"{num(self.percent)}{'%' if english else NBSP + '%'}"
            if self.percent is not None
            else ""
        )
        if self.kind in (RuleKind.SHARE_AT_LEAST, RuleKind.SHARE_AT_MOST):
            values = {"percent": percent, "categories": self.categories_text()}
            if not self.categories:
                values["categories"] = str(self.category)
                if self.kind == RuleKind.SHARE_AT_LEAST:
                    return gettext("Minst %(percent)s svarar %(categories)s eller högre") % values
                return gettext("Högst %(percent)s svarar %(categories)s eller högre") % values
            if self.kind == RuleKind.SHARE_AT_LEAST:
                return gettext("Minst %(percent)s svarar %(categories)s") % values
            return gettext("Högst %(percent)s svarar %(categories)s") % values
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

    def category_names(self) -> dict[int, str]:
        """Names of categories where numbers would not do (yes/no items override this)."""
        return {}

    def categories_text(self) -> str:
        """ "4, 5 eller 6", "nej": the accepted categories as people read them."""
        names = self.category_names()
        words = [names.get(int(c), str(c)) for c in sorted(self.categories or [])]
        if len(words) <= 1:
            return "".join(words)
        return gettext("%(first)s eller %(last)s") % {
            "first": ", ".join(words[:-1]),
            "last": words[-1],
        }

    def accepted(self, scale_max: int) -> list[int]:
        """The accepted categories: ``categories``, or ``category`` .. ``scale_max``."""
        if self.categories:
            return sorted(int(c) for c in self.categories)
        return list(range(int(self.category or 0), scale_max + 1))


def target_rule_errors(
    *,
    kind: str,
    subject: str,
    scale_min: int | None,
    scale_max: int | None,
    category: int | None = None,
    categories: Sequence[int] = (),
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
        "scale": {RuleKind.SHARE_AT_LEAST, RuleKind.SHARE_AT_MOST, RuleKind.MEAN_AT_LEAST},
        "yes_no": {RuleKind.SHARE_AT_LEAST, RuleKind.SHARE_AT_MOST},
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
    if kind == RuleKind.SHARE_AT_MOST and (percent is None or not 0 <= percent <= 100):
        add("percent", gettext("Målnivån ska vara en andel från 0 till 100 %."))
    share = kind in {RuleKind.SHARE_AT_LEAST, RuleKind.SHARE_AT_MOST}
    if share and categories:
        if (
            scale_min is not None
            and scale_max is not None
            and any(not scale_min <= int(c) <= scale_max for c in categories)
        ):
            add(
                "categories",
                gettext("Svarskategorierna ska ligga inom skalan (%(low)s–%(high)s).")
                % {"low": scale_min, "high": scale_max},
            )
    elif share and category is None:
        add("categories", gettext("Välj minst en svarskategori."))
    elif (
        share
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
    categories: Sequence[int] = (),
    percent: object = None,
    mean: object = None,
    outcomes: Sequence[str] = (),
) -> dict[str, list[str]]:
    """All field errors of a new or edited target: its rule on the subject's scale, its period,
    and overlap with ``existing`` targets on the same subject (one rule at a time; leave the
    edited target itself out). An open-ended existing target that starts before an open-ended
    new one is not a clash: :func:`targets_superseded` names it, to be ended the day before."""
    errors = target_rule_errors(
        kind=kind,
        subject=subject,
        scale_min=scale[0],
        scale_max=scale[1],
        category=category,
        categories=categories,
        percent=float(str(percent)) if percent is not None else None,
        mean=float(str(mean)) if mean is not None else None,
        outcomes=list(outcomes),
    )
    if valid_to is not None and valid_to < valid_from:  # type: ignore[operator]
        errors.setdefault("valid_to", []).append(gettext("Slutdatum före startdatum."))
    ending = {t.pk for t in targets_superseded(existing, valid_from, valid_to)}
    clash = [
        t
        for t in existing
        if t.pk not in ending and periods_overlap(valid_from, valid_to, t.valid_from, t.valid_to)
    ]
    if clash:
        errors.setdefault("valid_from", []).append(
            gettext("Giltighetstiden överlappar en befintlig målnivå (från %s).")
            % clash[0].valid_from
        )
    return errors


def targets_superseded(
    existing: Iterable[TargetRuleFields], valid_from: object, valid_to: object | None
) -> list[TargetRuleFields]:
    """The open-ended targets a new open-ended target from ``valid_from`` replaces: those that
    started before it (they end the day before ``valid_from``)."""
    if valid_to is not None:
        return []
    return [t for t in existing if t.valid_to is None and t.valid_from < valid_from]  # type: ignore[operator]


RULE_FIELDS = ("kind", "category", "categories", "percent", "mean", "outcomes")


def target_write(
    target: TargetRuleFields,
    *,
    subject: str,
    scale: tuple[int | None, int | None],
    existing: Iterable[TargetRuleFields],
) -> list[TargetRuleFields]:
    """Validate ``target`` (new or edited, fields already set) against its subject and the
    other targets on it (``existing``, locked by the caller), end the open-ended targets it
    supersedes the day before it starts, and save it. Returns the ended targets. Raises
    ``ValidationError`` with field errors; the caller's transaction keeps it all-or-nothing."""
    import datetime as dt

    from django.core.exceptions import ValidationError

    others = [t for t in existing if t.pk != target.pk]
    errors = target_errors(
        kind=target.kind,
        subject=subject,
        scale=scale,
        valid_from=target.valid_from,
        valid_to=target.valid_to,
        existing=others,
        category=target.category,
        categories=[int(c) for c in target.categories or []],
        percent=target.percent,
        mean=target.mean,
        outcomes=list(target.outcomes or []),
    )
    if errors:
        raise ValidationError(errors)
    ended = targets_superseded(others, target.valid_from, target.valid_to)
    for old in ended:
        old.valid_to = target.valid_from - dt.timedelta(days=1)
        old.save(update_fields=["valid_to"])
    if target.categories:
        target.categories = sorted({int(c) for c in target.categories})
        target.category = None
    target.full_clean()
    target.save()
    return ended
