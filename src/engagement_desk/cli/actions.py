"""`actions list|add|update|delete`: the "You said, we did" actions shown in the reports."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command
from engagement_desk.services.actions import ActionRow
from engagement_desk.services.errors import UserError

CLEAR = "none"


def register(commands: Any) -> None:
    actions = add_command(
        commands, "actions", '"You said, we did": what parents said and what was done about it'
    )
    group = actions.add_subparsers(dest="actions_command", metavar="ACTION", required=True)

    listing = add_command(group, "list", "list the actions", _list)
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    add = add_command(group, "add", "record an action", _add)
    add.add_argument("--you-said", required=True, metavar="TEXT", help="what parents said")
    add.add_argument("--we-did", default="", metavar="TEXT", help="what we will do or did")
    add.add_argument("--owner", default="", help="who is responsible")
    add.add_argument("--status", default="planned", help="planned, in progress or done")
    add.add_argument("--due", metavar="DATE", help="due date, like 2026-06-30")
    add.add_argument("--theme", metavar="T", help="one of the programme's comment themes")
    add.add_argument(
        "--priority", metavar="P", help="one of the programme's priorities: number, title or id"
    )
    add.add_argument("--json", action="store_true", help="machine-readable output")

    update = add_command(group, "update", "change an action (only the options given)", _update)
    update.add_argument("action", metavar="ID", help="the action's id (see 'actions list')")
    update.add_argument("--you-said", metavar="TEXT")
    update.add_argument("--we-did", metavar="TEXT")
    update.add_argument("--owner")
    update.add_argument("--status", help="planned, in progress or done")
    update.add_argument("--due", metavar="DATE", help=f"due date, or '{CLEAR}' to clear it")
    update.add_argument("--theme", metavar="T", help=f"a theme, or '{CLEAR}' to clear it")
    update.add_argument("--priority", metavar="P", help=f"a priority, or '{CLEAR}' to clear it")
    update.add_argument("--json", action="store_true", help="machine-readable output")

    delete = add_command(group, "delete", "delete an action", _delete)
    delete.add_argument("action", metavar="ID")


def action_json(row: ActionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "you_said": row.you_said,
        "we_did": row.we_did,
        "owner": row.owner,
        "status": row.status.value,
        "due": row.due.isoformat() if row.due else None,
        "theme": row.theme,
        "priority_id": row.priority_id,
        "priority": row.priority,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def _list(desk: Desk, args: argparse.Namespace) -> int:
    rows = desk.actions.actions()
    if args.json:
        print(json.dumps([action_json(r) for r in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No actions yet. Add one with 'engagement-desk actions add --you-said TEXT'.")
        return 0
    for row in rows:
        _print(row)
    return 0


def _print(row: ActionRow) -> None:
    print(f"{row.id}  [{row.status.value}]" + (f"  due {row.due:%d %b %Y}" if row.due else ""))
    print(f"  You said: {row.you_said}")
    print(f"  We did:   {row.we_did or '(not yet recorded)'}")
    for label, value in (("Owner", row.owner), ("Theme", row.theme), ("Priority", row.priority)):
        if value:
            print(f"  {label + ':':9} {value}")


def _show(row: ActionRow, as_json: bool, verb: str) -> None:
    if as_json:
        print(json.dumps(action_json(row), indent=2, ensure_ascii=False))
    else:
        print(f"{verb} action {row.id}")


def _add(desk: Desk, args: argparse.Namespace) -> int:
    row = desk.actions.add(
        args.you_said,
        we_did=args.we_did,
        owner=args.owner,
        status=args.status,
        due=_date(args.due),
        theme=args.theme,
        priority_id=_priority_id(desk, args.priority),
    )
    _show(row, args.json, "Added")
    return 0


def _update(desk: Desk, args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    for name in ("you_said", "we_did", "owner", "status"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.due is not None:
        changes["due"] = None if _cleared(args.due) else _date(args.due)
    if args.theme is not None:
        changes["theme"] = None if _cleared(args.theme) else args.theme
    if args.priority is not None:
        changes["priority_id"] = (
            None if _cleared(args.priority) else _priority_id(desk, args.priority)
        )
    if not changes:
        raise UserError("Nothing to change: give at least one option, such as --status done.")
    row = desk.actions.update(args.action, **changes)
    _show(row, args.json, "Updated")
    return 0


def _delete(desk: Desk, args: argparse.Namespace) -> int:
    desk.actions.delete(args.action)
    print(f"Deleted action {args.action.strip()}")
    return 0


def _cleared(text: str) -> bool:
    return text.strip().lower() in (CLEAR, "")


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(f"Give --due as a date like 2026-06-30; got '{text}'.") from exc


def _priority_id(desk: Desk, text: str | None) -> str | None:
    """A priority by its number in the programme (1-5), its title (any case) or its id."""
    if text is None or not text.strip():
        return None
    wanted = " ".join(text.split())
    priorities = desk.programmes.current().priorities
    for priority in priorities:
        if wanted in (priority.id, str(priority.position)) or (
            wanted.lower() == priority.title.lower()
        ):
            return priority.id
    listed = "; ".join(f"{p.position}. {p.title}" for p in priorities)
    raise UserError(f"'{wanted}' is not one of the programme's priorities. They are: {listed}.")
