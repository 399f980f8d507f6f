"""Workspaces: the starter templates, new workspaces, the demo and which store a notebook opens."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from okrkit import Cycle, InputError, OkrSet, Store, ValidationError, load_yaml
from okrkit.cycles import current_quarter
from okrkit.model import CHECKIN_FIELD
from okrkit.workspace import (
    demo_checkins,
    demo_path,
    ensure_demo,
    init_workspace,
    load_template,
    open_workspace,
    template_names,
    template_path,
    templates_dir,
)

ROOT = Path(__file__).resolve().parent.parent
NAMES = [
    "company",
    "customer_success",
    "engineering",
    "hr",
    "marketing",
    "personal",
    "product",
    "sales",
]


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo folder of this test's own."""
    folder = tmp_path / "demo"
    monkeypatch.setenv("OKRKIT_DEMO_DIR", str(folder))
    monkeypatch.delenv("OKRKIT_DATABASE_URL", raising=False)
    return folder


# --- templates ----------------------------------------------------------------------------------


def test_templates_dir_is_the_checkout_folder() -> None:
    assert templates_dir() == ROOT / "templates"


def test_template_names() -> None:
    assert template_names() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_load_template(name: str) -> None:
    okrs = load_template(name)
    assert okrs == load_yaml(ROOT / "templates" / f"{name}.yaml")
    assert okrs.cycle.id == "2026-Q1"
    assert okrs.objectives and all(o.key_results for o in okrs.objectives)


@pytest.mark.parametrize(
    "cycle",
    ["2027-Q3", "2027", Cycle(id="sprint-7", start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 17))],
    ids=["quarter", "year", "explicit"],
)
def test_load_template_moves_to_the_cycle(cycle: str | Cycle) -> None:
    moved = load_template("marketing", cycle)
    assert moved.cycle == Cycle.parse(cycle)
    assert dataclasses.replace(moved, cycle=Cycle.parse("2026-Q1")) == load_template("marketing")


def test_load_template_bad_cycle() -> None:
    with pytest.raises(ValidationError, match="'Q5' is not a cycle"):
        load_template("company", "Q5")


@pytest.mark.parametrize("name", ["astrology", "Company", "../README", ""])
def test_unknown_template_lists_the_names(name: str) -> None:
    with pytest.raises(InputError) as info:
        load_template(name)
    assert info.value.field == "template"
    assert ", ".join(NAMES) in str(info.value)


def outside_template(tmp_path: Path) -> Path:
    """A valid OKR file outside the templates folder (``outside.yaml``)."""
    path = tmp_path / "outside.yaml"
    path.write_text((ROOT / "templates" / "hr.yaml").read_text("utf-8"), "utf-8")
    return path


def as_given(path: Path, form: str) -> str:
    """``path`` (less ``.yaml``) written relative to the templates, absolute or with a suffix."""
    stem = path.with_suffix("")
    return {
        "relative": os.path.relpath(stem, templates_dir()),
        "absolute": str(stem),
        "with-suffix": os.path.relpath(path, templates_dir()),
        "template-file": "hr.yaml",
        "sub-folder": "notebooks/department",
    }[form]


FORMS = ["relative", "absolute", "with-suffix", "template-file", "sub-folder"]


def test_template_path_is_the_file_of_a_name() -> None:
    assert [template_path(n) for n in NAMES] == [ROOT / "templates" / f"{n}.yaml" for n in NAMES]


@pytest.mark.parametrize("form", FORMS)
def test_a_template_is_a_name_never_a_path(tmp_path: Path, form: str) -> None:
    given = as_given(outside_template(tmp_path), form)
    with pytest.raises(InputError) as info:
        load_template(given)
    err = info.value
    assert err.field == "template"
    assert f"{given!r} is a path, not a template name" in err.problem
    assert err.fix is not None and ", ".join(NAMES) in err.fix
    assert "okrkit import FILE" in err.fix


def test_template_path_names_what_was_asked_for() -> None:
    with pytest.raises(InputError) as info:
        template_path("finance", field="department")
    assert (info.value.field, info.value.problem) == ("department", "no department 'finance'")
    assert info.value.fix == f"choose one of: {', '.join(NAMES)}"


# --- init_workspace ------------------------------------------------------------------------------


def test_init_workspace_seeds_company_first(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "team"
    with init_workspace(folder, ["sales", "company", "hr"], cycle="2026-Q3") as store:
        okrs = store.load()
    assert (folder / "okrkit.db").is_file()
    assert okrs.cycle == Cycle.parse("2026-Q3")
    expected = [load_template(n) for n in ("company", "sales", "hr")]
    assert okrs.objectives == tuple(o for s in expected for o in s.objectives)
    assert okrs.kpis == tuple(k for s in expected for k in s.kpis)


def test_init_workspace_all_commas_and_repeats(tmp_path: Path) -> None:
    with init_workspace(tmp_path, ["hr, company", "all", "hr"], cycle="2026-Q1") as store:
        okrs = store.load()
    order = [
        "company",
        "hr",
        "customer_success",
        "engineering",
        "marketing",
        "personal",
        "product",
        "sales",
    ]
    assert okrs.objectives == tuple(o for n in order for o in load_template(n).objectives)


@pytest.mark.parametrize("form", FORMS)
def test_init_workspace_refuses_a_template_path(tmp_path: Path, form: str) -> None:
    given = as_given(outside_template(tmp_path), form)
    folder = tmp_path / "team"
    with pytest.raises(InputError, match="is a path, not a template name"):
        init_workspace(folder, ["company", given], cycle="2026-Q1")
    assert not folder.exists()


def test_init_workspace_default_cycle_and_no_templates(tmp_path: Path) -> None:
    with init_workspace(tmp_path / "w", ["personal"]) as store:
        assert [c.id for c in store.cycles()] == [current_quarter().id]
    with init_workspace(tmp_path / "empty") as store:
        assert store.cycles() == []
    assert (tmp_path / "empty" / "okrkit.db").is_file()


def test_init_workspace_with_url(tmp_path: Path) -> None:
    elsewhere = tmp_path / "db" / "team.db"
    elsewhere.parent.mkdir()
    with init_workspace(tmp_path / "w", ["hr"], cycle="2026-Q1", url=str(elsewhere)) as store:
        assert store.url == f"sqlite:///{elsewhere}"
    assert elsewhere.is_file() and not (tmp_path / "w" / "okrkit.db").exists()


def test_init_workspace_unknown_template_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'nope'"):
        init_workspace(tmp_path, ["company", "nope"], cycle="2026-Q1")
    # a typo must not leave a half-seeded workspace that the corrected command then clashes with
    if (tmp_path / "okrkit.db").exists():
        with Store(tmp_path / "okrkit.db") as store:
            assert store.cycles() == []
    with init_workspace(tmp_path, ["company", "hr"], cycle="2026-Q1") as store:
        assert store.load().objectives[0].id == "CO-1"


# --- the demo ------------------------------------------------------------------------------------


def test_demo_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKRKIT_DEMO_DIR", str(tmp_path / "d"))
    assert demo_path() == tmp_path / "d" / "okrkit.db"
    monkeypatch.delenv("OKRKIT_DEMO_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert demo_path() == tmp_path / "xdg" / "okrkit" / "demo" / "okrkit.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert demo_path() == tmp_path / "home" / ".local" / "share" / "okrkit" / "demo" / "okrkit.db"


def test_ensure_demo_creates_it_once(demo_dir: Path) -> None:
    today = dt.date(2026, 2, 20)
    with ensure_demo(today) as store:
        okrs = store.load()
    path = demo_dir / "okrkit.db"
    assert path.is_file()
    assert sorted(p.name for p in demo_dir.iterdir() if "creating" in p.name) == []
    assert okrs.cycle == Cycle.parse("2026-Q1")
    assert [o.id for o in okrs.objectives[:4]] == ["CO-1", "CO-2", "CO-3", "CO-4"]
    assert {o.id for o in okrs.objectives} == {
        o.id for n in NAMES for o in load_template(n).objectives
    }
    dates = [c.date for c in okrs.checkins]
    assert dates and max(dates) <= today and min(dates) >= okrs.cycle.start
    assert max(dates) > today - dt.timedelta(days=7)  # weekly, up to today
    stat = path.stat()
    with ensure_demo(dt.date(2026, 3, 30)) as again:  # not rebuilt, even for another day
        assert again.load() == okrs
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert path.stat().st_ino == stat.st_ino


def test_ensure_demo_checkins_match_demo_checkins(demo_dir: Path) -> None:
    today = dt.date(2026, 5, 12)
    with ensure_demo(today) as store:
        okrs = store.load()
    expected = []
    for name in ["company", *[n for n in NAMES if n != "company"]]:
        template = load_template(name, current_quarter(today))
        expected += demo_checkins(template, today)
    got = [dataclasses.replace(c, id=None) for c in okrs.checkins]
    key = lambda c: (c.key_result, c.date)  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "today", [dt.date(2026, 1, 3), dt.date(2026, 2, 14), dt.date(2026, 6, 1)], ids=str
)
def test_demo_checkins_are_valid_and_deterministic(name: str, today: dt.date) -> None:
    okrs = load_template(name)
    checkins = demo_checkins(okrs, today)
    assert checkins == demo_checkins(okrs, today)
    OkrSet(cycle=okrs.cycle, objectives=okrs.objectives, checkins=checkins)  # validates them
    last = min(today, okrs.cycle.end)
    if (last - okrs.cycle.start).days < 6:
        assert checkins == ()
        return
    assert checkins
    by_kr: dict[str, list[dt.date]] = {}
    for c in checkins:
        kr = okrs.key_result(c.key_result)
        assert c.field_name == CHECKIN_FIELD[kr.type]
        assert okrs.cycle.start <= c.date <= last
        assert c.confidence is None or 1 <= c.confidence <= 10
        if kr.type == "milestone":
            assert c.done is not None
        if kr.type == "qualitative":
            assert c.grade is not None and 0.0 <= c.grade <= 1.0
        by_kr.setdefault(c.key_result, []).append(c.date)
    for kr_id, dates in by_kr.items():
        assert len(dates) == len(set(dates)), kr_id  # one check-in per week
    # every key result is reported on weekly; a milestone stops once it is done
    assert set(by_kr) == {kr.id for _, kr in okrs.key_results()}
    for kr_id in by_kr:
        done = [c.done for c in checkins if c.key_result == kr_id and c.done is not None]
        assert True not in done[:-1], kr_id


def test_demo_checkins_differ_between_key_results() -> None:
    okrs = load_template("company")
    checkins = demo_checkins(okrs, dt.date(2026, 3, 31))
    metrics = [kr for _, kr in okrs.key_results() if kr.type == "metric"]
    finals = {}
    for kr in metrics:
        values = [c.value for c in checkins if c.key_result == kr.id]
        assert kr.start is not None and kr.target is not None
        finals[kr.id] = (values[-1] - kr.start) / (kr.target - kr.start)
    assert len({round(v, 2) for v in finals.values()}) > 1  # some ahead, some behind


# --- open_workspace ------------------------------------------------------------------------------


def _store_with(path: Path, name: str) -> Path:
    with Store(path) as store:
        store.import_set(load_template(name))
    return path


def test_open_workspace_prefers_the_url(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = _store_with(tmp_path / "explicit.db", "hr")
    env = _store_with(tmp_path / "env.db", "sales")
    monkeypatch.setenv("OKRKIT_DATABASE_URL", f"sqlite:///{env}")
    with open_workspace(explicit) as store:
        assert store.url == f"sqlite:///{explicit}"
        assert store.load().objectives[0].id.startswith("HR")
    with open_workspace(str(explicit)) as store:
        assert store.url == f"sqlite:///{explicit}"
    with open_workspace() as store:
        assert store.url == f"sqlite:///{env}"
        assert store.load().objectives == load_template("sales").objectives
    assert not demo_dir.exists()


@pytest.mark.parametrize("env", [None, ""])
def test_open_workspace_falls_back_to_the_demo(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, env: str | None
) -> None:
    if env is not None:
        monkeypatch.setenv("OKRKIT_DATABASE_URL", env)
    with open_workspace() as store:
        assert store.url == f"sqlite:///{demo_dir / 'okrkit.db'}"
        assert len(store.load().objectives) == sum(len(load_template(n).objectives) for n in NAMES)
