"""How fast the workshop views respond, in a store with 1,000 key results.

Run from the repository root::

    .venv/bin/python benchmarks/widgets.py                 # 1,000 key results
    .venv/bin/python benchmarks/widgets.py --key-results 250 --repeats 10

Builds a realistic workshop store in a temporary SQLite file: one cycle with about 250
objectives in a company → department → team shape (4 key results each, of every type), two
check-ins per key result, KPIs and a brainstorm board with open ideas and votes. Then drives
every view in-process, without a browser, as the tests do (set ``.value``, ``Button.click()``),
and times each user interaction from the change until the handler returns, which is when the
widget state the front end receives is final.

:func:`measure` returns one row per interaction (``interaction``, ``view``, ``median_ms``,
``p95_ms``, ``target_ms``, ``met``, ``samples``); an interaction meets the target when its 95th
percentile is under it. :func:`main` prints them as a Markdown table (and with ``--output``
writes it with a description of the machine). ``benchmarks/run.py`` calls :func:`measure`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from okrkit import KPI, CheckIn, KeyResult, Objective, OkrSet
from okrkit.brainstorm import Board
from okrkit.store import Store

__all__ = ["TARGET_MS", "build_workshop", "main", "measure"]

#: What every interaction should stay under.
TARGET_MS = 100.0
CYCLE = "2026-Q1"
AS_OF = dt.date(2026, 3, 31)

_DEPARTMENTS = (
    "Sales",
    "Marketing",
    "Product",
    "Engineering",
    "Customer Success",
    "Finance",
    "People",
    "Operations",
)
_THEMES = (
    "repeat purchases",
    "onboarding time",
    "net revenue retention",
    "support first-response time",
    "trial conversion",
    "release frequency",
    "employee engagement",
    "gross margin",
    "qualified pipeline",
    "checkout completion",
)


# --- the workshop store ----------------------------------------------------------------------


def _key_results(oid: str, owner: str, n: int, seq: Iterator[int]) -> list[KeyResult]:
    """``n`` key results of ``oid``: mostly metrics, some milestones, grades and guardrails."""
    out = []
    for k in range(1, n + 1):
        i = next(seq)
        theme = _THEMES[i % len(_THEMES)]
        kind = ("metric", "metric", "milestone", "metric", "qualitative", "guardrail")[i % 6]
        base: dict[str, Any] = {"id": f"{oid}-KR{k}", "owner": owner, "type": kind}
        if kind == "metric":
            start = float(10 + i % 40)
            out.append(
                KeyResult(
                    **base,
                    title=f"Raise {theme} from {start:g} % to {start + 15:g} %",
                    start=start,
                    target=start + 15,
                    unit="%",
                    confidence=5 + i % 4,
                )
            )
        elif kind == "milestone":
            out.append(KeyResult(**base, title=f"Launch the {theme} dashboard by 15 March"))
        elif kind == "qualitative":
            out.append(KeyResult(**base, title=f"Customers rate the {theme} work as excellent"))
        else:
            out.append(
                KeyResult(
                    **base,
                    title=f"Keep {theme} complaints below 20 a week",
                    threshold=20.0,
                    direction="below",
                )
            )
    return out


def _workshop_set(n_key_results: int) -> OkrSet:
    """One cycle's OKRs: company, department and team objectives with 4 key results each."""
    n_objectives = max(3, math.ceil(n_key_results / 4))
    n_company = max(1, round(n_objectives * 0.02))
    n_department = max(1, round(n_objectives * 0.16))
    n_team = n_objectives - n_company - n_department
    per_objective = [n_key_results // n_objectives] * n_objectives
    for i in range(n_key_results - sum(per_objective)):
        per_objective[i] += 1
    sizes = iter(per_objective)
    seq = itertools.count()
    objectives: list[Objective] = []
    company = [f"CO-{i + 1}" for i in range(n_company)]
    for i, oid in enumerate(company):
        objectives.append(
            Objective(
                id=oid,
                title=f"Become the obvious choice on {_THEMES[i % len(_THEMES)]}",
                owner="CEO",
                level="company",
                key_results=_key_results(oid, "CEO", next(sizes), seq),
            )
        )
    departments = []
    for i in range(n_department):
        dept = _DEPARTMENTS[i % len(_DEPARTMENTS)]
        oid = f"D{i % len(_DEPARTMENTS) + 1}-{i // len(_DEPARTMENTS) + 1}"
        departments.append(oid)
        parents = (company[i % n_company],) + (
            (company[(i + 1) % n_company],) if i % 3 == 0 and n_company > 1 else ()
        )
        objectives.append(
            Objective(
                id=oid,
                title=f"{dept} moves {_THEMES[(i + 3) % len(_THEMES)]} in the right direction",
                owner=dept,
                level="department",
                aligns_to=parents,
                key_results=_key_results(oid, dept, next(sizes), seq),
            )
        )
    for i in range(n_team):
        oid = f"T{i // 5 + 1}-{i % 5 + 1}"
        team = f"Team {i // 5 + 1}"
        objectives.append(
            Objective(
                id=oid,
                title=f"{team} improves {_THEMES[(i + 7) % len(_THEMES)]} for every customer",
                owner=team,
                level="team",
                kind="aspirational" if i % 4 == 0 else "committed",
                aligns_to=(departments[(i // 5) % n_department],),
                key_results=_key_results(oid, team, next(sizes), seq),
            )
        )
    krs = [kr for o in objectives for kr in o.key_results]
    checkins = []
    for i, kr in enumerate(krs):
        for week, day in enumerate((dt.date(2026, 1, 26), dt.date(2026, 2, 23))):
            reading: dict[str, Any]
            if kr.type == "metric":
                assert kr.start is not None and kr.target is not None
                reading = {"value": kr.start + (kr.target - kr.start) * (0.2 + 0.25 * week)}
            elif kr.type == "milestone":
                reading = {"done": week == 1 and i % 2 == 0}
            elif kr.type == "qualitative":
                reading = {"grade": 0.3 + 0.2 * week}
            else:
                reading = {"value": 12.0 + i % 10}
            checkins.append(
                CheckIn(key_result=kr.id, date=day, confidence=6, author="bench", **reading)
            )
    kpis = [
        KPI(
            id=f"KPI-{i + 1}",
            name=f"{_THEMES[i % len(_THEMES)].capitalize()} ({_DEPARTMENTS[i % 8]})",
            target=50.0 + i,
            current=40.0 + 2 * i,
            timeframe="quarterly",
            data_source="warehouse",
            frequency="weekly",
            unit="%",
            owner=_DEPARTMENTS[i % 8],
            measures=(krs[(37 * i) % len(krs)].id,),
        )
        for i in range(max(1, n_key_results // 25))
    ]
    return OkrSet(cycle=CYCLE, objectives=objectives, kpis=kpis, checkins=checkins)


def build_workshop(path: Path, n_key_results: int = 1000) -> Path:
    """Write a workshop store with ``n_key_results`` key results to the SQLite file ``path``.

    One cycle (2026-Q1) of company, department and team objectives, their check-ins and KPIs,
    and a brainstorm board with 40 open ideas and a few votes on them.
    """
    with Store(path) as store:
        store.import_set(_workshop_set(n_key_results))
        board = Board(store, CYCLE, dots=3)
        for i in range(40):
            board.add_idea(
                f"Idea {i + 1}: make {_THEMES[i % len(_THEMES)]} effortless",
                owner=_DEPARTMENTS[i % 8],
                level=("company", "department", "team")[i % 3],
                author="bench",
            )
        ideas = board.ideas()["id"].tolist()
        for v in range(12):
            for d in range(3):
                board.vote(ideas[(v * 3 + d * 5) % len(ideas)], f"Voter {v + 1}")
        store.checkpoint()
    return path


# --- timing ----------------------------------------------------------------------------------


def _percentile(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``samples``, interpolated between the closest ranks."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class _Timer:
    """Collects the samples of each interaction in the order first measured."""

    def __init__(self) -> None:
        self.samples: dict[tuple[str, str], list[float]] = {}

    @contextmanager
    def time(self, view: str, interaction: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        elapsed = (time.perf_counter() - start) * 1000.0
        self.samples.setdefault((view, interaction), []).append(elapsed)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for (view, interaction), samples in self.samples.items():
            median = statistics.median(samples)
            p95 = _percentile(samples, 0.95)
            out.append(
                {
                    "interaction": f"{view}: {interaction}",
                    "view": view,
                    "median_ms": round(median, 2),
                    "p95_ms": round(p95, 2),
                    "target_ms": TARGET_MS,
                    "met": p95 < TARGET_MS,
                    "samples": len(samples),
                }
            )
        return out


def _status_ok(view: Any, what: str) -> None:
    """Fail the benchmark when an interaction showed an error instead of doing its work."""
    if "#b00020" in str(view.status.value):
        raise RuntimeError(f"{what} failed: {view.status.value}")


# --- the interactions ------------------------------------------------------------------------


def _drafter(store: Store, timer: _Timer, repeats: int) -> None:
    from okrkit.ui import kr_drafter

    view = kr_drafter(store, cycle=CYCLE)
    teams = [ident for _, ident in view.objective_pick.options if ident.startswith("T")]
    view.objective_pick.value = teams[0]
    typed = "Raise repeat purchases from 20 % to 30 % by the end of March"
    for i in range(repeats):
        view.kr_pick.value = view.kr_pick.options[1][1]
        for ch in range(1, len(typed) + 1, max(1, len(typed) // 8)):
            with timer.time("drafter", "keystroke in the title"):
                view.title.value = typed[:ch]
        view.title.value = f"Raise repeat purchases from 20 % to {30 + i} %"
        with timer.time("drafter", "save a key result"):
            view.save_button.click()
        _status_ok(view, "drafter save")
        view.kr_pick.value = ""  # new key result
        view.title.value = f"Ship the loyalty pilot to {i + 2} stores by March"
        view.type_pick.value = "milestone"
        with timer.time("drafter", "add a key result"):
            view.save_button.click()
        _status_ok(view, "drafter add")
        with timer.time("drafter", "delete a key result"):
            view.delete_button.click()
        _status_ok(view, "drafter delete")
        with timer.time("drafter", "pick an objective"):
            view.objective_pick.value = teams[(i + 1) % len(teams)]
        view.objective_pick.value = teams[0]


def _brainstorm(store: Store, timer: _Timer, repeats: int) -> None:
    from okrkit.ui import brainstorm_board

    view = brainstorm_board(store, cycle=CYCLE, voter="Facilitator", dots=10_000)
    for i in range(repeats):
        view.idea_title.value = f"Benchmark idea {i}: halve onboarding time"
        with timer.time("brainstorm", "add an idea"):
            view.add_button.click()
        _status_ok(view, "add idea")
        idea = view.rows[-1].idea
        assert idea is not None
        with timer.time("brainstorm", "vote (+1)"):
            view.row_for(idea).vote_button.click()
        _status_ok(view, "vote")
        with timer.time("brainstorm", "take a vote back (−1)"):
            view.row_for(idea).unvote_button.click()
        _status_ok(view, "unvote")
        view.idea_title.value = f"Benchmark idea {i}: onboarding twice as fast"
        view.add_button.click()
        fresh = [r for r in view.rows if r.idea is not None][-2:]
        for r in fresh:
            with timer.time("brainstorm", "tick an idea to merge"):
                r.select.value = True
        with timer.time("brainstorm", "merge ticked ideas"):
            view.merge_button.click()
        _status_ok(view, "merge")
        last = view.rows[-1]
        with timer.time("brainstorm", "promote an idea"):
            last.promote_button.click()
        _status_ok(view, "promote")


def _checkin(store: Store, timer: _Timer, repeats: int) -> None:
    from okrkit.ui import checkin_form

    view = checkin_form(store, cycle=CYCLE, author="bench")
    metrics = [ident for _, ident in view.key_result.options if ident.endswith("-KR1")]
    for i in range(repeats):
        with timer.time("check-in", "pick a key result"):
            view.key_result.value = metrics[i % len(metrics)]
        view.date.value = dt.date(2026, 3, 1) + dt.timedelta(days=i % 28)
        view.value.value = 20.0 + i
        view.note.value = "weekly check-in"
        with timer.time("check-in", "save a check-in"):
            view.save_button.click()
        _status_ok(view, "check-in save")


def _review(store: Store, timer: _Timer, repeats: int) -> None:
    from okrkit.ui import quarter_review

    view = quarter_review(store, cycle=CYCLE, as_of=AS_OF)
    graded = [k for k, w in view.inputs.items() if type(w).__name__ == "FloatSlider"]
    metrics = [k for k, w in view.inputs.items() if type(w).__name__ == "FloatText"]
    for i in range(repeats):
        ident = graded[i % len(graded)]
        with timer.time("review", "grade a key result"):
            view.inputs[ident].value = 0.55
        _status_ok(view, "grade")
        with timer.time("review", "correct the grade (same day)"):
            view.inputs[ident].value = 0.75
        _status_ok(view, "correction")
        with timer.time("review", "final value of a metric"):
            view.inputs[metrics[i % len(metrics)]].value = 31.0 + i
        _status_ok(view, "final value")


def _carry_over(path: Path, timer: _Timer, repeats: int) -> None:
    """Carry-over writes a whole cycle; each sample needs a store where it has not run yet."""
    import shutil

    from okrkit.ui import quarter_review

    for i in range(max(1, repeats // 4)):
        copy = path.with_name(f"carry-{i}.db")
        shutil.copyfile(path, copy)
        with Store(copy) as store:
            view = quarter_review(store, cycle=CYCLE, as_of=AS_OF)
            with timer.time("review", "carry over to the next cycle"):
                view.carry_button.click()
            _status_ok(view, "carry over")
        copy.unlink()


def _kpis(store: Store, timer: _Timer, repeats: int) -> None:
    from okrkit.ui import kpi_board

    view = kpi_board(store, cycle=CYCLE)
    for _ in range(repeats):
        with timer.time("KPI board", "refresh"):
            view.refresh_button.click()
        _status_ok(view, "KPI refresh")


def _alignment(store: Store, timer: _Timer, repeats: int) -> None:
    from okrkit.ui import alignment_editor

    view = alignment_editor(store, cycle=CYCLE)
    teams = [ident for _, ident in view.objective_pick.options if ident.startswith("T")]
    departments = [ident for _, ident in view.objective_pick.options if ident.startswith("D")]
    for i in range(repeats):
        with timer.time("alignment", "pick an objective"):
            view.objective_pick.value = teams[(7 * i) % len(teams)]
        with timer.time("alignment", "save (re-parent an objective)"):
            view.parents.value = (departments[i % len(departments)],)
            view.save_button.click()
        _status_ok(view, "alignment save")
        redraw = getattr(view, "redraw_button", None)
        if redraw is not None:
            with timer.time("alignment", "redraw the picture (on request)"):
                redraw.click()


def _refreshes(store: Store, timer: _Timer, repeats: int) -> None:
    """Refresh of every view: reads the whole cycle again (no writes)."""
    from okrkit.ui import (
        alignment_editor,
        brainstorm_board,
        checkin_form,
        kr_drafter,
        quarter_review,
    )

    views = {
        "drafter": kr_drafter(store, cycle=CYCLE),
        "brainstorm": brainstorm_board(store, cycle=CYCLE, voter="Facilitator"),
        "check-in": checkin_form(store, cycle=CYCLE),
        "review": quarter_review(store, cycle=CYCLE, as_of=AS_OF),
        "alignment": alignment_editor(store, cycle=CYCLE),
    }
    for _ in range(max(3, repeats // 4)):
        for name, view in views.items():
            with timer.time(name, "refresh"):
                view.refresh_button.click()
            _status_ok(view, f"{name} refresh")


SCENARIOS: dict[str, Callable[[Store, _Timer, int], None]] = {
    "drafter": _drafter,
    "brainstorm": _brainstorm,
    "check-in": _checkin,
    "review": _review,
    "KPI board": _kpis,
    "alignment": _alignment,
}


def measure(
    n_key_results: int = 1000, repeats: int = 20, *, refreshes: bool = True
) -> list[dict[str, Any]]:
    """Time every interaction of every view in a workshop store of ``n_key_results``.

    Parameters
    ----------
    n_key_results
        Key results in the workshop's cycle (objectives: a quarter as many).
    repeats
        Samples of each interaction (a keystroke gets about 8 per repeat; carry-over, which
        needs a fresh store each time, a quarter as many).
    refreshes
        Also time each view's Refresh button (a full re-read; no write).

    Returns
    -------
    list of dict
        ``interaction``, ``view``, ``median_ms``, ``p95_ms``, ``target_ms``, ``met`` (the 95th
        percentile is under the target) and ``samples``.
    """
    timer = _Timer()
    logging.getLogger("okrkit.ui").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="okrkit-bench-") as tmp:
        path = build_workshop(Path(tmp) / "workshop.db", n_key_results)
        with Store(path) as store:
            for run in SCENARIOS.values():
                run(store, timer, repeats)
            if refreshes:
                _refreshes(store, timer, repeats)
        _carry_over(path, timer, repeats)
    return timer.rows()


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| view | interaction | median ms | p95 ms | target ms | met | samples |",
        "|------|-------------|----------:|-------:|----------:|-----|--------:|",
    ]
    for r in rows:
        name = r["interaction"].split(": ", 1)[-1]
        lines.append(
            f"| {r['view']} | {name} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['target_ms']:.0f} | {'yes' if r['met'] else '**no**'} | {r['samples']} |"
        )
    return "\n".join(lines)


def machine() -> list[tuple[str, str]]:
    """A short description of the machine the numbers come from."""
    cpu = platform.processor() or platform.machine()
    try:
        found = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        cpu = next(
            (line.split(":", 1)[1].strip() for line in found.splitlines() if "Model name" in line),
            cpu,
        )
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        ("platform", platform.platform()),
        ("CPU", f"{cpu}, {os.cpu_count()} logical CPUs"),
        ("load average (1 min) at the end", f"{load:.1f}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("date", dt.date.today().isoformat()),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; exit status 1 when an interaction misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key-results", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--no-refresh", action="store_true", help="skip the Refresh buttons")
    parser.add_argument("--output", type=Path, help="also write the table here, as Markdown")
    args = parser.parse_args(argv)
    rows = measure(args.key_results, args.repeats, refreshes=not args.no_refresh)
    head = f"{args.key_results} key results, {args.repeats} repeats, target {TARGET_MS:.0f} ms"
    print(f"{head}\n")
    print(table(rows))
    if args.output is not None:
        about = "\n".join(f"- {name}: {value}" for name, value in machine())
        args.output.write_text(f"{head}\n\n{table(rows)}\n\nMachine:\n\n{about}\n")
    return 0 if all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
