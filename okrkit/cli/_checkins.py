"""Commands on check-ins and history: checkin add/list/correct/delete, history, restore."""

from __future__ import annotations

import argparse
import os
from typing import Any

from okrkit.cli._common import UsageError, cell, open_store, print_csv, print_table
from okrkit.forms import default_checkin_date, make_checkin
from okrkit.model import CheckIn

__all__ = ["HISTORY_FIELDS", "cmd_checkin", "cmd_history", "cmd_restore"]


def cmd_checkin(args: argparse.Namespace) -> int:
    action = args.action
    if action is None:
        raise UsageError("choose an action: add, list, correct or delete")
    with open_store(args) as store:
        if action == "list":
            df = store.checkins(args.key_result, cycle=args.cycle, history=args.history)
            cols = [
                "id",
                "key_result",
                "date",
                "value",
                "done",
                "grade",
                "zone",
                "confidence",
                "note",
                "author",
            ]
            if args.history:
                cols += ["state", "replaces", "reason"]
            df = df[cols]
            if args.format == "json":
                print(df.to_json(orient="records", date_format="iso", force_ascii=False))
            elif args.format == "csv":
                print_csv(df.astype(object).where(df.notna(), "").to_dict("records"))
            else:
                rows = [tuple(c.upper() for c in cols)]
                for rec in df.to_dict("records"):
                    rows.append(tuple(cell(rec[c]) for c in cols))
                print_table(rows)
            return 0
        if action == "delete":
            store.delete_checkin(args.id, reason=args.reason)
            print(f"deleted check-in {args.id} (kept in the history)")
            return 0
        fields = {
            k: getattr(args, k)
            for k in ("value", "done", "grade", "zone", "date", "confidence", "note", "author")
            if getattr(args, k) is not None
        }
        if action == "add":
            new = store.add_checkin(_checkin_form(store, args.key_result, fields))
            print(f"recorded check-in {new.id} on {new.key_result}")
            return 0
        if action == "correct":
            if not fields:
                raise UsageError(
                    "nothing to correct; give --value, --done, --grade, --zone, --date ..."
                )
            new = store.correct_checkin(args.id, reason=args.reason, **fields)
            print(f"corrected check-in {args.id}: now check-in {new.id}")
            return 0
    raise UsageError("choose an action: add, list, correct or delete")


def _checkin_form(store: Any, key_result: str, fields: dict[str, Any]) -> CheckIn:
    """The check-in ``okrkit checkin add`` records: the check-in form of the widget
    (:func:`okrkit.forms.make_checkin`) filled in from the command line, for the key result's
    type and cycle; the date defaults to today, moved into the cycle."""
    kr_type, cycle = store.key_result_cycle(key_result)
    return make_checkin(
        kr_type,
        key_result,
        fields.get("date") or default_checkin_date(cycle),
        value=fields.get("value"),
        done=fields.get("done"),
        grade=fields.get("grade"),
        zone=fields.get("zone"),
        confidence=fields.get("confidence"),
        note=fields.get("note") or "",
        author=fields.get("author", os.environ.get("USER", "")),
        cycle=cycle,
    )


#: The fields ``okrkit history`` shows, after version, time, action, author and cycle.
HISTORY_FIELDS = (
    "objective",
    "title",
    "owner",
    "level",
    "kind",
    "aligns_to",
    "type",
    "weight",
    "start",
    "target",
    "current",
    "unit",
    "done",
    "grade",
    "threshold",
    "direction",
    "description",
    "bound",
    "per",
    "due",
    "commit_zone",
    "target_zone",
    "stretch_zone",
    "zone",
    "confidence",
)


def cmd_history(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        df = store.history(args.id, args.cycle)
    fields = [c for c in HISTORY_FIELDS if c in df.columns and (df[c].map(_field_cell) != "").any()]
    df = df[["version", "at", "action", "author", "cycle", *fields]]
    if args.format == "json":
        print(df.to_json(orient="records", date_format="iso", force_ascii=False))
    elif args.format == "csv":
        print_csv(df.astype(object).where(df.notna(), "").to_dict("records"))
    else:
        rows = [("VERSION", "AT (UTC)", "ACTION", "AUTHOR", "CYCLE", *(c.upper() for c in fields))]
        for rec in df.to_dict("records"):
            at = rec["at"].strftime("%Y-%m-%d %H:%M:%S")
            rows.append(
                (
                    str(rec["version"]),
                    at,
                    *(_field_cell(rec[c]) for c in ("action", "author", "cycle", *fields)),
                )
            )
        print_table(rows)
    return 0


def _field_cell(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else cell(value)


def cmd_restore(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        latest = int(store.history(args.id)["version"].iloc[-1])
        author = args.author if args.author is not None else os.environ.get("USER", "")
        new = store.restore(
            args.id, args.version, current_version=latest, cycle=args.cycle, author=author
        )
    print(f"restored {args.id} to version {args.version}: now version {new}")
    return 0
