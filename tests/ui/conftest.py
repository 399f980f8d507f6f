"""Shared fixtures of the view tests: a store seeded with the company and marketing templates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrkit import load_template
from okrkit.store import Store


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKRKIT_LANG", raising=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file seeded with the company and marketing templates, made once."""
    path = tmp_path_factory.mktemp("seeded") / "okrkit.db"
    with Store(path) as s:
        s.import_set(load_template("company"))
        s.import_set(load_template("marketing"))
        s.checkpoint()
    return path


@pytest.fixture
def db(tmp_path: Path, seeded: Path) -> Path:
    path = tmp_path / "okrkit.db"
    shutil.copyfile(seeded, path)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


@pytest.fixture
def other(db: Path, store: Store) -> Iterator[Store]:
    """A second connection to the same file: somebody else's kernel."""
    with Store(db) as s:
        yield s
