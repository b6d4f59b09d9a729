"""A real X desktop for the app: Xvfb, a window manager, and keys typed through XTEST.

Everything here drives the app from outside, as a person (or a USB scanner) would:
``xdotool`` presses real keys, so a capital letter arrives as Shift down, key down, key up,
Shift up, exactly as a keyboard-wedge scanner sends it; ``import`` (ImageMagick) takes
screenshots of the whole screen; ``xclip`` reads the clipboard. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

SCREEN = "1366x768x24"
# The X programs these tests drive, and the Debian package each comes from.
X_TOOLS = {
    "Xvfb": "xvfb",
    "openbox": "openbox",
    "xdotool": "xdotool",
    "import": "imagemagick",
    "xclip": "xclip",
    "xprop": "x11-utils",
}
SCANNER_KEY_DELAY_MS = 3  # a USB scanner sends a whole code in well under a second
# A scanner is hardware, and a real X server stamps each key with the time the kernel read
# it; under Xvfb a key is stamped when the server gets round to it. So on a busy machine the
# server and xdotool (the scanner's stand-ins) run ahead of other programs, where allowed,
# or a starved sender would open gaps in a burst that no real scanner makes.
SENDER_NICENESS = -10
HUMAN_KEY_DELAY_MS = 150  # a quick typist: 6 to 7 keys a second

T = TypeVar("T")


def missing_x_tools() -> list[str]:
    """The X programs that are not installed, each with the package that provides it."""
    return [f"{tool} ({package})" for tool, package in X_TOOLS.items() if not shutil.which(tool)]


def wait_until(
    check: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.05,
) -> T | None:
    """Poll ``check`` until it returns something other than None/False, or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


class Processes:
    """The programs a test started; each in its own process group, all stopped at the end."""

    def __init__(self) -> None:
        self._running: list[subprocess.Popen[bytes]] = []

    def start(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str],
        log: Path | None = None,
        stdin: int | None = subprocess.DEVNULL,
        pass_fds: Sequence[int] = (),
        ahead: bool = False,
    ) -> subprocess.Popen[bytes]:
        """Start a program; ``ahead`` gives it the CPU before ordinary programs (see
        SENDER_NICENESS) when this user may do that."""
        output = log.open("ab") if log is not None else subprocess.DEVNULL
        try:
            process = subprocess.Popen(
                list(command),
                env=env,
                stdin=stdin,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=tuple(pass_fds),
                start_new_session=True,  # its own process group, so its children stop too
                preexec_fn=run_ahead if ahead else None,
            )
        finally:
            if log is not None and not isinstance(output, int):
                output.close()
        self._running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], *, grace: float = 5.0) -> None:
        """Ask politely (SIGTERM to its group), then insist (SIGKILL). The group is signalled
        only while its leader is unreaped, so its number cannot belong to anyone else yet."""
        if process.returncode is None:
            _signal_group(process, signal.SIGTERM)
            if not wait_until(lambda: _has_exited(process), timeout=grace):
                _signal_group(process, signal.SIGKILL)
                wait_until(lambda: _has_exited(process), timeout=grace)
            _signal_group(process, signal.SIGKILL)  # anything it left behind in its group
            process.wait(timeout=grace)
        if process in self._running:
            self._running.remove(process)

    def stop_all(self) -> None:
        """Last started, first stopped: the app before the window manager before the server."""
        for process in reversed(list(self._running)):
            self.stop(process)


def run_ahead() -> None:
    """In a child before it runs its program: a higher CPU priority, if permitted."""
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, SENDER_NICENESS)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def _has_exited(process: subprocess.Popen[bytes]) -> bool:
    """True once the process has ended, without reaping it (WNOWAIT)."""
    try:
        info = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


class XSession:
    """One Xvfb screen with openbox on it, for one test."""

    def __init__(self, processes: Processes, workdir: Path, base_env: dict[str, str]) -> None:
        self.processes = processes
        self.workdir = workdir
        self.screenshots = workdir / "screenshots"
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self._shot_number = 0
        self.display = self._start_server(base_env)
        self.env = {**base_env, "DISPLAY": self.display}
        self._clipboard_owner: subprocess.Popen[bytes] | None = None
        self.last_burst: tuple[int, float] | None = None  # keys sent, seconds it took
        self._start_window_manager()

    # ---- starting ----------------------------------------------------------------

    def _start_server(self, base_env: dict[str, str]) -> str:
        """Start Xvfb on a display number it picks itself (-displayfd): never a clash with
        another test run or a desktop already on this machine."""
        read_end, write_end = os.pipe()
        try:
            server = self.processes.start(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_end),
                    "-screen",
                    "0",
                    SCREEN,
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ],
                env=base_env,
                log=self.workdir / "xvfb.log",
                pass_fds=(write_end,),
                ahead=True,
            )
        finally:
            os.close(write_end)
        number = b""
        deadline = time.monotonic() + 20
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while not number.endswith(b"\n") and time.monotonic() < deadline:
                chunk = pipe.read(16)
                if not chunk:  # the server closed the pipe: it failed to start
                    break
                number += chunk
        if not number.strip().isdigit():
            log = (self.workdir / "xvfb.log").read_text(errors="replace")
            raise RuntimeError(f"Xvfb did not start (exit {server.poll()}):\n{log}")
        return f":{number.strip().decode()}"

    def _start_window_manager(self) -> None:
        wm = self.processes.start(
            ["openbox", "--sm-disable"], env=self.env, log=self.workdir / "openbox.log"
        )

        def managing() -> bool:
            if wm.poll() is not None:
                raise RuntimeError("openbox exited at start-up; see openbox.log")
            out = self.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False)
            return "window id" in out

        if not wait_until(managing, timeout=15):
            raise RuntimeError("openbox did not take over the screen within 15 s")

    # ---- running X programs -----------------------------------------------------

    def run(
        self, *command: str, check: bool = True, timeout: float = 20, ahead: bool = False
    ) -> str:
        completed = subprocess.run(
            list(command),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            preexec_fn=run_ahead if ahead else None,
        )
        if check and completed.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command[:3])}… failed ({completed.returncode}): {completed.stderr}"
            )
        return completed.stdout

    def xdotool(self, *args: str, check: bool = True, timeout: float = 20) -> str:
        # Keys are sent ahead of other programs, like keys from a real keyboard.
        return self.run("xdotool", *args, check=check, timeout=timeout, ahead=True)

    # ---- windows ---------------------------------------------------------------------

    def windows_named(self, pattern: str) -> list[str]:
        """Visible windows whose title matches the regular expression."""
        out = self.xdotool("search", "--onlyvisible", "--name", pattern, check=False)
        return out.split()

    def window_name(self, window: str) -> str:
        return self.xdotool("getwindowname", window, check=False).strip()

    def active_window(self) -> str:
        return self.xdotool("getactivewindow", check=False).strip()

    def activate(self, window: str) -> bool:
        """Give a window the keyboard; True once the window manager says it has it."""
        self.xdotool("windowactivate", window, check=False, timeout=10)
        return bool(wait_until(lambda: self.active_window() == window, timeout=10))

    # ---- keys ------------------------------------------------------------------------

    def key(self, *keys: str) -> None:
        """Key chords as a person presses them, e.g. ``key("ctrl+3")``, ``key("alt+n")``."""
        self.xdotool("key", "--delay", "40", *keys)

    def scan(self, code: str, *, style: str = "type") -> None:
        """Send a ticket code the way a USB keyboard-wedge scanner does: every key a few
        milliseconds apart, Shift held around each capital, then Enter. One xdotool run,
        so no process start-up opens a gap inside the burst.

        ``style="type"`` lets xdotool choose the keys for each character (it presses Shift
        for capitals); ``style="key"`` names every key chord explicitly (``shift+e``)."""
        delay = str(SCANNER_KEY_DELAY_MS)
        started = time.monotonic()
        if style == "type":
            # "\r" is the Return key to xdotool ("\n" would be Linefeed, which no scanner sends).
            self.xdotool("type", "--delay", delay, f"{code}\r")
        elif style == "key":
            self.xdotool("key", "--delay", delay, *(_chord(c) for c in code), "Return")
        else:
            raise ValueError(f"unknown scanner style {style!r}")
        self.last_burst = (len(code) + 1, time.monotonic() - started)

    def type_slowly(self, text: str, *, delay_ms: int = HUMAN_KEY_DELAY_MS) -> None:
        """Type as a person does, ``delay_ms`` between keys."""
        self.xdotool("type", "--delay", str(delay_ms), text, timeout=10 + len(text) * 0.5)

    # ---- clipboard ---------------------------------------------------------------------

    def clipboard(self) -> str | None:
        """The clipboard's text, or None when nobody offers any."""
        completed = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"],
            env=self.env,
            capture_output=True,
            timeout=10,
            check=False,
        )
        if completed.returncode != 0:
            return None
        return completed.stdout.decode("utf-8", errors="replace")

    def set_clipboard(self, text: str) -> None:
        """Put text on the clipboard; xclip stays in the foreground (a process this test
        owns and stops) serving it until another program copies something."""
        if self._clipboard_owner is not None:
            self.processes.stop(self._clipboard_owner, grace=1)
        owner = self.processes.start(
            ["xclip", "-quiet", "-selection", "clipboard", "-i"],
            env=self.env,
            stdin=subprocess.PIPE,
        )
        assert owner.stdin is not None
        owner.stdin.write(text.encode())
        owner.stdin.close()
        self._clipboard_owner = owner
        if not wait_until(lambda: self.clipboard() == text, timeout=10):
            raise RuntimeError("could not put a marker on the clipboard with xclip")

    # ---- screenshots -------------------------------------------------------------------

    def screenshot(self, name: str) -> Path:
        """The whole screen as a PNG in this test's folder, numbered in the order taken."""
        self._shot_number += 1
        path = self.screenshots / f"{self._shot_number:02d}-{name}.png"
        self.run("import", "-window", "root", str(path), check=False, timeout=30)
        return path


# xdotool key names for the characters a ticket code can hold (letters, digits, '-').
_KEY_NAMES = {"-": "minus", " ": "space", ".": "period", "/": "slash", ":": "colon"}


def _chord(character: str) -> str:
    if character.isalpha() and character.isupper():
        return f"shift+{character.lower()}"
    return _KEY_NAMES.get(character, character)
