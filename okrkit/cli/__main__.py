"""``python -m okrkit.cli``: the ``okrkit`` command line."""

from __future__ import annotations

import sys

from okrkit.cli import main

__all__: list[str] = []

sys.exit(main())
