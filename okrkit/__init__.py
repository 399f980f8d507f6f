"""okrkit: plan, track and review OKRs and KPIs in Jupyter notebooks."""

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

__version__ = "0.1.0"
