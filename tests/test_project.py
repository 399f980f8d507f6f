"""The project around the package: public API, import cost, packaging, docs and notebooks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

import okrkit
from okrkit import load_yaml

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name, value in vars(okrkit).items()
        if not name.startswith("_")
        and not isinstance(value, type(okrkit))  # submodules
        and name not in ("annotations", "importlib", "Any")
    } | set(okrkit._LAZY)
    assert okrkit.__all__ == sorted(okrkit.__all__, key=lambda n: (not n.isupper(), n))
    assert set(okrkit.__all__) == public


def test_every_module_declares_all() -> None:
    for path in (ROOT / "okrkit").rglob("*.py"):
        if path.name == "__main__.py":
            continue
        assert "__all__" in path.read_text(encoding="utf-8"), path


def test_import_okrkit_stays_light() -> None:
    code = (
        "import sys, okrkit; "
        "print([m for m in ('sqlalchemy', 'ipywidgets', 'IPython', 'matplotlib', 'openpyxl',"
        " 'networkx')"
        " if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# conda names that differ from PyPI names
CONDA_TO_PYPI = {"types-pyyaml": "types-PyYAML", "matplotlib-base": "matplotlib"}


def _split(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement)
    assert m, requirement
    name = re.sub(r"\[.*\]", "", m.group(1))
    return name.lower(), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = [*project["dependencies"], *(r for group in extras.values() for r in group)]
    wanted = dict(_split(r) for r in requirements)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, bound = _split(dep)
            if name in ("python", "pip"):
                continue
            conda[CONDA_TO_PYPI.get(name, name).lower()] = bound
    assert conda == wanted
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace("python", "") == project["requires-python"]


def test_notebooks_are_committed_without_outputs() -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], f"{path.name} has outputs"
                assert cell["execution_count"] is None, f"{path.name} has execution counts"


def test_notebooks_have_one_parameters_cell_first() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1 and code[0] is tagged[0], path.name
        assert not any(re.search(r"^\s*def ", "".join(c["source"]), re.M) for c in code), (
            f"{path.name} defines functions"
        )


def test_format_doc_example_is_valid_and_uses_every_key() -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert blocks
    okrs = load_yaml(blocks[-1], source="docs/format.md")
    data = yaml.safe_load(blocks[-1])
    assert set(data) == {"cycle", "objectives", "kpis", "initiatives", "checkins"}
    assert {kr.type for _, kr in okrs.key_results()} == {
        "metric",
        "milestone",
        "qualitative",
        "guardrail",
        "ordinal",
    }
    # the shapes real OKR sets have appear in the example
    used = {k for o in data["objectives"] for kr in o["key_results"] for k in kr}
    assert {"bound", "per", "due", "description", "commit_zone", "zone"} <= used
    assert any(p.endswith("-KR1") for o in data["objectives"] for p in o.get("aligns_to", ()))
    assert "baseline" in data["kpis"][0]


def test_format_doc_spreadsheets_load(tmp_path: Path) -> None:
    """The CSV snippets of docs/format.md read as they are shown."""
    from okrkit.io import load_flat_csv
    from okrkit.io.tabular import load_csv

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", text, re.S)
    objectives, key_results, checkins, kpis, swedish_krs, flat, swedish_flat = blocks
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "cycle.csv").write_text("id,start,end\n2026-Q1,2026-01-01,2026-03-31\n")
    for name, block in (
        ("objectives", objectives),
        ("key_results", key_results),
        ("checkins", checkins),
        ("kpis", kpis),
    ):
        (folder / f"{name}.csv").write_text(block, encoding="utf-8")
    okrs = load_csv(folder)
    assert okrs.objective("WEB-1").aligns_to == ("CO-1-KR2", "CO-1")
    assert okrs.key_result("WEB-1-KR1").stretch_zone == "A release every week, without a hotfix"
    assert okrs.kpis[0].baseline == 120 and okrs.checkins[0].zone == "target"

    (folder / "objectives.csv").write_text(
        "id;title\nZUME-1;Jättenöjda kunder\n", encoding="utf-8-sig"
    )
    (folder / "key_results.csv").write_bytes(
        ("\ufeff" + swedish_krs.replace("\n", "\r\n")).encode("utf-8")
    )
    for name in ("checkins", "kpis"):
        (folder / f"{name}.csv").unlink()
    swedish = load_csv(folder)
    assert swedish.key_result("ZUME-1-KR1").target == 4.6
    assert swedish.key_result("ZUME-1-KR2").target == 1000
    assert swedish.key_result("ZUME-1-KR3").done is True

    for name, block in (("flat.csv", flat), ("okr-q3.csv", swedish_flat)):
        (tmp_path / name).write_text(block, encoding="utf-8")
    assert load_flat_csv(tmp_path / "flat.csv").key_result("CO-1-KR3").zone == "commit"
    q3 = load_flat_csv(tmp_path / "okr-q3.csv")
    assert q3.key_result("ZUME-1-KR1").bound == "at_least"
    assert q3.objective("PROD-1").aligns_to == ("SAAS-1-KR1",)


def test_readme_quick_start_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, re.S)
    assert block
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [c for c in commands if c] == ["make lab", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", script, re.M)
