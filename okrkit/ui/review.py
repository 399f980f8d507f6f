"""Quarter-end review: grade every key result, watch the scores move, carry the rest over.

:func:`quarter_review` builds a grading table for every key result of a cycle: a slider (0–1) for
qualitative key results, a done box for milestones, a level picker (below commit, commit, target,
stretch, with the levels' descriptions) for ordinal key results and the final value for metrics
and guardrails. A key result without a score yet shows "no data" or "not yet due" (a milestone
before its due date), never a score of 0; an objective scored from some of its key results says
from how many. A change is saved at once as a check-in dated at the review's as-of date, or, when
the key result already has a check-in of that date, as a correction of it (the store keeps the
old row in the history; :func:`okrkit.lifecycle.checkin_to_correct`). The objective's score,
band, status and expectation update from :func:`okrkit.scoring.score` on that objective alone;
the summary counts committed objectives met or missed and aspirational ones exceeded, landed or
short, and offers the unfinished objectives (:func:`okrkit.lifecycle.unfinished_objectives`) for
the next cycle: a box per objective and per key result a copy would take (those with unfinished
key results ticked at first), a preview of the ids and titles that Confirm creates, and an Undo
that deletes the copies again (each deletion is a revision: the history keeps them).

The grid is one row per key result (label | input | result) under its objective's header, which
spans the row. The header's cell is placed with the ``grid_area`` CSS shorthand: ipywidgets'
layout view sets every layout trait in turn and *removes* those left empty, and removing
``grid-area`` (which it handles after ``grid-column``) wipes a ``grid-column`` set before it.

Refresh answers at once when nothing changed: it compares the versions of the cycle's objectives
and key results, the ids of its active check-ins and the versions of the next cycle's objectives
with those it shows, and reads the cycle only when they differ. With the same key results it keeps
the table's cells (about three per key result) and changes only their values.

What the review holds lives in :class:`ReviewModel`; the view shows it from
:meth:`QuarterReview.render`.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from okrkit.cycles import MAX_YEAR, Cycle, parse_date
from okrkit.display import BAND_COLOURS, STATUS_COLOURS
from okrkit.errors import ConflictError
from okrkit.model import CheckIn
from okrkit.scoring import default_as_of
from okrkit.text import format_number
from okrkit.ui._review_model import Recorded, ReviewModel, Shape, is_missing, pending
from okrkit.ui.base import View

__all__ = ["QuarterReview", "Recorded", "ReviewModel", "css_class", "quarter_review"]

_GOOD = {"met", "landed", "exceeded"}
#: The statuses a key result or objective without a score may still have (from its confidence).
_TRACKS = ("on track", "at risk", "off track")
#: The background of a "no data" / "not yet due" badge: grey, no band.
PENDING_COLOUR = "#e8eaed"


def css_class(prefix: str, ident: str) -> str:
    """A CSS class naming an objective or key result: ``prefix-`` and the id, other characters
    than letters, digits, ``-`` and ``_`` as ``_`` (pages and tests find a cell by it).

    >>> css_class("okrkit-kr", "MKT-1-KR2"), css_class("okrkit-kr", "O 1.2")
    ('okrkit-kr-MKT-1-KR2', 'okrkit-kr-O_1_2')
    """
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '_', ident)}"


def _badge(text: str, colour: str | None) -> str:
    style = f"background-color:{colour};" if colour else ""
    return f"<span style='{style}padding:0 .4em;border-radius:3px'>{html.escape(text)}</span>"


class QuarterReview(View):
    """A cycle's grading table with live scores and the carry-over (see :func:`quarter_review`).

    Attributes
    ----------
    model : ReviewModel
        What the review holds: the cycle's key results, their scores, what was carried.
    inputs : dict[str, ipywidgets widget]
        The input of each key result by id: ``FloatSlider`` (qualitative), ``Checkbox``
        (milestone), ``Dropdown`` of zones (ordinal) or ``FloatText`` (metric, guardrail).
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
    carry_picks, carry_labels : dict[str, ipywidgets.Checkbox], dict[str, ipywidgets.HTML]
        The carry-over's boxes, and what each says, by objective or key result id.
    preview : ipywidgets.HTML
        What Confirm creates: the copies' ids and titles.
    carry_button : ipywidgets.Button
        "Confirm: carry over to <next cycle>".
    undo_button : ipywidgets.Button
        Takes the last carry-over back.
    """

    SECTION = "ui.review"

    def __init__(
        self,
        store: Any,
        *,
        cycle: str | Cycle | None = None,
        as_of: dt.date | str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, lang=lang)
        self.add_class("okrkit-review")
        reviewed: Cycle = store.cycle(cycle)
        day = parse_date(as_of, field="as_of") if as_of else default_as_of(reviewed)
        self.model = ReviewModel(store, reviewed, day)
        self.inputs: dict[str, Any] = {}
        self.results: dict[str, Any] = {}
        self.headers: dict[str, Any] = {}
        self.labels: dict[str, Any] = {}
        #: Key results whose last change was not saved, with the reason shown.
        self._problems: dict[str, str] = {}
        self._shape: Shape = []
        self.expectations = widgets.HTML()
        self.carry = widgets.HTML()
        self.carry_button = widgets.Button(
            description=self.t("carry_button", cycle=self._next_id),
            icon="share",
            layout=widgets.Layout(width="auto"),
        )
        self.carry_button.on_click(self.safe(self.carry_over))
        self.undo_button = widgets.Button(
            description=self.t("carry_undo"),
            icon="undo",
            disabled=True,
            layout=widgets.Layout(width="auto"),
        )
        self.undo_button.on_click(self.safe(self.undo_carry))
        self.carry_picks: dict[str, Any] = {}
        self.carry_labels: dict[str, Any] = {}
        #: Every tick given or shown, by id: kept when the boxes are built again.
        self._ticks: dict[str, bool] = {}
        self._choices: tuple[tuple[str, tuple[str, ...]], ...] | None = None
        self.carry_box = widgets.VBox()
        self.preview = widgets.HTML()
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
        # grid_area, not grid_column: see the module's docstring.
        self._header_layout = widgets.Layout(grid_area="auto / 1 / auto / -1", margin="0.8em 0 0 0")
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
            self.carry_box,
            self.preview,
            widgets.HBox([self.carry_button, self.undo_button]),
        ]
        self.refresh()

    # --- what the model holds, by the names the view had ------------------------------------

    @property
    def cycle(self) -> Cycle:
        """The cycle reviewed."""
        return self.model.cycle

    @property
    def as_of(self) -> dt.date:
        """The date readings are recorded and scored at."""
        return self.model.as_of

    @property
    def next_cycle(self) -> Cycle | None:
        """The cycle a carry-over goes to; ``None`` after the last cycle okrkit handles."""
        return self.model.next_cycle

    @property
    def objective_scores(self) -> dict[str, dict[str, Any]]:
        """The latest scores of the objectives, by id."""
        return self.model.objective_scores

    @property
    def kr_scores(self) -> dict[str, dict[str, Any]]:
        """The latest scores of the key results, by id."""
        return self.model.kr_scores

    @property
    def carried(self) -> dict[str, str]:
        """Objectives already carried into :attr:`next_cycle`: old id -> new id."""
        return self.model.carried

    @property
    def _next_id(self) -> str:
        return self.next_cycle.id if self.next_cycle is not None else "–"

    def to_carry(self) -> list[str]:
        """The unfinished objectives not yet carried into :attr:`next_cycle`, in table order."""
        return self.model.to_carry()

    # --- building -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the cycle from the store again and show it.

        When nothing the review shows changed since it read the cycle, nothing more is read
        (:meth:`ReviewModel.read`). When the cycle still has the same objectives and key results
        (same ids and types, in the same order), the table keeps its cells and only their values
        change; otherwise it is built again.
        """
        if not self.model.read() and self.table.children:
            # Nothing changed: only clear the marks of changes that were not saved.
            problems = {self.model.objective_of(i) for i in self._problems}
            self._problems.clear()
            self.render(problems)
            return
        self._problems.clear()
        shape = self.model.shape
        if shape != self._shape or not self.table.children:
            self._build_cells()
            self._shape = shape
        self.render()

    def _build_cells(self) -> None:
        """Build the table's cells, and free the cells they replace."""
        self.inputs, self.results, self.headers, self.labels = {}, {}, {}, {}
        cells: list[Any] = []
        for oid, krs in self.model.order.items():
            self.headers[oid] = self._shared(widgets.HTML, layout=self._header_layout)
            self.headers[oid].add_class("okrkit-review-objective")
            self.headers[oid].add_class(css_class("okrkit-objective", oid))
            cells.append(self.headers[oid])
            for ident in krs:
                self.labels[ident] = self._shared(widgets.HTML)
                self.results[ident] = self._shared(widgets.HTML)
                row = [self.labels[ident], self._input(ident), self.results[ident]]
                for cell, part in zip(row, ("label", "input", "result"), strict=True):
                    cell.add_class(f"okrkit-review-{part}")
                    cell.add_class(css_class("okrkit-kr", ident))
                cells += row
        old, self.table.children = self.table.children, cells
        for cell in old:  # free the replaced widgets (their shared layouts and styles stay)
            cell.close()

    def _shared(self, cls: Any, **kwargs: Any) -> Any:
        """A new ``cls`` widget with the layout (unless given) and style shared by its kind."""
        style = self._styles.get(cls)
        if style is None:
            style = self._styles[cls] = cls.class_traits()["style"].klass()
        return cls(**({"layout": self._cell_layout, "style": style} | kwargs))

    def _input(self, ident: str) -> Any:
        kind = self.model.key_results[ident]["type"]
        shown = self.model.reading(ident)
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
        elif kind == "ordinal":
            widget = self._shared(
                widgets.Dropdown,
                options=self.zone_options(self.model.key_results[ident]),
                value=shown,
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

    # --- rendering: everything shown comes from here ------------------------------------------

    def render(self, objectives: Iterable[str] | None = None) -> None:
        """Show what the model holds for ``objectives`` (default: all), then the summary.

        Each objective's header, and each of its key results' label, input and result. An input
        is set to the reading held; a cell whose text is the same sends nothing.
        """
        order = self.model.order
        for oid in order if objectives is None else objectives:
            self._render_header(oid)
            for ident in order.get(oid, ()):
                self.labels[ident].value = self._kr_label(self.model.key_results[ident])
                self.inputs[ident].value = self.model.reading(ident)
                self._render_result(ident)
        self._render_summary()

    def _kr_label(self, kr: Mapping[str, Any]) -> str:
        esc, lang = html.escape, self.lang
        details = [self.t(kr["type"]), self.t("weight", weight=format_number(kr["weight"], lang))]
        if kr["type"] == "metric":
            unit = kr["unit"] if isinstance(kr["unit"], str) else ""
            target = format_number(kr["target"], lang)
            bound = kr.get("bound")
            if is_missing(kr["start"]):
                span = f"{'≤' if bound == 'at_most' else '≥'} {target}"
            else:
                span = f"{format_number(kr['start'], lang)} → {target}"
                if bound in ("at_least", "at_most"):
                    span += " " + self.t(f"bound_{bound}")
            per = kr.get("per")
            if isinstance(per, str) and per:
                unit = f"{unit} {self.t(f'per_{per}')}".strip()
            details.append(f"{span} {unit}".strip())
        elif kr["type"] == "guardrail":
            sign = "≥" if kr["direction"] != "below" else "≤"
            details.append(f"{sign} {format_number(kr['threshold'], lang)}")
        elif kr["type"] == "milestone" and not is_missing(kr.get("due")):
            details.append(self.t("due", date=pd.Timestamp(kr["due"]).date().isoformat()))
        described = kr.get("description")
        more = (
            f"<br><small style='color:#5f6368'><i>{esc(described)}</i></small>"
            if isinstance(described, str) and described
            else ""
        )
        return (
            f"<b>{esc(kr['id'])}</b> {esc(kr['title'])}"
            f"<br><small style='color:#5f6368'>{esc(' · '.join(details))}</small>{more}"
        )

    def _render_result(self, ident: str) -> None:
        s = self.model.kr_scores[ident]
        why = pending(s)
        if why is not None:  # no score yet: never a 0.00 in red
            parts = [_badge(self.t(why), PENDING_COLOUR)]
            status = s.get("status")
            if status in _TRACKS:  # from the confidence
                parts.append(_badge(self.t(status), STATUS_COLOURS[status]))
        else:
            band = s["band"] if isinstance(s["band"], str) else None
            parts = [
                f"<b>{format_number(s['score'], self.lang)}</b>",
                _badge(self.t(band), BAND_COLOURS.get(band)) if band else "",
            ]
        if s["type"] == "qualitative" and is_missing(s["value"]):
            parts.append(f"<small>{html.escape(self.t('not_graded'))}</small>")
        elif s["type"] == "guardrail" and s["checkins"] and why is None:
            held = round(float(s["score"]) * int(s["checkins"]))
            parts.append(
                f"<small>{html.escape(self.t('held', held=held, count=int(s['checkins'])))}</small>"
            )
        problem = self._problems.get(ident)
        if problem:
            parts.append(f"<b style='color:#b00020'>{html.escape(problem)}</b>")
        self.results[ident].value = " ".join(p for p in parts if p)

    def _render_header(self, oid: str) -> None:
        esc = html.escape
        o = self.model.objective_scores[oid]
        kind = str(o["kind"])
        first = f"<b>{esc(oid)}</b> {esc(str(o['title']))}"
        if isinstance(o["owner"], str) and o["owner"]:
            first += f" <small>· {esc(o['owner'])}</small>"
        line = [f"<small>{esc(self.t(kind))}</small>"]
        krs = self.model.order.get(oid, [])
        if not krs:
            line.append(f"<i>{esc(self.t('no_krs'))}</i>")
        elif is_missing(o["score"]):
            line.append(_badge(self.t("no data"), PENDING_COLOUR))
            status = o.get("status")
            if status in _TRACKS:
                line.append(_badge(self.t(status), STATUS_COLOURS[status]))
        else:
            band, status, expectation = o["band"], o["status"], o["expectation"]
            line += [
                f"{esc(self.t('score'))} <b>{format_number(o['score'], self.lang)}</b>",
                _badge(self.t(band), BAND_COLOURS.get(band)),
                _badge(self.t(status), STATUS_COLOURS.get(status)),
                f"{esc(self.t('expectation'))}: "
                + _badge(
                    self.t(expectation),
                    BAND_COLOURS["green"] if expectation in _GOOD else BAND_COLOURS["red"],
                )
                if isinstance(expectation, str)
                else "",
            ]
            scored = self.scored(oid)
            if scored < len(krs):
                line.append(f"<i>{esc(self.t('scored_from', n=scored, total=len(krs)))}</i>")
        self.headers[oid].value = (
            "<div style='border-top:2px solid #dadce0;padding-top:.3em'>"
            f"{first}<br>{' · '.join(p for p in line if p)}</div>"
        )

    def scored(self, oid: str) -> int:
        """How many of objective ``oid``'s key results have a score (the scores' ``scored``
        column, else counted)."""
        found: Any = self.model.objective_scores[oid].get("scored")
        if not is_missing(found):
            return int(found)
        return sum(
            not is_missing(self.model.kr_scores[k]["score"]) for k in self.model.order.get(oid, ())
        )

    def _render_summary(self) -> None:
        esc = html.escape
        counts, kinds = self.model.expectations()
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
        heading = f"<b>{esc(self.t('carry_heading', cycle=self._next_id))}</b>"
        if self.next_cycle is None:
            self.carry_button.disabled = True
            last = self.t("carry_last", cycle=self.cycle.id, year=MAX_YEAR)
            self.carry.value = f"{heading}<br><i>{esc(last)}</i>"
            return
        unfinished = self.model.unfinished()
        if not unfinished:
            self.carry.value = f"{heading}<br><i>{esc(self.t('carry_none'))}</i>"
        else:
            items = [
                f"<li><b>{esc(oid)}</b> {esc(str(self.model.objective_scores[oid]['title']))}"
                f" <small>({esc(self.t('carried_as', new=self.carried[oid]))})</small></li>"
                for oid in unfinished
                if oid in self.carried
            ]
            done = f"<ul style='margin:.2em 0'>{''.join(items)}</ul>" if items else ""
            pick = f"<br><small>{esc(self.t('carry_pick'))}</small>" if self.to_carry() else ""
            self.carry.value = f"{heading}{pick}{done}"
        self._render_picks()

    def _render_picks(self) -> None:
        """The carry-over's boxes (built again when what may be carried changed) and preview."""
        choices = self.model.carry_choices() if self.model.to_carry() else {}
        shape = tuple((oid, tuple(krs)) for oid, krs in choices.items())
        if shape != self._choices:
            self._choices = shape
            defaults = self.model.default_picks() if choices else set()
            rows: list[Any] = []
            old, self.carry_picks, self.carry_labels = self.carry_box.children, {}, {}
            for oid, krs in choices.items():
                for ident in (oid, *krs):
                    ticked = self._ticks.setdefault(ident, ident in defaults)
                    box = widgets.Checkbox(
                        value=ticked, indent=False, layout=widgets.Layout(width="1.6em")
                    )
                    box.observe(self.safe(functools.partial(self._on_tick, ident)), names="value")
                    # The label is HTML, not the box's description: a description is typeset
                    # as maths, and "$4.20 to $3.70" would come out as a formula.
                    label = widgets.HTML()
                    row = widgets.HBox(
                        [box, label],
                        layout=widgets.Layout(
                            margin="0 0 0 2em" if ident != oid else "0.3em 0 0 0",
                            align_items="center",
                        ),
                    )
                    row.add_class("okrkit-carry-pick")
                    row.add_class(css_class("okrkit-carry", ident))
                    self.carry_picks[ident], self.carry_labels[ident] = box, label
                    rows.append(row)
            self.carry_box.children = rows
            for row in old:
                for part in row.children:
                    part.close()
                row.close()
        esc = html.escape
        for oid, krs in choices.items():
            o = self.model.objective_scores[oid]
            score = (
                self.t("no data")
                if is_missing(o["score"])
                else format_number(o["score"], self.lang)
            )
            ((open_, total),) = self.model.carried_key_results([oid]).values()
            detail = self.t("carry_item", score=score, open=open_, total=total)
            self.carry_labels[
                oid
            ].value = f"<b>{esc(oid)}</b> {esc(str(o['title']))} <small>({esc(detail)})</small>"
            for ident in krs:
                self.carry_labels[
                    ident
                ].value = f"<b>{esc(ident)}</b> {esc(str(self.model.key_results[ident]['title']))}"
                self.carry_picks[ident].disabled = not self.carry_picks[oid].value
        self._render_preview()

    def picked(self) -> list[str]:
        """The ids ticked for the carry-over (an objective's key results only when it is)."""
        out = []
        for oid, krs in self._choices or ():
            if self.carry_picks[oid].value:
                out.append(oid)
                out += [k for k in krs if self.carry_picks[k].value]
        return out

    def _render_preview(self) -> None:
        esc = html.escape
        self.undo_button.disabled = self.model.last_carry is None
        picked = self.picked()
        if self.next_cycle is None or not self._choices:
            self.carry_button.disabled = True
            self.preview.value = ""
            return
        self.carry_button.disabled = not picked
        if not picked:
            self.preview.value = f"<i>{esc(self.t('carry_preview_none'))}</i>"
            return
        items = []
        for o in self.model.plan(picked).objectives:
            krs = (
                "".join(f"<li><b>{esc(k.id)}</b> {esc(k.title)}</li>" for k in o.key_results)
                or f"<li><i>{esc(self.t('carry_no_krs'))}</i></li>"
            )
            items.append(
                f"<li><b>{esc(o.id)}</b> {esc(o.title)}"
                f" <small>({esc(self.t('carry_from', id=str(o.carried_from)))})</small>"
                f"<ul>{krs}</ul></li>"
            )
        self.preview.value = (
            "<div class='okrkit-carry-preview'>"
            f"<b>{esc(self.t('carry_preview', cycle=self._next_id))}</b>"
            f"<ul style='margin:.2em 0'>{''.join(items)}</ul></div>"
        )

    def _on_tick(self, ident: str, change: Mapping[str, Any]) -> None:
        self._ticks[ident] = bool(change["new"])
        self._render_picks()

    # --- editing ------------------------------------------------------------------------------

    def _on_change(self, ident: str, change: Mapping[str, Any]) -> None:
        if change["new"] == self.model.reading(ident):
            return  # the reading held: the view showed it, nobody typed it
        try:
            self.record(ident, change["new"])
        except Exception:
            self._problems[ident] = self.t("not_saved")
            self.render([self.model.objective_of(ident)])  # back to the reading held
            raise

    def record(self, ident: str, reading: Any) -> CheckIn:
        """Save ``reading`` for key result ``ident`` at the as-of date and rescore its objective.

        A new check-in is added, or the key result's active check-in of the as-of date is
        corrected (the store keeps the old one in the history). The inputs call this.

        Raises
        ------
        OkrkitError
            When the store refuses the write; nothing is written.
        """
        done = self.model.record(
            ident,
            reading,
            note=self.t("review_note"),
            reason=self.t("review_reason"),
            lang=self.lang,
        )
        self._problems.pop(ident, None)
        self.render([self.model.objective_of(ident)])
        self.show_ok(self._saved_message(ident, done))
        return done.saved

    def _saved_message(self, ident: str, done: Recorded) -> str:
        typed = done.reading
        if typed.done is not None:
            text = self.t("done") if typed.done else self.t("not_done")
        elif typed.grade is not None:
            text = self.t("grade", grade=format_number(typed.grade, self.lang))
        elif typed.zone is not None:
            text = self.t(f"zone_{typed.zone}")
        else:
            text = format_number(typed.value, self.lang)
        message = "corrected" if done.corrected else "recorded"
        return self.t(message, kr=ident, reading=text, date=self.as_of.isoformat())

    def rescore(self, oid: str) -> None:
        """Score objective ``oid`` again from the check-ins held, and show it."""
        self.model.rescore(oid)
        self.render([oid])

    # --- carry-over ---------------------------------------------------------------------------

    def carry_over(self, _button: Any = None) -> Any:
        """Carry what is ticked into :attr:`next_cycle` (Confirm calls this).

        Creates the copies the preview lists (:meth:`picked`: the objectives ticked with their
        key results ticked) in one transaction (:meth:`Store.carry <okrkit.Store.carry>`).
        Returns the carried :class:`~okrkit.OkrSet`; the status line reports it, and Undo can
        take it back.

        Raises
        ------
        ConflictError
            When there is nothing left to carry over, or nothing ticked.
        """
        if self.next_cycle is None:
            raise ConflictError(self.t("carry_last", cycle=self.cycle.id, year=MAX_YEAR))
        picked = self.picked()
        if not self.model.to_carry() or not picked:
            raise ConflictError(self.t("nothing_to_carry", cycle=self.next_cycle.id))
        carried = self.model.carry_over(picked)
        krs = sum(len(o.key_results) for o in carried.objectives)
        ids = ", ".join(o.id for o in carried.objectives)
        self.render(())  # the summary
        self.show_ok(
            self.t("carried", n=len(carried.objectives), krs=krs, cycle=carried.cycle.id, ids=ids)
        )
        return carried

    def undo_carry(self, _button: Any = None) -> Any:
        """Delete the copies the last Confirm created (Undo calls this); returns them.

        Each deletion is a revision, so the history keeps the copies
        (:meth:`Store.delete_objective <okrkit.Store.delete_objective>`). The boxes keep their
        ticks.

        Raises
        ------
        ConflictError
            When nothing was carried over from this review.
        ValidationError
            When a copy has check-ins by now, or something aligns to it.
        """
        if self.model.last_carry is None:
            raise ConflictError(self.t("nothing_to_undo"))
        done = self.model.undo_carry()
        self.render(())
        ids = ", ".join(o.id for o in done.objectives)
        self.show_ok(self.t("carry_undone", ids=ids, cycle=done.cycle.id))
        return done


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
