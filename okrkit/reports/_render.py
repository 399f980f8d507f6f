"""A quarter report written out: one self-contained HTML file, Markdown with its picture beside
it, or an Excel workbook with one sheet per table."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from okrkit.display import BAND_COLOURS, STATUS_COLOURS
from okrkit.io.tabular import neutralise
from okrkit.reports._labels import COLUMNS, EXCEL_ILLEGAL, LABELS

if TYPE_CHECKING:
    from okrkit.reports import Report

__all__ = ["report_html", "report_markdown", "report_workbook", "write_atomic"]


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str | tuple | list) and bool(pd.isna(value)))


def _cell(report: Report, value: Any, kind: str) -> str:
    """A cell as text for HTML and Markdown (not yet escaped)."""
    if _missing(value):
        return "–"
    if kind in ("code", "band", "status"):
        return report.label(str(value))
    if kind == "zone":
        return report.label(f"zone_{value}")
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


def report_html(report: Report) -> str:
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


def report_markdown(report: Report, picture: str | None) -> str:
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


_XLSX_FORMATS = {"score": "0.00", "delta": "+0.00;-0.00;0.00", "int": "0", "date": "yyyy-mm-dd"}


def _xlsx_value(report: Report, value: Any, kind: str) -> Any:
    if _missing(value):
        return None
    if kind in ("code", "band", "status"):
        value = report.label(str(value))
    elif kind == "zone":
        value = report.label(f"zone_{value}")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return neutralise(EXCEL_ILLEGAL.sub("", value)[:32767])
    return value


def report_workbook(report: Report) -> Any:
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` through a temporary file beside ``path``, replaced only when complete."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
