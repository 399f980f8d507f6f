"""Scores, grade bands, status and forecasts, computed on columns for a whole set at once.

Rules (see also ``docs/scoring.md``):

- **Key result score** in [0, 1], or no score yet (``NaN``, ``pending`` "no data" or "not yet
  due", status the same words). ``metric``: (value − start) / (target − start), clipped, where
  value is the latest check-in on or before the as-of date, else ``current``, else no data; a
  target below the start (a decreasing metric) scores the same way. With ``bound``
  (``at_least`` / ``at_most``) reaching or passing the target scores 1.0, and short of it,
  without a start, the share of the target (:func:`metric_scores`). With ``per`` (week, month,
  quarter) a rate: the mean over the judged periods (:func:`period_bounds`). ``milestone``: 1.0
  when done; not done before its due date (``due``, else the cycle's last day) not yet due,
  its status from the latest confidence (:func:`pending_status`); not done on or after it 0.0.
  ``qualitative``: the latest grade, no data until graded. ``guardrail``: the share of
  check-ins up to the as-of date that held the line (value at or above the threshold for
  ``above``, at or below for ``below``); with no check-in, 1.0 or 0.0 from ``current``, no data
  without it. ``ordinal``: the score of the zone reached (:func:`zone_scores`).
- **Objective score**: the weight-weighted mean of its own key results that have a score
  (``scored`` of ``key_results``); ``NaN`` and status "no data" when none has.
- **Band**: red below 0.4, yellow from 0.4, green from 0.7 (:class:`ScoringConfig`).
- **Status** compares the score with the expected pace: the elapsed share of the cycle times the
  expected final score (1.0 for committed, 0.7 for aspirational; guardrails are expected to hold
  all along). On track from 90 % of the pace, at risk from 60 %, off track below; a key result
  whose latest confidence is 3 or less is at best at risk. A score of 1.0 is always on track.
- **Expected pace line** (:func:`expected_pace`, drawn by the check-in form): a straight line
  from ``start`` on the cycle's first day to ``target`` on its last day; it is not the status pace
  above, which takes the elapsed share at the end of the as-of day.
- **Expectation**: committed objectives expect 1.0 (``met`` / ``missed``); aspirational ones land
  well at 0.6–0.7 (``short`` below 0.6, ``landed`` from 0.6, ``exceeded`` at 1.0, which can mean
  the goal was set too low).
- **Forecast**: for a metric, a least-squares line through the cycle start (score 0) and every
  check-in's score, read at the cycle end and clipped to [0, 1]; other types forecast their
  current score. ``NaN`` when a metric has no reading at all.

The rules are in ``okrkit/scoring/_rules.py`` (bands, the status decision, the expected pace),
the column work in ``_engine.py`` and the result, :class:`Scores`, in ``_scores.py``. No function
here loops over key results in Python (only over the periods of the few rates): 400k key
results are a handful of column operations.
"""

from __future__ import annotations

from okrkit.scoring._engine import score, score_key_results, score_objectives
from okrkit.scoring._rules import (
    BANDS,
    DEFAULT_ZONE_SCORES,
    PENDING,
    STATUSES,
    ScoringConfig,
    band,
    codes_of,
    day_numbers,
    decide_status,
    default_as_of,
    expected_pace,
    metric_scores,
    pending_status,
    period_bounds,
    zone_scores,
)
from okrkit.scoring._scores import Scores

__all__ = [
    "BANDS",
    "DEFAULT_ZONE_SCORES",
    "PENDING",
    "STATUSES",
    "Scores",
    "ScoringConfig",
    "band",
    "codes_of",
    "day_numbers",
    "decide_status",
    "default_as_of",
    "expected_pace",
    "metric_scores",
    "pending_status",
    "period_bounds",
    "score",
    "score_key_results",
    "score_objectives",
    "zone_scores",
]
