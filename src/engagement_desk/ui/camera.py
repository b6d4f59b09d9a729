"""Webcam QR scanning for the check-in desk: pick a camera, see the picture, read codes.

Frames come from Qt Multimedia through a QVideoSink. The newest frame is painted at
once; it is also handed to a one-thread decode pool unless a decode is already
running, in which case the frame is dropped rather than queued, so the preview never
waits and the decoder always works on a recent picture. Decoding is
core.frames.FrameDecoder on the frame's grey pixels, read in place.

Qt Multimedia is loaded when the scanner is first shown, not when the app starts: it
takes tens of milliseconds to load and to list the cameras.

When a code is read, its outline and "Code read" are drawn over the picture for a
second and ``code_read(text)`` is emitted. A code that stays in view is reported once,
not for every frame: again only after it has been out of view for REPEAT_AFTER_S.
Deciding what the code means is the check-in page's job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCameraPermission,
    QCoreApplication,
    QObject,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QHideEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.frames import (
    FoundCode,
    FrameDecoder,
    PixelLayout,
    RawFrame,
    live_decoder,
)

if TYPE_CHECKING:
    from PySide6.QtMultimedia import (
        QCamera,
        QCameraDevice,
        QMediaCaptureSession,
        QMediaDevices,
        QVideoFrame,
        QVideoSink,
    )

log = logging.getLogger(__name__)

NO_CAMERA = "No camera found. Plug in a webcam, or use the scanner or name search."
READY = "Press Start camera, then hold the ticket's QR code up to the camera."
STARTING = "Starting the camera…"
LOOKING = "Hold the ticket's QR code up to the camera."
CODE_READ = "Code read"
NOTHING_IN_PICTURE = "No QR code found in that picture."
CAMERA_FAILED = (
    "The camera stopped ({why}). Check it is plugged in and not in use by another "
    "program, then press Start camera. You can still use the scanner or name search."
)
NO_PERMISSION = (
    "This computer does not let Engagement Desk use the camera. Allow it in the "
    "system's privacy settings, or use the scanner or name search."
)

MARKER_MS = 1000  # how long the outline and "Code read" stay on the picture
REPEAT_AFTER_S = 2.0  # a code out of view this long counts as shown again


@dataclass(frozen=True)
class Decoded:
    """What the decode worker found in one frame."""

    codes: list[FoundCode]
    frame_size: QSize
    live: bool


class DecodeSignals(QObject):
    """Lives in the GUI thread; the worker emits on it, so the slots run in the GUI thread."""

    decoded = Signal(object)


def raw_frame(image: QImage) -> tuple[RawFrame, QImage]:
    """The image's grey pixels, read in place, and the grey image that owns them.

    Keep the returned image alive while the frame is decoded.
    """
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    frame = RawFrame(
        grey.constBits(), grey.width(), grey.height(), grey.bytesPerLine(), PixelLayout.GREY
    )
    return frame, grey


def decode_image(decoder: FrameDecoder, image: QImage) -> list[FoundCode]:
    frame, grey = raw_frame(image)
    found = decoder.decode(frame)
    del grey  # the pixels the frame pointed into; decoding is over
    return found


class ScanPreview(QWidget):
    """The camera picture, scaled to fit, with the outline of a code just read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Camera picture")
        self.setMinimumSize(200, 120)  # small laptops: the page must fit 1366×768
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._marker: list[FoundCode] = []
        self._marker_frame = QSize()
        self.placeholder = "Camera off"

    def show_image(self, image: QImage) -> None:
        self._image = image
        self.update()

    def clear(self, placeholder: str = "Camera off") -> None:
        self._image = None
        self._marker = []
        self.placeholder = placeholder
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def show_marker(self, codes: Sequence[FoundCode], frame_size: QSize) -> None:
        self._marker = list(codes)
        self._marker_frame = QSize(frame_size)
        self.update()

    def hide_marker(self) -> None:
        self._marker = []
        self.update()

    def marker_visible(self) -> bool:
        return bool(self._marker)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        if self._image is None or self._image.isNull():
            painter.setPen(QColor("#f0f0f0"))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.placeholder,
            )
            return
        target = self._fit(self._image.size())
        painter.drawImage(target, self._image)
        if self._marker:
            self._paint_marker(painter, target)

    def _fit(self, size: QSize) -> QRectF:
        scaled = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - scaled.width()) / 2
        top = (self.height() - scaled.height()) / 2
        return QRectF(left, top, scaled.width(), scaled.height())

    def _paint_marker(self, painter: QPainter, target: QRectF) -> None:
        frame = self._marker_frame if self._marker_frame.isValid() else self._image_size()
        sx = target.width() / max(frame.width(), 1)
        sy = target.height() / max(frame.height(), 1)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.5)
        painter.setFont(font)
        for code in self._marker:
            outline = QPolygonF(
                [QPointF(target.left() + x * sx, target.top() + y * sy) for x, y in code.corners]
            )
            # A dark edge under a bright one, so the outline shows on any background.
            painter.setPen(QPen(QColor("#000000"), 7))
            painter.drawPolygon(outline)
            painter.setPen(QPen(QColor("#00e676"), 4))
            painter.drawPolygon(outline)
            box = outline.boundingRect()
            caption = painter.fontMetrics().boundingRect("✓ " + CODE_READ).adjusted(-8, -4, 8, 4)
            caption.moveTopLeft(
                QPointF(box.left(), max(target.top(), box.top() - caption.height() - 6)).toPoint()
            )
            painter.fillRect(caption, QColor("#00331a"))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, "✓ " + CODE_READ)

    def _image_size(self) -> QSize:
        return self._image.size() if self._image is not None else QSize()


class CameraScanner(QWidget):
    """Reads ticket QR codes from a webcam; emits ``code_read(text)`` for each code shown.

    Works, and says so in words, when there is no camera. ``decode_image`` reads a
    picture through the same worker, for tests and for photos.
    """

    code_read = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        decoder: FrameDecoder | None = None,
        still_decoder: Callable[[], FrameDecoder] = FrameDecoder,
        cameras: Callable[[], list[QCameraDevice]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Webcam scanner")
        self._decoder = decoder or live_decoder()
        self._still_decoder = still_decoder
        self._cameras = cameras  # None: Qt Multimedia's list of video inputs
        self._clock = clock
        self._devices: list[QCameraDevice] = []
        self._camera: QCamera | None = None
        self._resume_on_show = False
        self._in_flight = 0
        self._last_text: str | None = None
        self._last_seen = 0.0
        self.frames_dropped = 0

        # One decode at a time, off the GUI thread. The pool runs plain callables, so no
        # per-frame QRunnable has to be kept alive; results come back on one signal object.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = DecodeSignals(self)
        self._signals.decoded.connect(self._decoded)

        self.camera_choice = QComboBox()
        self.camera_choice.setAccessibleName("Camera")
        self.start_button = QPushButton("Start camera")
        self.start_button.setAccessibleName("Start camera")
        self.stop_button = QPushButton("Stop camera")
        self.stop_button.setAccessibleName("Stop camera")
        self.stop_button.setEnabled(False)
        self.status = QLabel()
        self.status.setAccessibleName("Camera status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = ScanPreview()

        controls = QHBoxLayout()
        camera_label = QLabel("Camera:")
        camera_label.setBuddy(self.camera_choice)
        controls.addWidget(camera_label)
        controls.addWidget(self.camera_choice, 1)
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)

        self._sink: QVideoSink | None = None
        self._session: QMediaCaptureSession | None = None
        self._media_devices: QMediaDevices | None = None

        self._marker_timer = QTimer(self)
        self._marker_timer.setSingleShot(True)
        self._marker_timer.setInterval(MARKER_MS)
        self._marker_timer.timeout.connect(self._marker_done)

        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.start_button.setEnabled(False)
        self.camera_choice.setEnabled(False)

    # --- cameras ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._camera is not None

    @property
    def busy(self) -> bool:
        return self._in_flight > 0

    def _load_multimedia(self) -> None:
        if self._session is not None:
            return
        from PySide6.QtMultimedia import QMediaCaptureSession, QMediaDevices, QVideoSink

        self._sink = QVideoSink(self)
        self._sink.videoFrameChanged.connect(self._on_video_frame)
        self._session = QMediaCaptureSession(self)
        self._session.setVideoSink(self._sink)
        self._media_devices = QMediaDevices(self)
        self._media_devices.videoInputsChanged.connect(self.refresh_cameras)

    def refresh_cameras(self) -> None:
        """List the cameras again (one was plugged in or out), keeping the choice if it is there."""
        self._load_multimedia()
        from PySide6.QtMultimedia import QMediaDevices

        chosen = self._chosen_device()
        chosen_id = bytes(chosen.id().data()) if chosen is not None else None
        self._devices = list(self._cameras() if self._cameras else QMediaDevices.videoInputs())
        self.camera_choice.clear()
        for device in self._devices:
            self.camera_choice.addItem(device.description() or "Camera")
        ids = [bytes(device.id().data()) for device in self._devices]
        if chosen_id in ids:
            self.camera_choice.setCurrentIndex(ids.index(chosen_id))
        elif self._devices:
            default = QMediaDevices.defaultVideoInput()
            default_id = bytes(default.id().data())
            self.camera_choice.setCurrentIndex(ids.index(default_id) if default_id in ids else 0)
        have_cameras = bool(self._devices)
        self.camera_choice.setEnabled(have_cameras)
        if self.running and chosen_id not in ids:
            self.stop()
            self._say(NO_CAMERA if not have_cameras else READY)
        elif not self.running:
            self.start_button.setEnabled(have_cameras)
            self._say(READY if have_cameras else NO_CAMERA)
            self.preview.clear("Camera off" if have_cameras else "No camera")

    def start(self) -> None:
        if self._session is None:
            self.refresh_cameras()
        device = self._chosen_device()
        if device is None:
            self._say(NO_CAMERA)
            return
        app = QCoreApplication.instance()
        assert app is not None
        # Only macOS (and Windows privacy settings) ever say no; elsewhere this is Granted.
        status = app.checkPermission(QCameraPermission())
        if status == Qt.PermissionStatus.Denied:
            self._say(NO_PERMISSION)
            return
        if status == Qt.PermissionStatus.Undetermined:
            app.requestPermission(QCameraPermission(), self, lambda *_: self.start())
            return
        self.stop()
        from PySide6.QtMultimedia import QCamera

        assert self._session is not None
        camera = QCamera(device, self)
        camera.errorOccurred.connect(self._camera_failed)
        self._camera = camera
        self._session.setCamera(camera)
        self._say(STARTING)
        self.preview.clear(STARTING)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.camera_choice.setEnabled(False)
        camera.start()
        if camera.error() != QCamera.Error.NoError:  # failed at once, before any signal
            self._camera_failed(camera.error(), camera.errorString())
        elif camera.isActive():
            self._say(LOOKING)

    def stop(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            camera.errorOccurred.disconnect(self._camera_failed)
            camera.stop()
            if self._session is not None:
                self._session.setCamera(None)  # type: ignore[arg-type]  # None detaches; stubs omit it
            camera.deleteLater()
        self.stop_button.setEnabled(False)
        self.start_button.setEnabled(bool(self._devices))
        self.camera_choice.setEnabled(bool(self._devices))
        if camera is not None:
            self.preview.clear("Camera off")
            self._say(READY if self._devices else NO_CAMERA)

    def _chosen_device(self) -> QCameraDevice | None:
        index = self.camera_choice.currentIndex()
        return self._devices[index] if 0 <= index < len(self._devices) else None

    def _camera_failed(self, error: QCamera.Error, why: str) -> None:
        log.warning("camera failed: %s (%s)", why, error)
        self.stop()
        self.preview.clear("Camera stopped")
        self._say(CAMERA_FAILED.format(why=why.rstrip(".") or "no reason given"))

    def _on_video_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        if self.status.text() == STARTING:
            self._say(LOOKING)
        self.preview.show_image(image)
        self.offer_frame(image)

    # --- decoding -------------------------------------------------------------------------

    def offer_frame(self, image: QImage) -> bool:
        """Decode a live frame unless a decode is running; a frame that arrives then is dropped."""
        if self.busy:
            self.frames_dropped += 1
            return False
        self._submit(image, self._decoder, live=True)
        return True

    def decode_image(self, image: QImage) -> None:
        """Show a picture and read it through the decode worker, trying every fallback.

        Emits ``code_read`` for each code found, even one just read.
        """
        self.preview.show_image(image)
        self._submit(image, self._still_decoder(), live=False)

    def _submit(self, image: QImage, decoder: FrameDecoder, *, live: bool) -> None:
        size = image.size()
        signals = self._signals

        def job() -> None:  # runs in the pool's thread: no widgets here
            try:
                codes = decode_image(decoder, image)
            except Exception:
                log.exception("a camera frame could not be decoded")
                codes = []
            signals.decoded.emit(Decoded(codes, size, live))

        self._in_flight += 1
        self._pool.start(job)

    def _decoded(self, result: Decoded) -> None:
        self._in_flight -= 1
        if not result.codes:
            if not result.live:
                self._say(NOTHING_IN_PICTURE)
            return
        self.preview.show_marker(result.codes, result.frame_size)
        self._say("✓ " + CODE_READ)
        self._marker_timer.start()
        now = self._clock()
        for code in result.codes:
            repeat = (
                result.live
                and code.text == self._last_text
                and now - self._last_seen < REPEAT_AFTER_S
            )
            self._last_text, self._last_seen = code.text, now
            if not repeat:
                self.code_read.emit(code.text)

    def _marker_done(self) -> None:
        self.preview.hide_marker()
        if self.status.text() == "✓ " + CODE_READ:
            self._say(LOOKING if self.running else (READY if self._devices else NO_CAMERA))

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- lifetime -------------------------------------------------------------------------

    def wait_for_decoding(self, msecs: int = 5000) -> bool:
        """Wait for decodes already started (used before closing, and by tests)."""
        return self._pool.waitForDone(msecs)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._session is None:
            self.refresh_cameras()
        if self._resume_on_show:
            self._resume_on_show = False
            self.start()

    def hideEvent(self, event: QHideEvent) -> None:
        # The camera (and its light) is off whenever the scanner is not on screen.
        if self.running:
            self._resume_on_show = True
            self.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._resume_on_show = False
        self.stop()
        self._pool.clear()
        self._pool.waitForDone()
        super().closeEvent(event)
