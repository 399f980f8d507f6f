"""Quarter reports: where every objective stands, per owner and for the whole organisation.

:func:`build_report` gathers the tables of one cycle at one date into a :class:`Report`; the
report writes itself as one self-contained HTML file (inline CSS, the alignment picture as a
``data:`` URI, every user text escaped), as Markdown (pipe tables, the picture as a PNG beside
the file) or as an Excel workbook (one sheet per table, cells neutralised against formula
injection). See ``docs/reports.md``.

Tables (each a :class:`pandas.DataFrame` with the columns of :data:`COLUMNS`):

- ``summary``: one row per measure (scores by band and status, expectations, KPIs, findings);
- ``objectives`` and ``key_results``: scores, bands, status, expectation and forecast; a key
  result without a score shows its status "no data" or "not yet due" (``pending``), and an
  objective scored from some of its key results only says so (``scored``, ``basis``: "from 2
  of 3 key results");
- ``kpis``: KPI health (:func:`okrkit.kpis.kpi_status`) and missing parts;
- ``changes``: per key result, its latest check-in up to the as-of date against the one before:
  the change in value and in score (the score before is the key result's score without its latest
  check-in, by the rules of :func:`okrkit.score`), the date and the note;
- ``findings``: the quality and alignment checks (:func:`okrkit.checks.check_sets`);
- ``by_owner``: counts and mean score per objective owner.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from okrkit.checks import check_sets, design_scores, findings_frame
from okrkit.checks import summary as count_findings
from okrkit.cycles import Cycle, parse_date
from okrkit.errors import ValidationError
from okrkit.frames import Frames, to_frames
from okrkit.kpis import kpi_missing_parts, kpi_status
from okrkit.model import OkrSet, merge_sets
from okrkit.reports._labels import COLUMNS, LABELS
from okrkit.reports._render import report_html, report_markdown, report_workbook, write_atomic
from okrkit.scoring import PENDING, STATUSES, ScoringConfig, band, default_as_of, score
from okrkit.text import resolve_lang

__all__ = ["COLUMNS", "Report", "build_report"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Report:
    """A quarter report of one cycle at one date: tables (DataFrames) and their metadata.

    Build one with :func:`build_report`; write it with :meth:`to_html`, :meth:`to_markdown` or
    :meth:`to_xlsx`. ``alignment_png`` is the alignment picture (``None`` without objectives).
    """

    cycle: Cycle
    as_of: dt.date
    lang: str
    summary: pd.DataFrame
    objectives: pd.DataFrame
    key_results: pd.DataFrame
    kpis: pd.DataFrame
    changes: pd.DataFrame
    findings: pd.DataFrame
    by_owner: pd.DataFrame
    alignment_png: bytes | None = None

    def label(self, key: str) -> str:
        """The label of ``key`` in the report's language (the key itself when unknown)."""
        return LABELS[self.lang].get(key, key)

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` of :data:`COLUMNS`."""
        if name not in COLUMNS:
            raise KeyError(f"no table {name!r}; tables: {', '.join(COLUMNS)}")
        return getattr(self, name)

    def owner_tables(self, owner: str) -> dict[str, pd.DataFrame]:
        """Objectives, key results, changes and findings of one owner (as in ``by_owner``).

        Objectives are the owner's own; key results and changes those of these objectives;
        findings those whose owner is ``owner``.
        """
        who = "" if owner == self.label("no_owner") else owner
        ids = set(self.objectives.loc[self.objectives["owner"] == who, "id"])
        return {
            "objectives": self.objectives[self.objectives["id"].isin(ids)],
            "key_results": self.key_results[self.key_results["objective"].isin(ids)],
            "changes": self.changes[self.changes["objective"].isin(ids)],
            "findings": self.findings[self.findings["owner"].fillna("") == who],
        }

    def heading(self) -> tuple[str, str]:
        """The title and the line under it."""
        line = self.label("as_of").format(cycle=self.cycle.id, date=self.as_of.isoformat())
        return f"{self.label('report')} {self.cycle.id}", line

    def _repr_html_(self) -> str:
        return report_html(self)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write one self-contained HTML file (opens offline); returns ``path``."""
        path = Path(path)
        write_atomic(path, report_html(self).encode("utf-8"))
        return path

    def to_markdown(self, path: str | os.PathLike[str]) -> Path:
        """Write Markdown, with the alignment picture as ``<stem>.alignment.png`` beside it."""
        path = Path(path)
        picture = None
        if self.alignment_png is not None:
            picture = path.with_name(f"{path.stem}.alignment.png")
            write_atomic(picture, self.alignment_png)
        write_atomic(path, report_markdown(self, picture.name if picture else None).encode("utf-8"))
        return path

    def to_xlsx(self, path: str | os.PathLike[str]) -> Path:
        """Write an Excel workbook with one sheet per table; returns ``path``."""
        path = Path(path)
        buffer = io.BytesIO()
        report_workbook(self).save(buffer)
        write_atomic(path, buffer.getvalue())
        return path


def build_report(
    sets: OkrSet | Sequence[OkrSet],
    *,
    as_of: dt.date | str | None = None,
    lang: str | None = None,
    context: Sequence[OkrSet] = (),
    partial: bool = False,
    picture: bool = True,
    config: ScoringConfig | None = None,
) -> Report:
    """Build the quarter report of one cycle.

    Parameters
    ----------
    sets
        An OKR set, or several of one cycle (e.g. the files of several departments), merged.
    as_of
        The report date: check-ins after it are ignored. Default: today, or the cycle's last day
        once it has ended.
    lang
        ``"en"`` or ``"sv"`` for labels and finding messages (default ``$OKRKIT_LANG``, else
        English).
    context
        Other cycles that join the alignment checks but are not reported on.
    partial
        The sets are part of a larger organisation (files): links out of them are warnings.
    picture
        Draw the alignment picture (matplotlib); ``False`` leaves ``alignment_png`` ``None``.
    config
        Scoring thresholds.

    Returns
    -------
    Report

    Raises
    ------
    ValidationError
        When ``sets`` is empty, or holds more than one cycle or an id twice.

    Examples
    --------
    >>> from okrkit import CheckIn, KeyResult, Objective, OkrSet
    >>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow", owner="Ana",
    ...     key_results=[KeyResult(id="K1", title="Users from 0 to 100", start=0, target=100)])],
    ...     checkins=[CheckIn(key_result="K1", date="2026-01-10", value=10),
    ...               CheckIn(key_result="K1", date="2026-01-20", value=40, note="campaign")])
    >>> report = build_report(okrs, as_of="2026-01-25", picture=False)
    >>> row = report.changes.iloc[0]
    >>> row["key_result"], float(row["value_change"]), round(float(row["score_change"]), 2)
    ('K1', 30.0, 0.3)
    >>> report.by_owner[["owner", "objectives", "key_results"]].to_dict("records")
    [{'owner': 'Ana', 'objectives': 1, 'key_results': 1}]
    """
    group = [sets] if isinstance(sets, OkrSet) else list(sets)
    if not group:
        raise ValidationError("no OKR set to report on", field="sets", fix="pass an OkrSet")
    okrs = group[0] if len(group) == 1 else merge_sets(group)
    language = resolve_lang(lang)
    day = default_as_of(okrs.cycle) if as_of is None else parse_date(as_of, field="as_of")
    config = config or ScoringConfig()
    frames = to_frames(okrs)
    scores = score(frames, day, config=config)
    found = check_sets(
        [okrs],
        frames=[frames],
        as_of=day,
        config=None,
        lang=language,
        partial=partial,
        context=context,
    )
    findings = findings_frame(found)
    owner_of = dict(zip(scores.objectives["id"], scores.objectives["owner"], strict=True))
    krs = scores.key_results.copy()
    krs["owner"] = krs["owner"].where(krs["owner"] != "", krs["objective"].map(owner_of))
    krs["last_checkin"] = _dates(krs["last_checkin"])
    design = design_scores(frames, found).set_index("id")["design_score"]
    from_text = LABELS[language]["scored_from"]
    objectives = scores.objectives.assign(
        design_score=scores.objectives["id"].map(design),
        basis=[
            from_text.format(n=int(n), total=int(total)) if 0 < n < total else ""
            for n, total in zip(
                scores.objectives["scored"], scores.objectives["key_results"], strict=True
            )
        ],
    )
    if day < okrs.cycle.end:  # met / missed / landed ... only mean something at quarter end
        objectives["expectation"] = None
    kpis = frames.kpis.assign(
        status=kpi_status(frames.kpis, cycle=frames.cycle, as_of=day),
        missing=[", ".join(p) for p in kpi_missing_parts(frames.kpis)],
    )
    no_owner = LABELS[language]["no_owner"]
    by_owner = _by_owner(objectives, findings, no_owner)
    tables = {
        "summary": _summary(okrs, day, objectives, krs, kpis, found),
        "objectives": objectives,
        "key_results": krs,
        "kpis": kpis,
        "changes": _changes(frames, krs, day, config),
        "findings": findings,
        "by_owner": by_owner,
    }
    tables = {k: v[[c for c, _ in COLUMNS[k]]].reset_index(drop=True) for k, v in tables.items()}
    png = (
        _alignment_png([okrs, *context], okrs.cycle, day, language)
        if picture and okrs.objectives
        else None
    )
    return Report(cycle=okrs.cycle, as_of=day, lang=language, alignment_png=png, **tables)


# --- tables -------------------------------------------------------------------------------------


def _dates(column: pd.Series) -> pd.Series:
    return pd.Series([None if pd.isna(d) else d.date() for d in column], dtype=object)


def _changes(
    frames: Frames, krs: pd.DataFrame, as_of: dt.date, config: ScoringConfig
) -> pd.DataFrame:
    """Per key result: its latest check-in up to ``as_of`` against the one before."""
    ci = frames.checkins.reset_index(drop=True)
    ci = ci.assign(
        _pos=np.arange(len(ci)),
        reading=ci["value"]
        .fillna(ci["grade"])
        .fillna(pd.Series(ci["done"].to_numpy("float64", na_value=np.nan))),
    )
    ci = ci[(ci["date"] <= pd.Timestamp(as_of)) & ci["key_result"].isin(krs["id"])]
    ci = ci.sort_values(["date", "_pos"], kind="stable")
    latest = ci.groupby("key_result", sort=False).tail(1).set_index("key_result")
    previous = ci.drop(latest["_pos"]).groupby("key_result").tail(1).set_index("key_result")
    without = frames.checkins.drop(frames.checkins.index[latest["_pos"].to_numpy()])
    before = score(replace(frames, checkins=without), as_of, config=config).key_results
    before_score = before.set_index("id")["score"]
    rows = krs[krs["id"].isin(latest.index)]
    ids = rows["id"]
    now = latest.reindex(ids)
    prev = previous.reindex(ids)
    out = pd.DataFrame(
        {
            "key_result": ids.to_numpy(),
            "objective": rows["objective"].to_numpy(),
            "owner": rows["owner"].to_numpy(),
            "title": rows["title"].to_numpy(),
            "date": _dates(now["date"]).to_numpy(),
            "previous_date": _dates(prev["date"]).to_numpy(),
            "value": now["reading"].to_numpy("float64"),
            "previous_value": prev["reading"].to_numpy("float64"),
            "score": rows["score"].to_numpy("float64"),
            "previous_score": before_score.reindex(ids).to_numpy("float64"),
            "confidence": now["confidence"].to_numpy("float64"),
            "note": now["note"].fillna("").to_numpy(),
        }
    )
    out["value_change"] = out["value"] - out["previous_value"]
    out["score_change"] = out["score"] - out["previous_score"]
    return out


def _summary(
    okrs: OkrSet,
    as_of: dt.date,
    objectives: pd.DataFrame,
    krs: pd.DataFrame,
    kpis: pd.DataFrame,
    found: list[Any],
) -> pd.DataFrame:
    o = objectives
    scored = o["score"].dropna()
    committed = o["kind"] == "committed"
    counts = count_findings(found)
    rows: list[tuple[str, Any]] = [
        ("cycle", okrs.cycle.id),
        ("as_of_date", as_of),
        ("objectives", len(o)),
        ("key_results", len(krs)),
        ("mean_score", float(scored.mean()) if len(scored) else math.nan),
        *((f"band_{b}", int((o["band"] == b).sum())) for b in ("green", "yellow", "red")),
        *((s.replace(" ", "_"), int((o["status"] == s).sum())) for s in STATUSES),
        ("no_data", int((o["status"] == PENDING[0]).sum())),
        ("committed_total", int(committed.sum())),
        ("committed_met", int((o["expectation"] == "met").sum())),
        ("aspirational_total", int((~committed).sum())),
        ("aspirational_landed", int(o["expectation"].isin(["landed", "exceeded"]).sum())),
        ("kpis", len(kpis)),
        ("kpis_on_track", int((kpis["status"] == "on track").sum())),
        ("kpis_incomplete", int((kpis["missing"] != "").sum())),
        *((f"findings_{s}", counts[s]) for s in ("error", "warning", "info", "silenced")),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)


def _by_owner(objectives: pd.DataFrame, findings: pd.DataFrame, no_owner: str) -> pd.DataFrame:
    o = objectives.assign(
        owner=objectives["owner"].replace("", no_owner),
        on_track=objectives["status"] == "on track",
        at_risk=objectives["status"] == "at risk",
        off_track=objectives["status"] == "off track",
        committed_total=objectives["kind"] == "committed",
        committed_met=objectives["expectation"] == "met",
        aspirational_total=objectives["kind"] == "aspirational",
        aspirational_landed=objectives["expectation"].isin(["landed", "exceeded"]),
    )
    counted = [c for c, kind in COLUMNS["by_owner"] if kind == "int"][2:-1]
    g = o.groupby("owner", sort=False)
    out = g[counted].sum().astype("int64")
    out.insert(0, "key_results", g["key_results"].sum().astype("int64"))
    out.insert(0, "objectives", g.size())
    out.insert(2, "score", g["score"].mean())
    out.insert(3, "band", band(out["score"]))
    active = findings[findings["silenced"].isna()]
    per = active["owner"].fillna("").replace("", no_owner).value_counts()
    out["findings"] = per.reindex(out.index, fill_value=0).astype("int64")
    out = out.reset_index()
    return out.iloc[sorted(range(len(out)), key=lambda i: str(out["owner"][i]).casefold())]


def _alignment_png(sets: list[OkrSet], cycle: Cycle, as_of: dt.date, lang: str) -> bytes:
    """The alignment picture of ``cycle``, its title, levels and legend in ``lang``."""
    from okrkit.alignment import build_graph  # heavy: import on first use
    from okrkit.plots import draw_alignment  # heavy: import on first use

    graph = build_graph(sets, as_of=as_of)
    mine = graph.subgraph([n for n, c in graph.nodes(data="cycle") if c == cycle.id]).copy()
    buffer = io.BytesIO()
    draw_alignment(mine, lang=lang).savefig(buffer, format="png")
    return buffer.getvalue()


# --- cells --------------------------------------------------------------------------------------


# --- HTML ---------------------------------------------------------------------------------------


# --- Markdown -----------------------------------------------------------------------------------


# --- Excel --------------------------------------------------------------------------------------
