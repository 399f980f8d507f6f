"""KPI board: every KPI with its four parts, its current value and its status.

The board is a view: the rules it shows live in :mod:`okrkit.kpis`
(:func:`~okrkit.kpis.kpi_status` and :func:`~okrkit.kpis.kpi_missing_parts`), plain functions on
the KPI frame.

Refresh reads the cycle's frames once and scores only the key results the KPIs measure; when the
KPIs and those scores are what the board already shows, the table is left as it is (nothing is
sent to the browser).
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.display import STATUS_COLOURS
from okrkit.kpis import KPI_PARTS, kpi_missing_parts, kpi_status
from okrkit.scoring import score
from okrkit.ui.base import View
from okrkit.ui.checkin import format_number

__all__ = ["KpiBoard", "kpi_board"]

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "KPIs",
        "kpi": "KPI",
        "target": "Target",
        "timeframe": "Time frame",
        "data_source": "Data source",
        "frequency": "Frequency",
        "current": "Current",
        "direction": "Direction",
        "measures": "Key results it measures",
        "missing": "missing",
        "lacks": "OKR401: lacks {parts}. A KPI needs a target, a time frame, a data source and"
        " a monitoring frequency.",
        "up": "↑ higher is better",
        "down": "↓ lower is better",
        "on track": "on track",
        "at risk": "at risk",
        "off track": "off track",
        "unknown": "no status: needs a target and a current value",
        "none": "none",
        "not_in_cycle": "not in this cycle",
        "empty": "Cycle {cycle} has no KPIs yet.",
        "summary": "{n} KPIs: {on} on track, {risk} at risk, {off} off track, {incomplete}"
        " incomplete.",
        "daily": "daily",
        "weekly": "weekly",
        "biweekly": "every two weeks",
        "monthly": "monthly",
        "quarterly": "quarterly",
        "yearly": "yearly",
        "red": "red",
        "yellow": "yellow",
        "green": "green",
    },
    "sv": {
        "heading": "Nyckeltal",
        "kpi": "Nyckeltal",
        "target": "Mål",
        "timeframe": "Tidsram",
        "data_source": "Datakälla",
        "frequency": "Frekvens",
        "current": "Nuvarande",
        "direction": "Riktning",
        "measures": "Nyckelresultat det mäter",
        "missing": "saknas",
        "lacks": "OKR401: saknar {parts}. Ett nyckeltal behöver mål, tidsram, datakälla och"
        " uppföljningsfrekvens.",
        "up": "↑ högre är bättre",
        "down": "↓ lägre är bättre",
        "on track": "på rätt spår",
        "at risk": "i riskzonen",
        "off track": "på fel spår",
        "unknown": "ingen status: behöver mål och nuvarande värde",
        "none": "inga",
        "not_in_cycle": "inte i den här perioden",
        "empty": "Perioden {cycle} har inga nyckeltal än.",
        "summary": "{n} nyckeltal: {on} på rätt spår, {risk} i riskzonen, {off} på fel spår,"
        " {incomplete} ofullständiga.",
        "daily": "dagligen",
        "weekly": "veckovis",
        "biweekly": "varannan vecka",
        "monthly": "månadsvis",
        "quarterly": "kvartalsvis",
        "yearly": "årligen",
        "red": "röd",
        "yellow": "gul",
        "green": "grön",
    },
}


def _cell(text: str, style: str = "") -> str:
    return f"<td style='padding:.2em .6em;vertical-align:top;{style}'>{text}</td>"


class KpiBoard(View):
    """One row per KPI of a cycle (built by :func:`kpi_board`).

    Attributes
    ----------
    table : ipywidgets.HTML
        The board.
    rows : pandas.DataFrame
        What the board shows: ``id``, ``name``, ``current``, ``direction``, ``status``,
        ``missing`` (tuple of part names) and ``measures`` (tuple of key result ids).
    refresh_button : ipywidgets.Button
        Reads the store again.
    """

    TEXT = TEXT

    def __init__(self, store: Any, *, cycle: str | Cycle | None = None, lang: str | None = None):
        super().__init__(store, lang=lang)
        self.cycle = store.cycle(cycle)
        self.rows = pd.DataFrame()
        self._shown: Any = None
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.refresh_button = widgets.Button(description=self.t("refresh"), icon="refresh")
        self.refresh_button.on_click(self.safe(lambda _b: self._refresh_and_confirm()))
        heading = widgets.HTML(
            f"<h3>{html.escape(self.t('heading'))} · {html.escape(self.cycle.id)}</h3>"
        )
        self.children = [heading, self.summary, self.table, self.refresh_button, self.status]
        self.refresh()

    def _refresh_and_confirm(self) -> None:
        self.refresh()
        self.status.value = ""

    def refresh(self) -> None:
        """Read the cycle's KPIs and key results again and re-render the board."""
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
        krs = score(only).key_results.set_index("id")  # a key result's score is its own
        rows = kpis[["id", "name", "current", "direction"]].copy()
        rows["status"] = kpi_status(kpis)
        rows["missing"] = kpi_missing_parts(kpis)
        rows["measures"] = [tuple(m) for m in kpis["measures"]]
        self.rows = rows
        if kpis.empty:
            self.summary.value = f"<i>{html.escape(self.t('empty', cycle=self.cycle.id))}</i>"
            self.table.value = ""
            self._shown = None
            return
        # As text, so that two missing values (NaN) compare equal.
        shown = repr((kpis.to_dict("records"), krs[["title", "score", "band"]].to_dict("index")))
        if shown == self._shown:
            return
        self._shown = shown
        counts = rows["status"].value_counts()
        self.summary.value = html.escape(
            self.t(
                "summary",
                n=len(rows),
                on=int(counts.get("on track", 0)),
                risk=int(counts.get("at risk", 0)),
                off=int(counts.get("off track", 0)),
                incomplete=int(sum(bool(m) for m in rows["missing"])),
            )
        )
        self.table.value = self._table(kpis, rows, krs)

    def _table(self, kpis: pd.DataFrame, rows: pd.DataFrame, krs: pd.DataFrame) -> str:
        esc = html.escape
        heads = ("kpi", *KPI_PARTS, "current", "direction", "status", "measures")
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
                _cell(esc(f"{format_number(kpi['current'], self.lang)} {unit}".strip())),
                _cell(esc(self.t(str(kpi["direction"])))),
                _cell(esc(status_text), f"background-color:{colour}" if colour else ""),
                _cell(self._measures(row["measures"], krs)),
            ]
            body.append(f"<tr style='border-top:1px solid #ddd'>{''.join(cells)}</tr>")
        return (
            "<table style='border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

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


def kpi_board(store: Any, *, cycle: str | Cycle | None = None, lang: str | None = None) -> KpiBoard:
    """A board of the cycle's KPIs: four parts, current value, direction, status, key results.

    Parameters
    ----------
    store
        The :class:`~okrkit.Store` to read.
    cycle
        The cycle (default: :meth:`Store.cycle`).
    lang
        ``"en"`` or ``"sv"``; default ``$OKRKIT_LANG``, else English.

    Returns
    -------
    KpiBoard
        Show it with ``display(...)``; Refresh reads the store again. Status follows
        :func:`~okrkit.kpis.kpi_status`; a missing part is flagged as
        :func:`~okrkit.kpis.kpi_missing_parts` finds it.
    """
    return KpiBoard(store, cycle=cycle, lang=lang)
