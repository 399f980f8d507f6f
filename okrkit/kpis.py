"""KPI health: the four parts a KPI needs, and on track / at risk / off track against its target.

Plain functions on the KPI frame (:attr:`Frames.kpis <okrkit.frames.Frames>`), one row per KPI,
computed on columns; the KPI board (:mod:`okrkit.ui.kpis`) shows what they return. See also
``docs/scoring.md`` ("KPI status").

- :func:`kpi_missing_parts` names the parts a KPI lacks (:data:`KPI_PARTS`: target, time frame,
  data source, monitoring frequency), as the quality check ``OKR401`` does.
- :func:`kpi_status` compares the current value with the target in the KPI's direction:

  ============  ==================================================================
  on track      the target is reached: current ≥ target (``up``) or ≤ target (``down``)
  at risk       not reached, but within 10 % of the target (``tolerance``):
                \\|current − target\\| ≤ 0.1 × \\|target\\|
  off track     further away than that
  (none)        no target or no current value: the status cannot be told
  ============  ==================================================================

  A KPI watches health: its target is the level to hold, so the rule compares with the target
  itself, not with a pace through the cycle (the time frame is free text).

Examples
--------
>>> import pandas as pd
>>> kpis = pd.DataFrame({"target": [20, 20, 20, 3.7, None], "current": [25, 19, 6, 4.2, 5],
...                      "direction": ["up", "up", "up", "down", "up"]})
>>> kpi_status(kpis).tolist()
['on track', 'at risk', 'off track', 'off track', None]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KPI_PARTS", "kpi_missing_parts", "kpi_status"]

#: The four parts every KPI needs, as column names of the KPI frame.
KPI_PARTS = ("target", "timeframe", "data_source", "frequency")


def _blank(column: pd.Series) -> pd.Series:
    """True where a text cell is missing or only spaces."""
    return column.isna() | (column.astype(object).fillna("").astype(str).str.strip() == "")


def kpi_missing_parts(kpis: pd.DataFrame) -> pd.Series:
    """The parts each KPI lacks, as a tuple of names from :data:`KPI_PARTS` (empty when whole).

    A part is missing when ``target`` is empty, or when ``timeframe``, ``data_source`` or
    ``frequency`` is empty or only spaces.

    Parameters
    ----------
    kpis
        A frame with ``target``, ``timeframe``, ``data_source`` and ``frequency`` columns.

    Returns
    -------
    pandas.Series
        Indexed like ``kpis``, named ``missing``; each cell a tuple in :data:`KPI_PARTS` order.

    Examples
    --------
    >>> kpis = pd.DataFrame({"target": [20.0, None], "timeframe": ["2026-Q1", ""],
    ...                      "data_source": ["CRM", "CRM"], "frequency": ["weekly", None]})
    >>> kpi_missing_parts(kpis).tolist()
    [(), ('target', 'timeframe', 'frequency')]
    """
    lacks = pd.DataFrame(
        {
            "target": kpis["target"].isna(),
            "timeframe": _blank(kpis["timeframe"]),
            "data_source": _blank(kpis["data_source"]),
            "frequency": _blank(kpis["frequency"]),
        },
        index=kpis.index,
    )
    return pd.Series(
        [tuple(p for p in KPI_PARTS if row[p]) for row in lacks.to_dict("records")],
        index=kpis.index,
        dtype=object,
        name="missing",
    )


def kpi_status(kpis: pd.DataFrame, *, tolerance: float = 0.1) -> pd.Series:
    """Status of each KPI: ``on track``, ``at risk``, ``off track`` or ``None``.

    Parameters
    ----------
    kpis
        A frame with ``target``, ``current`` and ``direction`` (``up``/``down``) columns.
    tolerance
        How close to the target, as a share of it, still counts as "at risk" (default 10 %).

    Returns
    -------
    pandas.Series
        Indexed like ``kpis``, named ``status``; ``None`` where the target or the current value
        is missing. See the module docstring for the rule.

    Examples
    --------
    >>> kpis = pd.DataFrame({"target": [100.0, 100.0], "current": [80.0, 96.0],
    ...                      "direction": ["up", "up"]})
    >>> kpi_status(kpis).tolist(), kpi_status(kpis, tolerance=0.25).tolist()
    (['off track', 'at risk'], ['at risk', 'at risk'])
    """
    target = pd.to_numeric(kpis["target"], errors="coerce").to_numpy("float64")
    current = pd.to_numeric(kpis["current"], errors="coerce").to_numpy("float64")
    down = (kpis["direction"].astype(object) == "down").to_numpy()
    shortfall = np.where(down, current - target, target - current)  # > 0: not there yet
    with np.errstate(invalid="ignore"):
        on = shortfall <= 0
        risk = shortfall <= tolerance * np.abs(target)
    out = np.select([on, risk], ["on track", "at risk"], "off track").astype(object)
    out[np.isnan(target) | np.isnan(current)] = None
    return pd.Series(out, index=kpis.index, name="status", dtype=object)
