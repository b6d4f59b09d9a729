"""Saving files the user asked for: all or nothing, never half a file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from engagement_desk.core.importing import too_big_message
from engagement_desk.services.errors import UserError


def save_files(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write each file beside its target, flush it to disk, then rename them all.

    A failure part way leaves no half-written file, and no file without its partners
    (a PDF without the HTML that was asked for with it). Problems are plain UserErrors.
    """
    for target, _data in files:
        if target.is_dir():
            raise UserError(f"{target} is a folder; give a file name to save to.")
        if not target.parent.is_dir():
            raise UserError(
                f"The folder {target.parent} does not exist; choose another place to save."
            )
    partial = [(target, target.with_name(f".{target.name}.partial")) for target, _ in files]
    try:
        for (_target, data), (_same, temporary) in zip(files, partial, strict=True):
            with temporary.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for target, temporary in partial:
            temporary.replace(target)
    except OSError as exc:
        raise UserError(
            f"Could not save {exc.filename or 'the file'}: {exc.strerror or exc}. "
            "Check the folder and try again."
        ) from exc
    finally:
        for _target, temporary in partial:
            temporary.unlink(missing_ok=True)


def save_file(target: Path, data: bytes) -> None:
    save_files([(Path(target), data)])


def read_user_file(
    path: Path, what: str, limit: int, *, error: type[UserError] = UserError
) -> bytes:
    """The bytes of a file the user chose, or a plain ``error``: missing, a folder, too big
    (over ``limit`` bytes) or unreadable. ``what`` names what they should choose instead."""
    if not path.exists():
        raise error(f"There is no file at {path}.")
    if path.is_dir():
        raise error(f"{path} is a folder; choose the {what} inside it.")
    try:
        if path.stat().st_size > limit:
            raise error(too_big_message(path.name))
        return path.read_bytes()
    except OSError as exc:
        raise error(f"{path} cannot be read: {exc.strerror or exc}.") from exc
