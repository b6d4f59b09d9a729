"""This laptop's own preferences (text size), kept in a small JSON file in the data folder."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class Preferences:
    text_size: int = 11

    @classmethod
    def load(cls, path: Path) -> Preferences:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            size = int(data.get("text_size", cls.text_size))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning("preferences file %s is unreadable; using defaults", path)
            return cls()
        return cls(text_size=max(8, min(size, 32)))

    def save(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".partial")
        temporary.write_text(json.dumps(asdict(self)), encoding="utf-8")
        temporary.replace(path)
