"""KPI board: every KPI with its four parts, baseline, current value, expected value and status.

The board is a view: the rules it shows live in :mod:`okrkit.kpis`
(:func:`~okrkit.kpis.kpi_progress`, :func:`~okrkit.kpis.kpi_status` and
:func:`~okrkit.kpis.kpi_missing_parts`), plain functions on the KPI frame. A KPI with a baseline
and a time frame that names a period is judged against the value expected by the as-of date; the
others hold their target as a level.

Refresh reads the cycle's frames once and scores only the key results the KPIs measure; when the
KPIs and those scores are what the board already shows, the table is left as it is (nothing is
sent to the browser).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.display import STATUS_COLOURS, format_date
from okrkit.kpis import KPI_PARTS, kpi_missing_parts, kpi_progress
from okrkit.scoring import default_as_of, score
from okrkit.text import format_number
from okrkit.ui.base import View

__all__ = ["KpiBoard", "KpiModel", "kpi_board"]


def _cell(text: str, style: str = "") -> str:
    return f"<td style='padding:.2em .6em;vertical-align:top;{style}'>{text}</td>"


class KpiModel:
    """The KPIs of a cycle as a board shows them, read through the store.

    Attributes
    ----------
    kpis : pandas.DataFrame
        The cycle's KPI frame.
    rows : pandas.DataFrame
        ``id``, ``name``, ``baseline``, ``current``, ``direction``, then ``period``,
        ``elapsed``, ``expected``, ``rule`` and ``status`` (:func:`~okrkit.kpis.kpi_progress`),
        ``missing`` (tuple of part names, :func:`~okrkit.kpis.kpi_missing_parts`) and
        ``measures`` (tuple of key result ids).
    key_results : pandas.DataFrame
        The scores of the key results the KPIs measure, indexed by id.
    as_of : datetime.date
        The day statuses are told at: the one given, else
        :func:`~okrkit.scoring.default_as_of` of the cycle when read.
    """

    def __init__(self, store: Any, cycle: Cycle, as_of: dt.date | None = None) -> None:
        self.store = store
        self.cycle = cycle
        self.given_as_of = as_of
        self.as_of = as_of or default_as_of(cycle)
        self.kpis = pd.DataFrame()
        self.rows = pd.DataFrame()
        self.key_results = pd.DataFrame()
        self._seen: str | None = None

    def read(self) -> bool:
        """Read the cycle's KPIs and key results again; whether what a board shows changed.

        Only the key results the KPIs measure are scored (a key result's score is its own).
        """
        frames = self.store.frames(self.cycle)
        kpis = frames.kpis.reset_index(drop=True)
        measured = {ident for ids in kpis["measures"] for ident in ids}
        k = frames.key_results
        k = k[k["id"].isin(measured)]
        o = frames.objectives
        only = dataclasses.replace(
            frames,
            objectives=o[o["id"].isin(k["objective"])],
            key_results=k,
            checkins=frames.checkins[frames.checkins["key_result"].isin(measured)],
        )
        self.as_of = self.given_as_of or default_as_of(self.cycle)
        krs = score(only, self.as_of).key_results.set_index("id")
        rows = kpis[["id", "name", "baseline", "current", "direction"]].copy()
        progress = kpi_progress(kpis, cycle=self.cycle, as_of=self.as_of)
        for name in ("period", "elapsed", "expected", "rule", "status"):
            rows[name] = progress[name]
        rows["missing"] = kpi_missing_parts(kpis)
        rows["measures"] = [tuple(m) for m in kpis["measures"]]
        self.kpis, self.rows, self.key_results = kpis, rows, krs
        # As text, so that two missing values (NaN) compare equal.
        seen = repr(
            (
                self.as_of,
                kpis.to_dict("records"),
                krs[["title", "score", "band"]].to_dict("index"),
            )
        )
        changed = kpis.empty or seen != self._seen
        self._seen = None if kpis.empty else seen
        return changed

    def counts(self) -> dict[str, int]:
        """How many KPIs there are, by status, and how many lack a part."""
        statuses = self.rows["status"].value_counts()
        return {
            "n": len(self.rows),
            "on": int(statuses.get("on track", 0)),
            "risk": int(statuses.get("at risk", 0)),
            "off": int(statuses.get("off track", 0)),
            "incomplete": int(sum(bool(m) for m in self.rows["missing"])),
        }


class KpiBoard(View):
    """One row per KPI of a cycle (built by :func:`kpi_board`).

    Attributes
    ----------
    model : KpiModel
        What the board shows, as last read.
    table : ipywidgets.HTML
        The board.
    rows : pandas.DataFrame
        What the board shows, one row per KPI (see :class:`KpiModel`).
    refresh_button : ipywidgets.Button
        Reads the store again.
    """

    SECTION = "ui.kpis"

    def __init__(
        self,
        store: Any,
        *,
        cycle: str | Cycle | None = None,
        as_of: dt.date | None = None,
        lang: str | None = None,
    ):
        super().__init__(store, lang=lang)
        self.model = KpiModel(store, store.cycle(cycle), as_of)
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.refresh_button = widgets.Button(description=self.t("refresh"), icon="refresh")
        self.refresh_button.on_click(self.safe(lambda _b: self._refresh_and_confirm()))
        heading = widgets.HTML(
            f"<h3>{html.escape(self.t('heading'))} · {html.escape(self.cycle.id)}</h3>"
        )
        self.children = [heading, self.summary, self.table, self.refresh_button, self.status]
        self.refresh()

    @property
    def cycle(self) -> Cycle:
        """The cycle shown."""
        return self.model.cycle

    @property
    def rows(self) -> pd.DataFrame:
        """What the board shows, one row per KPI (see :class:`KpiModel`)."""
        return self.model.rows

    def _refresh_and_confirm(self) -> None:
        self.refresh()
        self.status.value = ""

    def refresh(self) -> None:
        """Read the cycle's KPIs and key results again and re-render the board."""
        if self.model.read():
            self.render()

    def render(self) -> None:
        """Show what the model holds: the summary line and the table."""
        if self.model.kpis.empty:
            self.summary.value = f"<i>{html.escape(self.t('empty', cycle=self.cycle.id))}</i>"
            self.table.value = ""
            return
        self.summary.value = html.escape(self.t("summary", **self.model.counts()))
        self.table.value = self._table(self.model.kpis, self.model.rows, self.model.key_results)

    def _table(self, kpis: pd.DataFrame, rows: pd.DataFrame, krs: pd.DataFrame) -> str:
        esc = html.escape
        heads = (
            "kpi", *KPI_PARTS, "baseline", "current", "expected", "direction", "status", "measures"
        )  # fmt: skip
        head = "".join(
            f"<th style='text-align:left;padding:.2em .6em'>{esc(self.t(h))}</th>" for h in heads
        )
        missing_html = f"<b style='color:#b00020'>⚠ {esc(self.t('missing'))}</b>"
        body = []
        for kpi, row in zip(kpis.to_dict("records"), rows.to_dict("records"), strict=True):
            unit = kpi["unit"] if isinstance(kpi["unit"], str) else ""
            lacks = row["missing"]

            def part(name: str, text: str, *, lacks: tuple[str, ...] = lacks) -> str:
                return _cell(missing_html if name in lacks else esc(text))

            status = row["status"]
            colour = STATUS_COLOURS.get(status, "") if status else ""
            status_text = self.t(status) if status else self.t("unknown")
            first = f"<b>{esc(str(kpi['id']))}</b> {esc(str(kpi['name']))}"
            if isinstance(kpi["owner"], str) and kpi["owner"]:
                first += f"<br><small>{esc(kpi['owner'])}</small>"
            if lacks:
                parts = ", ".join(self.t(p).lower() for p in lacks)
                first += (
                    f"<br><small style='color:#b00020'>{esc(self.t('lacks', parts=parts))}</small>"
                )
            frequency = kpi["frequency"] if isinstance(kpi["frequency"], str) else ""
            cells = [
                _cell(first),
                part("target", f"{format_number(kpi['target'], self.lang)} {unit}".strip()),
                part("timeframe", str(kpi["timeframe"] or "")),
                part("data_source", str(kpi["data_source"] or "")),
                part("frequency", self.t(frequency) if frequency else ""),
                _cell(esc(self._value(kpi["baseline"], unit))),
                _cell(esc(self._value(kpi["current"], unit))),
                _cell(self._expected(row, unit)),
                _cell(esc(self.t(str(kpi["direction"])))),
                _cell(esc(status_text), f"background-color:{colour}" if colour else ""),
                _cell(self._measures(row["measures"], krs)),
            ]
            body.append(f"<tr style='border-top:1px solid #ddd'>{''.join(cells)}</tr>")
        return (
            "<table class='tex2jax_ignore mathjax_ignore' style='border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def _value(self, value: Any, unit: str) -> str:
        return f"{format_number(value, self.lang)} {unit}".strip()

    def _expected(self, row: dict[str, Any], unit: str) -> str:
        """The value expected by now and the share of its period passed, or the level rule."""
        if row["rule"] != "pace":
            return f"<small>{html.escape(self.t('level'))}</small>"
        share = format_number(100 * row["elapsed"], self.lang, decimals=0)
        note = self.t(
            "elapsed",
            share=share,
            period=row["period"],
            as_of=format_date(self.model.as_of, self.lang),
        )
        value = html.escape(self._value(row["expected"], unit))
        return f"{value}<br><small>{html.escape(note)}</small>"

    def _measures(self, ids: tuple[str, ...], krs: pd.DataFrame) -> str:
        if not ids:
            return f"<i>{html.escape(self.t('none'))}</i>"
        items = []
        for ident in ids:
            if ident not in krs.index:
                items.append(f"{html.escape(ident)} <i>({html.escape(self.t('not_in_cycle'))})</i>")
                continue
            kr = krs.loc[ident]
            band = self.t(kr["band"]) if isinstance(kr["band"], str) else "–"
            items.append(
                f"<b>{html.escape(ident)}</b> {html.escape(str(kr['title']))}"
                f" <small>({format_number(kr['score'], self.lang)}, {html.escape(band)})</small>"
            )
        return "<br>".join(items)


def kpi_board(
    store: Any,
    *,
    cycle: str | Cycle | None = None,
    as_of: dt.date | None = None,
    lang: str | None = None,
) -> KpiBoard:
    """A board of the cycle's KPIs: four parts, baseline, current and expected value, direction,
    status and the key results each measures.

    Parameters
    ----------
    store
        The :class:`~okrkit.Store` to read.
    cycle
        The cycle (default: :meth:`Store.cycle`).
    as_of
        The day statuses are told at (default: today, or the cycle's last day once it has ended).
    lang
        ``"en"`` or ``"sv"``; default ``$OKRKIT_LANG``, else English.

    Returns
    -------
    KpiBoard
        Show it with ``display(...)``; Refresh reads the store again. Status and the expected
        value follow :func:`~okrkit.kpis.kpi_progress`; a missing part is flagged as
        :func:`~okrkit.kpis.kpi_missing_parts` finds it.
    """
    return KpiBoard(store, cycle=cycle, as_of=as_of, lang=lang)
