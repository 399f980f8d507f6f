"""Quarter-end statistics across cycles: the distribution of objective scores, and how often
committed objectives were met and aspirational ones landed."""

from __future__ import annotations

from typing import Any

import pandas as pd

from okrkit.model import KINDS, LEVELS
from okrkit.scoring import BANDS, Scores, ScoringConfig, band

__all__ = ["quarter_end_statistics"]


def _distribution(df: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Count, mean, quartiles and band counts of ``score`` per (level, kind), plus an all row."""

    df = df.assign(band=band(df["score"].to_numpy("float64"), config))

    def stats(frame: pd.DataFrame) -> dict[str, Any]:
        s = frame["score"].astype("float64")
        bands = frame["band"].value_counts()
        return {
            "count": len(frame),
            "scored": int(s.notna().sum()),
            "mean": s.mean(),
            "q25": s.quantile(0.25),
            "median": s.median(),
            "q75": s.quantile(0.75),
            **{b: int(bands.get(b, 0)) for b in BANDS},
        }

    keys = [(lv, k) for lv in (*LEVELS, "other") for k in KINDS]
    level = df["level"].where(df["level"].isin(LEVELS), "other")
    rows, index = [], []
    groups = dict(iter(df.groupby([level, df["kind"]], sort=False)))
    for key in keys:
        if key in groups:
            rows.append(stats(groups[key]))
            index.append(key)
    rows.append(stats(df))
    index.append(("all", "all"))
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["level", "kind"]))


def _expectations(objectives: pd.DataFrame, kind: str, labels: list[str]) -> pd.DataFrame:
    """Counts of each expectation label per level for objectives of one kind, plus an all row."""
    mine = objectives[(objectives["kind"] == kind) & objectives["expectation"].notna()]
    level = mine["level"].where(mine["level"].isin(LEVELS), "other")
    table = pd.crosstab(level, mine["expectation"]).reindex(columns=labels, fill_value=0)
    order = [lv for lv in (*LEVELS, "other") if lv in table.index]
    table = table.reindex(order)
    table.loc["all"] = table.sum(axis=0) if len(table) else 0
    table = table.astype("int64")
    table["total"] = table[labels].sum(axis=1)
    table.index.name, table.columns.name = "level", None
    return table


def quarter_end_statistics(
    scores: Scores, *, config: ScoringConfig | None = None
) -> dict[str, pd.DataFrame]:
    """Quarter-end figures of a scored set: score distributions and expectations met.

    Parameters
    ----------
    scores
        What :func:`okrkit.score` returns (usually at the cycle's last day).
    config
        Band limits (default :class:`~okrkit.ScoringConfig`).

    Returns
    -------
    dict of pandas.DataFrame
        ``objectives`` and ``key_results``: indexed by (level, kind), plus an (``all``,
        ``all``) row, with ``count``, ``scored`` (with a score), ``mean``, ``q25``,
        ``median``, ``q75``, ``red``, ``yellow``, ``green``; a key result takes its
        objective's level and kind. ``committed``: per level and ``all``, the committed
        objectives ``met`` and ``missed`` and their ``total``. ``aspirational``: per level and
        ``all``, ``short``, ``landed``, ``exceeded`` and ``total``. Objectives without key results
        have no score and no expectation, so they are counted only in ``count``.

    Examples
    --------
    >>> import datetime as dt
    >>> from okrkit import KeyResult, Objective, OkrSet, score
    >>> okrs = OkrSet(cycle="2026-Q1", objectives=[
    ...     Objective(id="O1", title="A", key_results=[KeyResult(id="K1", title="k",
    ...               start=0, target=10, current=10)]),
    ...     Objective(id="O2", title="B", kind="aspirational", key_results=[
    ...               KeyResult(id="K2", title="k", start=0, target=10, current=6)])])
    >>> stats = quarter_end_statistics(score(okrs, dt.date(2026, 3, 31)))
    >>> stats["committed"].loc["all", ["met", "missed"]].tolist()
    [1, 0]
    >>> stats["aspirational"].loc["all", ["short", "landed", "exceeded"]].tolist()
    [0, 1, 0]
    """
    config = config or ScoringConfig()
    o = scores.objectives
    level = pd.Series(o["level"].to_numpy(), index=o["id"])
    kind = pd.Series(o["kind"].to_numpy(), index=o["id"])
    k = scores.key_results.assign(
        level=scores.key_results["objective"].map(level),
        kind=scores.key_results["objective"].map(kind),
    )
    return {
        "objectives": _distribution(o, config),
        "key_results": _distribution(k, config),
        "committed": _expectations(o, "committed", ["met", "missed"]),
        "aspirational": _expectations(o, "aspirational", ["short", "landed", "exceeded"]),
    }
