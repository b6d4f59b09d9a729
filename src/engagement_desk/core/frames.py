"""Finding QR codes in camera frames: plain images in, the codes' texts and corners out.

No Qt and no camera here, so the whole pipeline is tested on generated frames.

A frame is one of:

- a PIL image, any mode (``L`` and ``RGB`` go to zxing-cpp as they are);
- a :class:`RawFrame`: rows of pixels in a buffer, ``row_stride`` bytes apart, in a
  :class:`PixelLayout`. This is what the camera widget hands over: Qt's
  ``QImage.convertToFormat(Format_Grayscale8)`` bits with ``bytesPerLine()`` as the
  stride, read in place without a copy. (``Format_RGB32``/``Format_ARGB32`` are
  ``BGRA`` in memory on little-endian machines; ``Format_RGBA8888`` is ``RGBA``.)
- an array of unsigned bytes (a numpy ``uint8`` array, or a ``memoryview`` cast to a
  shape): ``H×W`` is grey, ``H×W×3`` is RGB and ``H×W×4`` is RGBA. Wrap BGR or BGRA
  data (OpenCV's order) in a ``RawFrame`` to say so; for finding a black-and-white
  code the channel order hardly matters anyway.

The first pass is a single zxing-cpp call with its own robustness options switched
on: any rotation, downscaled copies for big frames, inverted (light-on-dark) codes,
and mirrored codes, which zxing-cpp's QR reader reads as they are (front cameras
mirror the picture). Only when that finds nothing do the fallbacks run, each a
PIL filter followed by the same call: smoothing then sharpening for an out-of-focus,
noisy code; smoothing alone for sensor noise in low light; a contrast stretch for a
washed-out frame; and, last because it is the dearest, the frame sharpened and
enlarged by half for a small, soft code. A global contrast stretch rarely helps,
because zxing-cpp's local-average binarizer already adapts to local brightness, so
that one runs only when the whole frame's histogram is narrow. Corners are always
given in the frame's own pixels.

A live camera shows the same code for many frames, and most frames show no code at
all. So for live frames (``fallbacks_per_frame=1`` with a ``fallback_interval_s``)
every frame gets the first pass, and a frame gets one fallback, taken in turn, only
every so often: an empty camera costs about one zxing call a frame, and a hard code
held up for a moment is still tried every way.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

# Pillow and zxing-cpp are imported on first use, as in core.qr: the app starts
# without them.
if TYPE_CHECKING:
    from PIL import Image
    from typing_extensions import Buffer


class PixelLayout(enum.StrEnum):
    """How a pixel's bytes are laid out in a :class:`RawFrame`."""

    GREY = "grey"
    RGB = "RGB"
    BGR = "BGR"
    RGBA = "RGBA"
    BGRA = "BGRA"

    @property
    def bytes_per_pixel(self) -> int:
        return 1 if self is PixelLayout.GREY else len(self.value)


@dataclass(frozen=True)
class RawFrame:
    """Rows of pixels in a buffer, as a camera or Qt hands them over; read, never copied.

    ``row_stride`` is the number of bytes from the start of one row to the next, which
    may be more than ``width * bytes_per_pixel`` (Qt pads rows to 4 bytes). The buffer
    must hold ``row_stride * height`` bytes and stay unchanged while it is decoded.
    """

    pixels: Buffer
    width: int
    height: int
    row_stride: int
    layout: PixelLayout = PixelLayout.GREY

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"a frame needs a size, not {self.width}×{self.height}")
        if self.row_stride < self.width * self.layout.bytes_per_pixel:
            raise ValueError(
                f"a row of {self.width} {self.layout} pixels does not fit in "
                f"{self.row_stride} bytes"
            )
        available = memoryview(self.pixels).nbytes
        if available < self.row_stride * self.height:
            raise ValueError(
                f"{self.height} rows of {self.row_stride} bytes need "
                f"{self.row_stride * self.height} bytes; the buffer has {available}"
            )


Frame: TypeAlias = "Image.Image | RawFrame | Buffer"

Corner: TypeAlias = tuple[int, int]


@dataclass(frozen=True)
class FoundCode:
    """A QR code read from a frame: its text, and its corners in frame pixels.

    Corners go top-left, top-right, bottom-right, bottom-left as the code is printed
    (not as it appears: a code held upside down has its top-left corner at the bottom).
    """

    text: str
    corners: tuple[Corner, ...]


@dataclass(frozen=True)
class Fallback:
    """A second look at a frame the first pass found nothing in.

    ``prepare`` turns the frame (grey, ``L`` mode) into the image to read, or returns
    None when this look is not worth taking on that frame. The prepared image may be
    the frame enlarged ``scale`` times, but is otherwise in the frame's coordinates.
    """

    name: str
    prepare: Callable[[Image.Image], Image.Image | None]
    scale: float = 1


def _sharpen(image: Image.Image, radius: int = 2, percent: int = 200) -> Image.Image:
    from PIL import ImageFilter

    return image.filter(ImageFilter.UnsharpMask(radius=radius, percent=percent, threshold=0))


def _smooth(image: Image.Image) -> Image.Image:
    from PIL import ImageFilter

    return image.filter(ImageFilter.BoxBlur(1))


def _smooth_then_sharpen(image: Image.Image) -> Image.Image:
    return _sharpen(_smooth(image))


ENLARGEMENT = 1.5


def _sharpen_then_enlarge(image: Image.Image) -> Image.Image:
    from PIL import Image

    # Sharpening before enlarging reads almost as many small codes as the other way
    # round (22 against 23 of 40 in trials) at well under half the cost.
    size = (round(image.width * ENLARGEMENT), round(image.height * ENLARGEMENT))
    return _sharpen(image, percent=300).resize(size, Image.Resampling.BICUBIC)


# Below this spread between the darkest and lightest 1% of a frame, zxing-cpp's
# binarizer sees too little difference between a dark and a light module.
NARROW_HISTOGRAM = 48


def _stretch_if_washed_out(image: Image.Image) -> Image.Image | None:
    from PIL import ImageOps

    histogram = image.histogram()
    cut = sum(histogram) // 100
    low, seen = 0, 0
    while seen + histogram[low] <= cut:
        seen += histogram[low]
        low += 1
    high, seen = 255, 0
    while seen + histogram[high] <= cut:
        seen += histogram[high]
        high -= 1
    if high - low >= NARROW_HISTOGRAM:
        return None
    return ImageOps.autocontrast(_smooth(image), cutoff=1)


# Chosen on 160 generated frames mixing small, blurred, noisy, MJPEG, dim, rotated,
# mirrored and inverted codes: of the 58 the first pass missed, these read 30 (23, 3,
# 0 and 4 in this order). The other candidates tried (sharpening alone, other
# strengths, a median filter, a 2x enlargement, a global contrast stretch, another
# binarizer) added one frame at most, at a higher cost. Cheapest first; the
# enlargement is the dearest, so it comes last.
DEFAULT_FALLBACKS: tuple[Fallback, ...] = (
    Fallback("smooth and sharpen", _smooth_then_sharpen),
    Fallback("smooth", _smooth),
    Fallback("stretch contrast", _stretch_if_washed_out),
    Fallback("sharpen and enlarge", _sharpen_then_enlarge, scale=ENLARGEMENT),
)

FIRST_PASS = "first pass"


class FrameDecoder:
    """Reads every QR code in a frame; see the module notes for the passes it takes.

    ``fallbacks_per_frame`` None tries every fallback on every frame (for a still
    picture). For live frames, a number limits each frame to that many, taken in turn,
    and ``fallback_interval_s`` spaces frames that get any at all, so a camera with
    nothing in front of it costs little more than the first pass on each frame.

    Not thread-safe: it remembers which fallback comes next. Use one per worker.
    """

    def __init__(
        self,
        fallbacks: Sequence[Fallback] = DEFAULT_FALLBACKS,
        *,
        fallbacks_per_frame: int | None = None,
        fallback_interval_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if fallbacks_per_frame is not None and fallbacks_per_frame < 0:
            raise ValueError("fallbacks_per_frame cannot be negative")
        self.fallbacks = tuple(fallbacks)
        self.fallbacks_per_frame = fallbacks_per_frame
        self.fallback_interval_s = fallback_interval_s
        self._clock = clock
        self._next_fallback = 0
        self._last_fallbacks_at = -math.inf
        # Which pass found the codes of the last frame decoded (None: nothing found).
        self.found_by: str | None = None

    def decode(self, frame: Frame) -> list[FoundCode]:
        """The codes in the frame, each text once, in the order zxing-cpp found them."""
        first, keep_alive = _zxing_input(frame)
        found = _read(first)
        del keep_alive  # the buffer an ImageView points into; zxing-cpp has finished
        if found:
            self.found_by = FIRST_PASS
            return found
        self.found_by = None
        fallbacks = self._fallbacks_for_this_frame()
        if not fallbacks:
            return []
        grey = _grey_image(frame)
        for fallback in fallbacks:
            prepared = fallback.prepare(grey)
            if prepared is None:
                continue
            found = _read(prepared, fallback.scale)
            if found:
                self.found_by = fallback.name
                return found
        return []

    def _fallbacks_for_this_frame(self) -> Sequence[Fallback]:
        if self.fallbacks_per_frame is None:
            return self.fallbacks
        if self.fallback_interval_s > 0:
            now = self._clock()
            if now - self._last_fallbacks_at < self.fallback_interval_s:
                return ()
            self._last_fallbacks_at = now
        if self.fallbacks_per_frame >= len(self.fallbacks):
            return self.fallbacks
        chosen = [
            self.fallbacks[(self._next_fallback + i) % len(self.fallbacks)]
            for i in range(self.fallbacks_per_frame)
        ]
        self._next_fallback = (self._next_fallback + self.fallbacks_per_frame) % len(self.fallbacks)
        return chosen


# About seven fallback looks a second on live video: all four within ~0.6 s of a hard
# code appearing, while an empty camera costs little more than one zxing call a frame.
LIVE_FALLBACK_INTERVAL_S = 0.15


def live_decoder(clock: Callable[[], float] = time.monotonic) -> FrameDecoder:
    """A decoder for a camera's frames: the first pass on each, a fallback now and then."""
    return FrameDecoder(
        fallbacks_per_frame=1, fallback_interval_s=LIVE_FALLBACK_INTERVAL_S, clock=clock
    )


def decode_frame(frame: Frame) -> list[FoundCode]:
    """Every QR code in one still frame, trying every fallback."""
    return FrameDecoder().decode(frame)


def _read(image: object, scale: float = 1) -> list[FoundCode]:
    import zxingcpp

    results = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        try_rotate=True,
        try_downscale=True,
        try_invert=True,
        binarizer=zxingcpp.Binarizer.LocalAverage,
    )
    found: dict[str, FoundCode] = {}
    for result in results:
        if result.valid and result.text not in found:
            position = result.position
            corners = (
                position.top_left,
                position.top_right,
                position.bottom_right,
                position.bottom_left,
            )
            found[result.text] = FoundCode(
                result.text, tuple((round(p.x / scale), round(p.y / scale)) for p in corners)
            )
    return list(found.values())


def _zxing_input(frame: Frame) -> tuple[object, object]:
    """What to give zxing-cpp for the frame, and what must stay alive while it reads.

    zxing-cpp's ImageView points into the buffer without holding on to it.
    """
    from PIL import Image

    if isinstance(frame, Image.Image):
        if frame.mode in ("L", "RGB"):
            return frame, None
        return frame.convert("L"), None
    raw = _as_raw_frame(frame)
    return _image_view(raw), raw


def _image_view(raw: RawFrame) -> object:
    import zxingcpp

    formats = {
        PixelLayout.GREY: zxingcpp.ImageFormat.Lum,
        PixelLayout.RGB: zxingcpp.ImageFormat.RGB,
        PixelLayout.BGR: zxingcpp.ImageFormat.BGR,
        PixelLayout.RGBA: zxingcpp.ImageFormat.RGBA,
        PixelLayout.BGRA: zxingcpp.ImageFormat.BGRA,
    }
    pixels: Any = raw.pixels  # any buffer works; the stubs name numpy arrays
    return zxingcpp.ImageView(pixels, raw.width, raw.height, formats[raw.layout], raw.row_stride)


def _grey_image(frame: Frame) -> Image.Image:
    """The frame as an ``L`` PIL image (a copy, or a view of a grey buffer)."""
    from PIL import Image

    if isinstance(frame, Image.Image):
        return frame if frame.mode == "L" else frame.convert("L")
    raw = _as_raw_frame(frame)
    mode, rawmode = {
        PixelLayout.GREY: ("L", "L"),
        PixelLayout.RGB: ("RGB", "RGB"),
        PixelLayout.BGR: ("RGB", "BGR"),
        PixelLayout.RGBA: ("RGBA", "RGBA"),
        PixelLayout.BGRA: ("RGBA", "BGRA"),
    }[raw.layout]
    pixels: Any = raw.pixels  # any buffer works; Pillow's stubs name only a few types
    image = Image.frombuffer(
        mode, (raw.width, raw.height), pixels, "raw", rawmode, raw.row_stride, 1
    )
    return image if mode == "L" else image.convert("L")


_LAYOUT_FOR_CHANNELS = {1: PixelLayout.GREY, 3: PixelLayout.RGB, 4: PixelLayout.RGBA}


def _as_raw_frame(frame: RawFrame | Buffer) -> RawFrame:
    if isinstance(frame, RawFrame):
        return frame
    try:
        view = memoryview(frame)
    except TypeError:
        raise TypeError(
            f"a frame is a PIL image, a RawFrame or an array of bytes, not {type(frame).__name__}"
        ) from None
    if view.format not in ("B", "<B", "=B", "|B") or view.itemsize != 1:
        raise ValueError(f"frame pixels must be unsigned bytes (uint8), not {view.format!r}")
    shape = view.shape or ()
    if len(shape) == 2:
        channels = 1
    elif len(shape) == 3 and shape[2] in _LAYOUT_FOR_CHANNELS:
        channels = shape[2]
    else:
        raise ValueError(
            f"a frame array must be H×W, H×W×3 or H×W×4, not {'×'.join(map(str, shape))}; "
            "wrap raw bytes in a RawFrame to give the width, height and stride"
        )
    height, width = shape[0], shape[1]
    pixels: Buffer = view.cast("B") if view.c_contiguous else view.tobytes()
    return RawFrame(pixels, width, height, width * channels, _LAYOUT_FOR_CHANNELS[channels])
