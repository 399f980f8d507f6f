"""Time the alignment graph at 1k, 10k and 100k objectives: build, checks (OKR601-606), roll-up.

Each size is timed next to two references measured in the same run, so a shared or busy
machine shows in the ratios rather than in the verdict:

- loop: the checks and roll-up as a per-object loop over plain dicts of the dataclasses (the
  loop of ``benchmarks/run.py``), and for the build ``nx.DiGraph`` of the bare edge list;
- floor: the checks and roll-up as pandas / NumPy column work on the frames.

Usage::

    .venv/bin/python benchmarks/graph_bench.py                  # 1k, 10k, 100k
    .venv/bin/python benchmarks/graph_bench.py --sizes 1000,10000 --cache /tmp/okr-sets

Building the 100k ``OkrSet`` that ``build_graph`` takes costs minutes; ``--cache DIR`` keeps it
pickled between runs. The okrkit timed is the first on ``sys.path`` (``PYTHONPATH`` wins over
this checkout), so the same script times an older version too.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gc
import math
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH

import okrkit
from okrkit import OkrSet, score
from okrkit.alignment import build_graph, graph_findings, rollup
from okrkit.demo_org import demo_org_frames
from okrkit.frames import Frames, from_frames


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The shortest of ``repeat`` runs, garbage collected before each (as ``run.py`` times)."""
    best, out = math.inf, None
    for _ in range(repeat):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def loop_graph(
    okrs: OkrSet, scores: dict[str, float], as_of: dt.date, weight: float = 0.5
) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """OKR601-606 and the roll-up with dicts over the dataclasses (the loop of run.py)."""
    objectives = {o.id: o for o in okrs.objectives}
    children: dict[str, list[str]] = collections.defaultdict(list)
    found: list[tuple[str, str]] = []
    for o in okrs.objectives:
        if o.level != "company" and not o.aligns_to:
            found.append(("OKR604", o.id))
        for parent in o.aligns_to:
            if parent in objectives:
                children[parent].append(o.id)
            else:
                found.append(("OKR602", o.id))
    for o in okrs.objectives:
        if o.level == "company" and not children[o.id]:
            found.append(("OKR605", o.id))
    state: dict[str, int] = {}
    for root in objectives:
        if root in state:
            continue
        stack = [(root, iter(objectives[root].aligns_to))]
        state[root] = 1
        while stack:
            node, parents = stack[-1]
            nxt = next((p for p in parents if p in objectives), None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                found.append(("OKR601", nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(objectives[nxt].aligns_to)))
    last: dict[str, dt.date] = {}
    for c in okrs.checkins:
        if c.date <= as_of and (c.key_result not in last or c.date > last[c.key_result]):
            last[c.key_result] = c.date
    for _, kr in okrs.key_results():
        if scores.get(kr.id, 0.0) >= 1.0 and kr.type != "guardrail":
            continue
        if (as_of - last.get(kr.id, okrs.cycle.start)).days > 21:
            found.append(("OKR606", kr.id))
    rolled: dict[str, float] = {}

    def roll(ident: str) -> float:
        if ident in rolled:
            return rolled[ident]
        own = scores.get(ident, math.nan)
        parts = [
            (sum(kr.weight for kr in objectives[c].key_results) or 1.0, roll(c))
            for c in children[ident]
        ]
        parts = [(w, r) for w, r in parts if not math.isnan(r)]
        if parts:
            agg = sum(w * r for w, r in parts) / sum(w for w, _ in parts)
            value = agg if math.isnan(own) else (1 - weight) * own + weight * agg
        else:
            value = own
        rolled[ident] = value
        return value

    for ident in objectives:
        roll(ident)
    return found, rolled


def floor_graph(frames: Frames, o_score: np.ndarray[Any, Any], as_of: dt.date) -> Any:
    """The same checks and roll-up as pandas / NumPy column work, level by level (run.py's)."""
    o = frames.objectives
    ids = pd.Index(o["id"])
    links = o[["id", "aligns_to"]].explode("aligns_to").dropna()
    parent = ids.get_indexer(links["aligns_to"])
    child = ids.get_indexer(links["id"])
    level = o["level"].to_numpy()
    has_parent = np.bincount(child, minlength=len(o)) > 0
    orphans = o["id"][(level != "company") & ~has_parent]
    missing = links["id"][parent < 0]
    has_child = np.bincount(parent[parent >= 0], minlength=len(o)) > 0
    unsupported = o["id"][(level == "company") & ~has_child]
    ci = frames.checkins
    days = ci["date"].to_numpy().astype("datetime64[D]").astype("int64")
    krs = frames.key_results
    codes = pd.Index(krs["id"]).get_indexer(ci["key_result"])
    last = np.full(len(krs), np.datetime64(frames.cycle.start, "D").astype("int64"))
    np.maximum.at(last, codes, days)
    stale = krs["id"][np.datetime64(as_of, "D").astype("int64") - last > 21]
    weight = np.bincount(ids.get_indexer(krs["objective"]), weights=krs["weight"], minlength=len(o))
    rolled = o_score.copy()
    ok = parent >= 0
    for lv in ("individual", "team", "department"):  # bottom up: links go one level up
        sel = ok & (level[child] == lv)
        c, p = child[sel], parent[sel]
        w = np.where(np.isnan(rolled[c]), 0.0, weight[c])
        total = np.bincount(p, weights=w * np.nan_to_num(rolled[c]), minlength=len(o))
        mass = np.bincount(p, weights=w, minlength=len(o))
        with np.errstate(invalid="ignore", divide="ignore"):
            agg = total / mass
        upd = mass > 0
        rolled[upd] = np.where(np.isnan(rolled[upd]), agg[upd], 0.5 * rolled[upd] + 0.5 * agg[upd])
    return orphans, missing, unsupported, stale, rolled


def okr_set(n: int, frames: Frames, cache: Path | None) -> OkrSet:
    """The validated set of ``frames``, from the pickle in ``cache`` when there is one."""
    path = cache / f"demo_org_{n}.pickle" if cache else None
    if path is not None and path.exists():
        with path.open("rb") as f:
            okrs: OkrSet = pickle.load(f)  # our own file
        return okrs
    okrs = from_frames(frames)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            pickle.dump(okrs, f, protocol=pickle.HIGHEST_PROTOCOL)
    return okrs


def measure(n: int, repeat: int, cache: Path | None) -> str:
    """One table row for ``n`` objectives."""
    frames = demo_org_frames(n)
    okrs = okr_set(n, frames, cache)
    end = okrs.cycle.end
    scores = score(frames, end)
    build, graph = best_of(lambda: build_graph(okrs, scores, as_of=end), repeat)
    edges = list(graph.edges())
    build_floor, _ = best_of(lambda: nx.DiGraph(edges), repeat)
    checks, _ = best_of(lambda: graph_findings(graph, as_of=end), repeat)
    roll, _ = best_of(lambda: rollup(graph), repeat)
    both, _ = best_of(lambda: (graph_findings(graph, as_of=end), rollup(graph)), repeat)
    own = dict(zip(scores.objectives["id"], scores.objectives["score"], strict=True))
    loop, _ = best_of(lambda: loop_graph(okrs, own, end), 1)
    o_score = scores.objectives["score"].to_numpy()
    floor, _ = best_of(lambda: floor_graph(frames, o_score, end), repeat)
    return (
        f"| {n:,} | {build:.3f} | {build_floor:.3f} | {checks:.3f} | {roll:.3f} | "
        f"{both:.3f} | {loop:.3f} | {floor:.3f} | {both / loop:.2f}x | {1e6 * both / n:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--cache", type=Path, help="keep the built OkrSets pickled here")
    args = parser.parse_args(argv)
    print(f"okrkit from {Path(okrkit.__file__).parent}", flush=True)
    header = (
        "| objectives | build | build floor | checks | roll-up | checks + roll-up | loop | "
        "floor | / loop | µs per objective |"
    )
    rows = [header, "|" + "---:|" * 10]
    for n in (int(s) for s in args.sizes.split(",")):
        row = measure(n, args.repeat if n < 100_000 else max(1, args.repeat - 1), args.cache)
        rows.append(row)
        print(row, flush=True)
    print("\nseconds, best of the runs; loop and floor: the checks and roll-up only")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
