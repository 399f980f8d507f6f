"""The ``okrkit`` command line.

Exit codes: 0 success; 1 the OKR set has errors (or a conflict in the store); 2 the input cannot
be read (missing or malformed file, unreachable store). User errors print one readable message on
stderr, never a traceback.

One module per group of commands: ``_files`` (init, templates, demo, demo-org, import,
export), ``_analysis`` (check, graph, score, report, carry-over), ``_checkins`` (checkin,
history, restore) and ``_workshop`` (notebook, workshop), on ``_common`` and ``_parser``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from typing import Any

from okrkit.cli._analysis import cmd_carry_over, cmd_check, cmd_graph, cmd_report, cmd_score
from okrkit.cli._checkins import cmd_checkin, cmd_history, cmd_restore
from okrkit.cli._files import (
    cmd_demo,
    cmd_demo_org,
    cmd_export,
    cmd_import,
    cmd_init,
    cmd_templates,
)
from okrkit.cli._parser import build_parser
from okrkit.cli._workshop import cmd_notebook, cmd_workshop
from okrkit.errors import (
    ConflictError,
    InputError,
    OkrkitError,
    OkrkitWarning,
    StoreError,
    ValidationError,
)

__all__ = ["main"]

COMMANDS = {
    "init": cmd_init,
    "templates": cmd_templates,
    "demo": cmd_demo,
    "demo-org": cmd_demo_org,
    "import": cmd_import,
    "export": cmd_export,
    "check": cmd_check,
    "graph": cmd_graph,
    "score": cmd_score,
    "report": cmd_report,
    "carry-over": cmd_carry_over,
    "checkin": cmd_checkin,
    "history": cmd_history,
    "restore": cmd_restore,
    "notebook": cmd_notebook,
    "workshop": cmd_workshop,
}


_SHOW_WARNING = warnings.showwarning


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    """okrkit's own warnings as one line, as the errors are; others as Python shows them."""
    if issubclass(category, OkrkitWarning):
        print(f"okrkit: warning: {message}", file=sys.stderr)
    else:
        _SHOW_WARNING(message, category, *args, **kw)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", OkrkitWarning)
            warnings.showwarning = _show_warning
            return COMMANDS[args.command](args)
    except ValidationError as exc:
        print(f"okrkit: error: {exc}", file=sys.stderr)
        return 1
    except (InputError, StoreError) as exc:
        print(f"okrkit: error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, ConflictError) else 2
    except OkrkitError as exc:
        print(f"okrkit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
