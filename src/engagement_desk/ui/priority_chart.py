"""Priority scores as horizontal bars, from the summary object (the numbers the PDF shows)."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engagement_desk.core.summary import MethodResult


def score_value(result: MethodResult, total: int, mean: float | None) -> float:
    """What the bar shows: mean Borda score for rankings, mean points, dot totals."""
    if result.method in ("ranking", "points") and mean is not None:
        return round(mean, 1)
    return float(total)


def axis_title(result: MethodResult) -> str:
    return {
        "ranking": "Mean ranking score (higher = ranked higher)",
        "points": "Mean points out of 100",
        "dots": "Dots placed",
    }.get(result.method, "Score")


class PriorityChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(260)
        self.view.setAccessibleName("Priority scores chart")
        self.reading = QLabel()
        self.reading.setWordWrap(True)
        self.reading.setAccessibleName("What the scores say")
        self.reading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reading)

    def show_result(self, result: MethodResult | None) -> None:
        old, self.chart = self.chart, QChart()
        self.chart.legend().hide()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.view.setChart(self.chart)
        old.deleteLater()
        if result is None:
            self.chart.setTitle("No responses by this method")
            self.reading.setText("")
            return
        self.chart.setTitle(result.label)
        self.reading.setText(result.reading)
        if not result.shown or not result.scores:
            return
        # Bars read top to bottom in the programme's order.
        scores = list(reversed(result.scores))
        bars = QBarSet(result.label)
        bars.setColor(QColor("#1a237e"))
        for score in scores:
            bars.append(score_value(result, score.total, score.mean))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        bars.setLabelColor(QColor("#ffffff"))
        series.setLabelsFormat("@value")
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([f"{s.position}. {s.title}" for s in scores])
        values = QValueAxis()
        top = max(score_value(result, s.total, s.mean) for s in scores)
        values.setRange(0, max(top * 1.2, 1))
        values.applyNiceNumbers()
        values.setTitleText(axis_title(result))
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
