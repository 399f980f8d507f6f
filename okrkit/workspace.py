"""Workspaces: where a team's store lives, the starter templates, and the demo workspace.

A workspace is a folder with an ``okrkit.db`` SQLite store (or any store URL). Notebooks call
:func:`open_workspace`, which opens ``$OKRKIT_DATABASE_URL`` when it is set and otherwise the
demo workspace, created from the templates on first use so every notebook runs on a fresh machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import InputError
from okrkit.io.yaml_io import load_yaml
from okrkit.model import CheckIn, OkrSet, Zone, merge_sets
from okrkit.store import ENV_URL, Store

__all__ = [
    "demo_checkins",
    "demo_path",
    "ensure_demo",
    "init_workspace",
    "load_template",
    "merge_sets",
    "open_workspace",
    "template_names",
    "template_path",
    "templates_dir",
]

ENV_DEMO_DIR = "OKRKIT_DEMO_DIR"


def templates_dir() -> Path:
    """The folder of starter OKR sets (``templates/`` in a checkout, bundled in a wheel)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise InputError("the okrkit templates are missing from this installation; reinstall okrkit")


def template_names() -> list[str]:
    """Names of the starter templates, e.g. ``['company', 'customer_success', ...]``."""
    return sorted(p.stem for p in templates_dir().glob("*.yaml") if p.is_file())


def template_path(name: str, *, field: str = "template") -> Path:
    """The file of the starter template ``name``, one of :func:`template_names`.

    A template is chosen by name only, never by path: ``../plan``, ``/tmp/plan``, ``sub/plan``
    or ``plan.yaml`` are refused like any unknown name, so a template always comes from the
    templates folder. Every command and function that takes a template or department name
    resolves it here.

    Parameters
    ----------
    name
        A template name, such as ``marketing``.
    field
        What the name was given as (``template``, ``department``), for the error.

    Raises
    ------
    InputError
        For anything but a template name; the message lists the names.

    Examples
    --------
    >>> template_path("marketing").name
    'marketing.yaml'
    >>> template_path("../marketing")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    okrkit.errors.InputError: field 'template': '../marketing' is a path, not a template name ...
    """
    names = template_names()
    if isinstance(name, str) and name in names:
        return templates_dir() / f"{name}.yaml"
    text = str(name)
    path_like = (
        not isinstance(name, str)
        or any(sep in text for sep in ("/", "\\", ":"))
        or ".." in text
        or Path(text).is_absolute()
        or text.endswith((".yaml", ".yml"))
    )
    fix = f"choose one of: {', '.join(names)}"
    if field == "template":
        fix += "; to start from a file of your own, use `okrkit import FILE`"
    problem = f"{text!r} is a path, not a template name" if path_like else f"no {field} {text!r}"
    raise InputError(problem, field=field, fix=fix)


def load_template(name: str, cycle: str | Cycle | None = None) -> OkrSet:
    """A starter OKR set, moved to ``cycle`` when given.

    Raises
    ------
    InputError
        When ``name`` is not a template name (see :func:`template_path`); the message lists
        the names.
    """
    path = template_path(name)
    okrs = load_yaml(path, source=f"templates/{path.name}")
    return replace(okrs, cycle=Cycle.parse(cycle)) if cycle is not None else okrs


def _names(templates: Iterable[str]) -> list[str]:
    names: list[str] = []
    for name in templates:
        for part in name.split(","):
            part = part.strip()
            if part == "all":
                names += template_names()
            elif part:
                names.append(part)
    # company first: the departments align to it
    unique = list(dict.fromkeys(names))
    return sorted(unique, key=lambda n: n != "company")


def init_workspace(
    directory: str | os.PathLike[str] = ".",
    templates: Sequence[str] = (),
    *,
    cycle: str | Cycle | None = None,
    url: str | None = None,
) -> Store:
    """Create a workspace: the folder, its ``okrkit.db``, seeded from ``templates``.

    ``cycle`` (default: the current quarter) is the cycle the templates are placed in. ``url``
    puts the store elsewhere (PostgreSQL, say) instead of ``DIRECTORY/okrkit.db``.
    """
    target = Cycle.parse(cycle) if cycle is not None else current_quarter()
    # Read every template first: a mistyped name must not leave a half-seeded workspace.
    # Read every template first, then import them in one transaction: a mistyped name or a
    # clash must not leave a half-seeded workspace.
    sets = [load_template(name, target) for name in _names(templates)]
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(url or folder / "okrkit.db")
    if sets:
        store.import_set(merge_sets(sets))
    return store


def demo_path() -> Path:
    """Where the demo workspace lives: ``$OKRKIT_DEMO_DIR``, else a per-user data folder."""
    explicit = os.environ.get(ENV_DEMO_DIR)
    if explicit:
        return Path(explicit).expanduser() / "okrkit.db"
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "okrkit" / "demo" / "okrkit.db"


def ensure_demo(today: dt.date | None = None) -> Store:
    """Open the demo workspace, creating it when absent.

    The demo holds every template in the current quarter with weekly check-ins up to today,
    generated reproducibly, so scores, trends and forecasts have something to show.
    """
    path = demo_path()
    if path.exists():
        return Store(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    today = today or dt.date.today()
    cycle = current_quarter(today)
    tmp = path.with_name(f".{path.name}.creating-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    store = Store(tmp)
    okrs = merge_sets([load_template(name, cycle) for name in _names(["all"])])
    store.import_set(replace(okrs, checkins=demo_checkins(okrs, today)))
    store.checkpoint()
    store.close()
    with contextlib.suppress(FileExistsError):
        os.link(tmp, path)  # atomic: a second kernel creating it at once keeps the first
    tmp.unlink(missing_ok=True)
    return Store(path)


def open_workspace(url: str | os.PathLike[str] | None = None) -> Store:
    """The store a notebook works on: ``url``, else ``$OKRKIT_DATABASE_URL``, else the demo."""
    if url is not None or os.environ.get(ENV_URL):
        return Store(url)
    return ensure_demo()


def demo_checkins(okrs: OkrSet, today: dt.date) -> tuple[CheckIn, ...]:
    """Weekly check-ins from the cycle start up to ``today``, the same on every run.

    Each key result gets its own pace (some ahead, some behind, a few stalled), small noise and
    a confidence that follows its pace.
    """
    cycle = okrs.cycle
    last = min(today, cycle.end)
    dates = [cycle.start + dt.timedelta(days=d) for d in range(6, (last - cycle.start).days + 1, 7)]
    out: list[CheckIn] = []
    for _, kr in okrs.key_results():
        rng = np.random.default_rng(zlib.crc32(kr.id.encode()))
        pace = float(rng.choice([0.2, 0.5, 0.8, 1.0, 1.2], p=[0.15, 0.2, 0.3, 0.2, 0.15]))
        progress = 0.0
        for day in dates:
            t = cycle.elapsed(day)
            progress = max(progress, min(1.05, pace * t + float(rng.normal(0, 0.03))))
            confidence = int(np.clip(round(3 + 6 * pace + rng.normal(0, 1)), 1, 10))
            base: dict[str, Any] = {
                "key_result": kr.id,
                "date": day,
                "confidence": confidence,
                "author": kr.owner,
            }
            if kr.type == "metric":
                assert kr.target is not None
                # a bound target without a start: the demo starts a fifth short of it
                start = kr.start
                if start is None:
                    start = kr.target * (0.8 if kr.bound == "at_least" else 1.2)
                value = start + (kr.target - start) * max(progress, 0.0)
                out.append(CheckIn(**base, value=round(value, 2)))
            elif kr.type == "ordinal":
                levels: tuple[Zone, ...] = ("fail", "commit", "target", "stretch")
                reached = levels[int(np.searchsorted([0.3, 0.7, 1.0], progress, side="right"))]
                out.append(CheckIn(**base, zone=reached))
            elif kr.type == "guardrail":
                assert kr.threshold is not None
                margin = abs(kr.threshold) * 0.02 or 1.0
                side = -1.0 if kr.direction == "below" else 1.0
                slip = rng.random() < 0.1 * (1.3 - pace)
                value = kr.threshold + side * margin * (-0.5 if slip else rng.uniform(0.2, 1.5))
                out.append(CheckIn(**base, value=round(value, 3)))
            elif kr.type == "milestone":
                done = progress >= 0.95
                out.append(CheckIn(**base, done=done, note="Shipped" if done else ""))
                if done:
                    break
            elif kr.type == "qualitative":
                grade = round(float(np.clip(pace * t, 0.0, 1.0)), 1)
                out.append(CheckIn(**base, grade=grade))
    return tuple(out)
