"""Commands that analyse a set: check, graph, score, report and carry-over."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from okrkit.carry import carry_over
from okrkit.cli._common import (
    UsageError,
    clip,
    fmt,
    is_store,
    load_set,
    open_store,
    print_csv,
    print_table,
    read_file,
)
from okrkit.lifecycle import next_cycle
from okrkit.model import OkrSet
from okrkit.scoring import score

__all__ = ["cmd_carry_over", "cmd_check", "cmd_graph", "cmd_report", "cmd_score"]


def _load_sets(
    args: argparse.Namespace,
) -> tuple[str, list[OkrSet], bool, list[OkrSet]]:
    """The sets named on the command line: files (checked together) or a store's cycles.

    Returns a label, the sets, whether they are only part of an organisation (files), and the
    store's other cycles when ``--cycle`` picked one (the context of its alignment links).
    """
    sources = list(args.sources)
    files = [s for s in sources if not is_store(s)]
    stores = [s for s in sources if is_store(s)]
    if (files and stores) or len(stores) > 1:
        raise UsageError("give either files or one store, not both")
    if files:
        return ", ".join(files), [read_file(f) for f in files], True, []
    with open_store(args, stores[0] if stores else None) as store:
        chosen = store.cycle(args.cycle) if args.cycle else None
        sets = [store.load(c) for c in store.cycles()]
        picked = [s for s in sets if chosen is None or s.cycle == chosen]
        others = [s for s in sets if chosen is not None and s.cycle != chosen]
        return store.display_url, picked, False, others


def cmd_check(args: argparse.Namespace) -> int:
    from okrkit.checks import check_sets, exit_code, summary  # heavy: import on first use

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
    from okrkit import alignment  # heavy: import on first use

    label, sets, _, context = _load_sets(args)
    graph = alignment.build_graph([*sets, *context], as_of=args.as_of)
    out = args.output
    if getattr(args, "below", None):
        _print_cascade(graph, args.below)
        return 0
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
        from okrkit.plots import draw_alignment  # heavy: import on first use

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


def _print_cascade(graph: Any, top: str) -> None:
    """``okrkit graph --below ID``: the cascade under ``top``, one line per objective, indented
    under the objective or key result it aligns to; own and rolled-up scores."""
    from okrkit import alignment

    if graph.nodes.get(top, {}).get("kind") != "objective":
        raise UsageError(f"{top!r} is not an objective of the graph: give an objective's id")
    table = alignment.rollup_frame(graph)
    shown: set[str] = set()

    def figure(value: Any) -> str:
        return "–" if value != value else f"{value:.2f}"

    def line(node: str, depth: int, via: str | None) -> None:
        row = table.loc[node]
        where = f"  (via {via})" if via else ""
        print(
            f"{'  ' * depth}{node}  {row['title']}{where}"
            f"  own {figure(row['own'])}  rolled up {figure(row['rollup'])}"
        )
        if node in shown:  # aligned to two parents under the same top: listed once in full
            return
        shown.add(node)
        for child, parent in _children(graph, node):
            line(child, depth + 1, None if parent == node else parent)

    line(top, 0, None)


def _children(graph: Any, objective: str) -> list[tuple[str, str]]:
    """Objectives aligned to ``objective`` or to one of its key results, as (child, parent)."""
    found = []
    for node, data in graph.pred[objective].items():
        if data.get("relation") == "aligns_to" and graph.nodes[node].get("kind") == "objective":
            found.append((node, objective))
        elif data.get("relation") == "belongs_to":
            for child, link in graph.pred[node].items():
                if link.get("relation") == "aligns_to":
                    found.append((child, node))
    return sorted(found)


def cmd_score(args: argparse.Namespace) -> int:
    if (args.cycle or "").strip().lower() == "all":
        return _score_every_cycle(args)
    okrs = load_set(args)
    scores = score(okrs, args.as_of)
    if args.format == "json":
        print(json.dumps(scores.to_dict(), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        print_csv(_flat_scores(scores))
    else:
        _print_score_table(scores)
    return 0


def _score_every_cycle(args: argparse.Namespace) -> int:
    """``okrkit score STORE --cycle all``: every cycle of the store, oldest first."""
    if args.source is not None and not is_store(args.source):
        raise UsageError("--cycle all scores every cycle of a store; a file holds one cycle")
    with open_store(args, args.source) as store:
        every = [score(okrs, args.as_of) for okrs in store.load(cycles="all").values()]
    if args.format == "json":
        print(json.dumps([s.to_dict() for s in every], indent=2, ensure_ascii=False))
    elif args.format == "csv":
        print_csv([{"cycle": s.cycle.id, **row} for s in every for row in _flat_scores(s)])
    else:
        for n, scores in enumerate(every):
            if n:
                print()
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
                "pending": "",
                "scored": o["scored"],
                "key_results": len(o["key_results"]),
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
                    "pending": kr["pending"],
                    "scored": "",
                    "key_results": "",
                }
            )
    return rows


def _print_score_table(scores: Any) -> None:
    data = scores.to_dict()
    print(f"cycle {data['cycle']}, as of {data['as_of']}")
    rows = [("ID", "TITLE", "SCORE", "BAND", "STATUS")]
    for o in data["objectives"]:
        status = fmt(o["status"])
        total = len(o["key_results"])
        if 0 < o["scored"] < total:  # scored from what is known, and saying so
            status += f", from {o['scored']} of {total} key results"
        rows.append((o["id"], clip(o["title"], 52), fmt(o["score"]), fmt(o["band"]), status))
        for kr in o["key_results"]:
            rows.append(
                (
                    "  " + kr["id"],
                    "  " + clip(kr["title"], 50),
                    fmt(kr["score"]),
                    fmt(kr["band"]),
                    fmt(kr["status"]),
                )
            )
    print_table(rows)


def cmd_report(args: argparse.Namespace) -> int:
    from okrkit.reports import build_report  # heavy: import on first use

    writers = {".html": "to_html", ".htm": "to_html", ".md": "to_markdown", ".xlsx": "to_xlsx"}
    suffix = Path(args.output).suffix.lower()
    if suffix not in writers:
        raise UsageError(
            f"cannot tell the report format of {args.output!r}: use .html, .md or .xlsx"
        )
    files = [s for s in args.sources if not is_store(s)]
    stores = [s for s in args.sources if is_store(s)]
    if (files and stores) or len(stores) > 1:
        raise UsageError("give either files of one cycle or one store, not both")
    if files:
        sets, context = [read_file(f) for f in files], []
    else:
        with open_store(args, stores[0] if stores else None) as store:
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
    with open_store(args) as store:
        source = store.cycle(args.from_cycle)
        # the Cycle itself: the id of a cycle of explicit dates ('2026-07-01..') does not parse
        # after the last cycle okrkit handles, Cycle.next() raises the error that says why
        target = args.to_cycle or next_cycle(source, store.cycles()) or source.next()
        carried = carry_over(store, source, target, args.ids, as_of=args.as_of)
    if not carried.objectives:
        print(f"nothing to carry: every objective of {source.id} is finished")
        return 0
    print(f"carried {len(carried.objectives)} objective(s) into {carried.cycle.id}:")
    for o in carried.objectives:
        print(f"  {o.carried_from} -> {o.id} ({len(o.key_results)} key results)")
    return 0
