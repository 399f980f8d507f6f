"""The tables of a quarter report, their columns and how each cell is shown, and the labels in
English and Swedish."""

from __future__ import annotations

import re

from okrkit.text import texts

__all__ = ["COLUMNS", "EXCEL_ILLEGAL", "LABELS"]


#: The columns of each table and how a cell is shown: text, code (a translated value), band,
#: status, score, delta (a signed score change), num, int, date or zone (an ordinal level).
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "summary": (("measure", "code"), ("value", "any")),
    "objectives": (("id", "text"), ("title", "text"), ("owner", "text"), ("level", "code"),
                   ("kind", "code"), ("expected", "score"), ("key_results", "int"),
                   ("scored", "int"), ("score", "score"), ("basis", "text"), ("band", "band"),
                   ("status", "status"),
                   ("expectation", "code"), ("forecast", "score"), ("design_score", "int")),
    "key_results": (("id", "text"), ("objective", "text"), ("title", "text"), ("owner", "text"),
                    ("type", "code"), ("value", "num"), ("zone", "zone"), ("unit", "text"),
                    ("score", "score"), ("band", "band"), ("status", "status"),
                    ("pending", "code"), ("confidence", "num"),
                    ("last_checkin", "date"), ("forecast", "score")),
    "kpis": (("id", "text"), ("name", "text"), ("owner", "text"), ("current", "num"),
             ("target", "num"), ("unit", "text"), ("direction", "code"), ("status", "status"),
             ("missing", "text")),
    "changes": (("key_result", "text"), ("objective", "text"), ("owner", "text"),
                ("title", "text"), ("date", "date"), ("previous_date", "date"), ("value", "num"),
                ("previous_value", "num"), ("value_change", "num"), ("score", "score"),
                ("previous_score", "score"), ("score_change", "delta"), ("confidence", "num"),
                ("note", "text")),
    "findings": (("code", "text"), ("severity", "code"), ("item", "text"), ("owner", "text"),
                 ("objective", "text"), ("message", "text"), ("fix", "text"),
                 ("silenced", "text")),
    "by_owner": (("owner", "text"), ("objectives", "int"), ("key_results", "int"),
                 ("score", "score"), ("band", "band"), ("on_track", "int"), ("at_risk", "int"),
                 ("off_track", "int"), ("committed_total", "int"), ("committed_met", "int"),
                 ("aspirational_total", "int"), ("aspirational_landed", "int"),
                 ("findings", "int")),
}  # fmt: skip


#: Labels by language: headings, column names, measures and shown values
#: (the ``reports`` section of :mod:`okrkit.text`).
LABELS: dict[str, dict[str, str]] = {lang: dict(texts("reports", lang)) for lang in ("en", "sv")}


EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
