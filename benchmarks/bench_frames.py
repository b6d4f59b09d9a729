"""Webcam frames: the decoding pipeline against zxing-cpp called directly, same frames, same run.

Frames are 1280×720, generated as in the tests (tests/unit/frame_data.py) and handed
over as the camera widget hands them: grey rows with a padded stride, read in place
(core.frames.RawFrame). The direct call is ``zxingcpp.read_barcodes`` on the same
rows (a zxingcpp.ImageView), QR codes only, zxing-cpp's default options.

- Readable frames (a code the direct call also finds: small, rotated, blurred, dim,
  glare, mirrored, inverted, busy colour backgrounds, noise and MJPEG): the goal from
  issue 4 is the pipeline within 1.5x of the direct call, median over the frames.
- Hard frames (small, out of focus, noisy): how many the direct call misses and the
  pipeline reads, as a still (every fallback) and live (one fallback a frame, the same
  picture offered until read, as a code held up to the camera).
- Empty frames (most live frames): what a frame without a code costs, live and still.

Each frame is timed ``--repeats`` times, pipeline and direct in turn (which goes
first alternates, as the second finds the frame in the CPU cache); a frame's time
is the fastest of its repeats, the one least disturbed by whatever else the machine
is doing, and the figures are medians over the frames.

    python benchmarks/bench_frames.py               40 readable, 20 hard, 10 empty
    python benchmarks/bench_frames.py --frames 80   more readable frames
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import zxingcpp
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the frame generator is shared with the tests
    sys.path.insert(0, str(ROOT))

from tests.unit.frame_data import (  # noqa: E402
    blurred,
    cluttered,
    code_image,
    inverted,
    jpeg,
    mirrored,
    noisy,
    place,
    ticket_payload,
    with_glare,
)

from engagement_desk.core.frames import (  # noqa: E402
    FrameDecoder,
    PixelLayout,
    RawFrame,
    live_decoder,
)

GOAL_RATIO = 1.5
FPS = 30
STRIDE_PADDING = 64  # bytes after each row, as Qt and cameras pad scanlines
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def rows(image: Image.Image) -> tuple[bytes, int]:
    """The frame as grey rows with padding after each, and the stride."""
    grey = image.convert("L")
    stride = grey.width + STRIDE_PADDING
    data = grey.tobytes("raw", "L", stride, 1)  # Pillow pads each row to the stride
    return data, stride


def grey_rows(data: bytes, stride: int) -> RawFrame:
    return RawFrame(data, 1280, 720, stride, PixelLayout.GREY)


def readable_scene(rng: random.Random, payload: str) -> Image.Image:
    size = rng.randrange(150, 360)
    margin = size * 3 // 4
    at = (rng.randrange(margin, 1280 - margin), rng.randrange(margin, 720 - margin))
    kind = rng.choice(
        ["small", "rotated", "blurred", "dim", "glare", "mirrored", "inverted", "busy", "noisy"]
    )
    if kind == "small":
        return place(code_image(payload, rng.randrange(150, 180)), at=at)
    if kind == "rotated":
        return place(code_image(payload, size), at=at, rotate=rng.choice([15, 45, 90, 200]))
    if kind == "blurred":
        return blurred(place(code_image(payload, max(size, 260)), at=at), rng.uniform(1.5, 2.0))
    if kind == "dim":
        code = code_image(payload, size, dark=110, light=150)
        return place(code, at=at, background=150)
    if kind == "glare":
        frame = place(code_image(payload, size), at=at)
        return with_glare(frame, (at[0], at[1] - size // 2, at[0] + size // 2, at[1] + size // 2))
    if kind == "mirrored":
        return mirrored(place(code_image(payload, size), at=at, rotate=rng.randrange(360)))
    if kind == "inverted":
        return inverted(place(code_image(payload, size), at=at))
    if kind == "busy":
        return place(code_image(payload, size), at=at, frame=cluttered(rng.randrange(1000)))
    frame = place(code_image(payload, max(size, 220), dark=60, light=200), at=at, background=200)
    return jpeg(noisy(frame, 16, seed=rng.randrange(1000)), 70)


def hard_scene(rng: random.Random, payload: str) -> Image.Image:
    size = rng.randrange(155, 200)
    at = (rng.randrange(200, 1080), rng.randrange(200, 520))
    frame = place(code_image(payload, size, dark=40, light=220), at=at, background=200)
    frame = blurred(frame, rng.choice([1.5, 2.0]))
    if rng.random() < 0.6:
        frame = noisy(frame, 12, seed=rng.randrange(1000))
    if rng.random() < 0.3:
        frame = jpeg(frame, 80)
    return frame


def empty_scene(rng: random.Random) -> Image.Image:
    if rng.random() < 0.5:
        return cluttered(rng.randrange(1000))
    return noisy(Image.new("L", (1280, 720), rng.randrange(60, 200)), 12, seed=rng.randrange(99))


class VideoClock:
    """Stands in for the monotonic clock: one tick per frame of 30 fps video."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def tick(self) -> None:
        self.now += 1 / FPS


def time_once(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def direct_texts(view: object) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(view, formats=QR_ONLY)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40, help="readable frames (default 40)")
    parser.add_argument("--hard", type=int, default=20, help="hard frames (default 20)")
    parser.add_argument("--empty", type=int, default=10, help="frames with no code (default 10)")
    parser.add_argument("--repeats", type=int, default=6, help="timings per frame (default 6)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    # Readable frames: keep only those the direct call reads, as the goal is stated on them.
    readable: list[tuple[str, bytes, int]] = []
    while len(readable) < args.frames:
        payload = ticket_payload()
        data, stride = rows(readable_scene(rng, payload))
        view = zxingcpp.ImageView(data, 1280, 720, zxingcpp.ImageFormat.Lum, stride)
        if direct_texts(view) == [payload]:
            readable.append((payload, data, stride))

    still = FrameDecoder()
    pipeline_ms: list[float] = []
    direct_ms: list[float] = []
    for payload, data, stride in readable:
        frame = RawFrame(data, 1280, 720, stride, PixelLayout.GREY)
        view = zxingcpp.ImageView(data, 1280, 720, zxingcpp.ImageFormat.Lum, stride)
        ours, theirs = [], []
        for repeat in range(args.repeats):
            # Alternate which goes first: the second call finds the frame in the CPU cache.
            for pipeline in (True, False) if repeat % 2 else (False, True):
                if pipeline:
                    seconds, found = time_once(lambda frame=frame: still.decode(frame))
                    assert [code.text for code in found] == [payload]  # type: ignore[attr-defined]
                    ours.append(seconds)
                else:
                    theirs.append(time_once(lambda view=view: direct_texts(view))[0])
        pipeline_ms.append(min(ours) * 1000)
        direct_ms.append(min(theirs) * 1000)

    # Hard frames: read by the pipeline and not by the direct call?
    direct_missed = read_still = read_live = 0
    live_seconds: list[float] = []
    hard_ms: list[float] = []
    for _ in range(args.hard):
        payload = ticket_payload()
        data, stride = rows(hard_scene(rng, payload))
        frame = RawFrame(data, 1280, 720, stride, PixelLayout.GREY)
        view = zxingcpp.ImageView(data, 1280, 720, zxingcpp.ImageFormat.Lum, stride)
        if direct_texts(view) == [payload]:
            continue
        direct_missed += 1
        seconds, found = time_once(lambda frame=frame: FrameDecoder().decode(frame))
        hard_ms.append(seconds * 1000)
        read_still += [code.text for code in found] == [payload]  # type: ignore[attr-defined]
        # Held up to a 30 fps camera: how long until the live decoder reads it?
        video = VideoClock()
        live = live_decoder(video)
        for _ in range(FPS * 2):
            if [code.text for code in live.decode(frame)] == [payload]:
                read_live += 1
                live_seconds.append(video.now)
                break
            video.tick()

    # No code in view, as most of the time: decoding work per second of 30 fps video.
    video = VideoClock()
    live = live_decoder(video)
    empty_frames = [rows(empty_scene(rng)) for _ in range(args.empty)]
    live_busy = direct_busy = 0.0
    for index in range(FPS * 3):
        data, stride = empty_frames[index % len(empty_frames)]
        frame = RawFrame(data, 1280, 720, stride, PixelLayout.GREY)
        view = zxingcpp.ImageView(data, 1280, 720, zxingcpp.ImageFormat.Lum, stride)
        live_busy += time_once(lambda frame=frame: live.decode(frame))[0]
        direct_busy += time_once(lambda view=view: direct_texts(view))[0]
        video.tick()
    empty_still = [
        time_once(lambda data=data, stride=stride: still.decode(grey_rows(data, stride)))[0] * 1000
        for data, stride in empty_frames
    ]

    ours = statistics.median(pipeline_ms)
    theirs = statistics.median(direct_ms)
    ratio = ours / theirs
    frame_ratios = sorted(p / d for p, d in zip(pipeline_ms, direct_ms, strict=True))
    print(
        f"readable frames: pipeline {ours:.2f} ms, zxing direct {theirs:.2f} ms a frame "
        f"(median of {len(readable)}); per-frame ratio median "
        f"{statistics.median(frame_ratios):.2f}x, worst {frame_ratios[-1]:.2f}x"
    )
    print(
        f"hard frames: zxing direct missed {direct_missed} of {args.hard}; the pipeline read "
        f"{read_still} of those as stills (median {statistics.median(hard_ms or [0]):.0f} ms) "
        f"and {read_live} live at 30 fps (within {max(live_seconds or [0]):.2f} s of video)"
    )
    print(
        f"no code in view: decoding busy {live_busy / 3 * 1000:.0f} ms per second of 30 fps "
        f"video live (zxing direct alone: {direct_busy / 3 * 1000:.0f} ms); a still with no "
        f"code, every fallback: {statistics.median(empty_still):.0f} ms"
    )
    verdict = "within" if ratio <= GOAL_RATIO else "OVER"
    print(f"goal: pipeline within {GOAL_RATIO}x of zxing direct on readable frames; {verdict}")
    print(
        f"frame_decode: pipeline {ours:.2f} ms, zxing direct {theirs:.2f} ms "
        f"(median of {len(readable)} frames), ratio {ratio:.2f}x (goal <= {GOAL_RATIO}x); "
        f"hard frames read that zxing direct misses: {read_still}/{direct_missed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
