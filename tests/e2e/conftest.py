"""End-to-end fixtures: the real command line in a subprocess, and a throwaway PostgreSQL server.

The PostgreSQL server is started once per test session from the binaries of the
``postgresql`` Debian package (scripts/install-system-deps.sh). Without them the
``postgres`` tests are skipped, except on CI (``CI=true``) where that is a failure.
Set ENGAGEMENT_DESK_TEST_POSTGRES to a server URL to use an existing server instead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

# ---- the command line ----------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


Cli = Callable[..., CliResult]


def run_cli(
    *args: str | Path,
    data_dir: Path | None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> CliResult:
    """Run ``python -m engagement_desk`` as a user would, in a clean environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENGAGEMENT_DESK_") and key != "PYTHONWARNINGS"
    }
    environment.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONWARNINGS="error",  # as strict as the test suite itself
        PYTHONIOENCODING="utf-8",
    )
    environment.update(env or {})
    command = [sys.executable, "-m", "engagement_desk"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    completed = subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=timeout,
        check=False,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "desk"


@pytest.fixture
def cli(data_dir: Path) -> Cli:
    """The command line on this test's own data folder."""

    def _cli(*args: str | Path, env: dict[str, str] | None = None) -> CliResult:
        return run_cli(*args, data_dir=data_dir, env=env)

    return _cli


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CliResult]:
    """A data folder filled once by `engagement-desk demo`; tests get their own copy."""
    folder = tmp_path_factory.mktemp("demo") / "desk"
    result = run_cli("demo", data_dir=folder)
    assert result.code == 0, result.err
    return folder, result


@pytest.fixture
def demo_dir(demo_template: tuple[Path, CliResult], data_dir: Path) -> Path:
    """This test's data folder, holding a copy of the demo database."""
    shutil.copytree(demo_template[0], data_dir)
    return data_dir


# ---- a throwaway PostgreSQL server ---------------------------------------------


def _postgres_bin() -> Path | None:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def postgres_binaries() -> Path:
    """Where initdb and pg_ctl are; skips the test without them, or fails it on CI."""
    binaries = _postgres_bin()
    if binaries is None:
        message = (
            "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin). "
            "Install it with scripts/install-system-deps.sh or 'apt-get install postgresql'."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binaries


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_user(root: Path) -> list[str]:
    """PostgreSQL refuses to run as root: when we are root, run it as the postgres user."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("Running as root but there is no 'postgres' user to run PostgreSQL as.")
    os.chown(root, account.pw_uid, account.pw_gid)
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-c"]


def _run(command: list[str], *, cwd: Path, what: str) -> None:
    if command[:1] == ["su"]:  # su -c takes one shell string
        command = [*command[:3], shlex.join(command[3:])]
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    if completed.returncode != 0:
        pytest.fail(f"Could not {what}:\n{completed.stdout}\n{completed.stderr}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A URL for a PostgreSQL server's maintenance database, with rights to create databases."""
    external = os.environ.get("ENGAGEMENT_DESK_TEST_POSTGRES")
    if external:
        yield external
        return
    binaries = postgres_binaries()
    # Not under pytest's tmp folder: that is private to us, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="engagement-desk-pg-"))
    data, log, port = root / "data", root / "server.log", _free_port()
    runner = _as_server_user(root)
    try:
        _run(
            [
                *runner,
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            cwd=root,
            what="create a PostgreSQL cluster",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        pg_ctl = [*runner, str(binaries / "pg_ctl"), "-D", str(data)]
        _run(
            [*pg_ctl, "-l", str(log), "-w", "-o", options, "start"],
            cwd=root,
            what=f"start PostgreSQL (log in {log})",
        )
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run(
                [*pg_ctl, "-m", "fast", "-w", "stop"],
                cwd=root,
                what="stop PostgreSQL",
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server for this test alone."""
    name = f"desk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
