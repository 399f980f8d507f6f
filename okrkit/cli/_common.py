"""What every command shares: reading a set from a file or a store, and printing tables."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from okrkit import __version__
from okrkit.cycles import parse_date
from okrkit.errors import InputError, ValidationError
from okrkit.io.tabular import neutralise, read_tables
from okrkit.io.yaml_io import load_yaml
from okrkit.model import OkrSet
from okrkit.store import Store

__all__ = [
    "STORE_SUFFIXES",
    "UsageError",
    "cell",
    "clip",
    "day_arg",
    "fmt",
    "is_store",
    "load_set",
    "open_store",
    "print_csv",
    "print_table",
    "read_file",
    "version",
]


STORE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class UsageError(InputError):
    """A command line that cannot be carried out as given."""


def day_arg(text: str) -> dt.date:
    try:
        return parse_date(text, field="date")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def version() -> str:
    return __version__


def is_store(source: str) -> bool:
    return (
        "://" in source
        or Path(source).suffix.lower() in STORE_SUFFIXES
        or (Path(source).is_dir() and (Path(source) / "okrkit.db").is_file())
    )


def read_file(path: str) -> OkrSet:
    """Read an OKR set from a YAML file, a folder of CSV files or an .xlsx workbook."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_yaml(p)
    if suffix in (".xlsx", ".csv") or p.is_dir():
        return read_tables(p)
    if not p.exists():
        raise InputError("no such file", source=path, fix="check the path")
    raise InputError(
        f"cannot tell the format of {p.name!r}",
        source=path,
        fix="use a .yaml file, an .xlsx workbook, a folder of CSV files or a store (.db / URL)",
    )


def open_store(args: argparse.Namespace, source: str | None = None, *, create: bool = False) -> Any:
    if source is not None:
        if Path(source).is_dir():
            source = str(Path(source) / "okrkit.db")
        return Store(source, create=create)
    return Store(args.db, create=create)


def load_set(args: argparse.Namespace) -> OkrSet:
    source = args.source
    if source is not None and not is_store(source):
        return read_file(source)
    with open_store(args, source) as store:
        return store.load(args.cycle)  # type: ignore[no-any-return]


def print_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "done" if value else "not done"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if value == value else "–"
    return str(value)


def clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return str(value.date())
    return clip(str(value), 40)
