"""Scores as styled tables for notebooks: band colours, escaped text.

The Styler escapes every cell as HTML, so a title such as ``<script>`` shows as text. A key
result without a score shows "–" with its status "no data" or "not yet due" in grey, never a red
0.00; an objective scored from some of its key results says "from 2 of 3 key results".
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # scoring shows its Scores with score_table: display reads them, never imports
    from okrkit.scoring import Scores

__all__ = ["BAND_COLOURS", "STATUS_COLOURS", "score_table", "scored_note"]

#: Background colours of the grade bands (colour-blind safe with the text kept visible).
BAND_COLOURS = {"red": "#f4c7c3", "yellow": "#fce8b2", "green": "#b7e1cd"}
STATUS_COLOURS = {
    "on track": "#b7e1cd",
    "at risk": "#fce8b2",
    "off track": "#f4c7c3",
    "no data": "#e8eaed",  # no score yet: grey, neither good nor bad
    "not yet due": "#e8eaed",
}


def scored_note(scored: Any, total: Any) -> str:
    """The note "from N of M key results" for an objective scored from some of its key results.

    >>> scored_note(2, 3), scored_note(3, 3), scored_note(0, 3)
    ('from 2 of 3 key results', '', '')
    """
    if pd.isna(scored) or pd.isna(total) or not 0 < int(scored) < int(total):
        return ""
    return f"from {int(scored)} of {int(total)} key results"


def _colour(value: Any, palette: dict[str, str]) -> str:
    colour = palette.get(value) if isinstance(value, str) else None
    return f"background-color: {colour}" if colour else ""


def score_table(scores: Scores, *, key_results: bool = True) -> Any:
    """Objectives (and, by default, their key results) as a styled pandas table.

    Returns a :class:`pandas.io.formats.style.Styler`; in a notebook it shows as a table with
    band and status colours. The ``basis`` column says "from 2 of 3 key results" for an
    objective scored from some of its key results.
    """
    objectives = scores.objectives
    scored = objectives["scored"] if "scored" in objectives else objectives["key_results"]
    basis = [scored_note(s, t) for s, t in zip(scored, objectives["key_results"], strict=True)]
    o = objectives.assign(item="objective", objective=objectives["id"], basis=basis)
    frames = [o]
    if key_results:
        frames.append(scores.key_results.assign(item="key result", level="", kind="", basis=""))
    rows = pd.concat(frames, ignore_index=True)
    order = {ident: i for i, ident in enumerate(scores.objectives["id"])}
    rows["_o"] = rows["objective"].map(order)
    rows["_k"] = (rows["item"] == "key result").astype(int)
    rows = rows.sort_values(["_o", "_k"], kind="stable")
    rows["title"] = [
        ("    " if item == "key result" else "") + title
        for item, title in zip(rows["item"], rows["title"], strict=True)
    ]
    columns = ["id", "title", "owner", "score", "band", "status", "basis", "forecast"]
    table = rows[columns].reset_index(drop=True)
    styler = table.style.format(
        {"score": "{:.2f}", "forecast": "{:.2f}"}, na_rep="–", escape="html"
    )
    styler = styler.map(lambda v: _colour(v, BAND_COLOURS), subset=["band"])
    styler = styler.map(lambda v: _colour(v, STATUS_COLOURS), subset=["status"])
    styler = styler.set_properties(subset=["title"], **{"text-align": "left", "white-space": "pre"})
    return styler.hide(axis="index").set_caption(
        f"Cycle {html.escape(scores.cycle.id)}, as of {scores.as_of.isoformat()}"
    )
