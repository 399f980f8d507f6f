"""Commands that create, import and export: init, templates, demo, demo-org, import, export."""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import Any

from okrkit.cli._common import UsageError, open_store, read_file
from okrkit.demo_org import DEFAULT_CYCLE, demo_org
from okrkit.errors import AlignmentError
from okrkit.io.tabular import read_tables, write_csv, write_flat_csv, write_xlsx
from okrkit.io.yaml_io import dump_yaml, save_yaml
from okrkit.model import OkrSet
from okrkit.workspace import demo_path, ensure_demo, init_workspace, load_template, template_names

__all__ = ["cmd_demo", "cmd_demo_org", "cmd_export", "cmd_import", "cmd_init", "cmd_templates"]


def cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    url = args.db
    store = init_workspace(folder, args.template, cycle=args.cycle, url=url)
    with store:
        counts = [f"{c.id}: {len(store.load(c).objectives)} objectives" for c in store.cycles()]
    print(f"workspace ready: {store.display_url}" + (f" ({'; '.join(counts)})" if counts else ""))
    if url is None and folder.resolve() != Path.cwd().resolve():
        print(f"use it with: cd {folder}  (or okrkit --db {folder / 'okrkit.db'} ...)")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    for name in template_names():
        okrs = load_template(name)
        print(f"{name:<18} {len(okrs.objectives)} objectives, {len(okrs.kpis)} KPIs")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    ensure_demo().close()
    print(demo_path())
    return 0


def cmd_demo_org(args: argparse.Namespace) -> int:
    if args.objectives < 0 or args.checkins < 0:
        raise UsageError("--objectives and --checkins must be 0 or more")
    okrs = demo_org(
        args.objectives,
        seed=args.seed,
        cycle=args.cycle or DEFAULT_CYCLE,
        checkins_per_kr=args.checkins,
    )
    if args.output is None:
        with open_store(args, create=True) as store:
            return _import_into(store, okrs, args, "the generated organisation")
    fmt = _format_from_path(args.output)
    if fmt == "yaml":
        path = save_yaml(okrs, args.output)
    elif fmt == "csv":
        path = write_csv(okrs, args.output)
    else:
        path = write_xlsx(okrs, args.output)
    krs = sum(len(o.key_results) for o in okrs.objectives)
    print(
        f"wrote {len(okrs.objectives)} objectives, {krs} key results and {len(okrs.checkins)}"
        f" check-ins of cycle {okrs.cycle.id} to {path}"
    )
    return 0


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
    table = path / "objectives.csv" if path.is_dir() else path
    column = "id" if path.is_dir() else "objective_id"  # a flat file: a row per key result
    if table.suffix.lower() == ".csv" and table.is_file():
        with table.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            header = handle.readline()
            handle.seek(0)
            delimiter = max(",;\t", key=header.count)
            for number, row in enumerate(csv.DictReader(handle, delimiter=delimiter), 2):
                if (row.get(column) or "").strip() == ident:
                    return {"row": number}
    return {}


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix.lower() in (".xlsx", ".csv") or path.is_dir():
        okrs = read_tables(path, locale=args.locale, encoding=args.encoding)
    elif args.locale != "auto" or args.encoding != "utf-8":
        raise UsageError(
            "--locale and --encoding are for CSV files and Excel workbooks; YAML numbers are"
            " written 12.5 and its files are UTF-8"
        )
    else:
        okrs = read_file(args.file)
    with open_store(args, create=True) as store:
        return _import_into(store, okrs, args, args.file)


def cmd_export(args: argparse.Namespace) -> int:
    if args.flat is not None:
        if args.format is not None or Path(args.flat).suffix.lower() != ".csv":
            raise UsageError("--flat writes one .csv file; give --flat FILE.csv without --format")
        with open_store(args) as store:
            okrs = store.load(args.cycle)
        written = write_flat_csv(okrs, args.flat)
        krs = sum(len(o.key_results) for o in okrs.objectives)
        print(
            f"exported cycle {okrs.cycle.id} to {written[0]}: {len(okrs.objectives)} objectives"
            f" and {krs} key results, a row per key result"
        )
        for extra in written[1:]:
            print(f"  and {extra.name.split('.')[-2]} beside it: {extra}")
        return 0
    fmt = args.format or _format_from_path(args.output)
    with open_store(args) as store:
        okrs = store.load(args.cycle)
    if args.output == "-":
        if fmt != "yaml":
            raise UsageError("only YAML can be printed; give -o PATH for csv or xlsx")
        sys.stdout.write(dump_yaml(okrs))
        return 0
    if fmt == "yaml":
        path = save_yaml(okrs, args.output)
    elif fmt == "csv":
        path = write_csv(okrs, args.output)
    else:
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
            "CSV export writes a folder with one file per table; give a folder such as -o q4-csv,"
            " or --flat FILE.csv for one file with a row per key result"
        )
    raise UsageError(f"cannot tell the export format from {path!r}; pass --format")
