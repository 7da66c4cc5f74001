"""An association's own results and its social accounting report, from its own schema.

* :mod:`~pilot.results.periods`: the period (calendar year, half-year, any date range);
* :mod:`~pilot.results.figures`: how figures are written and judged (Swedish style, the
  rounding rule next to a target, the signal, the gender sentence);
* :mod:`~pilot.results.own`: every target valid in the period with its result;
* :mod:`~pilot.results.tables`: the participant-flow and full-year-equivalent tables;
* :mod:`~pilot.results.bokslut`: the social accounting report of one year (page, PDF, JSON).

No small-cell rule applies inside the association (docs/results.md).
"""

from pilot.results.bokslut import (
    Bokslut,
    bokslut_build,
    bokslut_introduction_text,
    bokslut_json,
)
from pilot.results.own import OwnResults, TargetResult, own_results_build, result_years
from pilot.results.periods import ResultPeriod, period_from_params
from pilot.results.tables import FlowTable, FteTable, flow_table, fte_table

__all__ = [
    "Bokslut",
    "FlowTable",
    "FteTable",
    "OwnResults",
    "ResultPeriod",
    "TargetResult",
    "bokslut_build",
    "bokslut_introduction_text",
    "bokslut_json",
    "flow_table",
    "fte_table",
    "own_results_build",
    "period_from_params",
    "result_years",
]
