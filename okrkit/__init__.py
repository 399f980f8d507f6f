"""okrkit: plan, track and review OKRs and KPIs in Jupyter notebooks.

``import okrkit`` loads the model, file formats, scoring and the store front end; SQLAlchemy,
openpyxl and the widget stack load only when they are used.
"""

from __future__ import annotations

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
from okrkit.frames import Frames, from_frames, to_frames
from okrkit.io import dump_yaml, load_yaml, save_yaml
from okrkit.model import KPI, CheckIn, Initiative, KeyResult, Objective, OkrSet
from okrkit.scoring import Scores, ScoringConfig, score
from okrkit.store import ImportSummary, Store
from okrkit.workspace import init_workspace, load_template, open_workspace, template_names

__version__ = "0.1.0"

__all__ = [
    "KPI",
    "AlignmentCycleError",
    "AlignmentError",
    "CheckIn",
    "ConflictError",
    "Cycle",
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
    "current_quarter",
    "dump_yaml",
    "from_frames",
    "init_workspace",
    "load_template",
    "load_yaml",
    "open_workspace",
    "save_yaml",
    "score",
    "template_names",
    "to_frames",
]
