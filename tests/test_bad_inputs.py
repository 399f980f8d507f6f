"""Bad and hostile input files end in a clear error, never a traceback, and never touch the store.

The corpus is ``tests/bad_inputs``: YAML files, CSV folders and Excel workbooks, each listed in
``MANIFEST.yaml`` with the error class, the place (file or sheet, line or row, field) and what the
message says. Cases too big to commit (10 MB fields, a loop of 600 objectives) are built here
from :data:`GENERATED`. Every case is read three ways:

- through the public loaders (:func:`okrkit.load_yaml`, :func:`okrkit.io.read_tables`);
- through ``okrkit import FILE --db STORE`` (in-process through :func:`okrkit.cli.main`), which
  must exit non-zero with the message and no traceback;
- against a store holding a valid set, whose content must be the same afterwards.

A refused file must also be refused fast: each case is timed against reading a small valid file
of the same format in the same run, so an alias bomb or a deep nesting cannot hang an import.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from testdata import VALID_YAML

import okrkit.errors
from okrkit import Objective, OkrSet, load_template, load_yaml
from okrkit.cli import main
from okrkit.errors import AlignmentCycleError, ConflictError, OkrkitError, ValidationError
from okrkit.io import read_tables, write_csv, write_xlsx
from okrkit.store import Store

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text("utf-8"))
# How much slower than reading a small valid file of its format a refusal may be. Generous: an
# alias bomb or a quadratic scan takes seconds or hours, a refusal a few milliseconds.
SLOWER = 500
OWNED = Path("/tmp/okrkit-owned")  # what the python/object payloads in the corpus would create


# --- generated cases ------------------------------------------------------------------------------

TEN_MB = 10 * 2**20
BASE = "cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: Grow\n    owner: Ana\n"


def _loop_yaml(folder: Path, n: int = 600) -> Path:
    """A chain of ``n`` objectives, each aligned to the next, the last to the first."""
    lines = ["cycle: 2026-Q1", "objectives:"]
    for i in range(n):
        lines += [f"  - id: O{i}", f"    title: Step {i}", f"    aligns_to: [O{(i + 1) % n}]"]
    path = folder / "deep_loop.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _loop_csv(folder: Path, n: int = 600) -> Path:
    path = folder / "deep_loop"
    path.mkdir()
    (path / "cycle.csv").write_text("id\n2026-Q1\n", encoding="utf-8")
    rows = "".join(f"O{i},Step {i},O{(i + 1) % n}\n" for i in range(n))
    (path / "objectives.csv").write_text("id,title,aligns_to\n" + rows, encoding="utf-8")
    return path


def _long_title_yaml(folder: Path) -> Path:
    path = folder / "ten_mb_title.yaml"
    path.write_text(BASE.replace("title: Grow", "title: " + "Grow " * (TEN_MB // 5)), "utf-8")
    return path


def _long_note_yaml(folder: Path) -> Path:
    path = folder / "ten_mb_quoted_note.yaml"
    note = '"' + "ha \\u202e " * (TEN_MB // 10) + '"'
    text = BASE + "    key_results:\n      - {id: K1, title: Laugh, type: milestone}\n"
    text += (
        f"checkins:\n  - key_result: K1\n    date: 2026-02-03\n    done: true\n    note: {note}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


#: How a ten-megabyte description starts and ends, by the style it is written in.
LONG_TEXTS = {
    "literal": ("|", ""),
    "folded": (">", ""),
    "plain": ("start", ""),
    "quoted": ('"start', '      end"\n'),
}


def _long_text_yaml(style: str) -> Callable[[Path], Path]:
    """A description of ten megabytes in ``style``, over lines of a thousand characters."""

    def build(folder: Path) -> Path:
        start, end = LONG_TEXTS[style]
        line = "      " + ("grow the pipeline " * 60)[:999] + "\n"
        path = folder / f"ten_mb_{style}_description.yaml"
        path.write_text(f"{BASE}    description: {start}\n{line * (TEN_MB // 1000)}{end}", "utf-8")
        return path

    return build


def _long_cell_csv(folder: Path) -> Path:
    path = folder / "ten_mb_cell"
    path.mkdir()
    (path / "cycle.csv").write_text("id\n2026-Q1\n", encoding="utf-8")
    cell = '"' + "line of a very long description\n" * (TEN_MB // 32) + '"'
    (path / "objectives.csv").write_text(f"id,title,description\nO1,Grow,{cell}\n", "utf-8")
    return path


#: name -> (builder, error class, place, says)
GENERATED: dict[str, tuple[Callable[[Path], Path], type[OkrkitError], str, str]] = {
    "deep_loop_yaml": (
        _loop_yaml,
        AlignmentCycleError,
        f"deep_loop.yaml, line {2 + 3 * 600}, field 'aligns_to'",  # O599's aligns_to
        "objectives align in a loop: O0 -> O1 -> O2 -> O3 -> … -> O598 -> O599 -> O0 (600",
    ),
    "deep_loop_csv": (
        _loop_csv,
        AlignmentCycleError,
        "objectives.csv, row 601, field 'aligns_to'",
        "objectives align in a loop: O0 -> O1",
    ),
    "ten_mb_title_yaml": (
        _long_title_yaml,
        okrkit.errors.InputError,
        "ten_mb_title.yaml, line 4",
        "the line is longer than 65,536 characters",
    ),
    "ten_mb_quoted_note_yaml": (
        _long_note_yaml,
        okrkit.errors.InputError,
        "ten_mb_quoted_note.yaml, line 12",
        "the line is longer than 65,536 characters",
    ),
    **{
        f"ten_mb_{style}_description_yaml": (
            _long_text_yaml(style),
            ValidationError,
            f"ten_mb_{style}_description.yaml, line 6, field 'description'",
            "more than 32,767",
        )
        for style in LONG_TEXTS
    },
    "ten_mb_cell_csv": (
        _long_cell_csv,
        okrkit.errors.InputError,
        "objectives.csv, line ",
        "a cell holds more than 131,072 characters",
    ),
}


# --- helpers --------------------------------------------------------------------------------------


def load(path: Path) -> OkrSet:
    """Read a file through the public API, as a user's script would."""
    return load_yaml(path) if path.suffix == ".yaml" else read_tables(path)


def digest(db: Path) -> str:
    """A hash of every table's schema and rows."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def kind(path: Path) -> str:
    return "csv" if path.is_dir() else path.suffix.lstrip(".")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Seconds to read a small valid file of each format (the best of five)."""
    folder = tmp_path_factory.mktemp("valid")
    valid = folder / "valid.yaml"
    valid.write_text(VALID_YAML, encoding="utf-8")
    okrs = load_yaml(valid)
    paths = {
        "yaml": valid,
        "csv": write_csv(okrs, folder / "valid_csv"),
        "xlsx": write_xlsx(okrs, folder / "valid.xlsx"),
    }
    out = {}
    for name, path in paths.items():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            load(path)
            times.append(time.perf_counter() - start)
        out[name] = min(times)
    return out


def refused(path: Path) -> tuple[OkrkitError, float]:
    start = time.perf_counter()
    with pytest.raises(OkrkitError) as info:
        load(path)
    return info.value, time.perf_counter() - start


def check_message(
    error: OkrkitError, path: Path, cls: type[OkrkitError], place: str, says: str, whole_file: bool
) -> None:
    text = str(error)
    assert type(error) is cls, text
    assert isinstance(error, okrkit.errors._PlacedError)
    # A file with several problems lists each on its own line, the error's own first.
    lines = text.split("\n")
    if len(error.errors) > 1:
        assert lines[0] == f"{len(error.errors) + error.more} problems, each on its own line:"
        assert len(lines) == 1 + len(error.errors) + bool(error.more), text
        assert all(line.startswith("  ") for line in lines[1:]), text
        assert [line.strip() for line in lines[1 : len(error.errors) + 1]] == [
            e._one() for e in error.errors
        ]
        message = lines[1].strip()
    else:
        message = text
    assert path.name in message, text
    assert place in message, text
    assert says in message, text
    assert "Traceback" not in text and "\n" not in message.split(" (")[0], text
    # where and how to fix
    assert error.source, text
    assert whole_file or error.line is not None or error.row is not None, text
    assert error.fix and message.endswith(f"({error.fix})"), text
    assert all(len(line) < 1000 for line in lines), text  # never the offending megabytes


def check_cli(path: Path, db: Path, capsys: pytest.CaptureFixture[str], says: str) -> None:
    before = digest(db)
    code = main(["--db", str(db), "import", str(path)])
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    assert err.startswith("okrkit: error: ") and path.name in err and says in err, err
    assert "Traceback" not in err
    assert digest(db) == before


# --- the corpus -----------------------------------------------------------------------------------


def test_the_manifest_lists_every_file_of_the_corpus_once() -> None:
    listed = [entry["file"] for entry in MANIFEST]
    assert len(listed) == len(set(listed))
    present = sorted(
        f"{folder.name}/{p.name}"
        for folder in (CORPUS / "yaml", CORPUS / "csv", CORPUS / "xlsx")
        for p in folder.iterdir()
    )
    assert sorted(listed) == present
    assert len(present) >= 50
    assert {kind(CORPUS / f) for f in listed} == {"yaml", "csv", "xlsx"}
    for entry in MANIFEST:
        assert issubclass(getattr(okrkit.errors, entry["error"]), OkrkitError)
        assert set(entry) <= {"file", "error", "place", "says", "whole_file"}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_bad_file_is_refused_with_place_and_fix(
    entry: dict[str, Any], db: Path, baseline: dict[str, float], capsys: pytest.CaptureFixture[str]
) -> None:
    path = CORPUS / entry["file"]
    cls = getattr(okrkit.errors, entry["error"])
    error, seconds = refused(path)
    check_message(error, path, cls, entry["place"], entry["says"], entry.get("whole_file", False))
    assert seconds < SLOWER * baseline[kind(path)], f"{seconds:.3f}s"
    check_cli(path, db, capsys, entry["says"])
    assert not OWNED.exists()


@pytest.mark.parametrize("name", GENERATED)
def test_generated_bad_file_is_refused(
    name: str,
    tmp_path: Path,
    db: Path,
    baseline: dict[str, float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    build, cls, place, says = GENERATED[name]
    path = build(tmp_path)
    error, seconds = refused(path)
    check_message(error, path, cls, place, says, False)
    # Ten megabytes must be read before they are refused: allow for reading them.
    assert seconds < SLOWER * baseline[kind(path)] + 0.1, f"{seconds:.3f}s"
    check_cli(path, db, capsys, says)


def test_a_command_line_import_of_an_alias_bomb_prints_one_line(tmp_path: Path) -> None:
    """The real process: exit code 2 and one line on stderr."""
    for path in (CORPUS / "yaml" / "alias_bomb.yaml",):
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "okrkit"),
                "--db",
                str(tmp_path / "s.db"),
                "import",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"okrkit: error: {path}")


def test_the_loop_finder_walks_a_long_chain_without_recursion() -> None:
    n = 5000  # far beyond Python's recursion limit
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(id=f"O{i}", title=f"Step {i}", aligns_to=[f"O{(i + 1) % n}"])
            for i in range(n)
        ],
    )
    loop = okrs.alignment_loop()
    assert loop is not None
    assert (len(loop), loop[0], loop[-2], loop[-1]) == (n + 1, "O0", f"O{n - 1}", "O0")
    broken = OkrSet(cycle="2026-Q1", objectives=okrs.objectives[:-1])  # the chain, not a loop
    assert broken.alignment_loop() is None


# --- sets that are built, then refused by the store -----------------------------------------------


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


def loop_set() -> OkrSet:
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(id="L-1", title="Lead the market", aligns_to=["L-2"]),
            Objective(id="L-2", title="Win the market", aligns_to=["L-1"]),
        ],
    )


def test_import_of_ids_already_in_the_store_changes_nothing(store: Store, db: Path) -> None:
    before = digest(db)
    summary = store.import_set(load_template("marketing"))  # a merge: all there already
    assert not summary.added and not summary.changed and summary.unchanged > 0
    assert digest(db) == before
    changed = load_template("marketing")
    changed = dataclasses.replace(
        changed,
        objectives=tuple(dataclasses.replace(o, title=o.title + "!") for o in changed.objectives),
    )
    with pytest.raises(ConflictError, match="no 'version'"):
        store.import_set(changed)
    assert digest(db) == before


def test_import_of_a_cycle_with_other_dates_changes_nothing(store: Store, db: Path) -> None:
    before = digest(db)
    odd = OkrSet(
        cycle={"id": "2026-Q1", "start": "2026-01-05", "end": "2026-03-31"},
        objectives=[Objective(id="NEW-1", title="Something new")],
    )
    with pytest.raises(ConflictError):
        store.import_set(odd)
    assert digest(db) == before


def test_import_of_a_set_that_aligns_in_a_loop_changes_nothing(store: Store, db: Path) -> None:
    before = digest(db)
    with pytest.raises(AlignmentCycleError, match="L-1 -> L-2 -> L-1"):
        store.import_set(loop_set())
    assert digest(db) == before


def test_import_that_closes_a_loop_through_the_store_changes_nothing(
    store: Store, db: Path
) -> None:
    store.import_set(
        OkrSet(cycle="2026-Q1", objectives=[Objective(id="A-1", title="A", aligns_to=["B-1"])])
    )
    before = digest(db)
    with pytest.raises(AlignmentCycleError, match="A-1"):
        store.import_set(
            OkrSet(cycle="2026-Q1", objectives=[Objective(id="B-1", title="B", aligns_to=["A-1"])])
        )
    assert digest(db) == before
