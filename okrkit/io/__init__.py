"""Reading and writing OKR sets: YAML (the human format) and flat tables (CSV, Excel)."""

from __future__ import annotations

from okrkit.io.yaml_io import dump_yaml, load_yaml, save_yaml

__all__ = ["dump_yaml", "load_yaml", "save_yaml"]
