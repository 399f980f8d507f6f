"""Scores as styled tables for notebooks: band colours, escaped text.

The Styler escapes every cell as HTML, so a title such as ``<script>`` shows as text.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # scoring shows its Scores with score_table: display reads them, never imports
    from okrkit.scoring import Scores

__all__ = ["BAND_COLOURS", "STATUS_COLOURS", "score_table"]

#: Background colours of the grade bands (colour-blind safe with the text kept visible).
BAND_COLOURS = {"red": "#f4c7c3", "yellow": "#fce8b2", "green": "#b7e1cd"}
STATUS_COLOURS = {"on track": "#b7e1cd", "at risk": "#fce8b2", "off track": "#f4c7c3"}


def _colour(value: Any, palette: dict[str, str]) -> str:
    colour = palette.get(value) if isinstance(value, str) else None
    return f"background-color: {colour}" if colour else ""


def score_table(scores: Scores, *, key_results: bool = True) -> Any:
    """Objectives (and, by default, their key results) as a styled pandas table.

    Returns a :class:`pandas.io.formats.style.Styler`; in a notebook it shows as a table with
    band and status colours.
    """
    o = scores.objectives.assign(item="objective", objective=scores.objectives["id"])
    frames = [o]
    if key_results:
        frames.append(scores.key_results.assign(item="key result", level="", kind=""))
    rows = pd.concat(frames, ignore_index=True)
    order = {ident: i for i, ident in enumerate(scores.objectives["id"])}
    rows["_o"] = rows["objective"].map(order)
    rows["_k"] = (rows["item"] == "key result").astype(int)
    rows = rows.sort_values(["_o", "_k"], kind="stable")
    rows["title"] = [
        ("    " if item == "key result" else "") + title
        for item, title in zip(rows["item"], rows["title"], strict=True)
    ]
    table = rows[["id", "title", "owner", "score", "band", "status", "forecast"]].reset_index(
        drop=True
    )
    styler = table.style.format(
        {"score": "{:.2f}", "forecast": "{:.2f}"}, na_rep="–", escape="html"
    )
    styler = styler.map(lambda v: _colour(v, BAND_COLOURS), subset=["band"])
    styler = styler.map(lambda v: _colour(v, STATUS_COLOURS), subset=["status"])
    styler = styler.set_properties(subset=["title"], **{"text-align": "left", "white-space": "pre"})
    return styler.hide(axis="index").set_caption(
        f"Cycle {html.escape(scores.cycle.id)}, as of {scores.as_of.isoformat()}"
    )
