"""Startup: time from launching the app until its main window has been shown.

Compared, in the same run, with a bare QApplication + QMainWindow of the same
size, so the number means "how much slower than Qt itself" on this machine.

Every sample is a fresh ``python child.py`` process, timed by this parent from
just before it starts the process until the child reports that its window's
first frame was painted. Interpreter start-up is therefore counted the same way
for both. App and bare samples alternate, after one unmeasured warm-up of each,
and the medians are compared.

The app child runs the real entry point, ``engagement_desk.cli.main`` with
``--data-dir`` (no command opens the GUI, through ``app.run_gui``), on a demo
database made once in a temporary folder. The only thing it adds is an event
filter on the QApplication that stops the event loop after the first frame.

    python benchmarks/bench_startup.py                  7 samples of each
    python benchmarks/bench_startup.py --samples 15
    python benchmarks/bench_startup.py --importtime     also: slowest imports of the app
    python benchmarks/bench_startup.py --profile        also: cProfile of one app start-up
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 2.0
ROOT = Path(__file__).resolve().parent.parent

# Shared by both children: report once the main window's first frame has been painted.
FIRST_FRAME_PROBE = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


class FirstFrame(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, watched, event):
        if (
            not self.seen
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and isinstance(watched.window(), QMainWindow)
        ):
            self.seen = True
            # Runs after this paint pass (the whole window) has finished.
            QTimer.singleShot(0, self.done)
        return False

    def done(self) -> None:
        inside, cpu = time.perf_counter() - START, time.process_time()
        print(f"first-frame {inside:.6f} {cpu:.6f}", flush=True)
        # Then wait until the window says it is ready (its pages hold the data) and the
        # event loop is running, which is when a person can use it.
        self.poll = QTimer()
        self.poll.timeout.connect(self.check_ready)
        self.poll.start(5)

    def check_ready(self) -> None:
        if any(w.property("ready") for w in QApplication.topLevelWidgets()):
            self.poll.stop()
            QApplication.processEvents()  # paint the filled pages
            inside, cpu = time.perf_counter() - START, time.process_time()
            print(f"ready {inside:.6f} {cpu:.6f}", flush=True)
            QApplication.instance().quit()


def watch(app):
    probe = FirstFrame()
    probe.setParent(app)
    app.installEventFilter(probe)
    QTimer.singleShot(60_000, lambda: (print("no frame after 60 s", flush=True), app.exit(3)))
"""

BARE_CHILD = (
    """import time

START = time.perf_counter()
import sys
"""
    + FIRST_FRAME_PROBE
    + """
app = QApplication(sys.argv[:1])
watch(app)
window = QMainWindow()
window.setWindowTitle("bare")
window.setProperty("ready", True)
window.resize(1200, 760)
window.show()
sys.exit(app.exec())
"""
)

APP_CHILD = (
    """import time

START = time.perf_counter()
import sys
"""
    + FIRST_FRAME_PROBE
    + """
import engagement_desk.app as gui
from engagement_desk.cli import main

real_application = gui.application


def application_with_probe():
    app = real_application()
    watch(app)
    return app


gui.application = application_with_probe
sys.exit(main(sys.argv[1:]))
"""
)


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("ENGAGEMENT_DESK_DATABASE", None)
    env.pop("ENGAGEMENT_DESK_HOME", None)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    return env


def make_demo_home(folder: Path) -> Path:
    home = folder / "desk"
    subprocess.run(
        [sys.executable, "-m", "engagement_desk", "--data-dir", str(home), "demo"],
        env=child_environment(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return home


def time_child(command: list[str]) -> tuple[float, float, float, float]:
    """Seconds to the first frame: seen by this parent, counted by the child, CPU time used;
    and seconds (seen by this parent) until the window was ready to use.

    CPU time (the process's, from its start) hardly changes when other work shares the
    machine, so it is the steadier number for comparing two versions of the code.
    """
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=child_environment(), stdout=subprocess.PIPE, stderr=errors, text=True
        )
        assert process.stdout is not None
        wall = inside = cpu = ready = None
        for line in process.stdout:
            if line.startswith("first-frame "):
                wall = time.perf_counter() - started
                inside, cpu = (float(word) for word in line.split()[1:3])
            elif line.startswith("ready "):
                ready = time.perf_counter() - started
        returncode = process.wait()
        errors.seek(0)
        if returncode != 0 or wall is None or inside is None or cpu is None or ready is None:
            raise RuntimeError(f"{' '.join(command)} failed (exit {returncode}):\n{errors.read()}")
    return wall, inside, cpu, ready


def show_importtime(command: list[str], top: int = 20) -> None:
    completed = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=child_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in completed.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            own, total, indent, name = match.groups()
            rows.append((int(total), int(own), len(indent) // 2, name))
    print(f"slowest imports of one app start-up (cumulative ms, top {top} at any depth):")
    for total, own, depth, name in sorted(rows, reverse=True)[:top]:
        print(f"  {total / 1000:7.1f}  (self {own / 1000:6.1f})  {'  ' * depth}{name}")


def show_profile(command: list[str], folder: Path, top: int = 25) -> None:
    import pstats

    out = folder / "startup.prof"
    subprocess.run(
        [command[0], "-m", "cProfile", "-o", str(out), *command[1:]],
        env=child_environment(),
        capture_output=True,
        check=True,
    )
    print(f"cProfile of one app start-up (top {top} by cumulative time):")
    pstats.Stats(str(out), stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=7, help="samples of each (default 7)")
    parser.add_argument("--importtime", action="store_true", help="show the slowest imports")
    parser.add_argument("--profile", action="store_true", help="cProfile one app start-up")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        home = make_demo_home(folder)
        (folder / "app_child.py").write_text(APP_CHILD, encoding="utf-8")
        (folder / "bare_child.py").write_text(BARE_CHILD, encoding="utf-8")
        app_command = [sys.executable, str(folder / "app_child.py"), "--data-dir", str(home)]
        bare_command = [sys.executable, str(folder / "bare_child.py")]

        # Unmeasured warm-up: bytecode caches, the OS file cache, fontconfig's cache.
        time_child(app_command)
        time_child(bare_command)
        app_samples, bare_samples = [], []
        for _ in range(args.samples):
            app_samples.append(time_child(app_command))
            bare_samples.append(time_child(bare_command))

        if args.importtime:
            show_importtime(app_command)
        if args.profile:
            show_profile(app_command, folder)

    for name, samples in (("app ", app_samples), ("bare", bare_samples)):
        walls, insides, cpus, _ready = zip(*samples, strict=True)
        print(
            f"  {name} samples {' '.join(f'{s:.2f}' for s in walls)} s; medians: "
            f"{statistics.median(insides):.2f} s after interpreter start, "
            f"{statistics.median(cpus):.2f} s CPU"
        )
    app = statistics.median(s[0] for s in app_samples)
    bare = statistics.median(s[0] for s in bare_samples)
    app_ready = statistics.median(s[3] for s in app_samples)
    bare_ready = statistics.median(s[3] for s in bare_samples)
    print(
        f"startup: app window shown {app:.2f} s, bare Qt {bare:.2f} s (median of "
        f"{args.samples}), ratio {app / bare:.2f}x (goal <= {GOAL_RATIO:g}x); "
        f"ready with demo data {app_ready:.2f} s, ratio {app_ready / bare_ready:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
