"""okrkit: plan, track and review OKRs and KPIs in Jupyter notebooks.

``import okrkit`` loads the model, file formats, scoring and the store front end; SQLAlchemy,
openpyxl, NetworkX, matplotlib and the widget stack load only when they are used.
"""

from __future__ import annotations

import importlib
from typing import Any

from okrkit.carry import carry_over
from okrkit.checks import check_set, check_sets
from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import (
    AlignmentCycleError,
    AlignmentError,
    ConflictError,
    InputError,
    NotFoundError,
    OkrkitError,
    SchemaVersionError,
    StoreError,
    ValidationError,
)
from okrkit.findings import Finding
from okrkit.frames import Frames, from_frames, to_frames
from okrkit.io import dump_yaml, load_yaml, save_yaml
from okrkit.model import KPI, CheckIn, Initiative, KeyResult, Objective, OkrSet
from okrkit.scoring import Scores, ScoringConfig, score
from okrkit.store import ImportSummary, Store
from okrkit.wording import assess_key_result
from okrkit.workspace import init_workspace, load_template, open_workspace, template_names

__version__ = "0.1.0"

__all__ = [
    "KPI",
    "AlignmentCycleError",
    "AlignmentError",
    "CheckIn",
    "ConflictError",
    "Cycle",
    "Finding",
    "Frames",
    "ImportSummary",
    "Initiative",
    "InputError",
    "KeyResult",
    "NotFoundError",
    "Objective",
    "OkrSet",
    "OkrkitError",
    "SchemaVersionError",
    "Scores",
    "ScoringConfig",
    "Store",
    "StoreError",
    "ValidationError",
    "assess_key_result",
    "build_graph",
    "carry_over",
    "check_set",
    "check_sets",
    "current_quarter",
    "dump_yaml",
    "from_frames",
    "graph_findings",
    "init_workspace",
    "load_template",
    "load_yaml",
    "open_workspace",
    "rollup",
    "save_yaml",
    "score",
    "template_names",
    "to_frames",
]

#: Public names whose modules load on first use (NetworkX is slow to import).
_LAZY = {
    "build_graph": "okrkit.alignment",
    "graph_findings": "okrkit.alignment",
    "rollup": "okrkit.alignment",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'okrkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
