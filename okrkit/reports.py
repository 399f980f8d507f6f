"""Quarter reports: where every objective stands, per owner and for the whole organisation.

:func:`build_report` gathers the tables of one cycle at one date into a :class:`Report`; the
report writes itself as one self-contained HTML file (inline CSS, the alignment picture as a
``data:`` URI, every user text escaped), as Markdown (pipe tables, the picture as a PNG beside
the file) or as an Excel workbook (one sheet per table, cells neutralised against formula
injection). See ``docs/reports.md``.

Tables (each a :class:`pandas.DataFrame` with the columns of :data:`COLUMNS`):

- ``summary``: one row per measure (scores by band and status, expectations, KPIs, findings);
- ``objectives`` and ``key_results``: scores, bands, status, expectation and forecast;
- ``kpis``: KPI health (:func:`okrkit.kpis.kpi_status`) and missing parts;
- ``changes``: per key result, its latest check-in up to the as-of date against the one before:
  the change in value and in score (the score before is the key result's score without its latest
  check-in, by the rules of :func:`okrkit.score`), the date and the note;
- ``findings``: the quality and alignment checks (:func:`okrkit.checks.check_sets`);
- ``by_owner``: counts and mean score per objective owner.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from okrkit.checks import _check_sets, design_scores, findings_frame, resolve_lang
from okrkit.checks import summary as count_findings
from okrkit.cycles import Cycle, parse_date
from okrkit.display import BAND_COLOURS, STATUS_COLOURS
from okrkit.errors import ValidationError
from okrkit.frames import Frames, to_frames
from okrkit.io.tabular import neutralise
from okrkit.kpis import kpi_missing_parts, kpi_status
from okrkit.model import OkrSet, merge_sets
from okrkit.scoring import STATUSES, ScoringConfig, band, default_as_of, score

__all__ = ["COLUMNS", "Report", "build_report"]

#: The columns of each table and how a cell is shown: text, code (a translated value), band,
#: status, score, delta (a signed score change), num, int or date.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "summary": (("measure", "code"), ("value", "any")),
    "objectives": (("id", "text"), ("title", "text"), ("owner", "text"), ("level", "code"),
                   ("kind", "code"), ("expected", "score"), ("key_results", "int"),
                   ("score", "score"), ("band", "band"), ("status", "status"),
                   ("expectation", "code"), ("forecast", "score"), ("design_score", "int")),
    "key_results": (("id", "text"), ("objective", "text"), ("title", "text"), ("owner", "text"),
                    ("type", "code"), ("value", "num"), ("unit", "text"), ("score", "score"),
                    ("band", "band"), ("status", "status"), ("confidence", "num"),
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

_EN = dict(
    report="Quarter report", as_of="Cycle {cycle}, as of {date}", none="none",
    alignment="Alignment", no_owner="(no owner)", by_owner_sections="Per owner",
    summary="Summary", objectives="Objectives", key_results="Key results", kpis="KPIs",
    changes="Changes since the last check-in", findings="Findings", by_owner="By owner",
    measure="Measure", value="Value", id="ID", title="Title", owner="Owner", level="Level",
    kind="Kind", score="Score", band="Band", status="Status", expectation="Expectation",
    forecast="Forecast", design_score="Design score", objective="Objective", type="Type",
    unit="Unit", confidence="Confidence", last_checkin="Last check-in", name="Name",
    current="Current", target="Target", direction="Direction", missing="Missing parts",
    key_result="Key result", date="Date", previous_date="Previous date",
    previous_value="Previous value", value_change="Value change", previous_score="Score before",
    score_change="Score change", note="Note", code="Code", severity="Severity", item="Item",
    message="Message", fix="Fix", silenced="Silenced", on_track="On track", at_risk="At risk",
    off_track="Off track", committed_total="Committed", committed_met="Committed met",
    aspirational_total="Aspirational", aspirational_landed="Aspirational landed (0.6+)",
    cycle="Cycle", as_of_date="As of", mean_score="Mean objective score", green="green",
    yellow="yellow", red="red", band_green="Objectives green (0.7+)",
    band_yellow="Objectives yellow (0.4–0.7)", band_red="Objectives red (below 0.4)",
    findings_error="Findings: errors", findings_warning="Findings: warnings",
    findings_info="Findings: info", findings_silenced="Findings: silenced",
    expected="Expected score",
    kpis_on_track="KPIs on track", kpis_incomplete="KPIs lacking a part", error="error",
    warning="warning", info="info", company="company", department="department", team="team",
    individual="individual", met="met", missed="missed", exceeded="exceeded", landed="landed",
    short="short", metric="metric", milestone="milestone", qualitative="qualitative",
    guardrail="guardrail", up="up", down="down",
    picture_note="Objectives by level, coloured by band; lines join aligned objectives.",
    sheet_alignment="Alignment", sheet_changes="Changes",
)  # fmt: skip
_SV = dict(
    report="Kvartalsrapport", as_of="Period {cycle}, per {date}", none="inga",
    alignment="Samordning", no_owner="(ingen ägare)", by_owner_sections="Per ägare",
    summary="Sammanfattning", objectives="Mål", key_results="Nyckelresultat", kpis="Nyckeltal",
    changes="Ändringar sedan förra avstämningen", findings="Anmärkningar", by_owner="Per ägare",
    measure="Mått", value="Värde", id="ID", title="Titel", owner="Ägare", level="Nivå",
    kind="Slag", score="Poäng", band="Färg", status="Status", expectation="Förväntan",
    forecast="Prognos", design_score="Utformning", objective="Mål", type="Typ", unit="Enhet",
    confidence="Tilltro", last_checkin="Senaste avstämning", name="Namn", current="Nuvarande",
    target="Mål", direction="Riktning", missing="Saknade delar", key_result="Nyckelresultat",
    date="Datum", previous_date="Förra datum", previous_value="Förra värde",
    value_change="Ändring i värde", previous_score="Poäng före", score_change="Ändring i poäng",
    note="Anteckning", code="Kod", severity="Allvar", item="Post", message="Meddelande",
    fix="Åtgärd", silenced="Tystad", on_track="På rätt spår", at_risk="I riskzonen",
    off_track="På fel spår", committed_total="Åtaganden", committed_met="Åtaganden uppnådda",
    aspirational_total="Utökade mål", aspirational_landed="Utökade mål landade (0,6+)",
    cycle="Period", as_of_date="Per", mean_score="Medelpoäng för målen", green="grön",
    yellow="gul", red="röd", band_green="Mål gröna (0,7+)", band_yellow="Mål gula (0,4–0,7)",
    band_red="Mål röda (under 0,4)", findings_error="Anmärkningar: fel",
    findings_warning="Anmärkningar: varningar", findings_info="Anmärkningar: info",
    findings_silenced="Anmärkningar: tystade", expected="Förväntad poäng",
    kpis_on_track="Nyckeltal på rätt spår", kpis_incomplete="Nyckeltal som saknar en del",
    error="fel", warning="varning", info="info", company="företag", department="avdelning",
    team="team", individual="individ", met="uppnått", missed="missat", exceeded="överträffat",
    landed="landat", short="under", metric="mätvärde", milestone="milstolpe",
    qualitative="kvalitativt", guardrail="gränsvärde", up="upp", down="ner",
    picture_note="Målen per nivå, färgade efter poäng; linjer förbinder samordnade mål.",
    sheet_alignment="Samordning", sheet_changes="Ändringar",
)  # fmt: skip
_VALUES = {
    "en": {"on track": "on track", "at risk": "at risk", "off track": "off track",
           "committed": "committed", "aspirational": "aspirational"},
    "sv": {"on track": "på rätt spår", "at risk": "i riskzonen", "off track": "på fel spår",
           "committed": "åtagande", "aspirational": "utökat mål"},
}  # fmt: skip
#: Labels by language: headings, column names, measures and shown values.
LABELS: dict[str, dict[str, str]] = {"en": _EN | _VALUES["en"], "sv": _SV | _VALUES["sv"]}
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
        return _html(self)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write one self-contained HTML file (opens offline); returns ``path``."""
        path = Path(path)
        _atomic(path, _html(self).encode("utf-8"))
        return path

    def to_markdown(self, path: str | os.PathLike[str]) -> Path:
        """Write Markdown, with the alignment picture as ``<stem>.alignment.png`` beside it."""
        path = Path(path)
        picture = None
        if self.alignment_png is not None:
            picture = path.with_name(f"{path.stem}.alignment.png")
            _atomic(picture, self.alignment_png)
        _atomic(path, _markdown(self, picture.name if picture else None).encode("utf-8"))
        return path

    def to_xlsx(self, path: str | os.PathLike[str]) -> Path:
        """Write an Excel workbook with one sheet per table; returns ``path``."""
        path = Path(path)
        buffer = io.BytesIO()
        _workbook(self).save(buffer)
        _atomic(path, buffer.getvalue())
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
    found = _check_sets(
        [okrs], [frames], as_of=day, config=None, lang=language, partial=partial, context=context
    )
    findings = findings_frame(found)
    owner_of = dict(zip(scores.objectives["id"], scores.objectives["owner"], strict=True))
    krs = scores.key_results.copy()
    krs["owner"] = krs["owner"].where(krs["owner"] != "", krs["objective"].map(owner_of))
    krs["last_checkin"] = _dates(krs["last_checkin"])
    design = design_scores(frames, found).set_index("id")["design_score"]
    objectives = scores.objectives.assign(design_score=scores.objectives["id"].map(design))
    if day < okrs.cycle.end:  # met / missed / landed ... only mean something at quarter end
        objectives["expectation"] = None
    kpis = frames.kpis.assign(
        status=kpi_status(frames.kpis),
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
    png = _alignment_png([okrs, *context], okrs.cycle, day) if picture and okrs.objectives else None
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


def _alignment_png(sets: list[OkrSet], cycle: Cycle, as_of: dt.date) -> bytes:
    from okrkit.alignment import build_graph  # heavy: import on first use
    from okrkit.plots import draw_alignment  # heavy: import on first use

    graph = build_graph(sets, as_of=as_of)
    mine = graph.subgraph([n for n, c in graph.nodes(data="cycle") if c == cycle.id]).copy()
    buffer = io.BytesIO()
    draw_alignment(mine).savefig(buffer, format="png")
    return buffer.getvalue()


# --- cells --------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str | tuple | list) and bool(pd.isna(value)))


def _cell(report: Report, value: Any, kind: str) -> str:
    """A cell as text for HTML and Markdown (not yet escaped)."""
    if _missing(value):
        return "–"
    if kind in ("code", "band", "status"):
        return report.label(str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int | np.integer) or kind == "int":
        return str(int(value))
    if isinstance(value, float | np.floating):
        text = {"score": f"{value:.2f}", "delta": f"{value:+.2f}", "any": f"{value:.2f}"}.get(
            kind, f"{value:,.10g}"
        )
        return text.replace(",", "\u00a0").replace(".", ",") if report.lang == "sv" else text
    return str(value)


def _colour(value: Any, kind: str) -> str | None:
    palette = {"band": BAND_COLOURS, "status": STATUS_COLOURS}.get(kind, {})
    return palette.get(value) if isinstance(value, str) else None


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;color:#202124}
h1{margin-bottom:0}p.sub{color:#5f6368;margin-top:.3em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #dadce0;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f1f3f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.n,td:first-child,td[style]{white-space:nowrap}
img{max-width:100%;height:auto}section.owner{border-top:2px solid #dadce0;margin-top:2em}
"""


def _owner_rows(report: Report) -> list[tuple[str, dict[str, list[int]]]]:
    """Per owner of ``by_owner`` (in its order): the row positions of :meth:`Report.owner_tables`.

    One grouping pass over each table instead of one filter per owner, which is quadratic in a
    large organisation.
    """
    no_owner = report.label("no_owner")
    o = report.objectives
    owner_of = dict(zip(o["id"].tolist(), o["owner"].tolist(), strict=True))

    def positions(keys: list[Any]) -> dict[Any, list[int]]:
        out: dict[Any, list[int]] = {}
        for i, key in enumerate(keys):
            out.setdefault(key, []).append(i)
        return out

    by_objective_owner = positions(o["owner"].tolist())
    krs = positions([owner_of.get(x) for x in report.key_results["objective"].tolist()])
    changes = positions([owner_of.get(x) for x in report.changes["objective"].tolist()])
    findings = positions(report.findings["owner"].fillna("").tolist())
    out = []
    for owner in report.by_owner["owner"].tolist():
        who = "" if owner == no_owner else owner
        out.append(
            (
                str(owner),
                {
                    "objectives": by_objective_owner.get(who, []),
                    "key_results": krs.get(who, []) if who in by_objective_owner else [],
                    "changes": changes.get(who, []) if who in by_objective_owner else [],
                    "findings": findings.get(who, []),
                },
            )
        )
    return out


def _html_rows(report: Report, name: str, frame: pd.DataFrame) -> list[str]:
    """The ``<tr>`` of every row of ``frame``, rendered column by column."""
    e = html.escape
    columns = []
    for c, kind in COLUMNS[name]:
        css = ' class="n"' if kind in ("int", "num", "score", "delta") else ""
        cells = []
        for value in frame[c].tolist():
            colour = _colour(value, kind)
            style = f' style="background:{colour}"' if colour else ""
            cells.append(f"<td{css}{style}>{e(_cell(report, value, kind))}</td>")
        columns.append(cells)
    return ["<tr>" + "".join(cells) + "</tr>" for cells in zip(*columns, strict=True)]


def _html_table(
    report: Report, name: str, frame: pd.DataFrame, rows: list[str] | None = None
) -> str:
    e = html.escape
    if rows is None:
        rows = [] if frame.empty else _html_rows(report, name, frame)
    if not rows:
        return f"<p>{e(report.label('none'))}</p>"
    head = "".join(f"<th>{e(report.label(c))}</th>" for c, _ in COLUMNS[name])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _html(report: Report) -> str:
    e = html.escape
    title, line = report.heading()
    parts = [f"<h1>{e(title)}</h1>", f'<p class="sub">{e(line)}</p>']
    rendered: dict[str, list[str]] = {}
    for name in ("summary", "objectives", "key_results", "kpis", "changes", "findings"):
        rendered[name] = _html_rows(report, name, report.table(name))
        parts += [
            f"<h2>{e(report.label(name))}</h2>",
            _html_table(report, name, report.table(name), rendered[name]),
        ]
        if name == "kpis" and report.alignment_png is not None:
            data = base64.b64encode(report.alignment_png).decode("ascii")
            alt = e(report.label("alignment"))
            parts += [
                f"<h2>{alt}</h2>",
                f'<p class="sub">{e(report.label("picture_note"))}</p>',
                f'<img alt="{alt}" src="data:image/png;base64,{data}">',
            ]
    parts += [f"<h2>{e(report.label('by_owner'))}</h2>"]
    parts += [_html_table(report, "by_owner", report.by_owner)]
    for i, (owner, tables) in enumerate(_owner_rows(report), start=1):
        parts.append(f'<section class="owner" id="owner-{i}"><h2>{e(owner)}</h2>')
        for name, positions in tables.items():
            rows = [rendered[name][p] for p in positions]
            parts += [f"<h3>{e(report.label(name))}</h3>", _html_table(report, name, None, rows)]
        parts.append("</section>")
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{e(report.lang)}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


# --- Markdown -----------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    """Text safe in a pipe table: one line, ``|`` escaped, no raw HTML, no links or images.

    ``[`` and ``]`` are escaped so that a title such as ``[click](javascript:...)`` shows as
    written instead of becoming a link in the rendered report.
    """
    text = html.escape(" ".join(text.split()), quote=False)
    for char in ("\\", "|", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text


def _md_table(report: Report, name: str, frame: pd.DataFrame) -> str:
    if frame.empty:
        return f"_{_md_text(report.label('none'))}_\n"
    cols = COLUMNS[name]
    lines = [
        "| " + " | ".join(_md_text(report.label(c)) for c, _ in cols) + " |",
        "|" + "|".join("---:" if k in ("int", "num", "score", "delta") else "---" for _, k in cols)
        + "|",
    ]  # fmt: skip
    for rec in frame.to_dict("records"):
        cells = (_md_text(_cell(report, rec[c], kind)) for c, kind in cols)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _markdown(report: Report, picture: str | None) -> str:
    title, line = report.heading()
    parts = [f"# {_md_text(title)}\n", f"{_md_text(line)}\n"]
    for name in ("summary", "objectives", "key_results", "kpis", "changes", "findings"):
        parts += [
            f"## {_md_text(report.label(name))}\n",
            _md_table(report, name, report.table(name)),
        ]
        if name == "kpis" and picture is not None:
            alt = _md_text(report.label("alignment"))
            parts += [f"## {alt}\n", f"![{alt}]({quote(picture)})\n"]
    parts += [f"## {_md_text(report.label('by_owner'))}\n"]
    parts += [_md_table(report, "by_owner", report.by_owner)]
    for owner, tables in _owner_rows(report):
        parts.append(f"### {_md_text(owner)}\n")
        for name, positions in tables.items():
            frame = report.table(name).iloc[positions]
            parts += [f"#### {_md_text(report.label(name))}\n", _md_table(report, name, frame)]
    return "\n".join(parts)


# --- Excel --------------------------------------------------------------------------------------

_XLSX_FORMATS = {"score": "0.00", "delta": "+0.00;-0.00;0.00", "int": "0", "date": "yyyy-mm-dd"}


def _xlsx_value(report: Report, value: Any, kind: str) -> Any:
    if _missing(value):
        return None
    if kind in ("code", "band", "status"):
        value = report.label(str(value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return neutralise(_EXCEL_ILLEGAL.sub("", value)[:32767])
    return value


def _workbook(report: Report) -> Any:
    import openpyxl  # heavy: import on first use
    from openpyxl.styles import Font, PatternFill  # heavy: import on first use
    from openpyxl.utils import get_column_letter  # heavy: import on first use

    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, cols in COLUMNS.items():
        title = LABELS[report.lang].get(f"sheet_{name}") or report.label(name)
        sheet = book.create_sheet(_sheet_name(title))
        sheet.append([report.label(c) for c, _ in cols])
        for head in sheet[1]:
            head.font = bold
        frame = report.table(name)
        for rec in frame.to_dict("records"):
            sheet.append([_xlsx_value(report, rec[c], kind) for c, kind in cols])
        for j, (c, kind) in enumerate(cols, start=1):
            letter = get_column_letter(j)
            texts = [str(v) for v in (cell.value for cell in sheet[letter]) if v is not None]
            sheet.column_dimensions[letter].width = min(max(map(len, texts), default=8), 60) + 2
            for row, value in enumerate(frame[c], start=2):
                cell = sheet.cell(row=row, column=j)
                fmt = _XLSX_FORMATS.get(kind)
                if kind == "any" and isinstance(value, float):
                    fmt = "0.00"
                if fmt and cell.value is not None:
                    cell.number_format = fmt
                colour = _colour(value, kind)
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(frame) + 1}"
    if report.alignment_png is not None:
        from openpyxl.drawing.image import Image  # heavy: import on first use

        sheet = book.create_sheet(_sheet_name(report.label("sheet_alignment")))
        sheet.add_image(Image(io.BytesIO(report.alignment_png)), "A1")
    return book


def _sheet_name(label: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", label)[:31]


def _atomic(path: Path, data: bytes) -> None:
    """Write ``data`` through a temporary file beside ``path``, replaced only when complete."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
