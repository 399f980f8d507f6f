"""The command line of ``okrkit``: every command, its arguments and their help."""

from __future__ import annotations

import argparse

from okrkit.cli._common import day_arg, version
from okrkit.io.tabular import ENCODINGS, LOCALES
from okrkit.model import ZONES

__all__ = ["build_parser"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="okrkit",
        description="Plan, track and review OKRs and KPIs.",
        epilog="The store is --db URL, else $OKRKIT_DATABASE_URL, else ./okrkit.db.",
    )
    p.add_argument("--db", metavar="URL", help="store: a SQLite path or a database URL")
    p.add_argument("--version", action="version", version=f"okrkit {version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("init", help="create a workspace, optionally seeded from templates")
    s.add_argument("dir", nargs="?", default=".", help="workspace folder (default: here)")
    s.add_argument(
        "--template",
        "-t",
        action="append",
        default=[],
        metavar="NAME",
        help="seed from a template (repeat; 'all' for every one); see 'okrkit templates'",
    )
    s.add_argument("--cycle", help="cycle for the templates (default: the current quarter)")

    sub.add_parser("templates", help="list the starter templates")

    s = sub.add_parser("demo", help="create the demo workspace if absent and print its path")

    s = sub.add_parser(
        "demo-org",
        help="generate a synthetic organisation of any size (for demos and load tests)",
        description="Company, departments, teams and individuals with about 4 key results per"
        " objective, weekly check-ins, KPIs and initiatives; the same --seed gives the same"
        " organisation. Without -o it goes into the store (--db URL, else $OKRKIT_DATABASE_URL,"
        " else ./okrkit.db).",
    )
    s.add_argument("--objectives", "-n", type=int, required=True, metavar="N")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--cycle", default=None, help="default: 2026-Q1")
    s.add_argument("--checkins", type=int, default=12, metavar="K", help="per key result")
    s.add_argument(
        "-o", "--output", metavar="PATH", help="write FILE.yaml, FILE.xlsx or a CSV folder instead"
    )
    _import_options(s)
    s.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="store")

    s = sub.add_parser(
        "import",
        help="import a YAML, CSV folder or .xlsx file into the store",
        description="Merges by default: what is new is added, what the file changes is updated"
        " when the file was exported from the version the store has, and nothing in the store"
        " that the file does not hold is dropped. A change made on an older export is refused"
        " as a conflict.",
    )
    s.add_argument("file", help="FILE.yaml, FILE.xlsx, a folder of CSV files or a flat FILE.csv")
    s.add_argument(
        "--locale",
        choices=LOCALES,
        default="auto",
        help="how numbers typed as text read: auto (default) tells the decimal mark from each"
        " column and stops where it cannot; sv, de, fr, ... read 12,5 and 1 400,5; en reads"
        " 1,400.5",
    )
    s.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="utf-8",
        help="of CSV files: utf-8 (default, with or without BOM) or cp1252 (Excel's plain CSV"
        " on Windows)",
    )
    _import_options(s)

    s = sub.add_parser("export", help="export one cycle of the store")
    s.add_argument("--format", "-f", choices=("yaml", "csv", "xlsx"), default=None)
    out = s.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file (.yaml, .xlsx) or folder (csv); '-' prints YAML",
    )
    out.add_argument(
        "--flat",
        metavar="FILE.csv",
        help="one CSV file with a row per key result (KPIs, initiatives and check-ins go beside"
        " it as FILE.kpis.csv, FILE.initiatives.csv and FILE.checkins.csv)",
    )
    s.add_argument("--cycle", help="cycle to export (default: the running or latest one)")

    s = sub.add_parser(
        "check",
        help="validate files or the store and run the quality and alignment checks",
        description="Exit 0 when valid (warnings allowed), 1 on errors (or warnings with"
        " --strict), 2 when the input cannot be read.",
    )
    s.add_argument(
        "sources", nargs="*", metavar="FILE_OR_STORE", help="files checked together, or a store"
    )
    s.add_argument("--cycle", help="for a store: only this cycle (default: every cycle)")
    s.add_argument("--as-of", type=day_arg, metavar="DATE", help="default: today")
    s.add_argument("--strict", action="store_true", help="warnings fail the check too")
    s.add_argument("--format", "-f", choices=("text", "json"), default="text")
    s.add_argument("--lang", choices=("en", "sv"), help="language of the messages")

    s = sub.add_parser("graph", help="the alignment graph: a summary, a drawing or an export")
    s.add_argument("sources", nargs="*", metavar="FILE_OR_STORE")
    s.add_argument("--cycle", help="for a store: only this cycle (default: every cycle)")
    s.add_argument("--as-of", type=day_arg, metavar="DATE")
    s.add_argument(
        "-o", "--output", metavar="PATH", help="graph.png, graph.svg, graph.graphml or graph.json"
    )
    s.add_argument("--key-results", action="store_true", help="draw key results too")
    s.add_argument(
        "--below",
        metavar="ID",
        help="print the cascade under an objective, top-down, with each objective's own and"
        " rolled-up score (through the key results objectives align to)",
    )

    s = sub.add_parser("score", help="score objectives and key results")
    s.add_argument("source", nargs="?", metavar="FILE_OR_STORE")
    s.add_argument("--as-of", type=day_arg, metavar="DATE")
    s.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")
    s.add_argument(
        "--cycle",
        help="for a store: the cycle (default: the running or latest one), or 'all' for every"
        " cycle, oldest first (csv: a cycle column; json: a list)",
    )

    s = sub.add_parser(
        "report",
        help="a quarter report per owner and for the organisation: HTML, Markdown or Excel",
        description="Scores, bands and status, committed vs aspirational, KPI health, the"
        " alignment picture, changes since the last check-in and the quality findings of one"
        " cycle. The format follows the suffix of -o: .html (one self-contained file), .md (with"
        " a PNG beside it) or .xlsx.",
    )
    s.add_argument(
        "sources", nargs="*", metavar="FILE_OR_STORE", help="files of one cycle, or a store"
    )
    s.add_argument("--cycle", help="for a store: the cycle (default: the running or latest one)")
    s.add_argument("--as-of", type=day_arg, metavar="DATE", help="default: today or the cycle end")
    s.add_argument("--lang", choices=("en", "sv"), help="language of the report")
    s.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="report.html, report.md or .xlsx"
    )

    s = sub.add_parser("carry-over", help="copy unfinished objectives into the next cycle")
    s.add_argument("--from", dest="from_cycle", required=True, metavar="CYCLE")
    s.add_argument("--to", dest="to_cycle", metavar="CYCLE", help="default: the next cycle")
    s.add_argument("--as-of", type=day_arg, metavar="DATE")
    s.add_argument("ids", nargs="*", metavar="ID", help="objectives to carry (default: unfinished)")

    s = sub.add_parser("checkin", help="record, list, correct and delete check-ins")
    cs = s.add_subparsers(dest="action", metavar="ACTION")
    a = cs.add_parser("add", help="record a check-in")
    a.add_argument("key_result")
    _checkin_fields(a, required_date=False)
    a = cs.add_parser("list", help="list check-ins")
    a.add_argument("key_result", nargs="?")
    a.add_argument("--cycle")
    a.add_argument("--history", action="store_true", help="include corrected and deleted ones")
    a.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")
    a = cs.add_parser("correct", help="correct a check-in (the original is kept in the history)")
    a.add_argument("id", type=int)
    _checkin_fields(a, required_date=False)
    a.add_argument("--reason", default="")
    a = cs.add_parser("delete", help="delete a check-in (kept in the history)")
    a.add_argument("id", type=int)
    a.add_argument("--reason", default="")

    s = sub.add_parser("history", help="the revisions of an objective or a key result")
    s.add_argument("id", metavar="ID")
    s.add_argument("--cycle", help="only the revisions made in this cycle (default: all)")
    s.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")
    s.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="store")

    s = sub.add_parser(
        "restore",
        help="write an old version of an objective or a key result back, as a new version",
        description="The fields it had at --version replace the current ones (see 'okrkit"
        " history ID'); a deleted key result comes back under its objective. The restore is"
        " itself a new revision.",
    )
    s.add_argument("id", metavar="ID")
    s.add_argument("--version", type=int, required=True, metavar="N", help="the version to restore")
    s.add_argument("--cycle", help="look for the version in this cycle's revisions only")
    s.add_argument("--author", help="who restores it (default: $USER)")
    s.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="store")

    s = sub.add_parser(
        "notebook",
        help="write a ready notebook for a department, seeding its starter OKRs",
        description="Write DEPARTMENT_okrs.ipynb with its parameters filled in, and add the"
        " department's starter OKRs (see 'okrkit templates') to the cycle when the store has"
        " none of its objectives there yet. The store is --db URL, else $OKRKIT_DATABASE_URL,"
        " else ./okrkit.db (created when missing).",
    )
    s.add_argument("department", help="a starter template name, e.g. marketing")
    s.add_argument("--cycle", help="cycle to plan (default: the running or latest one)")
    s.add_argument(
        "-o", "--output", metavar="PATH", help="default: DEPARTMENT_okrs.ipynb in this folder"
    )
    s.add_argument("--lang", choices=("en", "sv"), help="language of the views")
    s.add_argument("--force", action="store_true", help="overwrite an existing notebook")
    # also accepted after the command; SUPPRESS keeps a --db given before it
    s.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="store")

    s = sub.add_parser(
        "workshop",
        help="open JupyterLab on the workshop notebooks, or serve them as an app (Voila)",
        description="Serve the workshop notebooks on the store: --db URL, else"
        " $OKRKIT_DATABASE_URL, else ./okrkit.db when it exists, else the demo workspace."
        " Listens on 127.0.0.1 and asks for a token (in the printed address); Ctrl-C stops it.",
    )
    s.add_argument("--app", action="store_true", help="Voila: participants see only the widgets")
    s.add_argument("--port", type=int, metavar="N", help="default: 8888 (Lab) or 8866 (app)")
    s.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on; 0.0.0.0 opens it to the network"
    )
    s.add_argument("--no-token", action="store_true", help="serve without a token")
    s.add_argument("--no-browser", action="store_true", help="only print the address")
    s.add_argument("--notebook", metavar="NAME", help="one notebook, e.g. 01_brainstorm_objectives")
    s.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="store")
    return p


def _checkin_fields(a: argparse.ArgumentParser, *, required_date: bool) -> None:
    g = a.add_mutually_exclusive_group()
    g.add_argument("--value", type=float, help="value (metric, guardrail)")
    g.add_argument("--done", action="store_const", const=True, help="milestone reached")
    g.add_argument("--not-done", dest="done", action="store_const", const=False)
    g.add_argument("--grade", type=float, help="grade 0.0–1.0 (qualitative)")
    g.add_argument(
        "--zone",
        choices=ZONES,
        help="the level reached (ordinal): fail (below commit), commit, target or stretch",
    )
    a.add_argument(
        "--date",
        type=day_arg,
        required=required_date,
        help="inside the key result's cycle (add: default today, moved into the cycle)",
    )
    a.add_argument("--confidence", type=int, help="1–10")
    a.add_argument("--note")
    a.add_argument("--author")


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show what the import would add, change and remove, and write nothing",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="make the store's records equal the file's, whatever changed since the export;"
        " shows what it would remove or overwrite and asks first",
    )
    parser.add_argument(
        "--yes", "-y", action="store_true", help="with --replace: go ahead without asking"
    )
