"""The ``okrkit`` command line.

Exit codes: 0 success; 1 the OKR set has errors (or a conflict in the store); 2 the input cannot
be read (missing or malformed file, unreachable store). User errors print one readable message on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from okrkit.cycles import parse_date
from okrkit.errors import AlignmentError, InputError, OkrkitError, StoreError, ValidationError
from okrkit.forms import default_checkin_date, make_checkin
from okrkit.model import CheckIn, OkrSet

__all__ = ["main"]

STORE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class UsageError(InputError):
    """A command line that cannot be carried out as given."""


def _date(text: str) -> dt.date:
    try:
        return parse_date(text, field="date")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="okrkit",
        description="Plan, track and review OKRs and KPIs.",
        epilog="The store is --db URL, else $OKRKIT_DATABASE_URL, else ./okrkit.db.",
    )
    p.add_argument("--db", metavar="URL", help="store: a SQLite path or a database URL")
    p.add_argument("--version", action="version", version=f"okrkit {_version()}")
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
    s.add_argument("file")
    _import_options(s)

    s = sub.add_parser("export", help="export one cycle of the store")
    s.add_argument("--format", "-f", choices=("yaml", "csv", "xlsx"), default=None)
    s.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="file (.yaml, .xlsx) or folder (csv); '-' prints YAML",
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
    s.add_argument("--as-of", type=_date, metavar="DATE", help="default: today")
    s.add_argument("--strict", action="store_true", help="warnings fail the check too")
    s.add_argument("--format", "-f", choices=("text", "json"), default="text")
    s.add_argument("--lang", choices=("en", "sv"), help="language of the messages")

    s = sub.add_parser("graph", help="the alignment graph: a summary, a drawing or an export")
    s.add_argument("sources", nargs="*", metavar="FILE_OR_STORE")
    s.add_argument("--cycle", help="for a store: only this cycle (default: every cycle)")
    s.add_argument("--as-of", type=_date, metavar="DATE")
    s.add_argument(
        "-o", "--output", metavar="PATH", help="graph.png, graph.svg, graph.graphml or graph.json"
    )
    s.add_argument("--key-results", action="store_true", help="draw key results too")

    s = sub.add_parser("score", help="score objectives and key results")
    s.add_argument("source", nargs="?", metavar="FILE_OR_STORE")
    s.add_argument("--as-of", type=_date, metavar="DATE")
    s.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")
    s.add_argument("--cycle")

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
    s.add_argument("--as-of", type=_date, metavar="DATE", help="default: today or the cycle end")
    s.add_argument("--lang", choices=("en", "sv"), help="language of the report")
    s.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="report.html, report.md or .xlsx"
    )

    s = sub.add_parser("carry-over", help="copy unfinished objectives into the next cycle")
    s.add_argument("--from", dest="from_cycle", required=True, metavar="CYCLE")
    s.add_argument("--to", dest="to_cycle", metavar="CYCLE", help="default: the next cycle")
    s.add_argument("--as-of", type=_date, metavar="DATE")
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
    a.add_argument(
        "--date",
        type=_date,
        required=required_date,
        help="inside the key result's cycle (add: default today, moved into the cycle)",
    )
    a.add_argument("--confidence", type=int, help="1–10")
    a.add_argument("--note")
    a.add_argument("--author")


def _version() -> str:
    from okrkit import __version__

    return __version__


# --- sources ----------------------------------------------------------------------------------


def _is_store(source: str) -> bool:
    return (
        "://" in source
        or Path(source).suffix.lower() in STORE_SUFFIXES
        or (Path(source).is_dir() and (Path(source) / "okrkit.db").is_file())
    )


def read_file(path: str) -> OkrSet:
    """Read an OKR set from a YAML file, a folder of CSV files or an .xlsx workbook."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from okrkit.io.yaml_io import load_yaml

        return load_yaml(p)
    if suffix in (".xlsx", ".csv") or p.is_dir():
        from okrkit.io.tabular import read_tables

        return read_tables(p.parent if suffix == ".csv" else p)
    if not p.exists():
        raise InputError("no such file", source=path, fix="check the path")
    raise InputError(
        f"cannot tell the format of {p.name!r}",
        source=path,
        fix="use a .yaml file, an .xlsx workbook, a folder of CSV files or a store (.db / URL)",
    )


def _store(args: argparse.Namespace, source: str | None = None, *, create: bool = False) -> Any:
    from okrkit.store import Store

    if source is not None:
        if Path(source).is_dir():
            source = str(Path(source) / "okrkit.db")
        return Store(source, create=create)
    return Store(args.db, create=create)


def _load(args: argparse.Namespace) -> OkrSet:
    source = args.source
    if source is not None and not _is_store(source):
        return read_file(source)
    with _store(args, source) as store:
        return store.load(args.cycle)  # type: ignore[no-any-return]


# --- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from okrkit.workspace import init_workspace

    folder = Path(args.dir)
    url = args.db
    store = init_workspace(folder, args.template, cycle=args.cycle, url=url)
    with store:
        counts = [f"{c.id}: {len(store.load(c).objectives)} objectives" for c in store.cycles()]
    print(f"workspace ready: {store._safe_url()}" + (f" ({'; '.join(counts)})" if counts else ""))
    if url is None and folder.resolve() != Path.cwd().resolve():
        print(f"use it with: cd {folder}  (or okrkit --db {folder / 'okrkit.db'} ...)")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from okrkit.workspace import load_template, template_names

    for name in template_names():
        okrs = load_template(name)
        print(f"{name:<18} {len(okrs.objectives)} objectives, {len(okrs.kpis)} KPIs")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from okrkit.workspace import demo_path, ensure_demo

    ensure_demo().close()
    print(demo_path())
    return 0


def cmd_demo_org(args: argparse.Namespace) -> int:
    from okrkit.demo_org import DEFAULT_CYCLE, demo_org

    if args.objectives < 0 or args.checkins < 0:
        raise UsageError("--objectives and --checkins must be 0 or more")
    okrs = demo_org(
        args.objectives,
        seed=args.seed,
        cycle=args.cycle or DEFAULT_CYCLE,
        checkins_per_kr=args.checkins,
    )
    if args.output is None:
        with _store(args, create=True) as store:
            return _import_into(store, okrs, args, "the generated organisation")
    fmt = _format_from_path(args.output)
    if fmt == "yaml":
        from okrkit.io.yaml_io import save_yaml

        path = save_yaml(okrs, args.output)
    elif fmt == "csv":
        from okrkit.io.tabular import write_csv

        path = write_csv(okrs, args.output)
    else:
        from okrkit.io.tabular import write_xlsx

        path = write_xlsx(okrs, args.output)
    krs = sum(len(o.key_results) for o in okrs.objectives)
    print(
        f"wrote {len(okrs.objectives)} objectives, {krs} key results and {len(okrs.checkins)}"
        f" check-ins of cycle {okrs.cycle.id} to {path}"
    )
    return 0


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


def _import_into(store: Any, okrs: OkrSet, args: argparse.Namespace, source: str) -> int:
    """Import with a preview: a dry run prints it, a replace shows it and asks before writing."""
    try:
        if args.dry_run:
            preview = store.import_set(okrs, replace=args.replace, dry_run=True)
            print(preview.report())
            return 1 if preview.conflicts else 0
        expect = None
        if args.replace:
            expect = store.import_set(okrs, replace=True, dry_run=True)
            if expect.destructive and not _confirmed(expect, args.yes):
                return 1
        summary = store.import_set(okrs, replace=args.replace, expect=expect)
    except AlignmentError as exc:
        raise exc.at(source=source, **_place_of(source, exc)) from None
    print(f"imported {summary}")
    for note in summary.notes:
        print(f"  {note}")
    return 0


def _confirmed(preview: Any, yes: bool) -> bool:
    print(preview.report())
    if yes:
        return True
    if not sys.stdin.isatty():
        print(
            "okrkit: nothing imported: --replace removes or overwrites what is listed above;"
            " run again with --yes to go ahead",
            file=sys.stderr,
        )
        return False
    answer = input("Replace these records? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        print("nothing imported")
        return False
    return True


def _place_of(source: str, exc: AlignmentError) -> dict[str, int]:
    """The line (YAML) or row (CSV) of the objective whose link an error names, if found."""
    match = re.search(r"the aligns_to of (\S+)", exc.fix or "")
    if not match:
        return {}
    ident, path = match.group(1).rstrip(",."), Path(source)
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
        pattern = re.compile(rf"^\s*(-\s*)?id:\s*['\"]?{re.escape(ident)}['\"]?\s*$")
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                if pattern.match(line):
                    return {"line": number}
    table = path / "objectives.csv" if path.is_dir() else None
    if table is not None and table.is_file():
        import csv

        with table.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), 2):
                if (row.get("id") or "").strip() == ident:
                    return {"row": number}
    return {}


def cmd_import(args: argparse.Namespace) -> int:
    okrs = read_file(args.file)
    with _store(args, create=True) as store:
        return _import_into(store, okrs, args, args.file)


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format or _format_from_path(args.output)
    with _store(args) as store:
        okrs = store.load(args.cycle)
    if args.output == "-":
        if fmt != "yaml":
            raise UsageError("only YAML can be printed; give -o PATH for csv or xlsx")
        from okrkit.io.yaml_io import dump_yaml

        sys.stdout.write(dump_yaml(okrs))
        return 0
    if fmt == "yaml":
        from okrkit.io.yaml_io import save_yaml

        path = save_yaml(okrs, args.output)
    elif fmt == "csv":
        from okrkit.io.tabular import write_csv

        path = write_csv(okrs, args.output)
    else:
        from okrkit.io.tabular import write_xlsx

        path = write_xlsx(okrs, args.output)
    print(f"exported cycle {okrs.cycle.id} to {path}")
    return 0


def _format_from_path(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml") or path == "-":
        return "yaml"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == "":
        return "csv"
    if suffix == ".csv":
        raise UsageError(
            "CSV export writes a folder with one file per table; give a folder such as -o q4-csv"
        )
    raise UsageError(f"cannot tell the export format from {path!r}; pass --format")


def _load_sets(
    args: argparse.Namespace,
) -> tuple[str, list[OkrSet], bool, list[OkrSet]]:
    """The sets named on the command line: files (checked together) or a store's cycles.

    Returns a label, the sets, whether they are only part of an organisation (files), and the
    store's other cycles when ``--cycle`` picked one (the context of its alignment links).
    """
    sources = list(args.sources)
    files = [s for s in sources if not _is_store(s)]
    stores = [s for s in sources if _is_store(s)]
    if (files and stores) or len(stores) > 1:
        raise UsageError("give either files or one store, not both")
    if files:
        return ", ".join(files), [read_file(f) for f in files], True, []
    with _store(args, stores[0] if stores else None) as store:
        chosen = store.cycle(args.cycle) if args.cycle else None
        sets = [store.load(c) for c in store.cycles()]
        picked = [s for s in sets if chosen is None or s.cycle == chosen]
        others = [s for s in sets if chosen is not None and s.cycle != chosen]
        return store._safe_url(), picked, False, others


def cmd_check(args: argparse.Namespace) -> int:
    from okrkit.checks import check_sets, exit_code, summary

    label, sets, partial, context = _load_sets(args)
    findings = check_sets(sets, as_of=args.as_of, lang=args.lang, partial=partial, context=context)
    code = exit_code(findings, strict=args.strict)
    counts = summary(findings)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "source": label,
                    "valid": code == 0,
                    "strict": args.strict,
                    "summary": counts,
                    "findings": [f.to_dict() for f in findings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return code
    by_owner: dict[str, list[Any]] = {}
    for f in findings:
        by_owner.setdefault(f.owner or "(no owner)", []).append(f)
    for owner in sorted(by_owner, key=lambda o: (o == "(no owner)", o.lower())):
        print(owner)
        for f in sorted(by_owner[owner], key=lambda f: f.silenced is not None):
            tag = "silenced" if f.silenced else f.severity
            print(f"  {tag:<8} {f.code}  {f.item}: {f.message}")
            print(f"           {'reason: ' + f.silenced if f.silenced else 'fix: ' + f.fix}")
    n = sum(len(s.objectives) for s in sets)
    k = sum(1 for s in sets for _ in s.key_results())
    verdict = "valid" if code == 0 else "NOT valid"
    print(
        f"{label}: {verdict} ({n} objectives, {k} key results; {counts['error']} error(s),"
        f" {counts['warning']} warning(s), {counts['info']} info, {counts['silenced']} silenced)"
    )
    return code


def cmd_graph(args: argparse.Namespace) -> int:
    from okrkit import alignment

    label, sets, _, context = _load_sets(args)
    graph = alignment.build_graph([*sets, *context], as_of=args.as_of)
    out = args.output
    if out is None:
        kinds: dict[str, int] = {}
        for _, kind in graph.nodes(data="kind"):
            kinds[kind] = kinds.get(kind, 0) + 1
        print(f"{label}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
        print("  " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        print(alignment.summary_by_level(graph).to_string())
        return 0
    suffix = Path(out).suffix.lower()
    if suffix in (".png", ".svg"):
        from okrkit.plots import draw_alignment

        draw_alignment(graph, path=out, key_results=args.key_results)
    elif suffix == ".graphml":
        alignment.to_graphml(graph, out)
    elif suffix == ".json":
        alignment.to_json(graph, out)
    else:
        raise UsageError(
            f"cannot tell the graph format of {out!r}: use .png, .svg, .graphml, .json"
        )
    print(f"wrote {out} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from okrkit.scoring import score

    okrs = _load(args)
    scores = score(okrs, args.as_of)
    if args.format == "json":
        print(json.dumps(scores.to_dict(), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        _print_csv(_flat_scores(scores))
    else:
        _print_score_table(scores)
    return 0


def _flat_scores(scores: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    data = scores.to_dict()
    for o in data["objectives"]:
        rows.append(
            {
                "level": "objective",
                "id": o["id"],
                "objective": o["id"],
                "title": o["title"],
                "owner": o["owner"],
                "type": o["kind"],
                "value": "",
                "score": o["score"],
                "band": o["band"],
                "status": o["status"],
            }
        )
        for kr in o["key_results"]:
            rows.append(
                {
                    "level": "key_result",
                    "id": kr["id"],
                    "objective": o["id"],
                    "title": kr["title"],
                    "owner": o["owner"],
                    "type": kr["type"],
                    "value": kr["value"],
                    "score": kr["score"],
                    "band": kr["band"],
                    "status": kr["status"],
                }
            )
    return rows


def _print_csv(rows: list[dict[str, Any]]) -> None:
    import csv

    from okrkit.io.tabular import neutralise

    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "done" if value else "not done"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if value == value else "–"
    return str(value)


def _print_score_table(scores: Any) -> None:
    data = scores.to_dict()
    print(f"cycle {data['cycle']}, as of {data['as_of']}")
    rows = [("ID", "TITLE", "SCORE", "BAND", "STATUS")]
    for o in data["objectives"]:
        rows.append(
            (o["id"], _clip(o["title"], 52), _fmt(o["score"]), _fmt(o["band"]), _fmt(o["status"]))
        )
        for kr in o["key_results"]:
            rows.append(
                (
                    "  " + kr["id"],
                    "  " + _clip(kr["title"], 50),
                    _fmt(kr["score"]),
                    _fmt(kr["band"]),
                    _fmt(kr["status"]),
                )
            )
    _print_table(rows)


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def cmd_report(args: argparse.Namespace) -> int:
    from okrkit.reports import build_report

    writers = {".html": "to_html", ".htm": "to_html", ".md": "to_markdown", ".xlsx": "to_xlsx"}
    suffix = Path(args.output).suffix.lower()
    if suffix not in writers:
        raise UsageError(
            f"cannot tell the report format of {args.output!r}: use .html, .md or .xlsx"
        )
    files = [s for s in args.sources if not _is_store(s)]
    stores = [s for s in args.sources if _is_store(s)]
    if (files and stores) or len(stores) > 1:
        raise UsageError("give either files of one cycle or one store, not both")
    if files:
        sets, context = [read_file(f) for f in files], []
    else:
        with _store(args, stores[0] if stores else None) as store:
            chosen = store.cycle(args.cycle)
            sets = [store.load(chosen)]
            context = [store.load(c) for c in store.cycles() if c != chosen]
    report = build_report(
        sets, as_of=args.as_of, lang=args.lang, context=context, partial=bool(files)
    )
    path = getattr(report, writers[suffix])(args.output)
    print(
        f"wrote {path}: cycle {report.cycle.id} as of {report.as_of.isoformat()},"
        f" {len(report.objectives)} objectives, {len(report.by_owner)} owners"
    )
    return 0


def cmd_carry_over(args: argparse.Namespace) -> int:
    with _store(args) as store:
        source = store.cycle(args.from_cycle)
        # the Cycle itself: the id of a cycle of explicit dates ('2026-07-01..') does not parse
        target = args.to_cycle or source.next()
        carried = store.carry_over(source, target, args.ids, as_of=args.as_of)
    if not carried.objectives:
        print(f"nothing to carry: every objective of {source.id} is finished")
        return 0
    print(f"carried {len(carried.objectives)} objective(s) into {carried.cycle.id}:")
    for o in carried.objectives:
        print(f"  {o.carried_from} -> {o.id} ({len(o.key_results)} key results)")
    return 0


def cmd_checkin(args: argparse.Namespace) -> int:
    action = args.action
    if action is None:
        raise UsageError("choose an action: add, list, correct or delete")
    with _store(args) as store:
        if action == "list":
            df = store.checkins(args.key_result, cycle=args.cycle, history=args.history)
            cols = [
                "id",
                "key_result",
                "date",
                "value",
                "done",
                "grade",
                "confidence",
                "note",
                "author",
            ]
            if args.history:
                cols += ["state", "replaces", "reason"]
            df = df[cols]
            if args.format == "json":
                print(df.to_json(orient="records", date_format="iso", force_ascii=False))
            elif args.format == "csv":
                _print_csv(df.astype(object).where(df.notna(), "").to_dict("records"))
            else:
                rows = [tuple(c.upper() for c in cols)]
                for rec in df.to_dict("records"):
                    rows.append(tuple(_cell(rec[c]) for c in cols))
                _print_table(rows)
            return 0
        if action == "delete":
            store.delete_checkin(args.id, reason=args.reason)
            print(f"deleted check-in {args.id} (kept in the history)")
            return 0
        fields = {
            k: getattr(args, k)
            for k in ("value", "done", "grade", "date", "confidence", "note", "author")
            if getattr(args, k) is not None
        }
        if action == "add":
            new = store.add_checkin(_checkin_form(store, args.key_result, fields))
            print(f"recorded check-in {new.id} on {new.key_result}")
            return 0
        if action == "correct":
            if not fields:
                raise UsageError("nothing to correct; give --value, --done, --grade, --date ...")
            new = store.correct_checkin(args.id, reason=args.reason, **fields)
            print(f"corrected check-in {args.id}: now check-in {new.id}")
            return 0
    raise UsageError("choose an action: add, list, correct or delete")


def _checkin_form(store: Any, key_result: str, fields: dict[str, Any]) -> CheckIn:
    """The check-in ``okrkit checkin add`` records: the check-in form of the widget
    (:func:`okrkit.forms.make_checkin`) filled in from the command line, for the key result's
    type and cycle; the date defaults to today, moved into the cycle."""
    store.checkins(key_result)  # NotFoundError: "no key result ..."
    latest = store.history(key_result).iloc[-1]
    cycle = store.cycle(latest["cycle"])
    return make_checkin(
        str(latest["type"]),
        key_result,
        fields.get("date") or default_checkin_date(cycle),
        value=fields.get("value"),
        done=fields.get("done"),
        grade=fields.get("grade"),
        confidence=fields.get("confidence"),
        note=fields.get("note") or "",
        author=fields.get("author", os.environ.get("USER", "")),
        cycle=cycle,
    )


#: The fields ``okrkit history`` shows, after version, time, action, author and cycle.
HISTORY_FIELDS = (
    "objective",
    "title",
    "owner",
    "level",
    "kind",
    "aligns_to",
    "type",
    "weight",
    "start",
    "target",
    "current",
    "unit",
    "done",
    "grade",
    "threshold",
    "direction",
    "confidence",
)


def cmd_history(args: argparse.Namespace) -> int:
    with _store(args) as store:
        df = store.history(args.id, args.cycle)
    fields = [c for c in HISTORY_FIELDS if c in df.columns and (df[c].map(_field_cell) != "").any()]
    df = df[["version", "at", "action", "author", "cycle", *fields]]
    if args.format == "json":
        print(df.to_json(orient="records", date_format="iso", force_ascii=False))
    elif args.format == "csv":
        _print_csv(df.astype(object).where(df.notna(), "").to_dict("records"))
    else:
        rows = [("VERSION", "AT (UTC)", "ACTION", "AUTHOR", "CYCLE", *(c.upper() for c in fields))]
        for rec in df.to_dict("records"):
            at = rec["at"].strftime("%Y-%m-%d %H:%M:%S")
            rows.append(
                (
                    str(rec["version"]),
                    at,
                    *(_field_cell(rec[c]) for c in ("action", "author", "cycle", *fields)),
                )
            )
        _print_table(rows)
    return 0


def _field_cell(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else _cell(value)


def cmd_restore(args: argparse.Namespace) -> int:
    with _store(args) as store:
        latest = int(store.history(args.id)["version"].iloc[-1])
        author = args.author if args.author is not None else os.environ.get("USER", "")
        new = store.restore(
            args.id, args.version, current_version=latest, cycle=args.cycle, author=author
        )
    print(f"restored {args.id} to version {args.version}: now version {new}")
    return 0


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value is pd_na():
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return str(value.date())
    return _clip(str(value), 40)


def pd_na() -> Any:
    import pandas as pd

    return pd.NA


def cmd_notebook(args: argparse.Namespace) -> int:
    from okrkit.notebooks import department_okrs, make_department_notebook
    from okrkit.store import ENV_URL, Store

    # The store as every command finds it: --db, else $OKRKIT_DATABASE_URL, else ./okrkit.db.
    # With only the environment variable, the notebook reads it too (no URL written into it).
    db = args.db
    if db is None and not os.environ.get(ENV_URL):
        db = "okrkit.db"
    path = make_department_notebook(
        args.department,
        cycle=args.cycle,
        output=args.output,
        database_url=db,
        lang=args.lang,
        force=args.force,
    )
    with Store(db) as store:
        okrs = department_okrs(store, args.department, args.cycle)
        label = store._safe_url()
    print(
        f"wrote {path}: {len(okrs.objectives)} {args.department} objectives in cycle"
        f" {okrs.cycle.id} of {label}"
    )
    print(f"open it with: jupyter lab {path}")
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    from okrkit import workshop
    from okrkit.store import ENV_URL, Store, resolve_url
    from okrkit.workspace import demo_path, ensure_demo

    # The store as every command finds it, except that with no ./okrkit.db the notebooks get the
    # demo workspace (as they do on their own) rather than a new empty store.
    if args.db is None and not os.environ.get(ENV_URL) and not Path("okrkit.db").exists():
        ensure_demo().close()
        url = resolve_url(demo_path())
    else:
        url = resolve_url(args.db)
    with Store(url, create=False):  # a readable error now rather than in every notebook
        pass
    if args.no_token and args.ip not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"okrkit: warning: no token on {args.ip}: anyone who reaches this machine can use it",
            file=sys.stderr,
        )
    plan = workshop.plan(
        app=args.app,
        port=args.port,
        ip=args.ip,
        token=not args.no_token,
        notebook=args.notebook,
        database_url=url,
    )
    return workshop.start(plan, open_browser=not args.no_browser)


COMMANDS = {
    "init": cmd_init,
    "templates": cmd_templates,
    "demo": cmd_demo,
    "demo-org": cmd_demo_org,
    "import": cmd_import,
    "export": cmd_export,
    "check": cmd_check,
    "graph": cmd_graph,
    "score": cmd_score,
    "report": cmd_report,
    "carry-over": cmd_carry_over,
    "checkin": cmd_checkin,
    "history": cmd_history,
    "restore": cmd_restore,
    "notebook": cmd_notebook,
    "workshop": cmd_workshop,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except ValidationError as exc:
        print(f"okrkit: error: {exc}", file=sys.stderr)
        return 1
    except (InputError, StoreError) as exc:
        from okrkit.errors import ConflictError

        print(f"okrkit: error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, ConflictError) else 2
    except OkrkitError as exc:
        print(f"okrkit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
