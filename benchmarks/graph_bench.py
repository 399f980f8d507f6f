"""Time the alignment graph at 1k, 10k and 100k objectives: build, checks (OKR601-606), roll-up.

Each size is timed next to two references measured in the same run, so a shared or busy
machine shows in the ratios rather than in the verdict:

- loop: the checks and roll-up as a per-object loop over plain dicts of the dataclasses (the
  loop of ``benchmarks/run.py``), and for the build ``nx.DiGraph`` of the bare edge list;
- floor: the checks and roll-up as pandas / NumPy column work on the frames.

Usage::

    .venv/bin/python benchmarks/graph_bench.py                  # 1k, 10k, 100k
    .venv/bin/python benchmarks/graph_bench.py --sizes 1000,10000

The loop and floor are those of ``benchmarks/run.py``. The okrkit timed is the first on
``sys.path`` (``PYTHONPATH`` wins over this checkout), so the same script times an older
version too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import networkx as nx

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH

import okrkit
from okrkit import score
from okrkit.alignment import build_graph, graph_findings, rollup
from okrkit.demo_org import demo_org_frames
from okrkit.frames import from_frames

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import best_of, floor_graph, loop_graph


def measure(n: int, repeat: int) -> str:
    """One table row for ``n`` objectives."""
    frames = demo_org_frames(n)
    okrs = from_frames(frames)
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
    args = parser.parse_args(argv)
    print(f"okrkit from {Path(okrkit.__file__).parent}", flush=True)
    header = (
        "| objectives | build | build floor | checks | roll-up | checks + roll-up | loop | "
        "floor | / loop | µs per objective |"
    )
    rows = [header, "|" + "---:|" * 10]
    for n in (int(s) for s in args.sizes.split(",")):
        row = measure(n, args.repeat if n < 100_000 else max(1, args.repeat - 1))
        rows.append(row)
        print(row, flush=True)
    print("\nseconds, best of the runs; loop and floor: the checks and roll-up only")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
