"""The one module that knows where things live on disk.

Data, logs and backups go under one home folder (``--data-dir``,
``ENGAGEMENT_DESK_HOME``, or the platform's user data folder). Resources are
read from the frozen bundle, the installed package or the source checkout.
Nothing is ever written to the working directory or the bundle.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

HOME_ENV = "ENGAGEMENT_DESK_HOME"
DATABASE_ENV = "ENGAGEMENT_DESK_DATABASE"


class DataFolderProblem(Exception):
    """The data folder cannot be used (a file is in the way, or it cannot be created)."""


@dataclass(frozen=True)
class AppPaths:
    home: Path

    @classmethod
    def from_environment(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        chosen = data_dir or os.environ.get(HOME_ENV)
        home = Path(chosen) if chosen else Path(platformdirs.user_data_dir("EngagementDesk", False))
        return cls(home.expanduser().resolve())

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def default_database_file(self) -> Path:
        return self.home / "engagement-desk.sqlite3"

    @property
    def device_file(self) -> Path:
        return self.home / "device.json"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.json"

    def ensure(self, *, for_reading: bool = False) -> AppPaths:
        """Create the data, logs and backups folders; a plain DataFolderProblem if we cannot.

        ``for_reading``: a folder that cannot be written is fine, as long as it is a folder.
        """
        if self.home.exists() and not self.home.is_dir():
            raise DataFolderProblem(
                f"The data folder {self.home} is a file, not a folder. Give --data-dir (or "
                "ENGAGEMENT_DESK_HOME) a folder for the app's data, logs and backups."
            )
        for folder in (self.home, self.logs, self.backups):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                raise DataFolderProblem(
                    f"The data folder {self.home} cannot be used: {folder} (or a folder above "
                    "it) is a file, not a folder. Give --data-dir a folder."
                ) from exc
            except OSError as exc:
                if for_reading:
                    continue
                raise DataFolderProblem(
                    f"The data folder {folder} cannot be created ({exc.strerror or exc}). "
                    "Give --data-dir a folder you can write to."
                ) from exc
        return self

    def database_url(self, explicit: str | None = None) -> str:
        url = explicit or os.environ.get(DATABASE_ENV)
        if url:
            return url
        return f"sqlite:///{self.default_database_file.as_posix()}"


def resources_dir() -> Path:
    """Where icons, fonts and sounds live: frozen bundle, wheel, or checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen:
        candidates.append(Path(frozen) / "resources")
    package = Path(__file__).resolve().parent
    candidates.append(package / "resources")
    candidates.append(package.parents[1] / "resources")
    for candidate in candidates:
        if (candidate / "fonts").is_dir():
            return candidate
    raise FileNotFoundError(
        "The application's resources folder is missing; reinstall Engagement Desk."
    )


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
