"""Quarter-end review: grade every key result, watch the scores move, carry the rest over.

:func:`quarter_review` builds a grading table for every key result of a cycle: a slider (0–1) for
qualitative key results, a done box for milestones and the final value for metrics and
guardrails. A change is saved at once as a check-in dated at the review's as-of date, or, when
the key result already has a check-in of that date, as a correction of it (the store keeps the
old row in the history). The objective's score, band, status and expectation update from
:func:`okrkit.scoring.score` on that objective alone; the summary counts committed objectives
met or missed and aspirational ones exceeded, landed or short, and lists the unfinished
objectives (score below 1.0) with a button that carries them into the next cycle
(:meth:`Store.carry_over <okrkit.Store.carry_over>`).

Refresh answers at once when nothing changed: it compares the versions of the cycle's objectives
and key results, the ids of its active check-ins and the versions of the next cycle's objectives
with those it shows, and reads the cycle only when they differ. With the same key results it keeps
the table's cells (about three per key result) and changes only their values.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from okrkit.cycles import MAX_YEAR, Cycle, parse_date
from okrkit.display import BAND_COLOURS, STATUS_COLOURS
from okrkit.errors import ConflictError, ValidationError
from okrkit.frames import FRAME_COLUMNS, Frames
from okrkit.model import CHECKIN_FIELD, CheckIn
from okrkit.scoring import default_as_of, score
from okrkit.ui.base import View
from okrkit.ui.checkin import format_number

__all__ = ["QuarterReview", "quarter_review"]

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Quarter-end review",
        "as_of": "cycle {cycle}, graded as of {date}",
        "help": "Grade qualitative key results with the slider, tick finished milestones and"
        " enter the final value of metrics. Each change is saved at once.",
        "committed": "committed: expected to score 1.0",
        "aspirational": "aspirational: aims at about 0.7",
        "met": "met",
        "missed": "missed",
        "landed": "landed",
        "short": "short",
        "exceeded": "exceeded – was it set too low?",
        "expectation": "Expectation",
        "no_krs": "no key results",
        "metric": "metric",
        "milestone": "milestone",
        "qualitative": "qualitative",
        "guardrail": "guardrail",
        "weight": "weight {weight}",
        "red": "red",
        "yellow": "yellow",
        "green": "green",
        "on track": "on track",
        "at risk": "at risk",
        "off track": "off track",
        "held": "held {held} of {count}",
        "not_graded": "not graded yet",
        "done": "done",
        "not_done": "not done",
        "grade": "grade {grade}",
        "recorded": "Saved {kr}: {reading} on {date}.",
        "corrected": "Corrected {kr}'s check-in of {date}: {reading}.",
        "not_saved": "⚠ not saved",
        "review_note": "Quarter-end review",
        "review_reason": "changed in the quarter-end review",
        "summary": "Summary",
        "committed_summary": "Committed objectives: {met} of {n} met, {missed} missed.",
        "aspirational_summary": "Aspirational objectives: {exceeded} exceeded, {landed} landed"
        " (0.6 or more), {short} short, of {n}.",
        "carry_heading": "To carry into {cycle}",
        "carry_none": "Every objective scored 1.0: nothing to carry over.",
        "carry_item": "score {score}; {open} of {total} key results unfinished",
        "carry_button": "Carry over to {cycle}",
        "carried": "Carried {n} objectives with {krs} key results to {cycle}: {ids}.",
        "carried_as": "carried over as {new}",
        "nothing_to_carry": "nothing left to carry over to {cycle}",
        "carry_last": "no cycle follows {cycle}: okrkit handles the years up to {year}",
    },
    "sv": {
        "heading": "Kvartalsgenomgång",
        "as_of": "period {cycle}, bedömd per {date}",
        "help": "Sätt betyg på kvalitativa nyckelresultat med reglaget, kryssa i klara"
        " milstolpar och skriv in slutvärdet för mätvärden. Varje ändring sparas direkt.",
        "committed": "åtagande: förväntas nå 1,0",
        "aspirational": "utökat mål: siktar på omkring 0,7",
        "met": "uppnått",
        "missed": "missat",
        "landed": "landat",
        "short": "under",
        "exceeded": "överträffat – var det för lågt satt?",
        "expectation": "Förväntan",
        "no_krs": "inga nyckelresultat",
        "metric": "mätvärde",
        "milestone": "milstolpe",
        "qualitative": "kvalitativt",
        "guardrail": "gränsvärde",
        "weight": "vikt {weight}",
        "red": "röd",
        "yellow": "gul",
        "green": "grön",
        "on track": "på rätt spår",
        "at risk": "i riskzonen",
        "off track": "på fel spår",
        "held": "höll {held} av {count}",
        "not_graded": "inte bedömt än",
        "done": "klar",
        "not_done": "inte klar",
        "grade": "betyg {grade}",
        "recorded": "Sparade {kr}: {reading} den {date}.",
        "corrected": "Rättade avstämningen för {kr} den {date}: {reading}.",
        "not_saved": "⚠ inte sparat",
        "review_note": "Kvartalsgenomgång",
        "review_reason": "ändrat i kvartalsgenomgången",
        "summary": "Sammanfattning",
        "committed_summary": "Åtaganden: {met} av {n} uppnådda, {missed} missade.",
        "aspirational_summary": "Utökade mål: {exceeded} överträffade, {landed} landade"
        " (0,6 eller mer), {short} under, av {n}.",
        "carry_heading": "Att föra över till {cycle}",
        "carry_none": "Alla mål fick 1,0: inget att föra över.",
        "carry_item": "poäng {score}; {open} av {total} nyckelresultat ofärdiga",
        "carry_button": "För över till {cycle}",
        "carried": "Förde över {n} mål med {krs} nyckelresultat till {cycle}: {ids}.",
        "carried_as": "överfört som {new}",
        "nothing_to_carry": "inget kvar att föra över till {cycle}",
        "carry_last": "ingen cykel följer efter {cycle}: okrkit hanterar åren fram till {year}",
    },
}

_CHECKIN_COLUMNS = list(FRAME_COLUMNS["checkins"])
_GOOD = {"met", "landed", "exceeded"}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _checkin_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Check-in records as the ``checkins`` frame :func:`okrkit.scoring.score` reads."""
    df = pd.DataFrame.from_records(records, columns=_CHECKIN_COLUMNS)
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[s]")
    for col in ("value", "grade", "confidence"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    df["done"] = df["done"].astype("boolean")
    df["id"] = df["id"].astype("Int64")
    return df


def _record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One check-in (a store row or a frame row) as a plain record with NaN/None for gaps."""
    out: dict[str, Any] = {col: row.get(col) for col in _CHECKIN_COLUMNS}
    out["date"] = pd.Timestamp(out["date"])
    for col in ("value", "grade", "confidence"):
        out[col] = math.nan if _missing(out[col]) else float(out[col])
    out["done"] = None if _missing(out["done"]) else bool(out["done"])
    out["id"] = None if _missing(out["id"]) else int(out["id"])
    return out


class QuarterReview(View):
    """A cycle's grading table with live scores and the carry-over (see :func:`quarter_review`).

    Attributes
    ----------
    inputs : dict[str, ipywidgets widget]
        The input of each key result by id: ``FloatSlider`` (qualitative), ``Checkbox``
        (milestone) or ``FloatText`` (metric, guardrail).
    results : dict[str, ipywidgets.HTML]
        Each key result's score and band.
    headers : dict[str, ipywidgets.HTML]
        Each objective's title, kind, score, band, status and expectation.
    labels : dict[str, ipywidgets.HTML]
        Each key result's id, title, type, weight and numbers.
    objective_scores, kr_scores : dict[str, dict]
        The latest scores by id (rows of :attr:`Scores.objectives <okrkit.Scores>` and
        :attr:`Scores.key_results <okrkit.Scores>`).
    expectations, carry : ipywidgets.HTML
        The summary: expectations met, and what to carry over.
    carry_button : ipywidgets.Button
        "Carry over to <next cycle>".
    """

    TEXT = TEXT

    def __init__(
        self,
        store: Any,
        *,
        cycle: str | Cycle | None = None,
        as_of: dt.date | str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, lang=lang)
        self.cycle: Cycle = store.cycle(cycle)
        self.as_of: dt.date = (
            parse_date(as_of, field="as_of") if as_of else default_as_of(self.cycle)
        )
        self.next_cycle: Cycle | None = self._next_cycle()
        self.inputs: dict[str, Any] = {}
        self.results: dict[str, Any] = {}
        self.headers: dict[str, Any] = {}
        self.labels: dict[str, Any] = {}
        self._held: tuple[Any, ...] | None = None
        self._problems: set[str] = set()
        self._shape: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.objective_scores: dict[str, dict[str, Any]] = {}
        self.kr_scores: dict[str, dict[str, Any]] = {}
        self.carried: dict[str, str] = {}
        self._quiet = False
        self.expectations = widgets.HTML()
        self.carry = widgets.HTML()
        self.carry_button = widgets.Button(
            description=self.t("carry_button", cycle=self._next_id),
            icon="share",
            layout=widgets.Layout(width="auto"),
        )
        self.carry_button.on_click(self.safe(self.carry_over))
        self.refresh_button = widgets.Button(description=self.t("refresh"), icon="refresh")
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))
        # Thousands of cells share one layout and one style per widget kind: a widget with its
        # own layout and style costs about four times as much to build.
        self.table = widgets.GridBox(
            layout=widgets.Layout(
                grid_template_columns="minmax(16em, 3fr) 17em minmax(9em, 1fr)",
                grid_gap="2px 8px",
                align_items="center",
            )
        )
        self._header_layout = widgets.Layout(grid_column="1 / -1", margin="0.8em 0 0 0")
        self._cell_layout = widgets.Layout()
        self._input_layout = widgets.Layout(width="16em")
        self._styles: dict[type, Any] = {}
        heading = widgets.HTML(
            f"<h3>{html.escape(self.t('heading'))}</h3>"
            f"<div>{html.escape(self.t('as_of', cycle=self.cycle.id, date=self.as_of))}</div>"
            f"<div><small>{html.escape(self.t('help'))}</small></div>"
        )
        self.children = [
            heading,
            widgets.HBox([self.refresh_button]),
            self.status,
            self.table,
            widgets.HTML(f"<h4>{html.escape(self.t('summary'))}</h4>"),
            self.expectations,
            self.carry,
            self.carry_button,
        ]
        self.refresh()

    def _next_cycle(self) -> Cycle | None:
        """The store's cycle that starts the day after this one ends, else :meth:`Cycle.next`.

        ``None`` after the last cycle okrkit handles (see ``docs/limits.md``).
        """
        after = self.cycle.end + dt.timedelta(days=1)
        for c in self.store.cycles():
            if c.start == after:
                return c
        try:
            return self.cycle.next()
        except ValidationError:
            return None

    @property
    def _next_id(self) -> str:
        return self.next_cycle.id if self.next_cycle is not None else "–"

    def _carried_before(self) -> dict[str, str]:
        """Objectives of this cycle already carried into the next one: old id -> new id."""
        if self.next_cycle is None or self.next_cycle not in self.store.cycles():
            return {}
        objectives = self.store.frames(self.next_cycle).objectives
        return {
            str(old): str(new)
            for old, new in zip(objectives["carried_from"], objectives["id"], strict=True)
            if isinstance(old, str) and old in self._kr_order
        }

    # --- building -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the cycle from the store again and show it.

        First a few cheap reads say whether anything the review shows changed since it read
        the cycle (:meth:`_stamp`); when nothing did, nothing more is read. When the cycle still
        has the same objectives and key results (same ids and types, in the same order), the
        table keeps its cells and only their values change; otherwise it is built again.
        """
        # The stamp before the data: a write in between shows as a change on the next refresh.
        stamp = self._stamp()
        if stamp == self._held and self.table.children:
            for ident in list(self._problems):
                self._render_result(ident)
            return
        frames: Frames = self.store.frames(self.cycle)
        scores = score(frames, self.as_of)
        self._kpis, self._initiatives = frames.kpis.iloc[0:0], frames.initiatives.iloc[0:0]
        # The frames of one objective, and its check-ins as records, are cut out when it is
        # rescored (see :meth:`_objective_frames`), not for every objective on each read.
        self._frames = frames
        self._checkins: dict[str, list[dict[str, Any]]] = {}
        self._kr_objective = dict(
            zip(frames.key_results["id"], frames.key_results["objective"], strict=True)
        )
        self._kr_rows = {r["id"]: r for r in frames.key_results.to_dict("records")}
        self._kr_order: dict[str, list[str]] = {oid: [] for oid in frames.objectives["id"]}
        for ident, oid in self._kr_objective.items():
            self._kr_order.setdefault(oid, []).append(ident)
        self.carried = self._carried_before()
        self.objective_scores = {r["id"]: r for r in scores.objectives.to_dict("records")}
        self.kr_scores = {r["id"]: r for r in scores.key_results.to_dict("records")}
        self._problems.clear()
        self._held = stamp
        shape = [
            (oid, tuple((k, self._kr_rows[k]["type"]) for k in krs))
            for oid, krs in self._kr_order.items()
        ]
        if shape == self._shape and self.table.children:
            self._update_cells()
        else:
            self._build_cells()
            self._shape = shape
        self._render_summary()

    def _stamp(self) -> tuple[Any, ...]:
        """What changes whenever something the review shows changes in the store.

        The versions of the cycle's objectives and key results, the ids of its active check-ins
        (a correction or a deletion changes them) and the versions of the next cycle's objectives
        (those carried over). Three small reads instead of the whole cycle.
        """
        following = (
            self.store.versions(self.next_cycle)
            if self.next_cycle is not None and self.next_cycle in self.store.cycles()
            else None
        )
        ids = frozenset(int(i) for i in self.store.checkins(cycle=self.cycle)["id"])
        return self.store.versions(self.cycle), ids, following

    def _build_cells(self) -> None:
        """Build the table's cells from what is held, and free the cells they replace."""
        self.inputs, self.results, self.headers, self.labels = {}, {}, {}, {}
        cells: list[Any] = []
        for oid in self._kr_order:
            cells += self._section(oid)
        old, self.table.children = self.table.children, cells
        for cell in old:  # free the replaced widgets (their shared layouts and styles stay)
            cell.close()

    def _update_cells(self) -> None:
        """Show what is held in the table's cells; a cell whose text is the same sends nothing."""
        for oid in self._kr_order:
            self._render_header(oid)
        for ident, kr in self._kr_rows.items():
            self.labels[ident].value = self._kr_label(kr)
            self._set_quietly(ident, self._shown(kr))
            self._render_result(ident)

    def _shared(self, cls: Any, **kwargs: Any) -> Any:
        """A new ``cls`` widget with the layout (unless given) and style shared by its kind."""
        style = self._styles.get(cls)
        if style is None:
            style = self._styles[cls] = cls.class_traits()["style"].klass()
        return cls(**({"layout": self._cell_layout, "style": style} | kwargs))

    def _section(self, oid: str) -> list[Any]:
        """The cells of one objective: its header across the grid, then a row per key result."""
        header = self._shared(widgets.HTML, layout=self._header_layout)
        self.headers[oid] = header
        self._render_header(oid)
        cells: list[Any] = [header]
        for ident in self._kr_order[oid]:
            kr = self._kr_rows[ident]
            label = self._shared(widgets.HTML, value=self._kr_label(kr))
            self.labels[ident] = label
            cells += [label, self._input(kr), self._result(ident)]
        return cells

    def _shown(self, kr: Mapping[str, Any]) -> Any:
        """What the input of key result ``kr`` shows: its reading at the as-of date, else a
        start (a grade of 0, not done, the start value or the guardrail's threshold)."""
        kind, shown = kr["type"], self.kr_scores[kr["id"]]["value"]
        if kind == "qualitative":
            return 0.0 if _missing(shown) else float(shown)
        if kind == "milestone":
            return bool(shown == 1.0)
        if _missing(shown):
            shown = kr["threshold"] if kind == "guardrail" else kr["start"]
        return float(shown)

    def _kr_label(self, kr: Mapping[str, Any]) -> str:
        esc = html.escape
        details = [
            self.t(kr["type"]),
            self.t("weight", weight=format_number(kr["weight"], self.lang)),
        ]
        if kr["type"] == "metric":
            unit = kr["unit"] if isinstance(kr["unit"], str) else ""
            details.append(
                f"{format_number(kr['start'], self.lang)} → "
                f"{format_number(kr['target'], self.lang)} {unit}".strip()
            )
        elif kr["type"] == "guardrail":
            sign = "≥" if kr["direction"] != "below" else "≤"
            details.append(f"{sign} {format_number(kr['threshold'], self.lang)}")
        return (
            f"<b>{esc(kr['id'])}</b> {esc(kr['title'])}"
            f"<br><small style='color:#5f6368'>{esc(' · '.join(details))}</small>"
        )

    def _input(self, kr: Mapping[str, Any]) -> Any:
        ident, kind = kr["id"], kr["type"]
        shown = self._shown(kr)
        widget: Any
        if kind == "qualitative":
            widget = self._shared(
                widgets.FloatSlider,
                value=shown,
                min=0.0,
                max=1.0,
                step=0.05,
                readout_format=".2f",
                continuous_update=False,
                layout=self._input_layout,
            )
        elif kind == "milestone":
            widget = self._shared(
                widgets.Checkbox,
                value=shown,
                description=self.t("done"),
                indent=False,
                layout=self._input_layout,
            )
        else:
            widget = self._shared(widgets.FloatText, value=shown, layout=self._input_layout)
        widget.observe(self.safe(functools.partial(self._on_change, ident)), names="value")
        self.inputs[ident] = widget
        return widget

    def _result(self, ident: str) -> Any:
        cell = self._shared(widgets.HTML)
        self.results[ident] = cell
        self._render_result(ident)
        return cell

    # --- rendering ----------------------------------------------------------------------------

    def _badge(self, text: str, colour: str | None) -> str:
        style = f"background-color:{colour};" if colour else ""
        return f"<span style='{style}padding:0 .4em;border-radius:3px'>{html.escape(text)}</span>"

    def _render_result(self, ident: str, *, problem: str = "") -> None:
        if problem:
            self._problems.add(ident)
        else:
            self._problems.discard(ident)
        s = self.kr_scores[ident]
        band = s["band"] if isinstance(s["band"], str) else None
        parts = [
            f"<b>{format_number(s['score'], self.lang)}</b>",
            self._badge(self.t(band), BAND_COLOURS.get(band)) if band else "",
        ]
        if s["type"] == "qualitative" and _missing(s["value"]):
            parts.append(f"<small>{html.escape(self.t('not_graded'))}</small>")
        elif s["type"] == "guardrail" and s["checkins"]:
            held = round(float(s["score"]) * int(s["checkins"]))
            parts.append(
                f"<small>{html.escape(self.t('held', held=held, count=int(s['checkins'])))}</small>"
            )
        if problem:
            parts.append(f"<b style='color:#b00020'>{html.escape(problem)}</b>")
        self.results[ident].value = " ".join(p for p in parts if p)

    def _render_header(self, oid: str) -> None:
        esc = html.escape
        o = self.objective_scores[oid]
        kind = str(o["kind"])
        first = f"<b>{esc(oid)}</b> {esc(str(o['title']))}"
        if isinstance(o["owner"], str) and o["owner"]:
            first += f" <small>· {esc(o['owner'])}</small>"
        line = [f"<small>{esc(self.t(kind))}</small>"]
        if _missing(o["score"]):
            line.append(f"<i>{esc(self.t('no_krs'))}</i>")
        else:
            band, status, expectation = o["band"], o["status"], o["expectation"]
            line += [
                f"{esc(self.t('score'))} <b>{format_number(o['score'], self.lang)}</b>",
                self._badge(self.t(band), BAND_COLOURS.get(band)),
                self._badge(self.t(status), STATUS_COLOURS.get(status)),
                f"{esc(self.t('expectation'))}: "
                + self._badge(
                    self.t(expectation),
                    BAND_COLOURS["green"] if expectation in _GOOD else BAND_COLOURS["red"],
                ),
            ]
        self.headers[oid].value = (
            "<div style='border-top:2px solid #dadce0;padding-top:.3em'>"
            f"{first}<br>{' · '.join(line)}</div>"
        )

    def _unfinished(self) -> list[str]:
        """Objectives that did not score 1.0 (as :meth:`Store.carry_over` picks them)."""
        return [oid for oid, o in self.objective_scores.items() if not o["score"] >= 1.0]

    def to_carry(self) -> list[str]:
        """The unfinished objectives not yet carried into :attr:`next_cycle`, in table order."""
        return [oid for oid in self._unfinished() if oid not in self.carried]

    def _render_summary(self) -> None:
        esc = html.escape
        counts: dict[str, int] = {}
        kinds: dict[str, int] = {}
        for o in self.objective_scores.values():
            if isinstance(o["expectation"], str):
                counts[o["expectation"]] = counts.get(o["expectation"], 0) + 1
                kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
        lines = []
        if kinds.get("committed"):
            lines.append(
                self.t(
                    "committed_summary",
                    n=kinds["committed"],
                    met=counts.get("met", 0),
                    missed=counts.get("missed", 0),
                )
            )
        if kinds.get("aspirational"):
            lines.append(
                self.t(
                    "aspirational_summary",
                    n=kinds["aspirational"],
                    exceeded=counts.get("exceeded", 0),
                    landed=counts.get("landed", 0),
                    short=counts.get("short", 0),
                )
            )
        self.expectations.value = "<br>".join(esc(line) for line in lines)
        unfinished = self._unfinished()
        heading = f"<b>{esc(self.t('carry_heading', cycle=self._next_id))}</b>"
        if self.next_cycle is None:
            self.carry_button.disabled = True
            last = self.t("carry_last", cycle=self.cycle.id, year=MAX_YEAR)
            self.carry.value = f"{heading}<br><i>{esc(last)}</i>"
            return
        self.carry_button.disabled = not self.to_carry()
        if not unfinished:
            self.carry.value = f"{heading}<br><i>{esc(self.t('carry_none'))}</i>"
            return
        open_krs: dict[str, int] = {}
        total_krs: dict[str, int] = {}
        for s in self.kr_scores.values():
            objective = s["objective"]
            total_krs[objective] = total_krs.get(objective, 0) + 1
            if not s["score"] >= 1.0 or s["type"] == "guardrail":
                open_krs[objective] = open_krs.get(objective, 0) + 1
        items = []
        for oid in unfinished:
            o = self.objective_scores[oid]
            detail = self.t(
                "carry_item",
                score=format_number(o["score"], self.lang),
                open=open_krs.get(oid, 0),
                total=total_krs.get(oid, 0),
            )
            if oid in self.carried:
                detail += "; " + self.t("carried_as", new=self.carried[oid])
            items.append(
                f"<li><b>{esc(oid)}</b> {esc(str(o['title']))} <small>({esc(detail)})</small></li>"
            )
        self.carry.value = f"{heading}<ul style='margin:.2em 0'>{''.join(items)}</ul>"

    # --- editing ------------------------------------------------------------------------------

    def _on_change(self, ident: str, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        try:
            self.record(ident, change["new"])
        except Exception:
            self._set_quietly(ident, change["old"])
            self._render_result(ident, problem=self.t("not_saved"))
            raise

    def _set_quietly(self, ident: str, value: Any) -> None:
        self._quiet = True
        try:
            self.inputs[ident].value = value
        finally:
            self._quiet = False

    def record(self, ident: str, reading: Any) -> CheckIn:
        """Save ``reading`` for key result ``ident`` at the as-of date and rescore its objective.

        A new check-in is added, or the key result's active check-in of the as-of date is
        corrected (the store keeps the old one in the history). The inputs call this.

        Raises
        ------
        OkrkitError
            When the store refuses the write; nothing is written.
        """
        kind = self._kr_rows[ident]["type"]
        field = CHECKIN_FIELD[kind]
        new = bool(reading) if field == "done" else float(reading)
        fresh = self.store.checkins(ident)
        same_day = fresh[[pd.Timestamp(d).date() == self.as_of for d in fresh["date"]]]
        if not same_day.empty:
            old_id = int(same_day["id"].iloc[-1])
            saved = self.store.correct_checkin(
                old_id, reason=self.t("review_reason"), **{field: new}
            )
            fresh = fresh[fresh["id"] != old_id]
            message = "corrected"
        else:
            values: dict[str, Any] = {field: new}
            saved = self.store.add_checkin(
                CheckIn(key_result=ident, date=self.as_of, note=self.t("review_note"), **values)
            )
            message = "recorded"
        oid = self._kr_objective[ident]
        held = self._objective_checkins(oid)
        kept = [r for r in held if r["key_result"] != ident]
        kept += [_record(r) for r in fresh.to_dict("records")]
        kept.append(_record({**{f: getattr(saved, f) for f in _CHECKIN_COLUMNS}}))
        self._checkins[oid] = kept
        if self._held is not None:  # what the view now shows of the key result's check-ins
            versions, ids, following = self._held
            was = {r["id"] for r in held if r["key_result"] == ident}
            now = {r["id"] for r in kept if r["key_result"] == ident}
            self._held = (versions, (ids - was) | now, following)
        self.rescore(oid)
        if field == "done":
            text = self.t("done") if new else self.t("not_done")
        elif field == "grade":
            text = self.t("grade", grade=format_number(new, self.lang))
        else:
            text = format_number(new, self.lang)
        self.show_ok(self.t(message, kr=ident, reading=text, date=self.as_of.isoformat()))
        return saved

    def _objective_checkins(self, oid: str) -> list[dict[str, Any]]:
        """The check-ins held of objective ``oid``'s key results, as records."""
        if oid not in self._checkins:
            mine = set(self._kr_order.get(oid, ()))
            checkins = self._frames.checkins
            rows = checkins[checkins["key_result"].isin(mine)]
            self._checkins[oid] = [_record(rec) for rec in rows.to_dict("records")]
        return self._checkins[oid]

    def rescore(self, oid: str) -> None:
        """Score objective ``oid`` again from the check-ins held, and re-render its rows."""
        if not self._kr_order.get(oid):
            return
        objectives, krs = self._frames.objectives, self._frames.key_results
        frames = Frames(
            cycle=self.cycle,
            objectives=objectives[objectives["id"] == oid],
            key_results=krs[krs["objective"] == oid],
            checkins=_checkin_frame(self._objective_checkins(oid)),
            kpis=self._kpis,
            initiatives=self._initiatives,
        )
        scores = score(frames, self.as_of)
        self.objective_scores[oid] = scores.objectives.to_dict("records")[0]
        for rec in scores.key_results.to_dict("records"):
            self.kr_scores[rec["id"]] = rec
            self._render_result(rec["id"])
        self._render_header(oid)
        self._render_summary()

    # --- carry-over ---------------------------------------------------------------------------

    def carry_over(self, _button: Any = None) -> Any:
        """Carry the unfinished objectives into :attr:`next_cycle` (the button calls this).

        Carries the objectives the summary lists (:meth:`to_carry`: score below 1.0, not
        carried before) with their unfinished key results, as :meth:`Store.carry_over
        <okrkit.Store.carry_over>` does. Returns the carried :class:`~okrkit.OkrSet`; the status
        line reports it.

        Raises
        ------
        ConflictError
            When there is nothing left to carry over.
        """
        wanted = self.to_carry()
        if self.next_cycle is None:
            raise ConflictError(self.t("carry_last", cycle=self.cycle.id, year=MAX_YEAR))
        if not wanted:
            raise ConflictError(self.t("nothing_to_carry", cycle=self.next_cycle.id))
        carried = self.store.carry_over(self.cycle, self.next_cycle, wanted, as_of=self.as_of)
        krs = sum(len(o.key_results) for o in carried.objectives)
        ids = ", ".join(o.id for o in carried.objectives)
        self.carried.update(
            {str(o.carried_from): o.id for o in carried.objectives if o.carried_from}
        )
        self._render_summary()
        self.show_ok(
            self.t("carried", n=len(carried.objectives), krs=krs, cycle=carried.cycle.id, ids=ids)
        )
        return carried


def quarter_review(
    store: Any,
    *,
    cycle: str | Cycle | None = None,
    as_of: dt.date | str | None = None,
    lang: str | None = None,
) -> QuarterReview:
    """The quarter-end review of a cycle: grading table, live scores, summary and carry-over.

    Parameters
    ----------
    store
        The :class:`~okrkit.Store` to read and write.
    cycle
        The cycle to review (default: :meth:`Store.cycle`).
    as_of
        The date (or ISO text) grades and final values are recorded at, and scores are taken
        at (default: today, or the cycle's last day once it has ended).
    lang
        ``"en"`` or ``"sv"``; default ``$OKRKIT_LANG``, else English.

    Returns
    -------
    QuarterReview
        Show it with ``display(...)``. Every change is saved at once as a check-in at ``as_of``
        (or corrects that date's check-in, keeping the history).
    """
    return QuarterReview(store, cycle=cycle, as_of=as_of, lang=lang)
