"""Shared fixtures of the view tests: a store seeded with the company and marketing templates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from okrkit.store import Store


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKRKIT_LANG", raising=False)


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


@pytest.fixture
def other(db: Path, store: Store) -> Iterator[Store]:
    """A second connection to the same file: somebody else's kernel."""
    with Store(db) as s:
        yield s
