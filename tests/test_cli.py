"""The ``okrkit`` command line, called in-process through ``main`` and once as a real program."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from testdata import run_cli as run

from okrkit import (
    KPI,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
    OkrSet,
    Store,
    dump_yaml,
    load_yaml,
    score,
)
from okrkit.cli import main
from okrkit.workspace import template_names, templates_dir

ROOT = Path(__file__).resolve().parent.parent
OKRKIT = Path(sys.executable).parent / "okrkit"
AS_OF = "2026-02-14"


def sample() -> OkrSet:
    """A 2026-Q1 set with every key result type, check-ins, an empty objective and odd text."""
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="CO-1",
                title="Delight customers",
                owner="CEO",
                level="company",
                key_results=[
                    KeyResult(id="CO-1-KR1", title="Visitors 0 to 100", start=0, target=100),
                    KeyResult(id="CO-1-KR2", title="Launch", type="milestone", weight=2),
                ],
            ),
            Objective(
                id="MKT-1",
                title="Be known — «überall»",
                owner="CMO",
                level="department",
                kind="aspirational",
                aligns_to=["CO-1"],
                description="two\nlines",
                key_results=[
                    KeyResult(id="MKT-1-KR1", title="Loved", type="qualitative"),
                    KeyResult(
                        id="MKT-1-KR2",
                        title="Backlog below 50",
                        type="guardrail",
                        threshold=50,
                        direction="below",
                    ),
                    KeyResult(id="MKT-1-KR3", title="Churn 8 to 5", start=8, target=5, unit="%"),
                ],
            ),
            Objective(id="EMPTY-1", title="=1+1 looks like a formula", owner="-dash"),
        ],
        kpis=[
            KPI(
                id="P1",
                name="Leads",
                target=20,
                timeframe="weekly",
                data_source="CRM",
                frequency="weekly",
                measures=["CO-1-KR1"],
            )
        ],
        initiatives=[Initiative(id="I1", title="Campaign", supports=["CO-1-KR1"])],
        checkins=[
            CheckIn(key_result="CO-1-KR1", date="2026-02-01", value=40, confidence=7),
            CheckIn(key_result="CO-1-KR1", date="2026-03-01", value=90),  # after AS_OF
            CheckIn(key_result="CO-1-KR2", date="2026-02-10", done=True, note="line 1\nline 2"),
            CheckIn(key_result="MKT-1-KR1", date="2026-02-11", grade=0.6),
            CheckIn(key_result="MKT-1-KR2", date="2026-01-15", value=40),
            CheckIn(key_result="MKT-1-KR2", date="2026-02-01", value=60),
            CheckIn(key_result="MKT-1-KR3", date="2026-02-01", value=6.5),
        ],
    )


def without_ids(okrs: OkrSet) -> OkrSet:
    return dataclasses.replace(
        okrs, checkins=tuple(dataclasses.replace(c, id=None) for c in okrs.checkins)
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store holding :func:`sample`."""
    path = tmp_path / "store" / "okrkit.db"
    path.parent.mkdir()
    with Store(path) as store:
        store.import_set(sample())
    return path


@pytest.fixture
def sample_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "sample.yaml"
    path.write_text(dump_yaml(sample()), encoding="utf-8")
    return path


def load(db: Path, cycle: str | None = None) -> OkrSet:
    with Store(db, create=False) as store:
        return store.load(cycle)


# --- the installed program ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "stream", "text"),
    [
        (["check", "{bad}"], 1, "stderr", "line 9, field 'weight'"),
        (["score", "{good}", "--format", "json", "--as-of", AS_OF], 0, "stdout", '"as_of"'),
    ],
    ids=["error", "success"],
)
def test_installed_entry_point(
    tmp_path: Path, sample_yaml: Path, args: list[str], code: int, stream: str, text: str
) -> None:
    assert OKRKIT.is_file(), "the okrkit console script is not installed in the venv"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: T\n    key_results:\n"
        "      - id: K1\n        title: k\n        start: 0\n        weight: -1\n"
        "        target: 1\n",
        encoding="utf-8",
    )
    argv = [a.format(bad=bad, good=sample_yaml) for a in args]
    done = subprocess.run(
        [str(OKRKIT), *argv], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == code, done.stderr
    assert text in getattr(done, stream)
    assert "Traceback" not in done.stderr
    if code:
        assert done.stderr.startswith("okrkit: error: ") and str(bad) in done.stderr
        assert done.stderr.count("\n") == 1
    else:
        assert json.loads(done.stdout)["cycle"] == "2026-Q1"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 2 and "carry-over" in out


# --- init and templates -------------------------------------------------------------------------


def test_init_with_templates_and_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "team"
    code, out, _ = run(
        capsys,
        "init",
        folder,
        "--template",
        "marketing",
        "--template",
        "company",
        "--cycle",
        "2026-Q2",
    )
    assert code == 0
    assert "2026-Q2: 7 objectives" in out and f"cd {folder}" in out
    okrs = load(folder / "okrkit.db")
    assert okrs.cycle == Cycle.parse("2026-Q2")
    company = load_yaml(ROOT / "templates" / "company.yaml")
    marketing = load_yaml(ROOT / "templates" / "marketing.yaml")
    # company first (the departments align to it), whatever the order on the command line
    assert okrs.objectives == company.objectives + marketing.objectives


def test_init_defaults_to_the_current_quarter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from okrkit.cycles import current_quarter

    code, _, _ = run(capsys, "init", tmp_path / "w", "-t", "personal")
    assert code == 0
    assert load(tmp_path / "w" / "okrkit.db").cycle == current_quarter()


def test_init_without_templates_makes_an_empty_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "init", tmp_path / "empty")
    assert code == 0 and "workspace ready" in out
    with Store(tmp_path / "empty" / "okrkit.db", create=False) as store:
        assert store.cycles() == []


def test_init_unknown_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "init", tmp_path / "w", "--template", "astrology")
    assert code == 2
    assert "'astrology'" in err and "company, customer_success" in err
    assert not (tmp_path / "w" / "okrkit.db").exists()


def outside_template(tmp_path: Path) -> str:
    """A valid OKR file outside the templates, as a path relative to them (less ``.yaml``)."""
    path = tmp_path / "outside.yaml"
    path.write_text((ROOT / "templates" / "hr.yaml").read_text("utf-8"), "utf-8")
    return os.path.relpath(path.with_suffix(""), templates_dir())


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_init_refuses_a_template_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], absolute: bool
) -> None:
    given = outside_template(tmp_path)
    if absolute:
        given = str(tmp_path / "outside")
    code, out, err = run(capsys, "init", tmp_path / "w", "--template", given)
    assert code == 2 and out == ""
    assert f"'{given}' is a path, not a template name" in err
    assert "company, customer_success" in err and "okrkit import FILE" in err
    assert not (tmp_path / "w").exists()


def test_notebook_refuses_a_template_path_as_init_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    given = outside_template(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "notebook", given)
    assert code == 2 and out == ""
    assert f"field 'department': '{given}' is a path, not a template name" in err
    assert "company, customer_success" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside.yaml"]


def test_init_twice_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", tmp_path, "-t", "hr", "--cycle", "2026-Q1")[0] == 0
    with Store(tmp_path / "okrkit.db") as store:
        before = store.load()
        store.update_objective("HR-1", 1, title="Our own words")
    code, _, err = run(capsys, "init", tmp_path, "-t", "hr", "--cycle", "2026-Q1")
    # the template would write over an edit made in the store since: refused
    assert code == 1 and "HR-1" in err and "--replace" in err
    with Store(tmp_path / "okrkit.db") as store:
        assert store.load().objective("HR-1").title == "Our own words"
        assert len(store.load().objectives) == len(before.objectives)


def test_templates_lists_every_template(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "templates")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == template_names() and len(names) == 8
    company = load_yaml(ROOT / "templates" / "company.yaml")
    assert f"{len(company.objectives)} objectives, {len(company.kpis)} KPIs" in out.splitlines()[0]


# --- import and export --------------------------------------------------------------------------


def test_import_yaml(tmp_path: Path, sample_yaml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "new.db"
    code, out, _ = run(capsys, "--db", db, "import", sample_yaml)
    assert code == 0
    assert "cycle 2026-Q1: 3 objectives, 5 key results, 1 KPIs, 1 initiatives, 7 check-ins" in out
    assert without_ids(load(db)) == sample()


def test_import_of_a_changed_file_without_versions_needs_replace(
    db: Path, sample_yaml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = load(db)
    code, out, _ = run(capsys, "--db", db, "import", sample_yaml)
    assert code == 0 and "0 added, 0 changed" in out  # the same file again: nothing to do
    assert load(db) == before
    changed = sample_yaml.read_text(encoding="utf-8").replace("Delight customers", "Wow them")
    sample_yaml.write_text(changed, encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "import", sample_yaml)
    assert code == 1
    assert "--replace" in err and "CO-1" in err and "no 'version'" in err
    assert load(db) == before
    # a replace shows what it overwrites and asks; without a terminal it needs --yes
    code, out, err = run(capsys, "--db", db, "import", sample_yaml, "--replace")
    assert code == 1 and "~ CO-1  (title)" in out and "--yes" in err
    assert load(db) == before
    code, out, _ = run(capsys, "--db", db, "import", sample_yaml, "--replace", "--yes")
    assert code == 0 and "1 changed" in out
    assert load(db).objective("CO-1").title == "Wow them"
    assert len(load(db).checkins) == len(sample().checkins)


@pytest.mark.parametrize(
    ("source", "code", "text"),
    [("missing.yaml", 2, "no such file"), ("notes.txt", 2, "cannot tell the format")],
)
def test_import_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, code: int, text: str
) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    got, _, err = run(capsys, "--db", tmp_path / "s.db", "import", tmp_path / source)
    assert got == code and text in err


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("yaml", "out.yaml"),
        ("csv", "out_csv"),
        ("xlsx", "out.xlsx"),
    ],
)
def test_export_and_reimport(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str
) -> None:
    target = tmp_path / name
    code, out, _ = run(capsys, "--db", db, "export", "--format", fmt, "-o", target)
    assert code == 0 and "exported cycle 2026-Q1" in out
    assert target.exists()
    fresh = tmp_path / "fresh.db"
    code, _, err = run(capsys, "--db", fresh, "import", target)
    assert code == 0, err
    assert without_ids(load(fresh)) == without_ids(load(db)) == sample()


@pytest.mark.parametrize("name", ["out.yaml", "out.xlsx"])
def test_export_format_from_the_suffix(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert run(capsys, "--db", db, "export", "-o", tmp_path / name)[0] == 0
    fresh = tmp_path / "fresh.db"
    assert run(capsys, "--db", fresh, "import", tmp_path / name)[0] == 0
    assert without_ids(load(fresh)) == sample()


def test_export_to_stdout_prints_yaml(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "export", "-o", "-")
    assert code == 0
    assert load_yaml(out) == sample()


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--format", "csv", "-o", "-"], "only YAML can be printed"),
        (["-o", "{tmp}/plan.txt"], "pass --format"),
        (["--cycle", "2030-Q1", "-o", "{tmp}/plan.yaml"], "no cycle '2030-Q1'"),
    ],
)
def test_export_refusals(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], text: str
) -> None:
    code, out, err = run(capsys, "--db", db, "export", *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and out == ""
    assert err.startswith("okrkit: error: ") and text in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # nothing written


@pytest.mark.parametrize(
    ("store", "text"),
    [("no/such/folder/s.db", "does not exist"), ("garbage.db", "not an okrkit store")],
)
def test_import_into_a_bad_store(
    tmp_path: Path, sample_yaml: Path, capsys: pytest.CaptureFixture[str], store: str, text: str
) -> None:
    (tmp_path / "garbage.db").write_bytes(b"\x00garbage" * 300)
    code, _, err = run(capsys, "--db", tmp_path / store, "import", sample_yaml)
    assert code == 2 and text in err
    assert not (tmp_path / "no").exists()


def test_export_of_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", tmp_path / "none.db", "export", "-o", "-")
    assert code == 2 and "okrkit init" in err
    assert not (tmp_path / "none.db").exists()


# --- check ---------------------------------------------------------------------------------------

VALID = """\
cycle: 2026-Q1
objectives:
  - id: O1
    title: Grow
    key_results:
      - id: K1
        title: Visitors
        start: 0
        target: 100
  - id: O2
    title: Hire
    aligns_to: [O1]
"""


def test_check_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(VALID, encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 0 and err == ""
    assert "valid (2 objectives, 1 key results;" in out


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("        target: 100", "        target: 100\n        weight: -1", 10, "weight"),
        ("  - id: O2\n    title: Hire\n    aligns_to: [O1]", "  - id: O1\n    title: H", 10, "id"),
        ("        start: 0", "        start: 0\n        grade: 0.5", 9, "grade"),
        ("    title: Hire", "    title: Hire\n    level: galaxy", 12, "level"),
    ],
    ids=["weight", "duplicate-id", "foreign-field", "level"],
)
def test_check_file_with_errors(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    line: int,
    field: str,
) -> None:
    path = tmp_path / "plan.yaml"
    assert old in VALID
    path.write_text(VALID.replace(old, new), encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 1 and out == ""
    assert err.startswith(f"okrkit: error: {path}, line {line}, field '{field}'")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.yaml", None),
        ("broken.yaml", b"cycle: 2026-Q1\nobjectives: [\n"),
        ("tabs.yaml", b"cycle: 2026-Q1\nobjectives:\n\t- id: O1\n"),
        ("latin1.yaml", "cycle: 2026-Q1\n# Malmö\n".encode("latin-1")),
        ("x.db", os.urandom(2048)),
        ("missing.db", None),
    ],
)
def test_check_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "check", path)
    assert code == 2 and out == ""
    assert err.startswith("okrkit: error: ") and name in err
    assert err.count("\n") == 1


def test_check_unknown_alignment_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(VALID.replace("aligns_to: [O1]", "aligns_to: [O1, CO-9]"), encoding="utf-8")
    code, out, _ = run(capsys, "check", path)
    assert code == 0
    assert "warning  OKR602  O2: O2 aligns to CO-9" in out
    assert "another file" in out
    code, out, _ = run(capsys, "check", "--strict", path)
    assert code == 1 and "NOT valid" in out


@pytest.mark.parametrize("how", ["folder", "file", "url", "--db", "cwd"])
def test_check_a_store(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    args: list[str | Path] = {
        "folder": ["check", db.parent],
        "file": ["check", db],
        "url": ["check", f"sqlite:///{db}"],
        "--db": ["--db", db, "check"],
        "cwd": ["check"],
    }[how]
    monkeypatch.chdir(db.parent)
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "valid (3 objectives, 5 key results;" in out


def test_check_store_warns_about_alignment_across_cycles(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(db) as store:
        store.import_set(
            OkrSet(
                cycle="2026-Q2",
                objectives=[Objective(id="Q2-1", title="x", aligns_to=["CO-1", "GHOST"])],
            )
        )
    code, out, _ = run(capsys, "--db", db, "check", "--cycle", "2026-Q2")
    # a link to an id that exists nowhere is a warning, as the import said; its set may come
    assert code == 0
    assert "warning  OKR602  Q2-1: Q2-1 aligns to GHOST" in out
    assert "warning  OKR603  Q2-1" in out and "CO-1" in out
    assert "OKR602  Q2-1: Q2-1 aligns to CO-1" not in out


# --- score --------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["file", "store"])
def test_score_json_shape_and_values(
    db: Path, sample_yaml: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    where = sample_yaml if source == "file" else db
    code, out, _ = run(capsys, "score", where, "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"as_of", "cycle", "objectives"}
    assert (data["as_of"], data["cycle"]) == (AS_OF, "2026-Q1")
    o_keys = {"id", "title", "owner", "level", "kind", "score", "band", "status", "scored"}
    o_keys.add("key_results")
    kr_keys = {"id", "title", "type", "value", "score", "band", "status", "pending"}
    assert all(set(o) == o_keys for o in data["objectives"])
    assert all(set(kr) == kr_keys for o in data["objectives"] for kr in o["key_results"])

    expected = score(sample(), dt.date.fromisoformat(AS_OF))
    objectives = expected.objectives.set_index("id")
    krs = expected.key_results.set_index("id")
    assert [o["id"] for o in data["objectives"]] == ["CO-1", "MKT-1", "EMPTY-1"]
    for o in data["objectives"]:
        row = objectives.loc[o["id"]]
        assert (o["title"], o["owner"], o["level"], o["kind"]) == (
            row["title"],
            row["owner"],
            row["level"],
            row["kind"],
        )
        if o["key_results"]:
            assert o["score"] == pytest.approx(row["score"])
            assert (o["band"], o["status"]) == (row["band"], row["status"])
        for kr in o["key_results"]:
            assert kr["score"] == pytest.approx(krs.loc[kr["id"], "score"])
            want = krs.loc[kr["id"]]
            assert (kr["band"], kr["status"]) == (want["band"], want["status"])
    by_id = {kr["id"]: kr for o in data["objectives"] for kr in o["key_results"]}
    # by hand: 40 of 100 on Feb 14 (the check-in of March is later); 8 -> 5 at 6.5 is half way
    assert by_id["CO-1-KR1"] | {"title": None} == {
        "id": "CO-1-KR1",
        "title": None,
        "type": "metric",
        "value": 40.0,
        "score": 0.4,
        "band": "yellow",
        "status": "at risk",
        "pending": None,
    }
    assert by_id["MKT-1-KR3"]["score"] == pytest.approx(0.5)
    assert by_id["CO-1-KR2"]["value"] is True and by_id["CO-1-KR2"]["score"] == 1.0
    assert by_id["MKT-1-KR2"]["score"] == pytest.approx(0.5)
    empty = data["objectives"][2]
    assert empty["score"] is None and empty["band"] is None and empty["key_results"] == []
    co1 = data["objectives"][0]
    assert co1["score"] == pytest.approx((0.4 * 1 + 1.0 * 2) / 3)


def test_score_default_as_of_of_a_past_cycle_is_its_end(
    sample_yaml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "score", sample_yaml, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-03-31"
    kr1 = data["objectives"][0]["key_results"][0]
    assert kr1["value"] == 90.0 and kr1["score"] == pytest.approx(0.9)


def test_score_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [
        "CO-1",
        "CO-1-KR1",
        "CO-1-KR2",
        "MKT-1",
        "MKT-1-KR1",
        "MKT-1-KR2",
        "MKT-1-KR3",
        "EMPTY-1",
    ]
    assert [r["level"] for r in rows].count("objective") == 3
    kr1 = rows[1]
    assert (kr1["objective"], kr1["type"], kr1["band"], kr1["status"]) == (
        "CO-1",
        "metric",
        "yellow",
        "at risk",
    )
    assert float(kr1["value"]) == 40.0 and float(kr1["score"]) == pytest.approx(0.4)
    # text a spreadsheet would run as a formula is neutralised
    assert rows[-1]["title"] == "'=1+1 looks like a formula"
    assert rows[-1]["owner"] == "'-dash"
    assert rows[-1]["score"] == ""


def test_score_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "score", "--as-of", AS_OF)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"cycle 2026-Q1, as of {AS_OF}"
    firsts = [line.split()[0] for line in lines[2:]]
    for ident in ("CO-1", "MKT-1", "EMPTY-1", "CO-1-KR1", "MKT-1-KR3"):
        assert ident in firsts
    kr1 = next(line for line in lines if line.strip().startswith("CO-1-KR1"))
    assert "0.40" in kr1 and "yellow" in kr1 and "at risk" in kr1


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--as-of", "2026-02-30"], 2),
        (["--as-of", "yesterday"], 2),
        (["--format", "pdf"], 2),
        (["--cycle", "1999-Q1"], 2),
    ],
)
def test_score_refusals(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int
) -> None:
    got, out, err = run(capsys, "--db", db, "score", *args)
    assert got == code and out == "" and err


# --- carry-over ---------------------------------------------------------------------------------


def test_carry_over_default_to_is_the_next_cycle(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", db, "carry-over", "--from", "2026-Q1")
    assert code == 0
    assert "into 2026-Q2" in out
    carried = load(db, "2026-Q2")
    # CO-1 is unfinished (KR1 at 0.9), MKT-1 too; EMPTY-1 has no score and is carried as well
    assert "CO-1 -> CO-1-2026-Q2" in out and "MKT-1 -> MKT-1-2026-Q2" in out
    co1 = carried.objective("CO-1-2026-Q2")
    assert [kr.id for kr in co1.key_results] == ["CO-1-KR1-2026-Q2"]  # the milestone was done
    assert co1.key_results[0].start == 90.0
    assert carried.checkins == ()


def test_carry_over_explicit_ids_and_to(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--db", db, "carry-over", "--from", "2026-Q1", "--to", "2026-Q3", "MKT-1"
    )
    assert code == 0
    assert [o.id for o in load(db, "2026-Q3").objectives] == ["MKT-1-2026-Q3"]
    assert "(3 key results)" in out
    with Store(db) as store:
        assert [c.id for c in store.cycles()] == ["2026-Q1", "2026-Q3"]


def test_carry_over_cycles_of_explicit_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h1 = Cycle(id="2026-H1", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    h2 = Cycle(id="2026-H2", start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31))
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.import_set(dataclasses.replace(sample(), cycle=h1))
        store.import_set(OkrSet(cycle=h2))
    # --to names a cycle already in the store by its id
    code, _, err = run(capsys, "--db", db, "carry-over", "--from", "2026-H1", "--to", "2026-H2")
    assert code == 0, err
    assert load(db, "2026-H2").cycle == h2
    # the default --to is the stored cycle that starts the day after (as the review picks it) ...
    fresh = tmp_path / "t.db"
    with Store(fresh) as store:
        store.import_set(dataclasses.replace(sample(), cycle=h1))
        store.import_set(OkrSet(cycle=h2))
    code, out, err = run(capsys, "--db", fresh, "carry-over", "--from", "2026-H1")
    assert code == 0, err
    assert "into 2026-H2" in out
    # ... else the period of equal length that follows
    code, out, err = run(capsys, "--db", db, "carry-over", "--from", "2026-H2")
    assert code == 0, err
    following = h2.next()
    assert f"into {following.id}" in out
    assert load(db, following.id).cycle == following
    assert "CO-1-" + following.id in [o.id for o in load(db, following.id).objectives]


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--from", "2026-Q1", "NOPE"], 2, "NOPE"),
        (["--from", "1999-Q1"], 2, "1999-Q1"),
        (["--from", "2026-Q1", "--to", "2026-Q1"], 1, "two different cycles"),
    ],
)
def test_carry_over_refusals(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, text: str
) -> None:
    got, _, err = run(capsys, "--db", db, "carry-over", *args)
    assert got == code and text in err
    with Store(db) as store:
        assert [c.id for c in store.cycles()] == ["2026-Q1"]


def test_carry_over_twice_is_a_conflict(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db, "carry-over", "--from", "2026-Q1")[0] == 0
    code, _, err = run(capsys, "--db", db, "carry-over", "--from", "2026-Q1")
    assert code == 1 and "already in the store" in err


def test_carry_over_with_nothing_unfinished(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="t",
                key_results=[KeyResult(id="K1", title="k", type="milestone", done=True)],
            )
        ],
    )
    with Store(tmp_path / "s.db") as store:
        store.import_set(done)
    code, out, _ = run(capsys, "--db", tmp_path / "s.db", "carry-over", "--from", "2026-Q1")
    assert code == 0 and "nothing to carry" in out


# --- check-ins ----------------------------------------------------------------------------------


def checkin_list(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, _ = run(capsys, "--db", db, "checkin", "list", "--format", "json", *args)
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def test_checkin_add_correct_delete_and_history(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "tester")
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "checkin",
        "add",
        "CO-1-KR1",
        "--value",
        "55",
        "--confidence",
        "8",
        "--note",
        "Campaign live",
        "--date",
        "2026-02-20",
    )
    assert code == 0
    new_id = int(out.split()[2])
    assert out.strip() == f"recorded check-in {new_id} on CO-1-KR1"
    rows = checkin_list(capsys, db, "CO-1-KR1")
    added = next(r for r in rows if r["id"] == new_id)
    assert (added["id"], added["value"], added["confidence"]) == (new_id, 55.0, 8)
    assert (added["note"], added["author"]) == ("Campaign live", "tester")
    assert added["date"].startswith("2026-02-20")

    code, out, _ = run(
        capsys, "--db", db, "checkin", "correct", str(new_id), "--value", "56", "--reason", "typo"
    )
    assert code == 0
    corrected_id = int(out.split()[-1])
    assert corrected_id != new_id
    active = checkin_list(capsys, db, "CO-1-KR1")
    assert [r["value"] for r in active] == [40.0, 56.0, 90.0]  # by date
    assert "state" not in active[0]
    history = {r["id"]: r for r in checkin_list(capsys, db, "CO-1-KR1", "--history")}
    assert history[new_id]["state"] == "corrected" and history[new_id]["reason"] == "typo"
    assert history[corrected_id]["replaces"] == new_id
    assert history[corrected_id]["note"] == "Campaign live"

    code, out, _ = run(capsys, "--db", db, "checkin", "delete", str(corrected_id))
    assert code == 0 and "kept in the history" in out
    assert [r["value"] for r in checkin_list(capsys, db, "CO-1-KR1")] == [40.0, 90.0]
    history = {r["id"]: r for r in checkin_list(capsys, db, "CO-1-KR1", "--history")}
    assert history[corrected_id]["state"] == "deleted" and len(history) == 4

    code, _, err = run(capsys, "--db", db, "checkin", "delete", str(corrected_id))
    assert code == 1 and "already deleted" in err
    code, _, err = run(capsys, "--db", db, "checkin", "correct", str(new_id), "--value", "1")
    assert code == 1 and "already corrected" in err


def test_checkin_add_defaults_to_today_moved_into_the_cycle(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "--db", db, "checkin", "add", "MKT-1-KR1", "--grade", "0.7")
    assert code == 0
    rows = checkin_list(capsys, db, "MKT-1-KR1")
    q1 = Cycle.parse("2026-Q1")
    today = min(max(dt.date.today(), q1.start), q1.end)
    assert rows[-1]["date"].startswith(today.isoformat())
    assert rows[-1]["grade"] == 0.7


def test_checkin_add_refuses_a_date_outside_the_cycle(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = load(db)
    code, out, err = run(
        capsys, "--db", db, "checkin", "add", "CO-1-KR1", "--value", "5", "--date", "2026-06-15"
    )
    assert code == 1 and out == ""
    assert "2026-06-15 is outside cycle 2026-Q1" in err and "2026-01-01 to 2026-03-31" in err
    assert "date the check-in from 2026-01-01 to 2026-03-31" in err
    assert load(db) == before


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["add", "CO-1-KR1", "--done"], 1, "the value is missing"),
        (["add", "CO-1-KR2", "--value", "3"], 1, "say whether the milestone is done"),
        (["add", "MKT-1-KR1", "--grade", "1.5"], 1, "the grade 1.5 is outside 0–1"),
        (["add", "CO-1-KR1"], 1, "the value is missing"),
        (["add", "NOPE", "--value", "3"], 2, "no key result 'NOPE'"),
        (["add", "CO-1-KR1", "--value", "3", "--confidence", "11"], 1, "confidence"),
        (["correct", "999", "--value", "3"], 2, "no check-in 999"),
        (["correct", "1"], 2, "nothing to correct"),
        (["delete", "999"], 2, "no check-in 999"),
        (["list", "NOPE"], 2, "no key result 'NOPE'"),
        ([], 2, "choose an action"),
    ],
)
def test_checkin_refusals(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, text: str
) -> None:
    before = load(db)
    got, _, err = run(capsys, "--db", db, "checkin", *args)
    assert got == code
    assert text in err
    assert load(db) == before


def test_checkin_list_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "checkin", "list", "--history")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "KEY_RESULT", "DATE"] and "STATE" in lines[0]
    assert len(lines) == 1 + len(sample().checkins)
    assert any("MKT-1-KR2" in line and "2026-01-15" in line for line in lines)


def test_checkin_list_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "checkin", "list", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(sample().checkins)
    assert rows[0]["key_result"] == "MKT-1-KR2" and float(rows[0]["value"]) == 40.0
    assert {r["note"] for r in rows} >= {"line 1\nline 2"}


# --- which store ---------------------------------------------------------------------------------


def _store_with(path: Path, prefix: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        store.import_set(
            OkrSet(cycle="2026-Q1", objectives=[Objective(id=f"{prefix}-1", title=prefix)])
        )
    return path


def _ids(capsys: pytest.CaptureFixture[str], *args: str | Path) -> list[str]:
    code, out, err = run(capsys, *args, "score", "--format", "json")
    assert code == 0, err
    return [o["id"] for o in json.loads(out)["objectives"]]


def test_which_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _store_with(tmp_path / "a" / "team.db", "A")
    b = _store_with(tmp_path / "b" / "other.sqlite", "B")
    here = _store_with(tmp_path / "here" / "okrkit.db", "HERE")
    monkeypatch.chdir(here.parent)
    monkeypatch.delenv("OKRKIT_DATABASE_URL", raising=False)
    assert _ids(capsys) == ["HERE-1"]  # ./okrkit.db
    monkeypatch.setenv("OKRKIT_DATABASE_URL", f"sqlite:///{a}")
    assert _ids(capsys) == ["A-1"]  # the environment
    assert _ids(capsys, "--db", f"sqlite:///{b}") == ["B-1"]  # --db URL beats it
    assert _ids(capsys, "--db", b) == ["B-1"]  # a plain path works too
    monkeypatch.setenv("OKRKIT_DATABASE_URL", str(a))
    assert _ids(capsys) == ["A-1"]


def test_commands_write_to_the_selected_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("OKRKIT_DATABASE_URL", f"sqlite:///{env_db}")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "plan.yaml"
    path.write_text(dump_yaml(sample()), encoding="utf-8")
    assert run(capsys, "import", path)[0] == 0
    assert env_db.exists() and not (tmp_path / "okrkit.db").exists()
    assert run(capsys, "checkin", "add", "CO-1-KR1", "--value", "1")[0] == 0
    assert len(load(env_db).checkins) == len(sample().checkins) + 1
    monkeypatch.delenv("OKRKIT_DATABASE_URL")
    assert run(capsys, "import", path)[0] == 0
    assert without_ids(load(tmp_path / "okrkit.db")) == sample()


def test_missing_default_store_says_how_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRKIT_DATABASE_URL", raising=False)
    code, _, err = run(capsys, "score")
    assert code == 2 and "okrkit init" in err
    assert not (tmp_path / "okrkit.db").exists()


@pytest.mark.parametrize("name", template_names())
def test_every_template_passes_check_and_scores(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(ROOT / "templates" / f"{name}.yaml")
    assert main(["check", path]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["score", path, "--as-of", AS_OF, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [o["id"] for o in data["objectives"]] == [o.id for o in load_yaml(path).objectives]


# --- check: quality and alignment findings -----------------------------------------------------

DRAFT = """\
cycle: 2026-Q1
objectives:
  - id: O1
    title: Grow revenue by 20 %
    owner: Ana
    key_results:
      - id: K1
        title: Implement a loyalty programme
        type: milestone
      - id: K2
        title: Grow ARR from $2M to $2.4M
        start: 2000000
        target: 2400000
  - id: O2
    title: Delight customers
    owner: Bo
    key_results:
      - id: K3
        title: Raise NPS from 31 to 42
        start: 31
        target: 42
      - id: K4
        title: Implementera ett lojalitetsprogram
        type: milestone
        silence:
          OKR202: Styrelsen vill ha lanseringen som resultat
kpis:
  - id: P1
    name: Inbound leads
    target: 20
    frequency: weekly
"""


def test_check_groups_findings_by_owner_and_fails_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(DRAFT, encoding="utf-8")
    code, out, _ = run(capsys, "check", path)
    assert code == 1  # the KPI lacks two of its four parts: an error
    lines = out.splitlines()
    ana, bo, nobody = lines.index("Ana"), lines.index("Bo"), lines.index("(no owner)")
    assert ana < bo < nobody
    assert any("OKR101  O1" in line for line in lines[ana:bo])
    assert any("OKR202  K1" in line for line in lines[ana:bo])
    assert any(line.startswith("  silenced OKR202  K4") for line in lines[bo:nobody])
    assert "reason: Styrelsen vill ha lanseringen som resultat" in out
    assert any("error    OKR401  P1" in line for line in lines[nobody:])
    assert "timeframe" in out and "data_source" in out
    assert "NOT valid" in out and "1 silenced" in out


def test_check_json_and_swedish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(DRAFT, encoding="utf-8")
    code, out, _ = run(capsys, "check", path, "--format", "json", "--lang", "sv")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False
    assert data["summary"] == {
        "error": sum(f["severity"] == "error" and not f["silenced"] for f in data["findings"]),
        "warning": sum(f["severity"] == "warning" and not f["silenced"] for f in data["findings"]),
        "info": sum(f["severity"] == "info" and not f["silenced"] for f in data["findings"]),
        "silenced": 1,
    }
    kpi = next(f for f in data["findings"] if f["code"] == "OKR401")
    assert kpi["item"] == "P1" and kpi["item_kind"] == "kpi"
    assert "saknar" in kpi["message"]  # Swedish


def test_check_warnings_pass_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(DRAFT.split("kpis:")[0], encoding="utf-8")
    assert run(capsys, "check", path)[0] == 0
    assert run(capsys, "check", "--strict", path)[0] == 1


def test_check_several_files_together(capsys: pytest.CaptureFixture[str]) -> None:
    company = ROOT / "templates" / "company.yaml"
    marketing = ROOT / "templates" / "marketing.yaml"
    _, alone, _ = run(capsys, "check", marketing)
    _, together, _ = run(capsys, "check", company, marketing)
    assert "OKR602  MKT-1" in alone
    assert "OKR602" not in together


# --- graph -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["g.png", "g.svg", "g.graphml", "g.json"])
def test_graph_writes_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    out_path = tmp_path / name
    files = [ROOT / "templates" / "company.yaml", ROOT / "templates" / "marketing.yaml"]
    code, out, _ = run(capsys, "graph", *files, "-o", out_path)
    assert code == 0 and f"wrote {out_path}" in out
    data = out_path.read_bytes()
    if name.endswith(".png"):
        assert data.startswith(b"\x89PNG")
    elif name.endswith(".svg"):
        assert b"<svg" in data[:500]
    elif name.endswith(".graphml"):
        import networkx as nx

        graph = nx.read_graphml(out_path)
        assert graph.nodes["MKT-1"]["kind"] == "objective"
        assert graph.has_edge("MKT-1", "CO-1")
    else:
        nodes = {n["id"] for n in json.loads(data)["nodes"]}
        assert {"CO-1", "MKT-1", "MKT-1-KR1"} <= nodes


def test_graph_summary_and_refusals(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "graph")
    assert code == 0 and "nodes" in out and "company" in out
    code, _, err = run(capsys, "--db", db, "graph", "-o", "graph.bmp")
    assert code == 2 and ".graphml" in err
