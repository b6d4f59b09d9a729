"""Arrivals over time at the door: a bar per quarter hour, with the numbers written on."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engagement_desk.core.clock import to_local


class ArrivalsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = self._new_chart()
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(160)
        self.view.setMaximumHeight(260)
        self.view.setAccessibleName("Arrivals chart")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Arrivals in words")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        self.set_arrivals([])

    @staticmethod
    def _new_chart() -> QChart:
        chart = QChart()
        chart.setTitle("Arrivals every 15 minutes")
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        return chart

    def set_arrivals(self, buckets: list[tuple[datetime, int]]) -> None:
        """A fresh chart each time: simpler and surer than patching axes and series."""
        old, self.chart = self.chart, self._new_chart()
        self.view.setChart(self.chart)
        old.deleteLater()
        labels = [f"{to_local(start):%H:%M}" for start, _ in buckets]
        if not buckets:
            self.summary.setText("Nobody has arrived yet.")
            return
        bars = QBarSet("Arrivals")
        bars.setColor(QColor("#1b5e20"))
        for _, count in buckets:
            bars.append(count)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(labels)
        if len(labels) > 4:
            x_axis.setLabelsAngle(-60)
        y_axis = QValueAxis()
        y_axis.setRange(0, max(count for _, count in buckets) + 1)
        y_axis.setLabelFormat("%d")
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        self.summary.setText(
            "Arrivals: "
            + ", ".join(f"{label}: {n}" for label, (_, n) in zip(labels, buckets, strict=True))
        )
