"""The association's own questions as the questionnaire shows them: scale (2–11 steps),
yes/no and number items placed on the form for the invitation's activity."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pilot.selectors import local_item_asked_list
from pilot.services.placement import ASKED_KINDS
from pilot.services.submissions import LOCAL_PREFIX
from vocabulary.choices import LocalItemKind


def local_questions(
    *, form_code: str, activity_id: int | None, english: bool, dont_know: str
) -> list[dict[str, Any]]:
    """Question dicts (``name``, ``text``, ``widget`` "radio"/"number", ``choices``,
    ``dont_know``, number limits) for the local items asked on ``form_code`` for the activity
    (items placed on no activity in particular are asked for every activity)."""
    items = local_item_asked_list(kinds=ASKED_KINDS, form_code=form_code, activity_id=activity_id)
    out: list[dict[str, Any]] = []
    for item in items:
        text = (item.text_en or item.text_sv) if english else item.text_sv
        q: dict[str, Any] = {"name": f"{LOCAL_PREFIX}{item.code}", "text": text,
                             "widget": "radio", "dont_know": dont_know, "choices": []}  # fmt: skip
        if item.kind == LocalItemKind.YES_NO:
            q["choices"] = [("1", _("Ja")), ("0", _("Nej"))]
            q["plain"] = True  # no step numbers before Ja/Nej
        elif item.kind == LocalItemKind.NUMBER:
            q["widget"] = "number"
            q["min"] = item.number_min
            q["max"] = item.number_max
        else:
            q["choices"] = [
                (str(label["value"]),
                 str(label.get("en") if english and label.get("en") else label["sv"]))
                for label in item.scale_labels
            ] or [(str(v), str(v)) for v in range(1, (item.scale_points or 0) + 1)]  # fmt: skip
        out.append(q)
    return out


def posted_local_value(q: dict[str, Any], value: str) -> str | None:
    """A posted answer kept for the draft, or None: a choice, "don't know" or, for number
    items, the text typed (checked by the submission service, which names the error)."""
    if q.get("widget") == "number":
        return value.strip().replace(",", ".") or None
    return value if value in {c for c, _label in q["choices"]} else None
