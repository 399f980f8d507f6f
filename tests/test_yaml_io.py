from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from testdata import TEMPLATE_PATHS, VALID_YAML, line_of

from okrkit import (
    CheckIn,
    Cycle,
    InputError,
    KeyResult,
    Objective,
    OkrkitError,
    OkrSet,
    ValidationError,
    dump_yaml,
    load_yaml,
    save_yaml,
)
from okrkit.demo_org import demo_org
from okrkit.io.yaml_io import read_yaml, to_plain
from okrkit.model import MAX_TEXT

# Each case edits VALID_YAML: (old text, bad replacement, good replacement, error class, field,
# the line the error must point at). A good replacement of None leaves the text unchanged.
CYCLE_MAP = "cycle:\n  id: Q\n  start: 2026-01-01\n  end: 2026-03-31\n"
CASES: list[tuple[str, str, str | None, type[OkrkitError], str, str]] = [
    # unknown keys, everywhere
    ("objectives:\n", "colour: red\nobjectives:\n", None, InputError, "colour", "colour: red"),
    (
        "    owner: Ana\n",
        "    owner: Ana\n    colour: red\n",
        "    owner: Ana\n    description: red\n",
        InputError,
        "colour",
        "    colour: red",
    ),
    (
        "        weight: 1\n",
        "        weight: 1\n        colour: red\n",
        "        weight: 1\n        owner: Bo\n",
        InputError,
        "colour",
        "        colour: red",
    ),
    (
        "    measures: [K1]\n",
        "    measures: [K1]\n    colour: red\n",
        "    measures: [K1]\n    unit: leads\n",
        InputError,
        "colour",
        "    colour: red",
    ),
    (
        "    supports: [K1]\n",
        "    supports: [K1]\n    colour: red\n",
        "    supports: [K1]\n    state: done\n",
        InputError,
        "colour",
        "    colour: red",
    ),
    (
        "    confidence: 7\n",
        "    confidence: 7\n    colour: red\n",
        "    confidence: 7\n    note: fine\n",
        InputError,
        "colour",
        "    colour: red",
    ),
    (
        "    confidence: 7\n",
        "    confidence: 7\n    id: 4\n",
        "    confidence: 7\n    author: Bo\n",
        InputError,
        "id",
        "    id: 4",
    ),
    (
        "cycle: 2026-Q1\n",
        CYCLE_MAP + "  colour: red\n",
        CYCLE_MAP,
        InputError,
        "cycle.colour",
        "  colour: red",
    ),
    # wrong types
    (
        "        target: 100\n",
        "        target: lots\n",
        "        target: 100.5\n",
        ValidationError,
        "target",
        "        target: lots",
    ),
    (
        "        target: 100\n",
        "        target: '100'\n",
        "        target: 1.0e+2\n",
        ValidationError,
        "target",
        "        target: '100'",
    ),
    (
        "    title: Grow the community\n",
        "    title: [Grow, community]\n",
        "    title: '2026'\n",
        ValidationError,
        "title",
        "    title: [Grow, community]",
    ),
    (
        "        weight: 1\n",
        "        weight: true\n",
        "        weight: 2\n",
        ValidationError,
        "weight",
        "        weight: true",
    ),
    (
        "    value: 10\n",
        "    value: yes\n",
        "    value: -3.5\n",
        ValidationError,
        "value",
        "    value: yes",
    ),
    (
        "    target: 20\n",
        "    target: twenty\n",
        "    target: 20.5\n",
        ValidationError,
        "target",
        "    target: twenty",
    ),
    (
        "        done: false\n",
        "        done: 'no'\n",
        "        done: true\n",
        ValidationError,
        "done",
        "        done: 'no'",
    ),
    (
        "    confidence: 7\n",
        "    confidence: high\n",
        "    confidence: 8\n",
        ValidationError,
        "confidence",
        "    confidence: high",
    ),
    # weights above 0
    (
        "        weight: 1\n",
        "        weight: 0\n",
        "        weight: 0.1\n",
        ValidationError,
        "weight",
        "        weight: 0",
    ),
    (
        "        weight: 1\n",
        "        weight: -1\n",
        "        weight: 3\n",
        ValidationError,
        "weight",
        "        weight: -1",
    ),
    (
        "        weight: 1\n",
        "        weight:\n",
        None,
        ValidationError,
        "weight",
        "        weight:",
    ),
    # grades in 0-1
    (
        "        grade: 0.5\n",
        "        grade: 1.5\n",
        "        grade: 1\n",
        ValidationError,
        "grade",
        "        grade: 1.5",
    ),
    (
        "        grade: 0.5\n",
        "        grade: -0.1\n",
        "        grade: 0\n",
        ValidationError,
        "grade",
        "        grade: -0.1",
    ),
    # target equal to start
    (
        "        target: 100\n",
        "        target: 0\n",
        "        target: -1\n",
        ValidationError,
        "target",
        "        target: 0",
    ),
    # NaN and infinity
    (
        "        start: 0\n",
        "        start: .nan\n",
        "        start: -5\n",
        ValidationError,
        "start",
        "        start: .nan",
    ),
    (
        "        target: 100\n",
        "        target: .inf\n",
        "        target: 1.0e+12\n",
        ValidationError,
        "target",
        "        target: .inf",
    ),
    (
        "        threshold: 99\n",
        "        threshold: -.inf\n",
        "        threshold: -1\n",
        ValidationError,
        "threshold",
        "        threshold: -.inf",
    ),
    (
        "    value: 10\n",
        "    value: .NaN\n",
        "    value: 0\n",
        ValidationError,
        "value",
        "    value: .NaN",
    ),
    # duplicate ids
    (
        "      - id: K2\n",
        "      - id: O1\n",
        "      - id: K9\n",
        ValidationError,
        "id",
        "      - id: O1",
    ),
    ("  - id: P1\n", "  - id: K2\n", "  - id: P9\n", ValidationError, "id", "  - id: K2"),
    ("  - id: I1\n", '  - id: "P1"\n', "  - id: I9\n", ValidationError, "id", '  - id: "P1"'),
    ("      - id: K4\n", '      - id: "K3"\n', None, ValidationError, "id", '      - id: "K3"'),
    # check-ins
    (
        "  - key_result: K1\n",
        "  - key_result: K9\n",
        "  - key_result: K4\n",
        ValidationError,
        "key_result",
        "  - key_result: K9",
    ),
    (
        "  - key_result: K1\n    date: 2026-02-03\n    value: 10\n",
        "  - key_result: K1\n    date: 2026-02-03\n    grade: 0.5\n",
        "  - key_result: K3\n    date: 2026-02-03\n    grade: 0.5\n",
        ValidationError,
        "grade",
        "  - key_result: K1",
    ),
    (
        "  - key_result: K1\n    date: 2026-02-03\n    value: 10\n",
        "  - key_result: K2\n    date: 2026-02-03\n    value: 10\n",
        "  - key_result: K2\n    date: 2026-02-03\n    done: true\n",
        ValidationError,
        "value",
        "  - key_result: K2",
    ),
    (
        "    value: 10\n",
        "    value: 10\n    done: true\n",
        None,
        ValidationError,
        "value",
        "    value: 10",
    ),
    # dates
    (
        "    date: 2026-02-03\n",
        "    date: 2026-02-30\n",
        "    date: 2026-02-28\n",
        ValidationError,
        "date",
        "    date: 2026-02-30",
    ),
    (
        "    date: 2026-02-03\n",
        "    date: next week\n",
        "    date: '2026-02-03'\n",
        ValidationError,
        "date",
        "    date: next week",
    ),
    (
        "    date: 2026-02-03\n",
        "    date: 03/02/2026\n",
        "    date: 2026-02-03T09:30:00\n",
        ValidationError,
        "date",
        "    date: 03/02/2026",
    ),
    (
        "cycle: 2026-Q1\n",
        "cycle:\n  id: Q\n  start: 2026-02-30\n  end: 2026-03-31\n",
        CYCLE_MAP,
        ValidationError,
        "cycle.start",
        "  start: 2026-02-30",
    ),
    (
        "cycle: 2026-Q1\n",
        "cycle:\n  id: Q\n  start: 2026-03-31\n  end: 2026-01-01\n",
        CYCLE_MAP,
        ValidationError,
        "cycle.end",
        "  end: 2026-01-01",
    ),
    (
        "cycle: 2026-Q1\n",
        "cycle:\n  id: Q\n  start: 2026-01-01\n  end: 2027-01-02\n",
        "cycle:\n  id: Q\n  start: 2026-01-01\n  end: 2026-12-31\n",
        ValidationError,
        "cycle.end",
        "  end: 2027-01-02",
    ),
    (
        "cycle: 2026-Q1\n",
        "cycle: 2026-Q5\n",
        "cycle: 2026\n",
        ValidationError,
        "cycle",
        "cycle: 2026-Q5",
    ),
    (
        "cycle: 2026-Q1\n",
        "cycle:\n  id: Q\n  start: 2026-01-01\n",
        CYCLE_MAP,
        ValidationError,
        "cycle",
        "cycle:",
    ),
    # confidence 1-10
    (
        "    confidence: 7\n",
        "    confidence: 0\n",
        "    confidence: 1\n",
        ValidationError,
        "confidence",
        "    confidence: 0",
    ),
    (
        "    confidence: 7\n",
        "    confidence: 11\n",
        "    confidence: 10\n",
        ValidationError,
        "confidence",
        "    confidence: 11",
    ),
    (
        "        weight: 1\n",
        "        weight: 1\n        confidence: 7.5\n",
        "        weight: 1\n        confidence: 7\n",
        ValidationError,
        "confidence",
        "        confidence: 7.5",
    ),
    # fields of another key result type
    (
        "        weight: 1\n",
        "        weight: 1\n        grade: 0.25\n",
        "        weight: 1\n        current: 50\n",
        ValidationError,
        "grade",
        "        grade: 0.25",
    ),
    (
        "        done: false\n",
        "        done: false\n        unit: '%'\n",
        None,
        ValidationError,
        "unit",
        "        unit: '%'",
    ),
    (
        "        grade: 0.5\n",
        "        grade: 0.5\n        target: 1\n",
        None,
        ValidationError,
        "target",
        "        target: 1",
    ),
    (
        "        direction: above\n",
        "        direction: above\n        done: true\n",
        "        direction: above\n        current: 99.5\n",
        ValidationError,
        "done",
        "        done: true",
    ),
    # missing required keys
    (
        "    title: Grow the community\n",
        "",
        None,
        ValidationError,
        "title",
        "  - id: O1",
    ),
    (
        "      - id: K1\n        title: Visitors from 0 to 100\n",
        "      - title: Visitors from 0 to 100\n",
        None,
        ValidationError,
        "id",
        "      - title: Visitors from 0 to 100",
    ),
    ("        target: 100\n", "", None, ValidationError, "target", "      - id: K1"),
    ("        threshold: 99\n", "", None, ValidationError, "threshold", "      - id: K4"),
    (
        "  - key_result: K1\n    date: 2026-02-03\n",
        "  - key_result: K1\n",
        None,
        ValidationError,
        "date",
        "  - key_result: K1",
    ),
    (
        "    value: 10\n",
        "",
        None,
        ValidationError,
        "value",
        "  - key_result: K1",
    ),
    # a KPI's parts keep their types (a missing part is a finding of okrkit.checks)
    ("    target: 20\n", "    target: lots\n", None, ValidationError, "target", "    target: lots"),
    # choices
    (
        "    level: team\n",
        "    level: galaxy\n",
        "    level: company\n",
        ValidationError,
        "level",
        "    level: galaxy",
    ),
    (
        "    kind: committed\n",
        "    kind: stretch\n",
        "    kind: aspirational\n",
        ValidationError,
        "kind",
        "    kind: stretch",
    ),
    (
        "    frequency: weekly\n",
        "    frequency: now and then\n",
        "    frequency: biweekly\n",
        ValidationError,
        "frequency",
        "    frequency: now and then",
    ),
    (
        "        type: metric\n",
        "        type: kpi\n",
        None,
        ValidationError,
        "type",
        "        type: kpi",
    ),
    (
        "        direction: above\n",
        "        direction: up\n",
        "        direction: below\n",
        ValidationError,
        "direction",
        "        direction: up",
    ),
    # links to key results
    (
        "    measures: [K1]\n",
        "    measures: [K1, K7]\n",
        "    measures: [K1, K4]\n",
        ValidationError,
        "measures",
        "  - id: P1",
    ),
    (
        "    supports: [K1]\n",
        "    supports: [O1]\n",
        "    supports: [K2]\n",
        ValidationError,
        "supports",
        "  - id: I1",
    ),
]
CASE_IDS = [f"{c[4]}-{c[5].strip()}" for c in CASES]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "bad", "good", "cls", "field", "at"), CASES, ids=CASE_IDS)
def test_load_refuses_and_names_file_line_and_field(
    tmp_path: Path,
    old: str,
    bad: str,
    good: str | None,
    cls: type[OkrkitError],
    field: str,
    at: str,
) -> None:
    assert VALID_YAML.count(old) == 1
    text = VALID_YAML.replace(old, bad)
    path = _write(tmp_path, text)
    with pytest.raises(cls) as info:
        load_yaml(path)
    err = info.value
    assert type(err) is cls
    line = line_of(text, at)
    assert (err.source, err.line, err.field) == (str(path), line, field)  # type: ignore[attr-defined]
    message = str(err)
    assert message.startswith(f"{path}, line {line}, field '{field}': ")
    assert err.fix and f"({err.fix})" in message  # type: ignore[attr-defined]


@pytest.mark.parametrize(("old", "bad", "good", "cls", "field", "at"), CASES, ids=CASE_IDS)
def test_load_accepts_the_corrected_file(
    tmp_path: Path,
    old: str,
    bad: str,
    good: str | None,
    cls: type[OkrkitError],
    field: str,
    at: str,
) -> None:
    text = VALID_YAML.replace(old, old if good is None else good)
    okrs = load_yaml(_write(tmp_path, text))
    assert isinstance(okrs, OkrSet)
    assert okrs.objectives[0].id == "O1"


def test_valid_yaml_reads_as_expected(valid_yaml: str) -> None:
    okrs = load_yaml(valid_yaml)
    assert okrs.cycle == Cycle.parse("2026-Q1")
    assert [kr.type for _, kr in okrs.key_results()] == [
        "metric",
        "milestone",
        "qualitative",
        "guardrail",
    ]
    assert okrs.key_result("K1").target == 100.0
    assert okrs.kpis[0].measures == ("K1",)
    assert okrs.initiatives[0].supports == ("K1",)
    assert okrs.checkins == (
        CheckIn(key_result="K1", date=dt.date(2026, 2, 3), value=10, confidence=7),
    )


def test_load_takes_a_path_a_path_text_or_yaml_text(tmp_path: Path, valid_yaml: str) -> None:
    path = _write(tmp_path, valid_yaml)
    expected = load_yaml(valid_yaml)
    assert load_yaml(path) == expected
    assert load_yaml(str(path)) == expected
    yml = tmp_path / "okrs.yml"
    yml.write_text(valid_yaml, encoding="utf-8")
    assert load_yaml(yml) == expected


def test_text_errors_name_the_given_source(valid_yaml: str) -> None:
    with pytest.raises(ValidationError) as info:
        load_yaml(valid_yaml.replace("weight: 1", "weight: -1"), source="team.yaml")
    assert info.value.source == "team.yaml"
    with pytest.raises(ValidationError) as info:
        load_yaml(valid_yaml.replace("weight: 1", "weight: -1"))
    assert info.value.source == "<text>"


def test_file_without_cycle(tmp_path: Path, valid_yaml: str) -> None:
    path = _write(tmp_path, valid_yaml.replace("cycle: 2026-Q1\n", ""))
    with pytest.raises(ValidationError) as info:
        load_yaml(path)
    assert (info.value.source, info.value.field) == (str(path), "cycle")
    assert "add 'cycle: 2026-Q1'" in str(info.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("cycle: 2026-Q1\nobjectives: O1\n", 2),
        ("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: T\n    key_results: K1\n", 5),
        ("cycle: 2026-Q1\ncheckins:\n  key_result: K1\n", 2),
    ],
)
def test_lists_must_be_lists(tmp_path: Path, text: str, line: int) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match="must be a list") as info:
        load_yaml(path)
    assert (info.value.source, info.value.line) == (str(path), line)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("cycle: 2026-Q1\nobjectives:\n  - O1\n", 2),
        ("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: T\n    key_results:\n    - K1\n", 5),
        ("cycle: 2026-Q1\nkpis:\n  - [P1, Leads]\n", 2),
    ],
)
def test_items_must_be_mappings(tmp_path: Path, text: str, line: int) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match="expected a mapping") as info:
        load_yaml(path)
    assert (info.value.source, info.value.line) == (str(path), line)


# --- YAML safety ------------------------------------------------------------------------------

SAFETY_CASES = [
    pytest.param(
        "cycle: 2026-Q1\nobjectives:\n  - &o\n    id: O1\n    title: T\n  - *o\n",
        "aliases",
        6,
        id="alias",
    ),
    pytest.param(
        "cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: T\n    title: U\n",
        "appears twice",
        5,
        id="duplicate-key",
    ),
    pytest.param("cycle: 2026-Q1\ncycle: 2026-Q2\n", "appears twice", 2, id="duplicate-top-key"),
    pytest.param(
        "cycle: !!python/object/apply:os.system ['echo pwned']\n",
        "YAML tag '!!python/object/apply:os.system' is not accepted",
        1,
        id="python-tag",
    ),
    pytest.param(
        "cycle: 2026-Q1\nobjectives: !!python/object/new:list [[]]\n",
        "YAML tag '!!python/object/new:list' is not accepted",
        2,
        id="python-new",
    ),
    pytest.param("", "empty", None, id="empty"),
    pytest.param("# only a comment\n\n", "empty", None, id="comments-only"),
    pytest.param("- cycle: 2026-Q1\n", "top level is a list", 1, id="top-level-list"),
    pytest.param("2026-Q1\n", "top level is a str", 1, id="top-level-text"),
    pytest.param("cycle: 2026-Q1\nsettings: {}\n", "unknown top-level key", 2, id="unknown-top"),
    pytest.param("cycle: 2026-Q1\nobjectives: [\n", "not valid YAML", 3, id="syntax"),
    pytest.param("cycle: 2026-Q1\n  owner: x\n owner: y\n", "not valid YAML", 2, id="indent"),
    pytest.param("cycle: 2026-Q1\n1: one\n", "is not text", 2, id="number-key"),
]


@pytest.mark.parametrize(("text", "problem", "line"), SAFETY_CASES)
def test_unsafe_or_broken_yaml_is_refused(
    reader: str, tmp_path: Path, text: str, problem: str, line: int | None
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_yaml(path)
    err = info.value
    assert problem in str(err)
    assert err.source == str(path)
    assert err.line == line
    assert err.fix


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _write(tmp_path, f"cycle: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(InputError):
        load_yaml(path)
    assert not marker.exists()


def test_anchor_without_alias_is_fine() -> None:
    okrs = load_yaml("cycle: &c 2026-Q1\nobjectives: []\n")
    assert okrs.cycle.id == "2026-Q1"


def test_read_yaml_keeps_lines(reader: str) -> None:
    data = read_yaml("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: T\n")
    assert data.lines == {"cycle": 1, "objectives": 2}
    assert data["objectives"][0].line == 3
    assert data["objectives"][0].lines == {"id": 3, "title": 4}


def test_deep_nesting_is_an_input_error() -> None:
    with pytest.raises(InputError):
        load_yaml("cycle: " + "[" * 5000 + "]" * 5000 + "\n")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: Mål\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8") as info:
        load_yaml(path)
    assert info.value.source == str(path)
    assert info.value.fix == "save it as UTF-8"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(InputError, match="no such file") as info:
        load_yaml(path)
    assert info.value.source == str(path)
    with pytest.raises(InputError, match="no such file"):
        load_yaml(str(path))


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "okrs.yaml"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        load_yaml(folder)


def test_utf8_file_with_swedish_text(tmp_path: Path) -> None:
    path = tmp_path / "mål.yaml"
    path.write_text(
        "cycle: 2026-Q1\nobjectives:\n  - id: MÅL-1\n    title: Öka räckvidden\n", encoding="utf-8"
    )
    assert load_yaml(path).objective("MÅL-1").title == "Öka räckvidden"


# --- writing and round trips ------------------------------------------------------------------


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=lambda p: p.stem)
def test_round_trip_of_every_template(path: Path) -> None:
    okrs = load_yaml(path)
    text = dump_yaml(okrs)
    assert load_yaml(text) == okrs
    assert dump_yaml(load_yaml(text)) == text


def test_round_trip_of_a_rich_set(rich_set: OkrSet) -> None:
    text = dump_yaml(rich_set)
    back = load_yaml(text)
    assert back == rich_set
    # The parts that are easy to lose, one by one.
    assert back.cycle == Cycle(id="2026-H1", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    o = back.objective("MÅL-1")
    assert o.owner == "Åsa Öberg"
    assert o.description == "Första raden.\nAndra raden med å ä ö.\n\nEfter en tom rad."
    assert o.carried_from == "MÅL-0"
    assert back.key_result("NR-1").carried_from == "NR-0"
    assert not back.key_result("NR-1").increasing
    assert back.key_result("NR-2").direction == "below"
    assert back.key_result("NR-3").grade is None
    assert back.key_result("NR-4").done is True
    assert back.checkins[0].note == "Bra vecka.\nMen två kunder lämnade."
    assert back.objective("O-empty").key_results == ()


def test_dump_is_readable_yaml(rich_set: OkrSet) -> None:
    text = dump_yaml(rich_set)
    assert "Åsa Öberg" in text  # unicode is written as it is, not escaped
    assert "\\u" not in text
    assert "description: |-\n" in text  # multi-line text as a block
    data = yaml.safe_load(text)
    assert list(data) == ["cycle", "objectives", "kpis", "initiatives", "checkins"]
    assert data["cycle"] == {
        "id": "2026-H1",
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 6, 30),
    }
    kr = data["objectives"][0]["key_results"][0]
    assert kr["start"] == 8 and isinstance(kr["start"], int)  # whole numbers without ".0"
    assert kr["current"] == 7.25
    assert "grade" not in data["objectives"][0]["key_results"][2]  # empty values are left out
    assert "id" not in data["checkins"][0]


def test_to_plain_of_a_quarter(small_set: OkrSet) -> None:
    plain = to_plain(small_set)
    assert plain["cycle"] == "2026-Q1"
    assert plain["objectives"][0]["key_results"][2] == {
        "id": "K3",
        "title": "Launch the forum",
        "type": "milestone",
        "weight": 1,
        "done": False,
    }
    assert plain["checkins"][0] == {
        "key_result": "K1",
        "date": dt.date(2026, 1, 31),
        "value": 20,
        "confidence": 6,
    }


# Starts whose target, 2 * start + 1, is within okrkit's ±1e15 (docs/limits.md).
@pytest.mark.parametrize(
    "value", [0.1, 1 / 3, 1e-7, 2.5e14, 123456789012345.67, 1e-300, -0.5, 19_200_000]
)
def test_round_trip_keeps_numbers(value: float) -> None:
    okrs = OkrSet(
        cycle="2026",
        objectives=[
            Objective(
                id="O",
                title="T",
                key_results=[KeyResult(id="K", title="t", start=value, target=value * 2 + 1)],
            )
        ],
    )
    back = load_yaml(dump_yaml(okrs))
    assert back == okrs
    assert back.key_result("K").start == value


@pytest.mark.parametrize(
    "text",
    ["2026", "yes", "null", "1e3", "- item", "a: b", "#x", "  padded  ", "line\n", "'quoted'"],
)
def test_round_trip_keeps_tricky_text(text: str) -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[Objective(id="O", title=text, description=text, owner=text)],
    )
    assert load_yaml(dump_yaml(okrs)) == okrs


def test_round_trip_of_an_empty_unit() -> None:
    kr = KeyResult(id="K", title="t", start=0, target=1, unit="")
    okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O", title="T", key_results=[kr])])
    assert load_yaml(dump_yaml(okrs)) == okrs


def test_save_then_load(tmp_path: Path, rich_set: OkrSet) -> None:
    path = tmp_path / "okrs.yaml"
    assert save_yaml(rich_set, path) == path
    assert load_yaml(path) == rich_set
    assert path.read_text(encoding="utf-8") == dump_yaml(rich_set)
    assert [p.name for p in tmp_path.iterdir()] == ["okrs.yaml"]  # no temporary file left


def test_save_replaces_an_existing_file(tmp_path: Path, small_set: OkrSet) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text("old content", encoding="utf-8")
    changed = dataclasses.replace(small_set, checkins=())
    save_yaml(changed, str(path))
    assert load_yaml(path) == changed


def test_a_date_shared_by_several_checkins_round_trips() -> None:
    # One date object for many check-ins: the file repeats it instead of writing an alias.
    day = dt.date(2026, 2, 1)
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="Grow",
                key_results=[KeyResult(id="K1", title="Visitors 0 to 9", start=0, target=9)],
            )
        ],
        checkins=[CheckIn(key_result="K1", date=day, value=v) for v in (1, 2, 3)],
    )
    text = dump_yaml(okrs)
    assert "&id" not in text and "*id" not in text
    assert load_yaml(text) == okrs


# --- libyaml and the pure-Python reader -------------------------------------------------------

CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "yaml"


@pytest.fixture(params=["libyaml", "pure"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Read YAML with libyaml, and again as where PyYAML is installed without it."""
    if request.param == "pure":
        monkeypatch.setattr(yaml, "__with_libyaml__", False)
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML is installed without libyaml")
    return str(request.param)


def _outcome(text: str) -> tuple[Any, ...]:
    """What reading ``text`` gives: the data with every line, or the error with its place."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            items = [(k, plain(v)) for k, v in value.items()]
            return (type(value).__name__, value.line, value.lines, items)  # type: ignore[attr-defined]
        if isinstance(value, list):
            return [plain(v) for v in value]
        return (type(value).__name__, value)

    try:
        return ("read", plain(read_yaml(text, source="f.yaml")))
    except InputError as exc:
        return ("refused", str(exc), exc.line)


def _corpus_texts() -> list[Any]:
    out = []
    for path in sorted(CORPUS.glob("*.yaml")) + TEMPLATE_PATHS:
        with contextlib.suppress(UnicodeDecodeError):  # those are refused before parsing
            out.append(pytest.param(path.read_text("utf-8"), id=path.stem))
    return out


@pytest.mark.parametrize("text", _corpus_texts())
def test_libyaml_and_pure_python_read_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is installed without libyaml")
    fast = _outcome(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert fast == _outcome(text)


@pytest.mark.parametrize(
    "text",
    [
        "cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: T\n",
        "a: [1, -2, 010, 0x1F, 1_000, '7', 1:30, +5]\n",
        "a: [1.5, 1e6, -2.5E-3, .inf, -.Inf, .nan, 1_0.5, 6.5e+2]\n",
        "a: [2026-02-03, 2026-2-3, 2026-02-30, 2026-02-03T09:30:00Z, '2026-02-03']\n",
        "a: [yes, No, on, OFF, true, ~, null, '', \"\", !!str 5]\n",
        "a:\n  b:\n    - {c: d, e: [f, {g: h}]}\n    - |\n      block\n      text\n",
        "i: >\n  folded\n  text\n\nj: |-\n  kept\n",
        "a: &x 1\nb: [&y 2]\n",  # anchors without aliases
        "\ufeffa: 1\r\nb: 2\r\n",
        "a: \"\\u00e5 \\t \\x41\"\nb: 'it''s'\n",
        "? a\n: 1\n",
        "--- \na: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: =\n",
        "a: 2026-Q1\n<<: {b: 1}\n",
        "a: 1\n---\nb: 2\n",
        "a: [" * 60 + "]" * 60 + "\n",
        'a: "\\ud800"\n',
        "a: \ud800\n",
    ],
)
def test_libyaml_and_pure_python_read_odd_yaml_alike(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is installed without libyaml")
    fast = _outcome(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert fast == _outcome(text)


def test_both_readers_refuse_a_very_deep_nesting(reader: str) -> None:
    # libyaml's own composer recurses in C and would crash the process on this.
    with pytest.raises(InputError, match="nests more than 50 levels") as info:
        read_yaml("cycle: 2026-Q1\nobjectives: " + "[\n" * 100_000 + "]\n" * 100_000)
    assert info.value.line == 52  # the 51st bracket


def test_a_large_set_reads_alike_with_both_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    text = dump_yaml(demo_org(30))
    fast = _outcome(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert fast == _outcome(text)
    assert load_yaml(text) == demo_org(30)


def test_valid_yaml_is_read_by_libyaml_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is installed without libyaml")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the pure-Python reader was used")

    monkeypatch.setattr(yaml, "load", refuse)
    okrs = load_yaml(VALID_YAML)
    assert okrs.objectives[0].id == "O1"


# --- texts longer than a field holds ----------------------------------------------------------

HEAD = "cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title: Grow\n"
DEEP = " " * 30  # continuation lines indented far more than they need: file text, not text
STYLES = ["literal", "folded", "plain", "single-quoted", "double-quoted"]


def described(style: str, extra: int) -> str:
    """A file whose description holds ``MAX_TEXT + extra`` (0 or 1) characters in ``style``.

    Each is written over many deeply indented lines, double quotes as escapes, so the file text
    of the description is up to ten times longer than the description.
    """
    if style in ("literal", "folded"):  # 16,384 lines of "a": |- gives 32,767, | one more
        chomp = "" if extra else "-"
        body = (DEEP + "a\n") * 16_384
        return f"{HEAD}    description: {'|' if style == 'literal' else '>'}{chomp}\n{body}"
    if style == "plain":  # "a a a ... a", the first word "aa" for one more
        return f"{HEAD}    description: {'a' * (1 + extra)}\n" + (DEEP + "a\n") * 16_383
    # 2,048 lines of 15 characters, folded into one text with a space between lines
    unit, quote = ("''", "'") if style == "single-quoted" else ("\\U0001F600", '"')
    lines = [unit * (15 + (extra if i == 0 else 0)) for i in range(2048)]
    return f"{HEAD}    description: {quote}" + f"\n{DEEP}".join(lines) + f"{quote}\n"


def pyyaml_description(text: str) -> str:
    """The description as PyYAML alone reads it, without okrkit's limits."""
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return str(data["objectives"][0]["description"])


@pytest.mark.parametrize("style", STYLES)
def test_the_longest_text_is_read_in_every_style(reader: str, style: str) -> None:
    text = described(style, 0)
    expected = pyyaml_description(text)
    assert len(expected) == MAX_TEXT
    assert load_yaml(text).objectives[0].description == expected


@pytest.mark.parametrize("style", STYLES)
def test_one_character_more_is_refused_while_reading(reader: str, style: str) -> None:
    text = described(style, 1)
    assert len(pyyaml_description(text)) == MAX_TEXT + 1
    with pytest.raises(ValidationError) as info:
        read_yaml(text, source="f.yaml")
    assert str(info.value) == (
        "f.yaml, line 5, field 'description': the text is 32,768 characters long, more than"
        " 32,767 (shorten it: a text holds at most 32,767 characters)"
    )


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    aligns_to: [CO-1, {}]\n", 4, "aligns_to"),
        ("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    title:\n      {}\n", 5, "title"),
        ("cycle: 2026-Q1\nobjectives:\n  - id: O1\n    ? {}\n    : x\n", 4, "objectives"),
        ("cycle: 2026-Q1\nobjectives:\n  - {}\n", 3, "objectives"),
        ("{}\n", 1, None),
    ],
    ids=["list-item", "next-line", "key", "item", "document"],
)
def test_a_too_long_text_is_placed_alike_by_both_readers(
    reader: str, text: str, line: int, field: str | None
) -> None:
    with pytest.raises(ValidationError) as info:
        read_yaml(text.replace("{}", "'" + "x" * 40_000 + "'"), source="f.yaml")
    assert (info.value.source, info.value.line, info.value.field) == ("f.yaml", line, field)
    assert info.value.problem == "the text is 40,000 characters long, more than 32,767"


def test_a_number_with_many_digits_is_still_a_number_error(reader: str) -> None:
    with pytest.raises(InputError, match="the number has 40,000 digits"):
        read_yaml("a: " + "1" * 40_000 + "\n")


def test_every_text_the_writer_writes_is_read_back(reader: str) -> None:
    texts = ["\x07" * MAX_TEXT, "a\n" * (MAX_TEXT // 2) + "a", "é " * (MAX_TEXT // 2) + "é"]
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(id=f"O{i}", title="Grow", description=t) for i, t in enumerate(texts)
        ],
    )
    assert all(len(t) == MAX_TEXT for t in texts)
    assert load_yaml(dump_yaml(okrs)) == okrs


HUGE = 50 * 2**20  # characters of text in each huge file
LINE = ("grow the pipeline " * 60)[:999]
HUGE_SHAPES = {
    # shape: (what comes before the lines of text, after them, line, field of the error)
    "literal": ("    description: |\n", "", 5, "description"),
    "folded": ("    description: >\n", "", 5, "description"),
    "plain": ("    description: start\n", "", 5, "description"),
    "double-quoted": ('    description: "start\n', '      end"\n', 5, "description"),
    "single-quoted": ("    description: 'start\n", "      end'\n", 5, "description"),
    "flow-sequence": ("    aligns_to: [CO-1,\n", "      ]\n", 6, "aligns_to"),
}


@pytest.mark.parametrize("shape", HUGE_SHAPES)
def test_a_huge_text_is_refused_at_once(reader: str, tmp_path: Path, shape: str) -> None:
    before, after, line, field = HUGE_SHAPES[shape]
    path = tmp_path / f"{shape}.yaml"
    path.write_text(HEAD + before + ("      " + LINE + "\n") * (HUGE // 1000) + after, "utf-8")
    try:
        start = time.perf_counter()
        with pytest.raises(ValidationError) as info:
            load_yaml(path)
        seconds = time.perf_counter() - start
    finally:
        path.unlink()
    err = info.value
    assert (err.source, err.line, err.field) == (str(path), line, field)
    assert "the text is" in err.problem and "more than 32,767" in err.problem
    assert len(str(err)) < 300
    # Under a second on a laptop; this reader took 40 s to a few minutes before.
    assert seconds < 15, f"{seconds:.1f}s"


def test_long_single_line_texts_are_read_at_speed(reader: str) -> None:
    # The search for a line longer than MAX_LINE took a second on each line of this file.
    items = "".join(
        f"  - id: O{i}\n    title: T\n    description: {LINE[:1] * 32_000}\n" for i in range(40)
    )
    start = time.perf_counter()
    okrs = load_yaml("cycle: 2026-Q1\nobjectives:\n" + items)
    seconds = time.perf_counter() - start
    assert [len(o.description) for o in okrs.objectives] == [32_000] * 40
    assert seconds < 15, f"{seconds:.1f}s"  # a few hundredths of a second


def test_new_key_result_fields_read_and_a_bad_due_date_names_its_line(tmp_path: Path) -> None:
    text = (
        "cycle: 2026-Q3\n"
        "objectives:\n"
        "  - id: O1\n"
        "    title: Grow\n"
        "    key_results:\n"
        "      - id: K1\n"
        "        title: Launch version 2.0\n"
        "        description: Out by mid August\n"
        "        type: milestone\n"
        "        due: 2026-08-15\n"
        "      - id: K2\n"
        "        title: NPS 42 or more\n"
        "        target: 42\n"
        "        bound: at_least\n"
    )
    path = tmp_path / "okrs.yaml"
    path.write_text(text, "utf-8")
    k1, k2 = load_yaml(path).objectives[0].key_results
    assert type(k1.due) is dt.date and k1.due == dt.date(2026, 8, 15)
    assert (k1.description, k2.bound, k2.start) == ("Out by mid August", "at_least", None)
    assert "due: 2026-08-15" in dump_yaml(load_yaml(path))
    path.write_text(text.replace("due: 2026-08-15", "due: 15 augusti"), "utf-8")
    with pytest.raises(ValidationError) as info:
        load_yaml(path)
    assert (info.value.line, info.value.field) == (10, "due")
    assert "'15 augusti' is not a date" in str(info.value)
