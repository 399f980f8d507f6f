"""Test session set-up shared by tests/ and notebooks/: never touch a user's data.

Notebook kernels inherit this environment, so they open a demo workspace in a temporary folder.
"""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ.pop("OKRKIT_DATABASE_URL", None)
    os.environ.pop("OKRKIT_LANG", None)  # tests choose their language explicitly
    os.environ["OKRKIT_DEMO_DIR"] = tempfile.mkdtemp(prefix="okrkit-test-demo-")
