"""ipywidgets views for workshops: thin views over the store and the analysis functions.

Every view is built from the store in one call and shown with ``display(...)``::

    from okrkit import open_workspace
    from okrkit.ui import brainstorm_board
    display(brainstorm_board(open_workspace(), voter="Ana"))

Views save every edit to the store at once and show errors in their status line, never as a
traceback. Labels and messages are in English or Swedish (``lang="sv"`` or ``OKRKIT_LANG=sv``).
ipywidgets loads only when a view is built.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "alignment_editor",
    "brainstorm_board",
    "checkin_form",
    "kpi_board",
    "kr_drafter",
    "quarter_review",
]

_WHERE = {
    "alignment_editor": "okrkit.ui.alignment",
    "brainstorm_board": "okrkit.ui.brainstorm",
    "checkin_form": "okrkit.ui.checkin",
    "kpi_board": "okrkit.ui.kpis",
    "kr_drafter": "okrkit.ui.drafter",
    "quarter_review": "okrkit.ui.review",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'okrkit.ui' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
