"""The result of scoring: :class:`Scores`, with its JSON shape and its notebook table."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.display import score_table

__all__ = ["Scores"]


@dataclass(frozen=True, slots=True)
class Scores:
    """Scored key results and objectives of one cycle at one date."""

    as_of: dt.date
    cycle: Cycle
    objectives: pd.DataFrame
    key_results: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape of ``okrkit score --format json``.

        A key result carries ``pending`` (``null``, ``"no data"`` or ``"not yet due"``) beside
        its score; an objective ``scored``, how many of its key results have a score.
        """
        krs_by_objective: dict[str, list[dict[str, Any]]] = {}
        kr_cols = ["id", "title", "type", "value", "score", "band", "status", "pending"]
        krs = self.key_results
        zones = krs["zone"] if "zone" in krs else pd.Series(None, index=krs.index, dtype=object)
        for rec, objective, zone in zip(
            krs[kr_cols].to_dict("records"), krs["objective"], zones, strict=True
        ):
            if rec["type"] == "milestone":
                rec["value"] = bool(rec["value"] == 1.0)
            elif rec["type"] == "ordinal":
                rec["value"] = zone  # the level reached: fail, commit, target, stretch
            krs_by_objective.setdefault(objective, []).append(_json_ready(rec))
        objectives = []
        o_cols = ["id", "title", "owner", "level", "kind", "score", "band", "status", "scored"]
        for rec in self.objectives[o_cols].to_dict("records"):
            item = _json_ready(rec)  # scored: how many of its key results have a score
            item["key_results"] = krs_by_objective.get(rec["id"], [])
            objectives.append(item)
        return {"as_of": self.as_of.isoformat(), "cycle": self.cycle.id, "objectives": objectives}

    def _repr_html_(self) -> str:
        """The score table of :func:`okrkit.display.score_table` (band colours, escaped text).

        A notebook shows the first 50 objectives with their key results and counts the rest.
        """
        shown, more = self, len(self.objectives) - _HTML_OBJECTIVES
        if more > 0:
            head = self.objectives.iloc[:_HTML_OBJECTIVES]
            krs = self.key_results[self.key_results["objective"].isin(head["id"])]
            shown = Scores(as_of=self.as_of, cycle=self.cycle, objectives=head, key_results=krs)
        # score_table's caption holds the cycle id unescaped; set an escaped one.
        caption = f"Cycle {self.cycle.id}, as of {self.as_of.isoformat()}"
        table: str = score_table(shown).set_caption(html.escape(caption)).to_html()
        if more > 0:
            table += f"<div><em>… and {more} more objectives</em></div>"
        return table


_HTML_OBJECTIVES = 50  # objectives a notebook shows of a Scores


def _json_ready(rec: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in rec.items():
        if isinstance(value, float) and np.isnan(value):
            value = None
        elif isinstance(value, np.generic):
            value = value.item()
        elif value is pd.NA:
            value = None
        out[key] = value
    return out
