"""Commands that open notebooks: notebook and workshop."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from okrkit import workshop
from okrkit.notebooks import department_okrs, make_department_notebook
from okrkit.store import ENV_URL, Store, resolve_url
from okrkit.workspace import demo_path, ensure_demo

__all__ = ["cmd_notebook", "cmd_workshop"]


def cmd_notebook(args: argparse.Namespace) -> int:
    # The store as every command finds it: --db, else $OKRKIT_DATABASE_URL, else ./okrkit.db.
    # With only the environment variable, the notebook reads it too (no URL written into it).
    db = args.db
    if db is None and not os.environ.get(ENV_URL):
        db = "okrkit.db"
    path = make_department_notebook(
        args.department,
        cycle=args.cycle,
        output=args.output,
        database_url=db,
        lang=args.lang,
        force=args.force,
    )
    with Store(db) as store:
        okrs = department_okrs(store, args.department, args.cycle)
        label = store.display_url
    print(
        f"wrote {path}: {len(okrs.objectives)} {args.department} objectives in cycle"
        f" {okrs.cycle.id} of {label}"
    )
    print(f"open it with: jupyter lab {path}")
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    # The store as every command finds it, except that with no ./okrkit.db the notebooks get the
    # demo workspace (as they do on their own) rather than a new empty store.
    if args.db is None and not os.environ.get(ENV_URL) and not Path("okrkit.db").exists():
        ensure_demo().close()
        url = resolve_url(demo_path())
    else:
        url = resolve_url(args.db)
    with Store(url, create=False):  # a readable error now rather than in every notebook
        pass
    if args.no_token and args.ip not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"okrkit: warning: no token on {args.ip}: anyone who reaches this machine can use it",
            file=sys.stderr,
        )
    plan = workshop.plan(
        app=args.app,
        port=args.port,
        ip=args.ip,
        token=not args.no_token,
        notebook=args.notebook,
        database_url=url,
    )
    return workshop.start(plan, open_browser=not args.no_browser)
