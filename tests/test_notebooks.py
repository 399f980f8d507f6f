"""Department notebooks: seeding a department's starter set, the generated notebook, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from okrkit import Cycle, InputError, Store, current_quarter, load_template, template_names
from okrkit.cli import main
from okrkit.notebooks import (
    department_names,
    department_okrs,
    make_department_notebook,
    seed_department,
    template_notebook,
)

ROOT = Path(__file__).resolve().parent.parent


def injected(path: Path) -> dict[str, Any]:
    """The values of the notebook's injected-parameters cell, which follows its parameters cell."""
    nb = nbformat.read(path, as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in nb.cells]
    at = next(i for i, t in enumerate(tags) if "injected-parameters" in t)
    assert "parameters" in tags[at - 1]
    values: dict[str, Any] = {}
    exec(nb.cells[at].source, values)
    return {k: v for k, v in values.items() if not k.startswith("__")}


def objective_ids(store: Store, cycle: str) -> list[str]:
    return [o.id for o in store.load(cycle).objectives]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "okrkit.db")


# --- the template notebook ---------------------------------------------------------------------


def test_template_notebook_is_found_beside_the_templates() -> None:
    path = template_notebook()
    assert path == ROOT / "templates" / "notebooks" / "department.ipynb"


def test_template_notebook_has_the_four_parameters_and_no_outputs() -> None:
    nb = nbformat.read(template_notebook(), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    values: dict[str, Any] = {}
    exec(code[0].source, values)
    assert {k: v for k, v in values.items() if not k.startswith("__")} == {
        "department": "marketing",
        "cycle": None,
        "database_url": None,
        "lang": None,
    }
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None
        assert not re.search(r"^\s*def ", cell.source, re.M)


# --- seeding -----------------------------------------------------------------------------------


def test_seed_department_imports_the_starter_set_once(store: Store) -> None:
    assert seed_department(store, "marketing", "2026-Q2") is True
    assert objective_ids(store, "2026-Q2") == ["MKT-1", "MKT-2", "MKT-3"]
    assert seed_department(store, "marketing", "2026-Q2") is False
    assert objective_ids(store, "2026-Q2") == ["MKT-1", "MKT-2", "MKT-3"]
    template = load_template("marketing")
    okrs = store.load("2026-Q2")
    assert len(okrs.kpis) == len(template.kpis) and len(okrs.initiatives) == len(
        template.initiatives
    )


def test_seed_department_keeps_a_department_the_team_already_has(store: Store) -> None:
    store.import_set(load_template("marketing", "2026-Q2"))
    store.import_set(load_template("sales", "2026-Q3"))
    assert seed_department(store, "marketing", "2026-Q2") is False
    assert seed_department(store, "sales", "2026-Q3") is False
    assert [c.id for c in store.cycles()] == ["2026-Q2", "2026-Q3"]
    assert objective_ids(store, "2026-Q2") == ["MKT-1", "MKT-2", "MKT-3"]


def test_seed_department_renames_ids_another_cycle_holds(store: Store) -> None:
    assert seed_department(store, "company", "2026-Q1")
    assert seed_department(store, "marketing", "2026-Q1")
    assert seed_department(store, "marketing", "2026-Q2")
    q2 = store.load("2026-Q2")
    assert [o.id for o in q2.objectives] == ["MKT-1-2026-Q2", "MKT-2-2026-Q2", "MKT-3-2026-Q2"]
    ids = {kr.id for _, kr in q2.key_results()}
    assert "MKT-1-KR1-2026-Q2" in ids
    assert all(m in ids for k in q2.kpis for m in k.measures)
    # the team objective follows its parent's copy; the company link, absent in Q2, is dropped
    assert q2.objective("MKT-3-2026-Q2").aligns_to == ("MKT-1-2026-Q2",)
    assert q2.objective("MKT-1-2026-Q2").aligns_to == ()
    # Q1 keeps its links to the company objectives of Q1
    assert store.load("2026-Q1").objective("MKT-1").aligns_to == ("CO-1", "CO-2")
    assert seed_department(store, "marketing", "2026-Q2") is False


def test_seed_department_links_to_the_company_copy_in_the_cycle(store: Store) -> None:
    seed_department(store, "company", "2026-Q1")
    seed_department(store, "company", "2026-Q2")  # CO-1-2026-Q2 ...
    seed_department(store, "marketing", "2026-Q2")
    assert store.load("2026-Q2").objective("MKT-1").aligns_to == ("CO-1-2026-Q2", "CO-2-2026-Q2")


def test_seed_department_defaults_to_the_running_cycle(store: Store) -> None:
    assert seed_department(store, "hr")  # an empty store: the current quarter
    assert [c.id for c in store.cycles()] == [current_quarter().id]
    later = Cycle.parse("2030-Q1")
    store.import_set(load_template("sales", later))
    assert seed_department(store, "product")  # the running cycle, not the latest
    assert objective_ids(store, current_quarter().id)[-1] == "PRD-3"


def test_unknown_department_is_refused_with_the_names(store: Store) -> None:
    with pytest.raises(InputError) as info:
        seed_department(store, "marketting", "2026-Q2")
    message = str(info.value)
    assert "marketting" in message
    for name in template_names():
        assert name in message
    assert store.cycles() == []
    assert department_names() == template_names()


def test_department_okrs_are_the_prefixed_items_of_the_cycle(store: Store) -> None:
    seed_department(store, "company", "2026-Q2")
    seed_department(store, "marketing", "2026-Q2")
    okrs = department_okrs(store, "marketing", "2026-Q2")
    assert [o.id for o in okrs.objectives] == ["MKT-1", "MKT-2", "MKT-3"]
    assert okrs.kpis and all(k.id.startswith("MKT-") for k in okrs.kpis)
    assert okrs.initiatives and all(i.id.startswith("MKT-") for i in okrs.initiatives)
    assert department_okrs(store, "hr", "2026-Q2").objectives == ()


# --- make_department_notebook ------------------------------------------------------------------


def test_make_department_notebook_injects_the_parameters(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    out = tmp_path / "mkt.ipynb"
    path = make_department_notebook(
        "marketing", cycle="2026-Q2", output=out, database_url=db, lang="sv"
    )
    assert path == out
    assert injected(path) == {
        "department": "marketing",
        "cycle": "2026-Q2",
        "database_url": f"sqlite:///{db}",
        "lang": "sv",
    }
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    with Store(db) as store:
        assert objective_ids(store, "2026-Q2") == ["MKT-1", "MKT-2", "MKT-3"]


def test_make_department_notebook_seeds_the_store_once(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    for name in ("a.ipynb", "b.ipynb"):
        make_department_notebook("sales", cycle="2026-Q3", output=tmp_path / name, database_url=db)
    with Store(db) as store:
        assert objective_ids(store, "2026-Q3") == ["SAL-1", "SAL-2", "SAL-3"]
        assert len(store.load("2026-Q3").kpis) == len(load_template("sales").kpis)


def test_make_department_notebook_picks_the_stores_cycle(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with Store(db) as store:
        store.import_set(load_template("company", "2026-Q1"))
    path = make_department_notebook("hr", output=tmp_path / "hr.ipynb", database_url=db)
    assert injected(path)["cycle"] == "2026-Q1"  # the store's only cycle, pinned
    with Store(db) as store:
        assert store.load("2026-Q1").objective("HR-1").aligns_to  # linked to CO-... of Q1


def test_make_department_notebook_refuses_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    out = tmp_path / "hr.ipynb"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="exists"):
        make_department_notebook("hr", output=out, database_url=db)
    assert out.read_text(encoding="utf-8") == "mine"
    assert not db.exists()  # refused before touching the store
    make_department_notebook("hr", output=out, database_url=db, force=True)
    assert injected(out)["department"] == "hr"


def test_make_department_notebook_refuses_an_unknown_department(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="customer_success, engineering"):
        make_department_notebook("finance", output=tmp_path / "f.ipynb")
    with pytest.raises(InputError, match="lang"):
        make_department_notebook("hr", output=tmp_path / "f.ipynb", lang="de")
    assert list(tmp_path.iterdir()) == []


# --- the command line --------------------------------------------------------------------------


def test_cli_notebook_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["notebook", "marketing", "--cycle", "2026-Q2", "--lang", "sv"]) == 0
    out = capsys.readouterr().out
    assert "marketing_okrs.ipynb" in out and "3 marketing objectives" in out
    values = injected(tmp_path / "marketing_okrs.ipynb")
    assert values == {
        "department": "marketing",
        "cycle": "2026-Q2",
        "database_url": f"sqlite:///{tmp_path / 'okrkit.db'}",  # ./okrkit.db, made absolute
        "lang": "sv",
    }
    # a second run refuses to overwrite, then --force does, without seeding twice
    assert main(["notebook", "marketing", "--cycle", "2026-Q2"]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["notebook", "marketing", "--cycle", "2026-Q2", "--force"]) == 0
    with Store(tmp_path / "okrkit.db") as store:
        assert objective_ids(store, "2026-Q2") == ["MKT-1", "MKT-2", "MKT-3"]


def test_cli_notebook_db_before_or_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    assert main(["--db", str(before), "notebook", "hr", "-o", "a.ipynb"]) == 0
    assert main(["notebook", "hr", "-o", "b.ipynb", "--db", str(after)]) == 0
    assert injected(tmp_path / "a.ipynb")["database_url"] == f"sqlite:///{before}"
    assert injected(tmp_path / "b.ipynb")["database_url"] == f"sqlite:///{after}"
    assert not (tmp_path / "okrkit.db").exists()


def test_cli_notebook_leaves_the_environment_store_to_the_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OKRKIT_DATABASE_URL", str(tmp_path / "shared.db"))
    assert main(["notebook", "product", "--cycle", "2026-Q1"]) == 0
    assert injected(tmp_path / "product_okrs.ipynb")["database_url"] is None
    with Store(tmp_path / "shared.db") as store:
        assert objective_ids(store, "2026-Q1") == ["PRD-1", "PRD-2", "PRD-3"]


def test_cli_notebook_unknown_department(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["notebook", "finance"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("okrkit: error:") and "finance" in err
    assert all(name in err for name in template_names())
    assert list(tmp_path.iterdir()) == []


# --- the generated notebook runs ---------------------------------------------------------------


def test_generated_department_notebook_runs_under_nbval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store" / "okrkit.db"
    db.parent.mkdir()
    monkeypatch.setenv("OKRKIT_DATABASE_URL", str(db))
    monkeypatch.setenv("OKRKIT_DEMO_DIR", str(tmp_path / "demo"))
    quarter = current_quarter(dt.date.today())
    # a store that holds an old quarter's marketing: this quarter gets copies under new ids
    with Store(db) as store:
        store.import_set(load_template("marketing", "2020-Q1"))
    path = make_department_notebook(
        "marketing", cycle=quarter.id, output=tmp_path / "marketing_okrs.ipynb"
    )
    assert injected(path)["database_url"] is None  # the kernel reads $OKRKIT_DATABASE_URL
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    with Store(db) as store:
        ids = objective_ids(store, quarter.id)
    assert ids == [f"MKT-{i}-{quarter.id}" for i in (1, 2, 3)]
    assert not (tmp_path / "demo").exists()  # the notebook opened the store it was given
    assert json.loads(path.read_text(encoding="utf-8"))["cells"]  # left as written
