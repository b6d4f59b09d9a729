"""The webcam scanner widget, offscreen: no camera here, so generated frames go in by hand."""

from __future__ import annotations

import threading

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QCameraDevice
from pytestqt.qtbot import QtBot

from engagement_desk.core.frames import FoundCode, FrameDecoder, RawFrame
from engagement_desk.ui.camera import (
    CAMERA_FAILED,
    CODE_READ,
    NO_CAMERA,
    NOTHING_IN_PICTURE,
    READY,
    REPEAT_AFTER_S,
    CameraScanner,
    raw_frame,
)
from tests.unit.frame_data import (
    blurred,
    cluttered,
    code_image,
    mirrored,
    noisy,
    place,
    ticket_payload,
)

# Qt Multimedia looks for optional system libraries (PipeWire, VA-API) when it first
# starts and warns when they are missing, as on this test machine. Only those warnings
# are ignored; any other Qt warning still fails the test.
pytestmark = pytest.mark.qt_log_ignore(r"^Couldn't (load|resolve) [\w.()\- ]+ (library|symbols)$")

SIGNAL_MS = 10_000


def to_qimage(image: Image.Image, fmt: QImage.Format = QImage.Format.Format_RGB32) -> QImage:
    """A PIL frame as the QImage a camera frame becomes (32-bit RGB unless told otherwise)."""
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    qimage = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
    return qimage.convertToFormat(fmt)  # a copy that owns its pixels


def code_frame(payload: str, **kwargs: object) -> Image.Image:
    return place(code_image(payload, 280), at=(760, 380), **kwargs)  # type: ignore[arg-type]


class HeldDecoder(FrameDecoder):
    """Decodes only when the test lets it, counting the frames it was given."""

    def __init__(self) -> None:
        super().__init__(fallbacks_per_frame=1)
        self.release = threading.Event()
        self.frames = 0

    def decode(self, frame: object) -> list[FoundCode]:
        self.frames += 1
        assert self.release.wait(10), "the test never released the decoder"
        return super().decode(frame)  # type: ignore[arg-type]


@pytest.fixture
def scanner(qtbot: QtBot) -> CameraScanner:
    widget = CameraScanner()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_no_camera_is_said_in_words_and_nothing_breaks(
    qtbot: QtBot, scanner: CameraScanner
) -> None:
    assert scanner.status.text() == NO_CAMERA
    assert scanner.camera_choice.accessibleName() == "Camera"
    assert scanner.camera_choice.count() == 0
    assert not scanner.camera_choice.isEnabled()
    assert scanner.start_button.accessibleName() == "Start camera"
    assert scanner.stop_button.accessibleName() == "Stop camera"
    assert not scanner.start_button.isEnabled()
    assert not scanner.stop_button.isEnabled()
    scanner.start()
    scanner.stop()
    scanner.refresh_cameras()
    assert not scanner.running
    assert scanner.status.text() == NO_CAMERA


@pytest.mark.parametrize(
    "scene",
    [
        pytest.param(lambda p: code_frame(p), id="plain"),
        pytest.param(lambda p: code_frame(p, frame=cluttered(seed=3), rotate=45), id="busy-45"),
        pytest.param(lambda p: mirrored(code_frame(p, rotate=15)), id="mirrored"),
        pytest.param(
            lambda p: noisy(
                blurred(place(code_image(p, 160, dark=40, light=220), background=200), 1.5), 12
            ),
            id="small-blurred-noisy",
        ),
    ],
)
def test_a_frame_with_a_code_is_read_and_marked(
    qtbot: QtBot, scanner: CameraScanner, scene: object
) -> None:
    payload = ticket_payload(seed=1)  # the same frames every run (one sits near the edge)
    frame = to_qimage(scene(payload))  # type: ignore[operator]
    with qtbot.waitSignal(scanner.code_read, timeout=SIGNAL_MS) as blocker:
        scanner.decode_image(frame)
    assert blocker.args == [payload]
    assert scanner.preview.marker_visible()
    assert scanner.status.text() == "✓ " + CODE_READ
    # The green outline is on screen, not just in the widget's state.
    shown = scanner.preview.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    assert b"\x76\xe6\x00\xff" in bytes(shown.constBits())  # #00e676, as BGRA in memory
    qtbot.waitUntil(lambda: not scanner.preview.marker_visible(), timeout=3000)
    assert scanner.status.text() == NO_CAMERA


@pytest.mark.parametrize(
    "fmt",
    [
        QImage.Format.Format_RGB32,
        QImage.Format.Format_ARGB32_Premultiplied,
        QImage.Format.Format_RGB888,
        QImage.Format.Format_Grayscale8,
        QImage.Format.Format_RGBX8888,
    ],
)
def test_every_image_format_a_camera_gives(
    qtbot: QtBot, scanner: CameraScanner, fmt: QImage.Format
) -> None:
    payload = ticket_payload()
    with qtbot.waitSignal(scanner.code_read, timeout=SIGNAL_MS) as blocker:
        scanner.decode_image(to_qimage(code_frame(payload), fmt))
    assert blocker.args == [payload]


def test_a_width_that_pads_rows_is_read(qtbot: QtBot, scanner: CameraScanner) -> None:
    """Grey rows of an odd width are padded to 4 bytes by Qt; the stride must be honoured."""
    payload = ticket_payload()
    frame = code_frame(payload).crop((0, 0, 1277, 719))
    image = to_qimage(frame, QImage.Format.Format_Grayscale8)
    assert image.bytesPerLine() != image.width()
    with qtbot.waitSignal(scanner.code_read, timeout=SIGNAL_MS) as blocker:
        scanner.decode_image(image)
    assert blocker.args == [payload]


def test_a_picture_without_a_code_says_so(qtbot: QtBot, scanner: CameraScanner) -> None:
    read: list[str] = []
    scanner.code_read.connect(read.append)
    scanner.decode_image(to_qimage(cluttered(seed=9)))
    qtbot.waitUntil(lambda: not scanner.busy, timeout=SIGNAL_MS)
    assert read == []
    assert scanner.status.text() == NOTHING_IN_PICTURE
    assert not scanner.preview.marker_visible()


def test_frames_arriving_while_decoding_are_dropped_not_queued(qtbot: QtBot) -> None:
    decoder = HeldDecoder()
    scanner = CameraScanner(decoder=decoder)
    qtbot.addWidget(scanner)
    payload = ticket_payload()
    frame = to_qimage(code_frame(payload))

    assert scanner.offer_frame(frame)
    assert scanner.busy
    for _ in range(5):
        assert not scanner.offer_frame(frame)
    assert scanner.frames_dropped == 5

    with qtbot.waitSignal(scanner.code_read, timeout=SIGNAL_MS) as blocker:
        decoder.release.set()
    assert blocker.args == [payload]
    assert scanner.wait_for_decoding()
    qtbot.waitUntil(lambda: not scanner.busy, timeout=SIGNAL_MS)
    assert decoder.frames == 1  # the five dropped frames were never decoded
    assert scanner.offer_frame(frame)  # once free, the next frame goes in
    qtbot.waitUntil(lambda: not scanner.busy, timeout=SIGNAL_MS)
    assert decoder.frames == 2


def test_a_code_held_in_view_is_reported_once(qtbot: QtBot) -> None:
    now = [100.0]  # seconds on the scanner's monotonic clock
    scanner = CameraScanner(clock=lambda: now[0])
    qtbot.addWidget(scanner)
    payload = ticket_payload()
    with_code = to_qimage(code_frame(payload))
    read: list[str] = []
    scanner.code_read.connect(read.append)

    def live(frame: QImage) -> None:
        assert scanner.offer_frame(frame)
        qtbot.waitUntil(lambda: not scanner.busy, timeout=SIGNAL_MS)

    live(with_code)
    now[0] += 0.5
    live(with_code)
    now[0] += 0.5
    live(with_code)
    assert read == [payload]
    # Taken away, then shown again after a pause: read again (check-in decides what that means).
    live(to_qimage(cluttered(seed=1)))
    now[0] += REPEAT_AFTER_S + 0.5
    live(with_code)
    assert read == [payload, payload]
    # A different ticket straight after is read at once.
    other = ticket_payload()
    now[0] += 0.1
    live(to_qimage(code_frame(other)))
    assert read == [payload, payload, other]


def test_a_still_picture_is_always_reported(qtbot: QtBot, scanner: CameraScanner) -> None:
    payload = ticket_payload()
    frame = to_qimage(code_frame(payload))
    for _ in range(2):
        with qtbot.waitSignal(scanner.code_read, timeout=SIGNAL_MS) as blocker:
            scanner.decode_image(frame)
        assert blocker.args == [payload]


def test_two_codes_in_one_frame_are_both_reported(qtbot: QtBot, scanner: CameraScanner) -> None:
    first, second = ticket_payload(), ticket_payload()
    picture = place(code_image(first, 260), at=(330, 360))
    picture = place(code_image(second, 260), at=(950, 360), frame=picture)
    read: list[str] = []
    scanner.code_read.connect(read.append)
    scanner.decode_image(to_qimage(picture))
    qtbot.waitUntil(lambda: len(read) == 2, timeout=SIGNAL_MS)
    assert sorted(read) == sorted([first, second])


def test_cameras_are_listed_when_the_scanner_is_first_shown(qtbot: QtBot) -> None:
    """Qt Multimedia is slow to load, so building the check-in page does not load it."""
    asked: list[int] = []

    def cameras() -> list[QCameraDevice]:
        asked.append(1)
        return []

    scanner = CameraScanner(cameras=cameras)
    qtbot.addWidget(scanner)
    assert asked == []
    assert not scanner.start_button.isEnabled()
    scanner.show()
    assert asked == [1]
    assert scanner.status.text() == NO_CAMERA
    scanner.hide()
    scanner.show()
    assert asked == [1]  # after that, only when a camera is plugged in or out


def test_a_camera_that_fails_to_start_is_explained(qtbot: QtBot) -> None:
    """A camera listed but gone by the time Start is pressed (unplugged, or in use)."""
    cameras: list[QCameraDevice] = []
    scanner = CameraScanner(cameras=lambda: list(cameras))
    qtbot.addWidget(scanner)
    scanner.show()
    assert scanner.status.text() == NO_CAMERA

    cameras.append(QCameraDevice())  # a device Qt cannot open
    scanner.refresh_cameras()
    assert scanner.camera_choice.count() == 1
    assert scanner.start_button.isEnabled()
    assert scanner.status.text() == READY

    qtbot.mouseClick(scanner.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: scanner.status.text().startswith("The camera stopped"), timeout=3000)
    assert not scanner.running
    assert scanner.status.text().endswith(CAMERA_FAILED.split(")")[-1])
    assert scanner.start_button.isEnabled()

    cameras.clear()
    scanner.refresh_cameras()
    assert scanner.status.text() == NO_CAMERA
    assert not scanner.start_button.isEnabled()


def test_closing_while_decoding_waits_for_the_worker(qtbot: QtBot) -> None:
    decoder = HeldDecoder()
    scanner = CameraScanner(decoder=decoder)
    qtbot.addWidget(scanner)
    scanner.show()
    assert scanner.offer_frame(to_qimage(code_frame(ticket_payload())))
    # Still decoding when the window closes; released from another thread, since close()
    # holds the GUI thread until the worker is done.
    release = threading.Timer(0.2, decoder.release.set)
    release.start()
    scanner.close()
    assert decoder.release.is_set()  # close() waited for the worker
    assert scanner.wait_for_decoding(0)
    assert decoder.frames == 1
    release.join()


def test_grey_pixels_are_read_in_place_with_qts_row_stride() -> None:
    image = to_qimage(code_frame(ticket_payload()).crop((0, 0, 1277, 720)))
    frame, grey = raw_frame(image)
    assert isinstance(frame, RawFrame)
    assert grey.format() == QImage.Format.Format_Grayscale8
    assert (frame.width, frame.height) == (1277, 720)
    assert frame.row_stride == grey.bytesPerLine() == 1280
    assert memoryview(frame.pixels).nbytes == grey.sizeInBytes()
