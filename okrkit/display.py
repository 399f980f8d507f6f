"""Tables for notebooks: scores with band colours, and any frame as a table people can read.

:func:`score_table` shows scores with band and status colours; :func:`table` shows any frame the
same way. Both escape every cell as HTML, so a title such as ``<script>`` shows as text, and
neither lets a notebook's maths renderer (MathJax) read two dollar signs as a formula: ``$`` is
written as ``&#36;`` (for Markdown renderers) and the table carries the classes MathJax skips
(``mathjax_ignore`` for MathJax 3 in JupyterLab and Voila, ``tex2jax_ignore`` for MathJax 2 in
the classic notebook), so "from $1.6M to $2M" shows as typed. Ids never wrap; scores show two
decimals and other numbers at most two, in the language's format
(:func:`okrkit.text.format_number`); a missing value (``None``, NaN, ``NaT``) shows as "–"; dates
follow the language (:func:`format_date`: 2 Mar 2026 in English, 2026-03-02 in Swedish).

A key result without a score shows "–" with its status "no data" or "not yet due" in grey,
never a red 0.00; an objective scored from some of its key results says "from 2 of 3 key
results".

:func:`live_table` keeps such a table up to date in a notebook: it draws the table again when a
view it follows reports a change (a save, a vote) and when Refresh is pressed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.errors import OkrkitError
from okrkit.text import format_number, resolve_lang, texts

if TYPE_CHECKING:  # scoring shows its Scores with score_table: display reads them, never imports
    from okrkit.scoring import Scores

__all__ = [
    "BAND_COLOURS",
    "STATUS_COLOURS",
    "format_cell",
    "format_date",
    "live_table",
    "score_table",
    "scored_note",
    "table",
]

#: Background colours of the grade bands (colour-blind safe with the text kept visible).
BAND_COLOURS = {"red": "#f4c7c3", "yellow": "#fce8b2", "green": "#b7e1cd"}
STATUS_COLOURS = {
    "on track": "#b7e1cd",
    "at risk": "#fce8b2",
    "off track": "#f4c7c3",
    "no data": "#e8eaed",  # no score yet: grey, neither good nor bad
    "not yet due": "#e8eaed",
}

#: Columns that hold ids: they never wrap.
ID_COLUMNS = frozenset({"id", "key_result", "objective", "item", "kpi", "parent", "idea"})

#: Columns that hold scores (0.0-1.0 and their changes): always two decimals.
SCORE_COLUMNS = frozenset(
    {"score", "forecast", "expected", "rolled_up", "lift", "mean_score", "grade", "score_change"}
)

#: Columns whose values are codes shown in the language ("off track": "på fel spår").
CODE_COLUMNS = frozenset(
    {"status", "band", "level", "kind", "type", "severity", "expectation", "direction"}
)

#: An empty cell.
MISSING = "–"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: The attributes of every table: MathJax 2 and 3 (Jupyter, Voila) leave it alone.
_TABLE_ATTRIBUTES = 'class="tex2jax_ignore mathjax_ignore okrkit-table"'


def format_date(value: Any, lang: str | None = None) -> str:
    """A date for people: "2 Mar 2026" in English, "2026-03-02" (the Swedish format) in Swedish.

    ``None``, NaN and ``NaT`` are "–"; a timestamp shows its day.

    >>> format_date(dt.date(2026, 3, 2), "en"), format_date(pd.Timestamp("2026-03-02"), "sv")
    ('2 Mar 2026', '2026-03-02')
    >>> format_date(pd.NaT, "en")
    '–'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    day = pd.Timestamp(value).date() if not isinstance(value, dt.date) else value
    if isinstance(day, dt.datetime):
        day = day.date()
    if resolve_lang(lang) == "sv":
        return day.isoformat()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _escape(text: str) -> str:
    """``text`` as HTML, with ``$`` as ``&#36;`` so no maths renderer reads a pair as a formula."""
    return html.escape(text).replace("$", "&#36;")


def format_cell(value: Any, lang: str | None = None, *, score: bool = False) -> str:
    """One cell of a :func:`table` as HTML text: escaped, numbers and dates in the language.

    >>> format_cell("from $1.6M to $2M"), format_cell(0.016667, score=True), format_cell(None)
    ('from &#36;1.6M to &#36;2M', '0.02', '–')
    >>> format_cell(1234.5, "sv"), format_cell(0.5, "sv", score=True), format_cell(True)
    ('1\\xa0234,5', '0,50', 'yes')
    """
    language = resolve_lang(lang)
    if isinstance(value, (list, tuple, set, frozenset)):
        return _escape(", ".join(str(v) for v in value))
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return {"en": ("no", "yes"), "sv": ("nej", "ja")}[language][bool(value)]
    if isinstance(value, (dt.date, pd.Timestamp)):
        return format_date(value, language)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        if score:
            text = f"{float(value):,.2f}"
            return text.replace(",", "\u00a0").replace(".", ",") if language == "sv" else text
        return format_number(value, language)
    return _escape(str(value))


def _header(name: Any, labels: Any) -> str:
    key = str(name)
    return str(labels.get(key) or key.replace("_", " ").capitalize())


def table(
    frame: pd.DataFrame,
    *,
    lang: str | None = None,
    caption: str | None = None,
    index: bool | None = None,
) -> Any:
    """``frame`` as a table people can read in a notebook (a pandas Styler).

    Every cell goes through :func:`format_cell`: text escaped (``$`` included), scores with two
    decimals, other numbers with at most two, missing values "–", dates in the language's
    format. Column names show as the reports name them in the language ("last_checkin" is "Last
    check-in"), and so do the codes of :data:`CODE_COLUMNS` ("off track", "på fel spår"). Id
    columns (:data:`ID_COLUMNS`) and the index never wrap; text is left-aligned; ``band`` and
    ``status`` columns keep their colours. A plain row number index is hidden unless ``index``
    is true.

    >>> html_text = table(pd.DataFrame({"id": ["SAL-1-KR1"], "title": ["$1.6M to $2M"],
    ...                                 "score": [0.016667], "forecast": [None]})).to_html()
    >>> "&#36;1.6M to &#36;2M" in html_text, "0.02" in html_text, "NaN" in html_text
    (True, True, False)
    """
    language = resolve_lang(lang)
    labels = texts("reports", language)
    shown = frame.copy()
    for column in shown.columns:  # dates kept as dates, not as NaT-prone timestamps
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].astype(object)
    styler = shown.style
    for column in shown.columns:
        is_score = str(column) in SCORE_COLUMNS
        is_code = str(column) in CODE_COLUMNS

        def cell(value: Any, *, is_score: bool = is_score, is_code: bool = is_code) -> str:
            if is_code and isinstance(value, str):
                value = labels.get(value, value)
            return format_cell(value, language, score=is_score)

        styler = styler.format(cell, subset=[column])
    styler = styler.format_index(lambda v: format_cell(v, language), axis=0)
    styler = styler.format_index(lambda v: _escape(_header(v, labels)), axis=1)
    for name, palette in (("band", BAND_COLOURS), ("status", STATUS_COLOURS)):
        if name in shown.columns:
            styler = styler.map(lambda v, p=palette: _colour(v, p), subset=[name])
    ids = [c for c in shown.columns if str(c) in ID_COLUMNS]
    if ids:
        styler = styler.set_properties(subset=ids, **{"white-space": "nowrap"})
    text = [c for c in shown.columns if shown[c].dtype == object or str(shown[c].dtype) == "str"]
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    if len(shown):  # (pandas cannot style the index of an empty frame)
        styler = styler.map_index(lambda _v: "white-space: nowrap", axis=0)
    plain = isinstance(shown.index, pd.RangeIndex) and shown.index.name is None
    if index is False or (index is None and plain):
        styler = styler.hide(axis="index")
    styler = styler.set_table_attributes(_TABLE_ATTRIBUTES)
    if caption is not None:
        styler = styler.set_caption(_escape(caption))
    return styler


def scored_note(scored: Any, total: Any) -> str:
    """The note "from N of M key results" for an objective scored from some of its key results.

    >>> scored_note(2, 3), scored_note(3, 3), scored_note(0, 3)
    ('from 2 of 3 key results', '', '')
    """
    if pd.isna(scored) or pd.isna(total) or not 0 < int(scored) < int(total):
        return ""
    return f"from {int(scored)} of {int(total)} key results"


def _colour(value: Any, palette: dict[str, str]) -> str:
    colour = palette.get(value) if isinstance(value, str) else None
    return f"background-color: {colour}" if colour else ""


def score_table(scores: Scores, *, key_results: bool = True, lang: str | None = None) -> Any:
    """Objectives (and, by default, their key results) as a styled pandas table.

    Returns a :class:`pandas.io.formats.style.Styler`; in a notebook it shows as a table with
    band and status colours, formatted as :func:`table` formats any frame. The ``basis`` column
    says "from 2 of 3 key results" for an objective scored from some of its key results.
    """
    objectives = scores.objectives
    scored = objectives["scored"] if "scored" in objectives else objectives["key_results"]
    basis = [scored_note(s, t) for s, t in zip(scored, objectives["key_results"], strict=True)]
    o = objectives.assign(item="objective", objective=objectives["id"], basis=basis)
    frames = [o]
    if key_results:
        frames.append(scores.key_results.assign(item="key result", level="", kind="", basis=""))
    rows = pd.concat(frames, ignore_index=True)
    order = {ident: i for i, ident in enumerate(scores.objectives["id"])}
    rows["_o"] = rows["objective"].map(order)
    rows["_k"] = (rows["item"] == "key result").astype(int)
    rows = rows.sort_values(["_o", "_k"], kind="stable")
    rows["title"] = [
        ("    " if item == "key result" else "") + title
        for item, title in zip(rows["item"], rows["title"], strict=True)
    ]
    columns = ["id", "title", "owner", "score", "band", "status", "basis", "forecast"]
    caption = f"Cycle {scores.cycle.id}, as of {format_date(scores.as_of, lang)}"
    styler = table(rows[columns].reset_index(drop=True), lang=lang, caption=caption)
    return styler.set_properties(subset=["title"], **{"text-align": "left", "white-space": "pre"})


def live_table(
    read: Callable[..., pd.DataFrame],
    *args: Any,
    columns: Sequence[str] | None = None,
    follow: Iterable[Any] = (),
    lang: str | None = None,
    refresh: str | None = None,
) -> Any:
    """A table that follows the store: drawn from ``read()`` again when a view reports a change.

    Parameters
    ----------
    read, args
        ``read(*args)`` reads the frame to show (called now and at every refresh).
    columns
        The columns to show (default: all).
    follow
        Views (:class:`okrkit.ui.base.View`) to follow: whenever one shows a status message (it
        saved, voted, recorded ...), the table is read and drawn again.
    lang
        The language of numbers and dates (default ``$OKRKIT_LANG``, else English).
    refresh
        The label of the Refresh button (default "Refresh" in the language).

    Returns
    -------
    ipywidgets.VBox
        The table (an ``ipywidgets.Output`` as ``.table``, holding the table's HTML as a display
        output, so the notebook shows it as it shows any table), a Refresh button
        (``.refresh_button``) and ``.refresh()`` to draw it again.
    """
    import ipywidgets as widgets  # heavy: import on first use

    language = resolve_lang(lang)
    shown = widgets.Output()
    shown.add_class("okrkit-live-table")
    label = refresh or {"en": "Refresh", "sv": "Uppdatera"}[language]
    button = widgets.Button(description=label, icon="refresh")
    box = widgets.VBox([shown, button])

    def show(html_text: str, plain: str) -> None:
        data = {"text/html": html_text, "text/plain": plain}
        shown.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    def draw(*_args: Any) -> None:
        try:
            frame = read(*args)
            frame = frame if columns is None else frame[list(columns)]
            show(table(frame, lang=language).to_html(), frame.to_string())
        except OkrkitError as exc:  # a table that cannot be read says so; the view goes on
            show(f"<i>{_escape(str(exc))}</i>", str(exc))

    button.on_click(draw)
    for view in follow:
        view.status.observe(draw, names="value")
    box.table, box.refresh_button, box.refresh = shown, button, draw
    draw()
    return box
