"""Arrivals over time at the door: a bar per quarter hour, with the numbers written on."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from engagement_desk.core.clock import to_local
from engagement_desk.ui.layouts import WrappingLabel, text_lines


def whole_number_axis(axis: QValueAxis, largest: float) -> None:
    """A count axis: ticks only at whole numbers (never 0, 0, 1, 1), at most five labels, and
    room above the tallest bar for its number."""
    step = next(m * 10**e for e in range(9) for m in (1, 2, 5) if largest / (m * 10**e) <= 3)
    top = (int(largest) // step + 1) * step
    axis.setRange(0, top)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    axis.setMinorTickCount(0)


def chart_fonts(chart: QChart) -> None:
    """Title and labels in the app's text size (a chart keeps the size it was made with)."""
    base = QApplication.font()
    title = QFont(base)
    title.setBold(True)
    chart.setTitleFont(title)
    for axis in chart.axes():
        axis.setLabelsFont(base)
        axis.setTitleFont(base)


class ArrivalsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = self._new_chart()
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName("Arrivals chart")
        self.summary = WrappingLabel()
        self.summary.setAccessibleName("Arrivals in words")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        self._buckets: list[tuple[datetime, int]] = []
        self.set_arrivals([])
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the text size was changed in Settings
            app.fontChanged.connect(self._text_size_changed)

    @staticmethod
    def _new_chart() -> QChart:
        chart = QChart()
        chart.setTitle("Arrivals every 15 minutes")
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        return chart

    def _text_size_changed(self) -> None:
        self.set_arrivals(self._buckets)

    def _fit_height(self) -> None:
        # Room for the title, the bars and the times along the bottom at this text size.
        self.view.setMinimumHeight(max(160, text_lines(self, 6)))
        self.view.setMaximumHeight(max(text_lines(self, 14), 260))

    def set_arrivals(self, buckets: list[tuple[datetime, int]]) -> None:
        """A fresh chart each time: simpler and surer than patching axes and series."""
        self._buckets = list(buckets)
        self._fit_height()
        old, self.chart = self.chart, self._new_chart()
        self.view.setChart(self.chart)
        old.deleteLater()
        labels = [f"{to_local(start):%H:%M}" for start, _ in buckets]
        if not buckets:
            chart_fonts(self.chart)
            self.summary.setText("Nobody has arrived yet.")
            return
        bars = QBarSet("Arrivals")
        bars.setColor(QColor("#1b5e20"))
        bars.setLabelFont(QApplication.font())
        for _, count in buckets:
            bars.append(count)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)
        bars.setLabelColor(QColor("#ffffff"))
        self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(labels)
        if len(labels) > 4:
            x_axis.setLabelsAngle(-60)
        y_axis = QValueAxis()
        whole_number_axis(y_axis, max(count for _, count in buckets))
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        chart_fonts(self.chart)
        self.summary.setText(
            "Arrivals: "
            + ", ".join(f"{label}: {n}" for label, (_, n) in zip(labels, buckets, strict=True))
        )
