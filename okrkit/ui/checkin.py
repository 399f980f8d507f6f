"""Check-in form: record a key result's progress and see its history against the expected pace.

:func:`checkin_form` builds the view; it lays out and forwards. The rules it needs live in plain
functions, tested without widgets: :func:`okrkit.forms.make_checkin` turns the form's inputs into
a :class:`~okrkit.CheckIn` (or a readable :class:`~okrkit.errors.ValidationError`, the date
checked against the cycle by :func:`okrkit.lifecycle.check_checkin_date`);
:func:`okrkit.forms.checkin_defaults` says what the form shows first; :func:`history_svg` draws
the history with the pace line of :func:`okrkit.scoring.expected_pace` as a small SVG (about a
millisecond, so picking a key result or saving answers at once) and :func:`history_figure` draws
the same as a matplotlib figure, for reports and notebooks.

An ordinal key result is checked in with the level reached, picked among its described levels
(below commit, commit, target, stretch). Above the plot the chosen key result's score as of today
is shown from :func:`okrkit.scoring.score`; without a score yet it reads "no data yet" or "not
yet due" (a milestone before its due date), never a score of 0.

What the form shows lives in a :class:`CheckinState` (the cycle's key results as last read, the
one chosen and its check-ins); :meth:`CheckinForm.render` draws the form from it in one place.
Picking a key result reads its check-ins (one small query); Save writes the check-in and reads
them again, then sets the date back to the form's default (today, moved into the cycle:
:func:`okrkit.forms.default_checkin_date`), so the next check-in is not filed on the day picked
for the last one. The author starts as the name given, else the name this person gave in step 1
of the workshop (:func:`okrkit.notebooks.my_name`).

:func:`needs_a_word` lists the key results off track or at risk, for the weekly meeting; a
notebook shows it with :func:`okrkit.display.live_table` following the form, so the list follows
every check-in saved.

Refresh reads the versions of the cycle's objectives and key results and reads the key results
again only when one changed.

Examples
--------
>>> make_checkin("metric", "KR1", "2026-02-01", value=12.5, confidence=7).value
12.5
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.display import format_date
from okrkit.forms import DEFAULT_CONFIDENCE, checkin_defaults, default_checkin_date, make_checkin
from okrkit.frames import FRAME_COLUMNS, Frames
from okrkit.model import (
    CHECKIN_FIELD,
    MAX_CONFIDENCE,
    MAX_GRADE,
    MIN_CONFIDENCE,
    MIN_GRADE,
    ZONES,
    CheckIn,
)
from okrkit.notebooks import my_name
from okrkit.scoring import default_as_of, score
from okrkit.text import LANGUAGES, format_number, texts
from okrkit.ui._checkin_chart import history_figure, history_svg, missing
from okrkit.ui.base import View

__all__ = [
    "CheckinForm",
    "CheckinState",
    "checkin_form",
    "format_number",
    "history_figure",
    "history_svg",
    "make_checkin",
    "needs_a_word",
]

#: How many of the latest check-ins the form lists under the plot.
HISTORY_ROWS = 5

#: The form's labels by language: the ``ui.checkin`` section of :mod:`okrkit.text`.
TEXT: dict[str, Mapping[str, str]] = {lang: texts("ui.checkin", lang) for lang in LANGUAGES}


def _escape(text: object) -> str:
    """``text`` as HTML, with ``$`` as ``&#36;`` (no maths renderer reads a pair as a formula)."""
    return html.escape(str(text)).replace("$", "&#36;")


class CheckinState:
    """What a check-in form shows: the cycle's key results, the one chosen and its check-ins.

    :meth:`read` reads the key results again only when the versions of the cycle's objectives and
    key results changed since the last read; :meth:`choose` picks a key result and reads its
    check-ins. Nothing here is a widget, so the form renders from it in one place.
    """

    def __init__(self, store: Any, cycle: Cycle) -> None:
        self.store = store
        self.cycle = cycle
        #: The cycle's key results by id, as rows of the key results frame (empty cells None).
        self.key_results: dict[str, dict[str, Any]] = {}
        #: The id of the key result chosen (None while the cycle has none).
        self.chosen: str | None = None
        #: The chosen key result's check-ins, as :meth:`okrkit.Store.checkins` returns them.
        self.checkins = pd.DataFrame()
        self._versions: dict[str, int] | None = None
        self._frames: Frames | None = None

    def read(self) -> None:
        """Read the key results again if anybody changed one since the last read."""
        # Versions before the data: a write in between shows as a change on the next read.
        versions = self.store.versions(self.cycle)
        if versions != self._versions:
            self._frames = self.store.frames(self.cycle)
            frame = self._frames.key_results
            self.key_results = {
                str(row["id"]): {k: (None if missing(v) else v) for k, v in row.items()}
                for row in frame.to_dict("records")
            }
            self._versions = versions

    def choose(self, *wanted: str | None) -> None:
        """Choose the first of ``wanted`` that is a key result of the cycle (else the first one)
        and read its check-ins."""
        self.chosen = next((k for k in (*wanted, *self.key_results) if k in self.key_results), None)
        self.read_checkins()

    def read_checkins(self) -> None:
        """Read the chosen key result's check-ins again."""
        self.checkins = pd.DataFrame() if self.chosen is None else self.store.checkins(self.chosen)

    @property
    def key_result(self) -> dict[str, Any] | None:
        """The chosen key result's row (``None`` without one)."""
        return None if self.chosen is None else self.key_results.get(self.chosen)

    @property
    def latest(self) -> dict[str, Any] | None:
        """The chosen key result's latest check-in (``None`` when it has none)."""
        if self.checkins.empty:
            return None
        return {k: (None if missing(v) else v) for k, v in self.checkins.iloc[-1].items()}

    def score_row(self, as_of: dt.date | None = None) -> dict[str, Any] | None:
        """The chosen key result's row of :attr:`Scores.key_results <okrkit.Scores>` as of
        ``as_of`` (default: today, or the cycle's last day once it has ended), scored from the
        check-ins read; ``None`` without a key result.

        A key result without a score yet has ``score`` NaN (and, where the scores say why,
        ``pending`` ``"no data"`` or ``"not yet due"``).
        """
        if self.chosen is None or self._frames is None:
            return None
        f = self._frames
        krs = f.key_results[f.key_results["id"] == self.chosen]
        if krs.empty:
            return None
        checkins = self.checkins
        if checkins.empty:
            checkins = f.checkins.iloc[0:0]
        else:
            checkins = checkins[list(FRAME_COLUMNS["checkins"])].copy()
            checkins["date"] = pd.to_datetime(checkins["date"])
            checkins = checkins.astype(f.checkins.dtypes.to_dict())
        one = Frames(
            cycle=self.cycle,
            objectives=f.objectives[f.objectives["id"].isin(set(krs["objective"]))],
            key_results=krs,
            checkins=checkins,
            kpis=f.kpis.iloc[0:0],
            initiatives=f.initiatives.iloc[0:0],
        )
        day = default_as_of(self.cycle) if as_of is None else as_of
        rows = score(one, day).key_results.to_dict("records")
        return rows[0] if rows else None

    def options(self) -> list[tuple[str, str]]:
        """The ("id – title", id) choices of the key result list."""
        return [(f"{ident} – {kr['title']}", ident) for ident, kr in self.key_results.items()]


class CheckinForm(View):
    """Record a check-in for a key result and see its history (built by :func:`checkin_form`).

    Attributes
    ----------
    key_result : ipywidgets.Dropdown
        "KR id – title" of every key result of the cycle.
    value, done, grade, zone : ipywidgets widgets
        The reading; only the one that fits the chosen key result's type is shown, in
        :attr:`reading_box`. ``zone`` is a dropdown of the ordinal key result's levels, each
        with its description.
    scoreline : ipywidgets.HTML
        The chosen key result's score as of today, or "no data yet" / "not yet due".
    confidence, note, date, author, save_button : ipywidgets widgets
        The rest of the check-in and the button that records it at once.
    plot : ipywidgets.Image
        The history as SVG (:func:`history_svg`).
    history : ipywidgets.HTML
        The latest check-ins as a table.
    state : CheckinState
        What the form shows; :meth:`render` draws the form from it.
    last_saved : CheckIn or None
        The check-in recorded last by this form, with its store id.
    """

    SECTION = "ui.checkin"

    def __init__(
        self,
        store: Any,
        *,
        key_result: str | None = None,
        cycle: str | Cycle | None = None,
        author: str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, lang=lang)
        self.cycle = store.cycle(cycle)
        self.state = CheckinState(store, self.cycle)
        self.last_saved: CheckIn | None = None
        self._rendering = False
        full = widgets.Layout(width="100%")
        style = {"description_width": "8em"}
        self.key_result = widgets.Dropdown(
            description=self.t("key_result"), layout=full, style=style
        )
        self.value = widgets.FloatText(description=self.t("value"), style=style)
        self.done = widgets.Checkbox(description=self.t("done"), indent=True)
        self.grade = widgets.FloatSlider(
            min=MIN_GRADE,
            max=MAX_GRADE,
            step=0.05,
            readout_format=".2f",
            description=self.t("grade"),
            style=style,
            continuous_update=False,
        )
        self.zone = widgets.Dropdown(
            description=self.t("zone"),
            options=[(self.t(f"zone_{z}"), z) for z in ZONES],
            value=ZONES[0],
            layout=widgets.Layout(width="100%"),  # its own: a shared Layout shares display
            style=style,
        )
        self.reading_box = widgets.HBox()
        self.scoreline = widgets.HTML()
        self.confidence = widgets.IntSlider(
            value=DEFAULT_CONFIDENCE,
            min=MIN_CONFIDENCE,
            max=MAX_CONFIDENCE,
            description=self.t("confidence"),
            style=style,
            continuous_update=False,
        )
        self.date = widgets.DatePicker(
            description=self.t("date"), value=default_checkin_date(self.cycle), style=style
        )
        if author is None and hasattr(store, "display_url"):
            author = my_name(store)
        self.author = widgets.Text(description=self.t("author"), value=author or "", style=style)
        self.note = widgets.Textarea(
            description=self.t("note"),
            placeholder=self.t("note_hint"),
            layout=widgets.Layout(width="100%", height="4em"),
            style=style,
        )
        self.save_button = widgets.Button(
            description=self.t("save"), button_style="primary", icon="check"
        )
        self.refresh_button = widgets.Button(description=self.t("refresh"), icon="refresh")
        self.plot = widgets.Image(format="svg+xml", layout=widgets.Layout(max_width="520px"))
        self.history = widgets.HTML()
        heading = widgets.HTML(
            f"<h3>{html.escape(self.t('heading'))} · {html.escape(self.cycle.id)}</h3>"
        )
        self.children = [
            heading,
            self.key_result,
            self.reading_box,
            self.confidence,
            widgets.HBox([self.date, self.author]),
            self.note,
            widgets.HBox([self.save_button, self.refresh_button]),
            self.status,
            self.scoreline,
            self.plot,
            self.history,
        ]
        self.save_button.on_click(self.safe(self.save))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))
        self.key_result.observe(self.safe(self._on_key_result), names="value")
        self.refresh(select=key_result)

    # --- forwarding ---------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Re-render the chosen key result's history; read the key results again if they changed.

        One cheap read of the versions of the cycle's objectives and key results says whether
        anybody changed one since the last read; only then are the key results read again.
        The chosen key result's check-ins are always read again.
        """
        self.state.read()
        self.state.choose(select, self.key_result.value)
        self.render(fill=True)
        if not self.state.key_results:
            self.show_error(self.t("no_krs", cycle=self.cycle.id))
        elif select is not None and select not in self.state.key_results:
            self.show_error(
                f"{self.t('unknown_kr', kr=select, cycle=self.cycle.id)}"
                f" ({self.t('unknown_kr_fix')})"
            )

    def _on_key_result(self, change: Mapping[str, Any]) -> None:
        if self._rendering or change["new"] == self.state.chosen:  # the form showed the choice
            return
        self.status.value = ""
        self.state.choose(change["new"])
        self.render(fill=True)

    @property
    def reading(self) -> Any:
        """The input widget shown for the chosen key result (``None`` without one)."""
        return self.reading_box.children[0] if self.reading_box.children else None

    # --- rendering: everything from the state ---------------------------------------------------

    def render(self, *, fill: bool = False) -> None:
        """Draw the form from :attr:`state`; with ``fill``, put the chosen key result's latest
        reading and confidence into the inputs (:func:`okrkit.forms.checkin_defaults`)."""
        state = self.state
        options = state.options()
        self._rendering = True  # new options pick the first one for a moment: not a choice
        try:
            if options != list(self.key_result.options):
                self.key_result.options = options
            self.key_result.value = state.chosen
        finally:
            self._rendering = False
        self.save_button.disabled = not options
        kr = state.key_result
        if kr is None:
            self.reading_box.children = ()
            self.plot.value = b""
            self.history.value = ""
            self.scoreline.value = ""
            return
        if fill:
            self._fill(kr)
        self.scoreline.value = self._score_text(state.score_row())
        self.plot.value = history_svg(kr, state.checkins, self.cycle, lang=self.lang).encode()
        self.history.value = self._history_table(kr["type"], state.checkins)

    def _fill(self, kr: Mapping[str, Any]) -> None:
        shown = checkin_defaults(kr, self.state.latest)
        field = shown["field"]
        widget = {"value": self.value, "done": self.done, "grade": self.grade, "zone": self.zone}[
            field
        ]
        if field == "zone":
            self.zone.options = self.zone_options(kr)
        widget.value = shown[field]
        if field == "value":
            unit = kr.get("unit")
            self.value.description = self.t("value") + (f" ({unit})" if unit else "")
        self.reading_box.children = (widget,)
        self.confidence.value = shown["confidence"]

    def _score_text(self, row: Mapping[str, Any] | None) -> str:
        """The score line: the score and its status, or why there is no score yet."""
        if row is None:
            return ""
        esc = html.escape
        head = esc(self.t("score_now", date=format_date(default_as_of(self.cycle), self.lang)))
        status = row.get("status")
        said = (
            f" · {esc(self.t(status))}"
            if isinstance(status, str) and status in ("on track", "at risk", "off track")
            else ""
        )
        if missing(row.get("score")):
            why = row.get("pending")
            why = why if isinstance(why, str) and why else "no data"
            return f"<div>{head}: <i>{esc(self.t(why))}</i>{said}</div>"
        return f"<div>{head}: <b>{format_number(row['score'], self.lang)}</b>{said}</div>"

    def _history_table(self, kr_type: str, checkins: pd.DataFrame) -> str:
        if checkins.empty:
            return f"<i>{html.escape(self.t('no_history'))}</i>"
        head = "".join(
            f"<th style='text-align:left;padding:0 .6em'>{html.escape(self.t(k))}</th>"
            for k in ("date", "reading", "confidence", "note", "author")
        )
        rows = []
        for rec in checkins.tail(HISTORY_ROWS).iloc[::-1].to_dict("records"):
            cells = [
                format_date(rec["date"], self.lang),
                self._reading_text(kr_type, rec),
                format_number(rec["confidence"], self.lang),
                rec["note"] or "",
                rec["author"] or "",
            ]
            rows.append(
                "<tr>"
                + "".join(
                    f"<td style='padding:0 .6em;white-space:pre-wrap'>{_escape(c)}</td>"
                    for c in cells
                )
                + "</tr>"
            )
        return (
            f"<b>{html.escape(self.t('history'))}</b>"
            "<table class='tex2jax_ignore mathjax_ignore'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _reading_text(self, kr_type: str, rec: Mapping[str, Any]) -> str:
        field = CHECKIN_FIELD[kr_type]
        if field == "done":
            return self.t("is_done") if bool(rec["done"]) else self.t("not_done")
        if field == "zone":
            zone = rec.get("zone")
            return self.t(f"zone_{zone}") if zone in ZONES else "–"
        return format_number(rec[field], self.lang)

    # --- saving -------------------------------------------------------------------------------

    def save(self, _button: Any = None) -> CheckIn:
        """Record the check-in from the form's inputs at once; the Save button calls this.

        Raises
        ------
        ValidationError, StoreError
            When the input is wrong or the store refuses it; nothing is written. (The button's
            callback shows these in the status line instead.)
        """
        kr = self.state.key_result
        checkin = make_checkin(
            kr["type"] if kr is not None else "",
            kr["id"] if kr is not None else None,
            self.date.value,
            value=self.value.value,
            done=self.done.value,
            grade=self.grade.value,
            zone=self.zone.value,
            confidence=self.confidence.value,
            note=self.note.value,
            author=self.author.value,
            cycle=self.cycle,
            lang=self.lang,
        )
        saved: CheckIn = self.store.add_checkin(checkin)
        self.last_saved = saved
        self.note.value = ""
        self.date.value = default_checkin_date(self.cycle)  # the next one is not on this day
        assert kr is not None
        self.state.read_checkins()
        self.render()
        reading = self._reading_text(
            kr["type"], {f: getattr(saved, f) for f in ("value", "done", "grade", "zone")}
        )
        self.show_ok(
            self.t(
                "recorded",
                reading=reading,
                kr=saved.key_result,
                date=format_date(saved.date, self.lang),
            )
        )
        return saved


def needs_a_word(store: Any, cycle: str | Cycle | None = None) -> pd.DataFrame:
    """The key results of ``cycle`` off track or at risk today, worst first: id, title, owner,
    score, status, confidence and last check-in (an agenda for the weekly meeting).

    >>> from okrkit.store import Store
    >>> from okrkit.workspace import load_template
    >>> store = Store("sqlite://")
    >>> _ = store.import_set(load_template("marketing"))
    >>> needs_a_word(store).columns.tolist()
    ['id', 'title', 'owner', 'score', 'status', 'confidence', 'last_checkin']
    """
    columns = ["id", "title", "owner", "score", "status", "confidence", "last_checkin"]
    frames = store.frames(cycle)
    krs = score(frames, default_as_of(frames.cycle)).key_results
    krs = krs[krs["status"].isin(["off track", "at risk"])]
    order = krs["status"].map({"off track": 0, "at risk": 1})
    krs = krs.assign(_order=order).sort_values(["_order", "score"], kind="stable")
    return krs[columns].reset_index(drop=True)


def checkin_form(
    store: Any,
    *,
    key_result: str | None = None,
    cycle: str | Cycle | None = None,
    author: str | None = None,
    lang: str | None = None,
) -> CheckinForm:
    """A form that records check-ins (value, done, grade or zone, confidence, note) for a key
    result.

    Parameters
    ----------
    store
        The :class:`~okrkit.Store` to read and write.
    key_result
        The key result chosen first (default: the cycle's first).
    cycle
        The cycle whose key results are listed (default: :meth:`Store.cycle`).
    author
        Pre-filled author of the check-ins (default: the name this person gave in step 1,
        :func:`okrkit.notebooks.my_name`).
    lang
        ``"en"`` or ``"sv"``; default ``$OKRKIT_LANG``, else English.

    Returns
    -------
    CheckinForm
        Show it with ``display(...)``. Save records the check-in at once; the plot shows the
        key result's check-ins with its target and the expected pace
        (:func:`~okrkit.scoring.expected_pace`).

    Raises
    ------
    NotFoundError
        When the cycle is not in the store. An unknown ``key_result`` is reported in the status
        line and the cycle's first key result is shown.
    """
    return CheckinForm(store, key_result=key_result, cycle=cycle, author=author, lang=lang)
