"""The domain model: objectives, key results, check-ins, KPIs, initiatives and the OKR set.

Every class is a frozen, keyword-only dataclass that checks its invariants when it is built, so an
object that exists is valid. Changes return copies (:func:`dataclasses.replace`). Lists given to a
constructor are stored as tuples; ISO date texts are read as dates.

Examples
--------
>>> kr = KeyResult(id="KR1", title="Grow visitors to 1M", type="metric", start=0, target=1e6)
>>> kr.increasing
True
>>> o = Objective(id="O1", title="Raise brand awareness", key_results=[kr])
>>> OkrSet(cycle="2026-Q1", objectives=[o]).key_result("KR1").target
1000000.0

The model is a package of private modules behind this one public face: ``_fields`` (the field
checks, kinds and limits), ``_records`` (the records), ``_columns`` (check-ins built column by
column), ``_okr_set`` (the set) and ``_html`` (notebook display). Import from ``okrkit.model``.
"""

from __future__ import annotations

from okrkit.model._columns import (
    check_checkin_dates,
    checkins_from_columns,
)
from okrkit.model._fields import (
    BOUNDS,
    CHECKIN_FIELD,
    FREQUENCIES,
    ID_SEPARATORS,
    INITIATIVE_STATES,
    KINDS,
    KR_TYPE_FIELDS,
    KR_TYPES,
    LEVELS,
    MAX_CONFIDENCE,
    MAX_GRADE,
    MAX_ID,
    MAX_NUMBER,
    MAX_TEXT,
    MAX_WEIGHT,
    MIN_CONFIDENCE,
    MIN_GRADE,
    MIN_WEIGHT,
    PERIODS,
    ZONES,
    Frequency,
    GuardDirection,
    InitiativeState,
    Kind,
    KpiDirection,
    KrType,
    Level,
    Zone,
    check_confidence,
    check_grade,
    check_number,
    check_weight,
    parse_cycle,
)
from okrkit.model._okr_set import (
    OkrSet,
    find_alignment_loop,
    loop_error,
    merge_sets,
)
from okrkit.model._records import (
    KPI,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    with_article,
)

__all__ = [
    "BOUNDS",
    "CHECKIN_FIELD",
    "FREQUENCIES",
    "ID_SEPARATORS",
    "INITIATIVE_STATES",
    "KINDS",
    "KPI",
    "KR_TYPES",
    "KR_TYPE_FIELDS",
    "LEVELS",
    "MAX_CONFIDENCE",
    "MAX_GRADE",
    "MAX_ID",
    "MAX_NUMBER",
    "MAX_TEXT",
    "MAX_WEIGHT",
    "MIN_CONFIDENCE",
    "MIN_GRADE",
    "MIN_WEIGHT",
    "PERIODS",
    "ZONES",
    "CheckIn",
    "Frequency",
    "GuardDirection",
    "Initiative",
    "InitiativeState",
    "KeyResult",
    "Kind",
    "KpiDirection",
    "KrType",
    "Level",
    "Objective",
    "OkrSet",
    "Zone",
    "check_checkin_dates",
    "check_confidence",
    "check_grade",
    "check_number",
    "check_weight",
    "checkins_from_columns",
    "find_alignment_loop",
    "loop_error",
    "merge_sets",
    "parse_cycle",
    "with_article",
]
