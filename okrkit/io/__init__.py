"""Reading and writing OKR sets: YAML (the human format) and flat tables (CSV, Excel)."""

from __future__ import annotations

from okrkit.io.tabular import (
    load_csv,
    load_flat_csv,
    load_xlsx,
    read_tables,
    write_csv,
    write_flat_csv,
    write_xlsx,
)
from okrkit.io.yaml_io import dump_yaml, load_yaml, save_yaml

__all__ = [
    "dump_yaml",
    "load_csv",
    "load_flat_csv",
    "load_xlsx",
    "load_yaml",
    "read_tables",
    "save_yaml",
    "write_csv",
    "write_flat_csv",
    "write_xlsx",
]
