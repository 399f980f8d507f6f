"""Read and write OKR sets in the YAML format (``docs/format.md``).

YAML is read with a safe loader that also refuses aliases (no "billion laughs") and duplicate
keys (the first value would be lost silently), and remembers the line of every key so that errors
point at it.

Where PyYAML has libyaml, its C parser reads the text and the events are built into data here
(:func:`_read_with_libyaml`), many times faster than PyYAML's pure-Python loader. Any text that
the fast reading is not sure of (bad syntax, an alias, a tag, a duplicate key, a deep nesting
...) is read again by the pure-Python :class:`SafeLineLoader`, which refuses it with the same
message and line with or without libyaml.

A text longer than any field may hold (:data:`okrkit.model.MAX_TEXT`) is refused as soon as it is
read, before the rest of the file: by both readers, with the file, line and field. The pure-Python
reader does not even scan all of a very long one (see :meth:`SafeLineLoader.scan_line_break`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from okrkit.errors import InputError, OkrkitError, ValidationError
from okrkit.io._yaml_read import FLOAT_1_2, MAX_BYTES, MAX_DEPTH, MAX_LINE, LineDict, read_yaml
from okrkit.model import (
    KPI,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    OkrSet,
    loop_error,
)

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LINE",
    "TOP_LEVEL_KEYS",
    "dump_yaml",
    "from_plain",
    "load_yaml",
    "not_utf8",
    "read_yaml",
    "save_yaml",
    "to_plain",
]

TOP_LEVEL_KEYS = ("cycle", "objectives", "kpis", "initiatives", "checkins")


def load_yaml(path_or_text: str | Path, *, source: str | None = None) -> OkrSet:
    """Load an OKR set from a YAML file (a path) or from YAML text.

    Raises
    ------
    InputError
        When the file cannot be read, is not YAML or holds unknown keys.
    ValidationError
        When the data breaks a rule of the model; the message names file, line and field.
    """
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and path_or_text.strip()
        and Path(path_or_text).suffix.lower() in (".yaml", ".yml")
    ):
        path = Path(path_or_text)
        source = source or str(path)
        text = _read_text(path, source)
    else:
        text = str(path_or_text)
        source = source or "<text>"
    return from_plain(read_yaml(text, source=source), source=source)


def _read_text(path: Path, source: str) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(
                f"the file is larger than {MAX_BYTES // 2**20} MB",
                source=source,
                fix="split it into smaller files",
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", source=source, fix="check the path") from None
    except IsADirectoryError:
        raise InputError(
            "this is a folder, not a file", source=source, fix="give the path of a .yaml file"
        ) from None
    except UnicodeDecodeError as exc:
        raise not_utf8(exc, source, "save it as UTF-8") from None
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", source=source, fix="check its permissions"
        ) from None


def not_utf8(exc: UnicodeDecodeError, source: str, fix: str) -> InputError:
    """The error for a file that is not UTF-8, with the line and column of the first bad byte."""
    data = bytes(exc.object)
    column = exc.start - data.rfind(b"\n", 0, exc.start)
    return InputError(
        f"the file is not UTF-8 text (byte {column} of the line cannot be read)",
        source=source,
        line=data.count(b"\n", 0, exc.start) + 1,
        fix=fix,
    )


def from_plain(data: Any, *, source: str = "<data>") -> OkrSet:
    """Build an :class:`OkrSet` from parsed YAML (or any plain dicts and lists)."""
    if data is None:
        raise InputError("the file is empty", source=source, fix="start from a template")
    if not isinstance(data, Mapping):
        raise InputError(
            f"the top level is a {type(data).__name__}, not a mapping",
            source=source,
            line=1,
            fix=f"start with 'cycle:' and use the keys {', '.join(TOP_LEVEL_KEYS)}",
        )
    lines = getattr(data, "lines", {})
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise InputError(
                f"unknown top-level key {key!r}",
                source=source,
                line=lines.get(key),
                field=str(key),
                fix=f"allowed keys: {', '.join(TOP_LEVEL_KEYS)}",
            )
    if data.get("cycle") is None:
        raise ValidationError(
            "the file has no cycle",
            source=source,
            line=getattr(data, "lines", {}).get("cycle") or 1,
            field="cycle",
            fix="add 'cycle: 2026-Q1' at the top",
        )

    def items(key: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InputError(
                f"'{key}' must be a list (items starting with '- ')",
                source=source,
                line=lines.get(key),
                field=key,
                fix="write each item on its own line, starting with '- '",
            )
        return value

    def place(item: Any, fallback: str) -> dict[str, Any]:
        return {"source": source, "line": getattr(item, "line", None) or lines.get(fallback)}

    objectives = []
    for raw in items("objectives"):
        where = place(raw, "objectives")
        if isinstance(raw, Mapping):
            raw = _line_dict_copy(raw)
            krs_raw = raw.get("key_results") or []
            if not isinstance(krs_raw, list):
                raise InputError(
                    "'key_results' must be a list",
                    field="key_results",
                    fix="write each key result on its own line, starting with '- '",
                    **_line(where, raw, "key_results"),
                )
            kr_line = raw.lines.get("key_results") or where["line"]
            raw["key_results"] = [
                KeyResult.from_dict(k, source=source, line=getattr(k, "line", None) or kr_line)
                for k in krs_raw
            ]
        objectives.append(Objective.from_dict(raw, **where))
    kpis = [KPI.from_dict(k, **place(k, "kpis")) for k in items("kpis")]
    initiatives = [Initiative.from_dict(i, **place(i, "initiatives")) for i in items("initiatives")]
    checkins = [CheckIn.from_dict(c, **place(c, "checkins")) for c in items("checkins")]
    try:
        okrs = OkrSet(
            cycle=data["cycle"],
            objectives=tuple(objectives),
            kpis=tuple(kpis),
            initiatives=tuple(initiatives),
            checkins=tuple(checkins),
        )
    except OkrkitError as exc:
        if isinstance(exc, InputError | ValidationError):
            raise exc.at(source=source, line=_guess_line(data, exc)) from None
        raise
    loop = okrs.alignment_loop()
    if loop:
        # Point at the aligns_to that closes the loop.
        raw = next(o for o in data["objectives"] if str(o.get("id")).strip() == loop[-2])
        line = getattr(raw, "lines", {}).get("aligns_to") or getattr(raw, "line", None)
        raise loop_error(loop).at(source=source, line=line)
    return okrs


def _line_dict_copy(raw: Mapping[str, Any]) -> LineDict:
    out = LineDict(raw)
    out.line = getattr(raw, "line", None)
    out.lines = dict(getattr(raw, "lines", {}))
    return out


def _line(where: dict[str, Any], raw: Any, key: str) -> dict[str, Any]:
    out = dict(where)
    line = getattr(raw, "lines", {}).get(key)
    if line:
        out["line"] = line
    return out


def _guess_line(data: Mapping[str, Any], exc: InputError | ValidationError) -> int | None:
    """Find the line of the item a set-level error is about (a duplicate id, a check-in)."""
    if exc.field == "cycle" or (exc.field or "").startswith("cycle."):
        sub = (exc.field or "").partition(".")[2]
        line: int | None = getattr(data.get("cycle"), "lines", {}).get(sub)
        return line or getattr(data, "lines", {}).get("cycle")
    text = exc.problem
    m = re.search(r"check-in (\d+)", text)
    if m:
        checkins = data.get("checkins") or []
        index = int(m.group(1)) - 1
        return getattr(checkins[index], "line", None) if index < len(checkins) else None
    m = re.search(r"^(?:KPI|initiative) (\S+) names", text) or re.search(
        r"duplicate id '([^']+)'", text
    )
    if not m:
        return None
    lines = [
        getattr(item, "line", None) for item in _raw_items(data) if item.get("id") == m.group(1)
    ]
    return lines[-1] if lines else None


def _raw_items(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for key in ("objectives", "kpis", "initiatives"):
        for item in data.get(key) or []:
            if isinstance(item, Mapping):
                out.append(item)
                krs = item.get("key_results") if key == "objectives" else None
                out.extend(k for k in krs or [] if isinstance(k, Mapping))
    return out


# --- writing -----------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, tuple):
        return [_clean(v) for v in value]
    return value


def _record(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in type(obj).file_keys():
        if key in skip:
            continue
        value = getattr(obj, key)
        if value is None or value == () or (value == "" and key not in ("title", "name")):
            continue
        out[key] = dict(value) if key == "silence" else _clean(value)
    return out


def to_plain(okrs: OkrSet) -> dict[str, Any]:
    """The OKR set as plain dicts and lists, in the shape of the YAML format."""
    out: dict[str, Any] = {"cycle": okrs.cycle.to_yaml()}
    objectives = []
    for o in okrs.objectives:
        item = _record(o, skip=("key_results",))
        item["key_results"] = [_record(kr) for kr in o.key_results]
        objectives.append(item)
    out["objectives"] = objectives
    if okrs.kpis:
        out["kpis"] = [_record(k) for k in okrs.kpis]
    if okrs.initiatives:
        out["initiatives"] = [_record(i) for i in okrs.initiatives]
    if okrs.checkins:
        out["checkins"] = [_record(c) for c in okrs.checkins]
    return out


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        # The loader refuses aliases, so never write one: a date object shared by several
        # check-ins is written out each time.
        return True


# Texts such as "1e3" must be quoted, since the loader reads them as numbers.
_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT_1_2, list("-+0123456789"))


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)
_Dumper.add_representer(dt.date, yaml.SafeDumper.represent_date)


def dump_yaml(okrs: OkrSet) -> str:
    """The OKR set as YAML text, readable by :func:`load_yaml` with nothing lost."""
    return yaml.dump(to_plain(okrs), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def save_yaml(okrs: OkrSet, path: str | Path) -> Path:
    """Write the OKR set to ``path`` as YAML (atomically: a crash leaves the old file)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dump_yaml(okrs), encoding="utf-8")
    tmp.replace(path)
    return path
