"""Camera-like 1280×720 frames with a ticket's QR code in them, made with Pillow.

What a webcam at a venue door sees: a small code somewhere in the picture, held at
an angle, out of focus, on a dim phone screen, with a reflection across it, mirrored
by a front camera, white-on-black from a dark phone theme, on a busy background,
with sensor noise and MJPEG compression. Everything is seeded, so a frame is the
same on every run. Used by the unit and GUI tests and by benchmarks/bench_frames.py.
"""

from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from engagement_desk.core.events import SHORT_CODE_ALPHABET, new_short_code
from engagement_desk.core.qr import make_qr_image
from engagement_desk.core.tickets import TicketKeys, mint_ticket, new_keys, new_ticket_id

FRAME_SIZE = (1280, 720)
# The quiet zone make_qr_image leaves around a code, in modules.
QUIET_ZONE = 4


@functools.cache
def _keys() -> TicketKeys:
    return new_keys()


def ticket_payload(seed: int | None = None) -> str:
    """A real, signed ticket payload for a new event code and ticket id.

    With ``seed`` the payload is always the same (a fixed key, event code and ticket id;
    Ed25519 signatures are deterministic), so a frame built from it is too: the "hard"
    frames sit near the edge of what can be read, and a random code can tip either way.
    """
    if seed is None:
        private_key = _keys().private_key
        assert private_key is not None
        return mint_ticket(private_key, new_short_code(), new_ticket_id())
    rng = random.Random(seed)
    event = "".join(rng.choice(SHORT_CODE_ALPHABET) for _ in range(6))
    ticket = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    return mint_ticket(bytes(rng.randrange(256) for _ in range(32)), event, ticket)


def code_image(payload: str, size: int, *, dark: int = 0, light: int = 255) -> Image.Image:
    """The payload's QR code, quiet zone included, ``size`` pixels square (grey).

    Drawn large and shrunk by averaging, as a camera's optics would, so module edges
    are soft rather than pixel-perfect.
    """
    modules = make_qr_image(payload, box_size=1, border=QUIET_ZONE).width
    big = make_qr_image(payload, box_size=max(2, math.ceil(3 * size / modules)), border=QUIET_ZONE)
    code = big.resize((size, size), Image.Resampling.BOX)
    if (dark, light) != (0, 255):
        code = code.point(lambda v: dark + (light - dark) * v // 255)
    return code


def place(
    code: Image.Image,
    *,
    at: tuple[int, int] | None = None,
    rotate: float = 0,
    background: int = 190,
    frame: Image.Image | None = None,
) -> Image.Image:
    """A frame (plain grey unless one is given) with the code pasted at ``at`` (its centre).

    A rotated code is turned about its centre with smooth edges, as a tilted ticket.
    """
    target = frame.copy() if frame is not None else Image.new("L", FRAME_SIZE, background)
    opaque = Image.new("L", code.size, 255)
    if rotate:
        code = code.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=True)
        opaque = opaque.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=True)
    cx, cy = at if at is not None else (target.width // 2, target.height // 2)
    corner = (cx - code.width // 2, cy - code.height // 2)
    target.paste(code.convert(target.mode), corner, opaque)
    return target


def blurred(frame: Image.Image, radius: float) -> Image.Image:
    return frame.filter(ImageFilter.GaussianBlur(radius))


def mirrored(frame: Image.Image) -> Image.Image:
    """What a front-facing camera delivers: the picture flipped left to right."""
    return ImageOps.mirror(frame)


def inverted(frame: Image.Image) -> Image.Image:
    """A phone in a dark theme: light modules on a dark screen."""
    return ImageOps.invert(frame)


def with_glare(
    frame: Image.Image, box: tuple[int, int, int, int], strength: float = 0.7
) -> Image.Image:
    """A reflection: white fading in from the left edge of ``box`` to ``strength`` at its right."""
    left, top, right, bottom = box
    ramp = Image.linear_gradient("L").rotate(90).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    ramp = ramp.resize((right - left, bottom - top)).point(lambda v: int(v * strength))
    mask = Image.new("L", frame.size, 0)
    mask.paste(ramp, (left, top))
    white = Image.new(frame.mode, frame.size, "white")
    return Image.composite(white, frame, mask)


def noisy(frame: Image.Image, amount: int, seed: int = 0) -> Image.Image:
    """Sensor noise: each pixel moved by up to ±``amount`` (a triangular spread), seeded."""
    rng = random.Random(seed)
    half = amount / 2

    def layer() -> Image.Image:
        uniform = Image.frombytes("L", frame.size, rng.randbytes(frame.width * frame.height))
        return uniform.point(lambda v: round(128 + (v - 127.5) * half / 127.5))

    grey = frame if frame.mode == "L" else frame.convert("L")
    noise = ImageChops.add(layer(), layer(), scale=1.0, offset=-128)
    result = ImageChops.add(grey, noise, scale=1.0, offset=-128)
    return result if frame.mode == "L" else Image.merge("RGB", [result] * 3)


def jpeg(frame: Image.Image, quality: int = 70) -> Image.Image:
    """What a webcam's MJPEG stream does to a frame."""
    buffer = io.BytesIO()
    frame.save(buffer, "JPEG", quality=quality)
    decoded = Image.open(io.BytesIO(buffer.getvalue()))
    decoded.load()
    return decoded


def cluttered(seed: int = 0) -> Image.Image:
    """A busy colour scene: posters, furniture edges, lettering, people passing."""
    rng = random.Random(seed)
    scene = Image.new("RGB", FRAME_SIZE, (rng.randrange(90, 200),) * 3)
    draw = ImageDraw.Draw(scene)
    for _ in range(70):
        x, y = rng.randrange(-100, FRAME_SIZE[0]), rng.randrange(-100, FRAME_SIZE[1])
        w, h = rng.randrange(20, 260), rng.randrange(20, 200)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        else:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
    for _ in range(40):
        x, y = rng.randrange(FRAME_SIZE[0]), rng.randrange(FRAME_SIZE[1])
        draw.text((x, y), "SEND Bury2gether 2026", fill=(rng.randrange(256),) * 3)
    return scene
