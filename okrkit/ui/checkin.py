"""Check-in form: record a key result's progress and see its history against the expected pace.

:func:`checkin_form` builds the view. The rules it needs are plain functions, tested without
widgets: :func:`make_checkin` turns the form's inputs into a :class:`~okrkit.CheckIn` (or a
readable :class:`~okrkit.errors.ValidationError`); :func:`history_svg` draws the history with the
pace line of :func:`okrkit.scoring.expected_pace` as a small SVG (about a millisecond, so picking a
key result or saving answers at once) and :func:`history_figure` draws the same as a matplotlib
figure, for reports and notebooks.

Picking a key result reads its check-ins (one small query); Save writes the check-in and reads
them again. Refresh reads the versions of the cycle's objectives and key results and reads the
key results again only when one changed.

Examples
--------
>>> make_checkin("metric", "KR1", dt.date(2026, 2, 1), value=12.5, confidence=7).value
12.5
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from okrkit.cycles import Cycle, parse_date
from okrkit.errors import ValidationError
from okrkit.model import CHECKIN_FIELD, CheckIn
from okrkit.scoring import expected_pace
from okrkit.ui.base import View
from okrkit.ui.i18n import resolve_lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CheckinForm",
    "checkin_form",
    "format_number",
    "history_figure",
    "history_svg",
    "make_checkin",
]

#: How many of the latest check-ins the form lists under the plot.
HISTORY_ROWS = 5

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Check-in",
        "value": "Value",
        "done": "Done",
        "grade": "Grade",
        "date": "Date",
        "author": "Author",
        "note_hint": "What moved, what is blocking, what comes next",
        "no_krs": "Cycle {cycle} has no key results yet.",
        "recorded": "Recorded {reading} for {kr} on {date}.",
        "history": "Latest check-ins",
        "no_history": "No check-ins yet.",
        "reading": "Reading",
        "is_done": "done",
        "not_done": "not done",
        "pace": "expected pace",
        "target": "target",
        "threshold": "threshold",
        "checkins": "check-ins",
        "score_axis": "score",
        "need_kr": "no key result is chosen",
        "need_kr_fix": "choose a key result in the list",
        "need_date": "the date is missing",
        "need_date_fix": "pick the date the reading was taken",
        "outside": "{date} is outside cycle {cycle}",
        "outside_fix": "pick a date from {start} to {end}; a check-in counts in the cycle it is"
        " dated in",
        "need_value": "the value is missing",
        "need_value_fix": "enter the number measured, such as 1200 or 4.5",
        "bad_value": "{value} is not a finite number",
        "need_done": "say whether the milestone is done",
        "need_done_fix": "tick Done or leave it unticked",
        "bad_grade": "the grade {grade} is outside 0–1",
        "bad_grade_fix": "grade from 0.0 (not at all) to 1.0 (fully)",
        "bad_confidence": "the confidence {confidence} is not a whole number from 1 to 10",
        "bad_confidence_fix": "1 means it will surely miss, 10 that it will surely land",
        "unknown_kr": "no key result {kr} in cycle {cycle}",
        "unknown_kr_fix": "showing the cycle's first key result; pick another in the list",
    },
    "sv": {
        "heading": "Avstämning",
        "value": "Värde",
        "done": "Klar",
        "grade": "Betyg",
        "date": "Datum",
        "author": "Rapporterad av",
        "note_hint": "Vad har rört sig, vad hindrar, vad händer härnäst",
        "no_krs": "Perioden {cycle} har inga nyckelresultat än.",
        "recorded": "Sparade {reading} för {kr} den {date}.",
        "history": "Senaste avstämningar",
        "no_history": "Inga avstämningar än.",
        "reading": "Avläsning",
        "is_done": "klar",
        "not_done": "inte klar",
        "pace": "förväntad takt",
        "target": "målvärde",
        "threshold": "gränsvärde",
        "checkins": "avstämningar",
        "score_axis": "poäng",
        "need_kr": "inget nyckelresultat är valt",
        "need_kr_fix": "välj ett nyckelresultat i listan",
        "need_date": "datum saknas",
        "need_date_fix": "välj datumet då värdet lästes av",
        "outside": "{date} ligger utanför perioden {cycle}",
        "outside_fix": "välj ett datum från {start} till {end}; en avstämning räknas i den period"
        " den är daterad i",
        "need_value": "värdet saknas",
        "need_value_fix": "skriv in det uppmätta talet, till exempel 1200 eller 4,5",
        "bad_value": "{value} är inte ett ändligt tal",
        "need_done": "ange om milstolpen är klar",
        "need_done_fix": "kryssa i Klar eller lämna rutan tom",
        "bad_grade": "betyget {grade} ligger utanför 0–1",
        "bad_grade_fix": "sätt ett betyg från 0,0 (inte alls) till 1,0 (helt)",
        "bad_confidence": "tilltron {confidence} är inte ett heltal från 1 till 10",
        "bad_confidence_fix": "1 betyder att det säkert missar, 10 att det säkert lyckas",
        "unknown_kr": "inget nyckelresultat {kr} i perioden {cycle}",
        "unknown_kr_fix": "visar periodens första nyckelresultat; välj ett annat i listan",
    },
}


def _t(key: str, lang: str, **values: object) -> str:
    from okrkit.ui.i18n import pick

    return pick(TEXT, key, lang, **values)


def format_number(value: Any, lang: str = "en") -> str:
    """A number for people: thousands grouped, at most 2 decimals, ``–`` when missing.

    Swedish uses a space between thousands and a decimal comma.

    >>> format_number(1234567.0), format_number(0.5, "sv"), format_number(1234.25, "sv")
    ('1,234,567', '0,5', '1\\xa0234,25')
    >>> format_number(None), format_number(float("nan"))
    ('–', '–')
    """
    if value is None or value is pd.NA:
        return "–"
    number = float(value)
    if math.isnan(number):
        return "–"
    text = f"{number:,.2f}".rstrip("0").rstrip(".") if not number.is_integer() else f"{number:,.0f}"
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def make_checkin(
    kr_type: str,
    key_result: str | None,
    date: dt.date | str | None,
    *,
    value: float | None = None,
    done: bool | None = None,
    grade: float | None = None,
    confidence: int | None = None,
    note: str = "",
    author: str = "",
    cycle: Cycle | None = None,
    lang: str = "en",
) -> CheckIn:
    """Build the check-in a form records for a key result of type ``kr_type``.

    Only the reading that fits the type is used: ``value`` for metric and guardrail, ``done`` for
    milestone, ``grade`` for qualitative key results; the others are ignored. With ``cycle``, the
    date must lie inside it (a check-in counts in the cycle it is dated in).

    Raises
    ------
    ValidationError
        With a message in ``lang`` that says what is wrong and how to fix it: no key result, no
        date or a date outside the cycle, a missing value, a grade outside 0–1, a confidence
        outside 1–10.

    Examples
    --------
    >>> try:
    ...     make_checkin("qualitative", "KR3", "2026-03-31", grade=1.5)
    ... except ValidationError as exc:
    ...     print(exc)
    the grade 1.5 is outside 0–1 (grade from 0.0 (not at all) to 1.0 (fully))
    """

    def fail(key: str, fix: str, **values: object) -> ValidationError:
        return ValidationError(_t(key, lang, **values), fix=_t(fix, lang, **values))

    if not key_result:
        raise fail("need_kr", "need_kr_fix")
    if date is None or date == "":
        raise fail("need_date", "need_date_fix")
    day = parse_date(date, field="date")
    if cycle is not None and not cycle.start <= day <= cycle.end:
        raise fail(
            "outside",
            "outside_fix",
            date=day.isoformat(),
            cycle=cycle.id,
            start=cycle.start.isoformat(),
            end=cycle.end.isoformat(),
        )
    reading: dict[str, Any] = {}
    field = CHECKIN_FIELD.get(kr_type)
    if field == "value":
        if _missing(value):
            raise fail("need_value", "need_value_fix")
        assert value is not None
        if not math.isfinite(float(value)):
            raise fail("bad_value", "need_value_fix", value=value)
        reading["value"] = float(value)
    elif field == "done":
        if done is None:
            raise fail("need_done", "need_done_fix")
        reading["done"] = bool(done)
    elif field == "grade":
        if _missing(grade) or not 0.0 <= float(grade) <= 1.0:  # type: ignore[arg-type]
            shown = "–" if _missing(grade) else format_number(grade, lang)
            raise fail("bad_grade", "bad_grade_fix", grade=shown)
        reading["grade"] = float(grade)  # type: ignore[arg-type]
    else:
        raise ValidationError(f"{kr_type!r} is not a key result type", field="type")
    if confidence is not None and (
        isinstance(confidence, bool)
        or not float(confidence).is_integer()
        or not 1 <= confidence <= 10
    ):
        raise fail("bad_confidence", "bad_confidence_fix", confidence=confidence)
    return CheckIn(
        key_result=key_result,
        date=day,
        confidence=None if confidence is None else int(confidence),
        note=note or "",
        author=(author or "").strip(),
        **reading,
    )


def _get(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name)
    return None if _missing(value) else value


def _plain_text(text: str) -> str:
    """Text for matplotlib: a ``$`` would start mathtext, so escape it."""
    return text.replace("$", r"\$")


def _readings(kr_type: str, checkins: pd.DataFrame) -> list[float]:
    field = CHECKIN_FIELD.get(kr_type, "value")
    if field == "done":
        return [1.0 if bool(v) else 0.0 for v in checkins["done"]]
    return [float(v) for v in checkins[field]]


def history_figure(
    key_result: Mapping[str, Any], checkins: pd.DataFrame, cycle: Cycle, *, lang: str = "en"
) -> Figure:
    """Draw a key result's check-ins over the cycle with its target and expected pace line.

    Parameters
    ----------
    key_result
        A row of :attr:`Frames.key_results <okrkit.frames.Frames>` (``type``, ``start``,
        ``target``, ``threshold``, ``unit``) as a mapping.
    checkins
        Its check-ins (``date`` and ``value``/``done``/``grade`` columns), in any order.
    cycle
        The cycle of the key result: the x axis and the pace line span it.

    Returns
    -------
    matplotlib.figure.Figure
        On the Agg canvas, not registered with pyplot. Metrics and guardrails plot the value
        (with the target and the pace line from start to target, or the guardrail's threshold);
        milestones plot done as 0/1 and qualitative key results their grade, against a pace line
        from 0 to 1.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    kr_type = str(_get(key_result, "type") or "metric")
    fig = Figure(figsize=(5.6, 2.6), dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ends = [cycle.start, cycle.end]
    if kr_type == "metric":
        start, target = float(key_result["start"]), float(key_result["target"])
        unit = str(_get(key_result, "unit") or "")
        ax.set_ylabel(_plain_text(unit))
    elif kr_type == "guardrail":
        start = target = float(key_result["threshold"])
        ax.set_ylabel(_plain_text(str(_get(key_result, "unit") or "")))
    else:
        start, target = 0.0, 1.0
        ax.set_ylabel(_t("score_axis", lang))
        ax.set_ylim(-0.05, 1.05)
    if kr_type == "guardrail":
        ax.axhline(target, color="#d93025", linewidth=1, label=_t("threshold", lang))
    else:
        pace = expected_pace(start, target, cycle, ends)
        ax.plot(date2num(ends), pace.to_list(), "--", color="#9aa0a6", label=_t("pace", lang))
        ax.axhline(target, color="#1e8e3e", linewidth=1, label=_t("target", lang))
    if not checkins.empty:
        ordered = checkins.sort_values("date", kind="stable")
        days = [pd.Timestamp(d).date() for d in ordered["date"]]
        drawstyle = "steps-post" if kr_type == "milestone" else "default"
        ax.plot(
            date2num(days),
            _readings(kr_type, ordered),
            marker="o",
            color="#1a73e8",
            drawstyle=drawstyle,
            label=_t("checkins", lang),
        )
    if kr_type in ("metric", "guardrail"):
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang)))
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.xaxis_date()
    shown = [cycle.start, cycle.end, *_dates(checkins)]
    ax.set_xlim(date2num(min(shown)), date2num(max(shown)))
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.grid(True, alpha=0.3)
    return fig


_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "sv": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}


def _month_ticks(first: dt.date, last: dt.date, lang: str) -> list[tuple[float, str]]:
    """A mark on the first day of each month from ``first`` to ``last`` (the year on January's
    and on the first mark)."""
    names = _MONTHS["sv" if lang == "sv" else "en"]
    out: list[tuple[float, str]] = []
    day = dt.date(first.year, first.month, 1)
    if day < first:
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    while day <= last:
        label = names[day.month - 1]
        if not out or day.month == 1:
            label += f" {day.year}"
        out.append((float(day.toordinal()), label))
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def history_svg(
    key_result: Mapping[str, Any], checkins: pd.DataFrame, cycle: Cycle, *, lang: str = "en"
) -> str:
    """A key result's check-ins over the cycle with its target and expected pace, as SVG text.

    What :func:`history_figure` draws (the same lines, labels and axes), built by hand in about
    a millisecond: metrics plot the value against the target and the pace line from start to
    target, guardrails the value against the threshold, milestones done as 0/1 (a step) and
    qualitative key results their grade, against a pace line from 0 to 1. The x axis spans the
    cycle (and any check-in dated outside it). Every text is escaped.

    Parameters
    ----------
    key_result
        A row of :attr:`Frames.key_results <okrkit.frames.Frames>` (``id``, ``title``, ``type``,
        ``start``, ``target``, ``threshold``, ``unit``) as a mapping.
    checkins
        Its check-ins (``date`` and ``value``/``done``/``grade`` columns), in any order.
    cycle
        The cycle of the key result.

    Returns
    -------
    str
        An ``<svg>`` document; the form shows it in an ``Image(format="svg+xml")``.
    """
    from okrkit.ui.sparkline import Line, line_chart

    kr_type = str(_get(key_result, "type") or "metric")
    days = _dates(checkins)
    first, last = min([cycle.start, *days]), max([cycle.end, *days])
    ends = [cycle.start, cycle.end]
    x_ends = [float(d.toordinal()) for d in ends]
    lines: list[Line] = []
    y_range: tuple[float, float] | None = None
    y_label = str(_get(key_result, "unit") or "")
    if kr_type == "guardrail":
        threshold = float(key_result["threshold"])
        lines.append(
            Line(
                label=_t("threshold", lang),
                points=tuple((x, threshold) for x in (first.toordinal(), last.toordinal())),
                colour="#d93025",
            )
        )
    else:
        if kr_type == "metric":
            start, target = float(key_result["start"]), float(key_result["target"])
        else:
            start, target = 0.0, 1.0
            y_range, y_label = (-0.05, 1.05), _t("score_axis", lang)
        pace = expected_pace(start, target, cycle, ends).to_list()
        lines.append(
            Line(
                label=_t("pace", lang),
                points=tuple(zip(x_ends, pace, strict=True)),
                colour="#9aa0a6",
                dashed=True,
            )
        )
        lines.append(
            Line(
                label=_t("target", lang),
                points=tuple((x, target) for x in (first.toordinal(), last.toordinal())),
                colour="#1e8e3e",
            )
        )
    if not checkins.empty:
        ordered = checkins.sort_values("date", kind="stable")
        xs = [float(d.toordinal()) for d in _dates(ordered)]
        lines.append(
            Line(
                label=_t("checkins", lang),
                points=tuple(zip(xs, _readings(kr_type, ordered), strict=True)),
                colour="#1a73e8",
                markers=True,
                steps=kr_type == "milestone",
            )
        )
    numbers = kr_type in ("metric", "guardrail")
    title = f"{_get(key_result, 'id') or ''} {_get(key_result, 'title') or ''}".strip()
    return line_chart(
        lines,
        x_range=(float(first.toordinal()), float(last.toordinal())),
        y_range=y_range,
        x_ticks=_month_ticks(first, last, lang),
        y_format=(lambda v: format_number(v, lang)) if numbers else (lambda v: f"{v:g}"),
        y_label=y_label,
        title=title,
    )


def _dates(checkins: pd.DataFrame) -> list[dt.date]:
    return [pd.Timestamp(d).date() for d in checkins["date"]] if not checkins.empty else []


class CheckinForm(View):
    """Record a check-in for a key result and see its history (built by :func:`checkin_form`).

    Attributes
    ----------
    key_result : ipywidgets.Dropdown
        "KR id – title" of every key result of the cycle.
    value, done, grade : ipywidgets widgets
        The reading; only the one that fits the chosen key result's type is shown, in
        :attr:`reading_box`.
    confidence, note, date, author, save_button : ipywidgets widgets
        The rest of the check-in and the button that records it at once.
    plot : ipywidgets.Image
        The history as SVG (:func:`history_svg`).
    history : ipywidgets.HTML
        The latest check-ins as a table.
    last_saved : CheckIn or None
        The check-in recorded last by this form, with its store id.
    """

    TEXT = TEXT

    def __init__(
        self,
        store: Any,
        *,
        key_result: str | None = None,
        cycle: str | Cycle | None = None,
        author: str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, lang=resolve_lang(lang))
        self.cycle = store.cycle(cycle)
        self.last_saved: CheckIn | None = None
        self._loading = False
        self._krs: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, int] | None = None
        full = widgets.Layout(width="100%")
        style = {"description_width": "8em"}
        self.key_result = widgets.Dropdown(
            description=self.t("key_result"), layout=full, style=style
        )
        self.value = widgets.FloatText(description=self.t("value"), style=style)
        self.done = widgets.Checkbox(description=self.t("done"), indent=True)
        self.grade = widgets.FloatSlider(
            min=0.0,
            max=1.0,
            step=0.05,
            readout_format=".2f",
            description=self.t("grade"),
            style=style,
            continuous_update=False,
        )
        self.reading_box = widgets.HBox()
        self.confidence = widgets.IntSlider(
            value=5,
            min=1,
            max=10,
            description=self.t("confidence"),
            style=style,
            continuous_update=False,
        )
        self.date = widgets.DatePicker(
            description=self.t("date"), value=self._default_date(), style=style
        )
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
            self.plot,
            self.history,
        ]
        self.save_button.on_click(self.safe(self.save))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))
        self.key_result.observe(self.safe(self._on_key_result), names="value")
        self.refresh(select=key_result)

    # --- data ---------------------------------------------------------------------------------

    def _default_date(self) -> dt.date:
        """Today, moved into the cycle (its last day once it has ended)."""
        return min(max(dt.date.today(), self.cycle.start), self.cycle.end)

    def refresh(self, select: str | None = None) -> None:
        """Re-render the chosen key result's history; read the key results again if they changed.

        One cheap read of the versions of the cycle's objectives and key results says whether
        anybody changed one since the last read; only then are the key results read again.
        The chosen key result's check-ins are always read again.
        """
        # Versions before the data: a write in between shows as a change on the next refresh.
        versions = self.store.versions(self.cycle)
        if versions != self._versions:
            frame = self.store.frames(self.cycle).key_results
            self._krs = {
                str(row["id"]): {k: (None if _missing(v) else v) for k, v in row.items()}
                for row in frame.to_dict("records")
            }
            self._versions = versions
        unknown = select is not None and select not in self._krs
        keep = next(
            (k for k in (select, self.key_result.value, *self._krs) if k in self._krs), None
        )
        options = [(f"{ident} – {kr['title']}", ident) for ident, kr in self._krs.items()]
        self._loading = True
        try:
            if options != list(self.key_result.options):
                self.key_result.options = options
            self.key_result.value = keep
        finally:
            self._loading = False
        self.save_button.disabled = not options
        self._show_key_result()
        if not options:
            self.show_error(self.t("no_krs", cycle=self.cycle.id))
        elif unknown:
            self.show_error(
                f"{self.t('unknown_kr', kr=select, cycle=self.cycle.id)}"
                f" ({self.t('unknown_kr_fix')})"
            )

    def _on_key_result(self, _change: Any = None) -> None:
        if self._loading:
            return
        self.status.value = ""
        self._show_key_result()

    def _chosen(self) -> dict[str, Any] | None:
        ident = self.key_result.value
        return self._krs.get(ident) if ident is not None else None

    def _checkins(self, ident: str) -> pd.DataFrame:
        return self.store.checkins(ident)

    def _show_key_result(self) -> None:
        kr = self._chosen()
        if kr is None:
            self.reading_box.children = ()
            self.plot.value = b""
            self.history.value = ""
            return
        kr_type = kr["type"]
        checkins = self._checkins(kr["id"])
        field = CHECKIN_FIELD[kr_type]
        latest = checkins.iloc[-1] if not checkins.empty else None
        known: Any
        if field == "value":
            known = latest["value"] if latest is not None else None
            for fallback in ("current", "start", "threshold"):
                if _missing(known):
                    known = kr.get(fallback)
            self.value.value = 0.0 if _missing(known) else float(known)
            unit = kr.get("unit")
            self.value.description = self.t("value") + (f" ({unit})" if unit else "")
            self.reading_box.children = (self.value,)
        elif field == "done":
            known = latest["done"] if latest is not None else kr.get("done")
            self.done.value = bool(known) if not _missing(known) else False
            self.reading_box.children = (self.done,)
        else:
            known = latest["grade"] if latest is not None else kr.get("grade")
            self.grade.value = 0.0 if _missing(known) else float(known)
            self.reading_box.children = (self.grade,)
        confidence: Any = latest["confidence"] if latest is not None else kr.get("confidence")
        self.confidence.value = 5 if _missing(confidence) else int(confidence)
        self._render_history(kr, checkins)

    @property
    def reading(self) -> Any:
        """The input widget shown for the chosen key result (``None`` without one)."""
        return self.reading_box.children[0] if self.reading_box.children else None

    def _render_history(self, kr: Mapping[str, Any], checkins: pd.DataFrame) -> None:
        self.plot.value = history_svg(kr, checkins, self.cycle, lang=self.lang).encode()
        self.history.value = self._history_table(kr["type"], checkins)

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
                pd.Timestamp(rec["date"]).date().isoformat(),
                self._reading_text(kr_type, rec),
                format_number(rec["confidence"], self.lang),
                rec["note"] or "",
                rec["author"] or "",
            ]
            rows.append(
                "<tr>"
                + "".join(
                    f"<td style='padding:0 .6em;white-space:pre-wrap'>{html.escape(str(c))}</td>"
                    for c in cells
                )
                + "</tr>"
            )
        return (
            f"<b>{html.escape(self.t('history'))}</b>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _reading_text(self, kr_type: str, rec: Mapping[str, Any]) -> str:
        field = CHECKIN_FIELD[kr_type]
        if field == "done":
            return self.t("is_done") if bool(rec["done"]) else self.t("not_done")
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
        kr = self._chosen()
        checkin = make_checkin(
            kr["type"] if kr is not None else "",
            kr["id"] if kr is not None else None,
            self.date.value,
            value=self.value.value,
            done=self.done.value,
            grade=self.grade.value,
            confidence=self.confidence.value,
            note=self.note.value,
            author=self.author.value,
            cycle=self.cycle,
            lang=self.lang,
        )
        saved: CheckIn = self.store.add_checkin(checkin)
        self.last_saved = saved
        self.note.value = ""
        assert kr is not None
        self._render_history(kr, self._checkins(kr["id"]))
        reading = self._reading_text(
            kr["type"], {f: getattr(saved, f) for f in ("value", "done", "grade")}
        )
        self.show_ok(
            self.t("recorded", reading=reading, kr=saved.key_result, date=saved.date.isoformat())
        )
        return saved


def checkin_form(
    store: Any,
    *,
    key_result: str | None = None,
    cycle: str | Cycle | None = None,
    author: str | None = None,
    lang: str | None = None,
) -> CheckinForm:
    """A form that records check-ins (value, done or grade, confidence, note) for a key result.

    Parameters
    ----------
    store
        The :class:`~okrkit.Store` to read and write.
    key_result
        The key result chosen first (default: the cycle's first).
    cycle
        The cycle whose key results are listed (default: :meth:`Store.cycle`).
    author
        Pre-filled author of the check-ins.
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
