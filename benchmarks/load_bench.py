"""Time building OKR sets from files and frames, beside the pandas floor.

Usage: ``python benchmarks/load_bench.py [N ...]`` (objectives; default 10000 100000).

For each size the demo organisation is built as frames (:func:`okrkit.demo_org.demo_org_frames`),
turned into a validated set (:func:`okrkit.from_frames`, which ``Store.load`` ends with), written
as a CSV folder and read back (:func:`okrkit.io.load_csv`). The floors are what pandas alone
needs: the frames' columns as Python lists for ``from_frames``, and ``pandas.read_csv`` of the
same files for ``load_csv``. ``demo_org(n)`` builds the same set through the public
constructors. ``load_csv`` refuses files over 64 MiB; this script lifts that limit so that the
100k folder (a ~200 MiB ``checkins.csv``) can be timed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import okrkit.io.tabular as tabular
from okrkit.demo_org import demo_org, demo_org_frames
from okrkit.frames import from_frames
from okrkit.io import load_csv, write_csv


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def floor_frames(frames: Any) -> int:
    return sum(len(df[c].tolist()) for _, df in frames for c in df.columns)


def floor_csv(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.glob("*.csv")}


def main(sizes: list[int]) -> None:
    tabular.MAX_BYTES = 2**40  # type: ignore[attr-defined]
    rows: list[tuple[str, int, float, float | None]] = []
    for n in sizes:
        frames = demo_org_frames(n)
        t_floor, _ = timed(lambda: floor_frames(frames))  # noqa: B023
        t_frames, okrs = timed(lambda: from_frames(frames))  # noqa: B023
        rows.append(("from_frames (Store.load)", n, t_frames, t_floor))
        print(rows[-1], file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_csv(okrs, Path(tmp) / "csv", bom=False)
            del okrs
            t_floor, _ = timed(lambda: floor_csv(folder))  # noqa: B023
            t_csv, _ = timed(lambda: load_csv(folder))  # noqa: B023
        rows.append(("load_csv", n, t_csv, t_floor))
        print(rows[-1], file=sys.stderr, flush=True)
        t_demo, _ = timed(lambda: demo_org(n))  # noqa: B023
        rows.append(("demo_org (constructors)", n, t_demo, None))
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"{'step':<26} {'objectives':>10} {'okrkit s':>9} {'µs/obj':>8} {'floor s':>8} {'x':>6}")
    for name, n, t, floor in rows:
        ratio = f"{t / floor:6.1f}" if floor else "     –"
        floor_s = f"{floor:8.2f}" if floor is not None else "       –"
        print(f"{name:<26} {n:>10,} {t:9.2f} {t / n * 1e6:8.0f} {floor_s} {ratio}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
