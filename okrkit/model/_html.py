"""Notebook display of the records: short HTML tables, every user text escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrkit.model._records import KeyResult

__all__ = ["html_fields", "html_table", "measure_text"]


# --- notebook display: short HTML tables, every user text escaped --------------------------------

_HTML_ROWS = 30  # rows an OKR set or objective shows before "... and N more"
_TABLE = '<table style="border-collapse:collapse">'
_CELL = 'style="text-align:left;padding:1px 8px"'


def _shown(value: object, room: int = 200) -> str:
    """A value as escaped text: numbers as %g, lists joined, long text shortened."""
    if value is None or value == () or value == "":
        return "–"
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, tuple):
        text = ", ".join(f"{v[0]} ({v[1]})" if isinstance(v, tuple) else str(v) for v in value)
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return html.escape(text)


def html_fields(heading: str, pairs: Iterable[tuple[str, object]]) -> str:
    """A heading over a two-column table of the non-empty fields."""
    rows = "".join(
        f"<tr><th {_CELL}>{html.escape(name)}</th><td {_CELL}>{_shown(value)}</td></tr>"
        for name, value in pairs
        if value is not None and value != "" and value != ()
    )
    return f"<div><strong>{html.escape(heading)}</strong>{_TABLE}{rows}</table></div>"


def html_table(columns: Iterable[str], rows: list[tuple[object, ...]], noun: str) -> str:
    """A table with a header, at most :data:`_HTML_ROWS` rows, and a count of the rest."""
    head = "".join(f"<th {_CELL}>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td {_CELL}>{_shown(v, 80)}</td>" for v in row) + "</tr>"
        for row in rows[:_HTML_ROWS]
    )
    more = len(rows) - _HTML_ROWS
    tail = f"<div><em>… and {more} more {noun}</em></div>" if more > 0 else ""
    return f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}"


def measure_text(kr: KeyResult) -> str:
    """What a key result measures, in a few words: '0 → 100 %', 'done', 'below 50'."""
    unit = f" {kr.unit}" if kr.unit else ""
    if kr.type == "metric":
        return f"{kr.start:g} → {kr.target:g}{unit}"
    if kr.type == "milestone":
        return "done" if kr.done else "not done"
    if kr.type == "qualitative":
        return "not graded" if kr.grade is None else f"grade {kr.grade:g}"
    return f"{kr.direction} {kr.threshold:g}{unit}"
