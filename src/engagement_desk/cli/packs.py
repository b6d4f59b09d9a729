"""`pack export|import` and `bundle export|merge`: moving an event's data between laptops.

Every file is sealed with a passphrase read from a file (--passphrase-file), so the
passphrase never appears in the shell history or the process list.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, output_path, plural
from engagement_desk.core.packing import PackProblem, check_passphrase
from engagement_desk.services.errors import UserError
from engagement_desk.services.packs import MergeResult, describe_counts, describe_merge

# A sealed file bigger than this is not one of ours; refuse before reading it all.
MAX_FILE_BYTES = 600 * 1024 * 1024


def register(commands: Any) -> None:
    pack = add_command(commands, "pack", "event packs: what a venue laptop needs for one event")
    pack_commands = pack.add_subparsers(dest="pack_command", metavar="COMMAND", required=True)
    export = add_command(
        pack_commands,
        "export",
        "seal an event's pack for a venue laptop (public ticket key, event, venue, agenda, "
        "registrations, and only the person details the door needs)",
        _pack_export,
    )
    export.add_argument("event", metavar="EVENT", help="event id or short code")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    _passphrase_option(export)
    take = add_command(
        pack_commands, "import", "take an event pack on to this laptop", _pack_import
    )
    take.add_argument("file", type=Path, metavar="FILE")
    _passphrase_option(take)

    bundle = add_command(commands, "bundle", "device bundles: what a laptop captured")
    bundle_commands = bundle.add_subparsers(dest="bundle_command", metavar="COMMAND", required=True)
    made = add_command(
        bundle_commands,
        "export",
        "seal everything this laptop captured (people, registrations, check-ins, votes, "
        "comments, questions) for the office",
        _bundle_export,
    )
    made.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    _passphrase_option(made)
    merge = add_command(
        bundle_commands,
        "merge",
        "add laptops' bundles to this database (merging a bundle twice adds nothing)",
        _bundle_merge,
    )
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _passphrase_option(merge)
    merge.add_argument("--json", action="store_true", help="machine-readable output")


def _passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        required=True,
        type=Path,
        metavar="F",
        help="a file holding the passphrase (at least 8 characters; one final newline ignored)",
    )


def _passphrase(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"There is no passphrase file at {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Could not read the passphrase file {path}: {exc}.") from exc
    try:
        return check_passphrase(text)
    except PackProblem as exc:
        raise UserError(str(exc)) from exc


def _read_sealed(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserError(f"{path} is far too big to be a pack or bundle. Nothing was changed.")
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no file at {path}. Nothing was changed.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder; give the file. Nothing was changed.") from None
    except OSError as exc:
        raise UserError(f"Could not read {path}: {exc}. Nothing was changed.") from exc


def _write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed write never leaves half a file."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with temporary.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(target)
    except OSError as exc:
        raise UserError(
            f"Could not save {target}: {exc.strerror or exc}. Check the folder and try again."
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)


def _pack_export(desk: Desk, args: argparse.Namespace) -> int:
    target = output_path(args.output)
    passphrase = _passphrase(args.passphrase_file)
    pack = desk.packs.export_pack(args.event, passphrase)
    _write_atomically(target, pack.data)
    print(
        f"Wrote the event pack for {pack.event_title} ({pack.event_code}) to {target}: "
        f"{plural(pack.registrations, 'registration')}, {_people(pack.people)} "
        "(names and access needs only). Give the passphrase to the facilitator separately."
    )
    return 0


def _pack_import(desk: Desk, args: argparse.Namespace) -> int:
    passphrase = _passphrase(args.passphrase_file)
    result = desk.packs.import_pack(_read_sealed(args.file), passphrase)
    print(
        f"Imported the pack for {result.event_title} ({result.event_code}) made by "
        f"{result.made_by}: {plural(result.registrations, 'registration')}. This laptop can "
        "now check tickets for it (but cannot make new ones)."
    )
    if result.erased:
        print(f"{_people(result.erased)} erased at the office were erased on this laptop too.")
    for conflict in result.conflicts:
        print(conflict.sentence())
    return 0


def _bundle_export(desk: Desk, args: argparse.Namespace) -> int:
    target = output_path(args.output)
    passphrase = _passphrase(args.passphrase_file)
    bundle = desk.packs.export_bundle(passphrase)
    _write_atomically(target, bundle.data)
    print(
        f"Wrote what {bundle.device_name} captured to {target}: {describe_counts(bundle.counts)}."
    )
    return 0


def _bundle_merge(desk: Desk, args: argparse.Namespace) -> int:
    passphrase = _passphrase(args.passphrase_file)
    # Open and check every bundle before merging any, so a bad file stops them all.
    bundles = [
        (path, desk.packs.open_bundle(_read_sealed(path), passphrase)) for path in args.files
    ]
    merged = desk.packs.merge_bundles([bundle for _, bundle in bundles])
    results = [(path, result) for (path, _), result in zip(bundles, merged, strict=True)]
    if args.json:
        print(json.dumps([_as_json(path, result) for path, result in results], indent=2))
        return 0
    for path, result in results:
        first, *rest = describe_merge(result)
        print(f"{path}: {first[0].lower()}{first[1:]}")
        for line in rest:
            print(f"  {line}")
    return 0


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _as_json(path: Path, result: MergeResult) -> dict[str, Any]:
    return {
        "file": str(path),
        "device": result.device_name,
        "added": result.added,
        "already_here": result.already_here,
        "undo_updated": result.undo_updated,
        "second_admissions": result.second_admissions,
        "linked_to_office_tickets": result.linked_to_office_tickets,
        "unlinked_people": result.unlinked_people,
        "erased_here": result.erased_here,
        "erased_not_restored": result.erased_not_restored,
        "kept_without_erased": result.kept_without_erased,
        "same_person_twice": [
            {"event": t.event_code, "person_id": t.person_id, "registrations": t.registrations}
            for t in result.same_person_twice
        ],
        "same_email": result.same_email,
        "details_updated": result.details_updated,
        "conflicts": [
            {
                "person_id": c.person_id,
                "detail": c.detail,
                "kept_from": c.kept_from,
                "kept_at": c.kept_at.isoformat(),
                "other_from": c.other_from,
                "other_at": c.other_at.isoformat(),
            }
            for c in result.conflicts
        ],
    }
