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
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from engagement_desk.core.summary import MethodResult
from engagement_desk.ui.arrivals_chart import chart_fonts, whole_number_axis
from engagement_desk.ui.layouts import WrappingLabel, text_lines


def score_value(result: MethodResult, total: int | None, mean: float | None) -> float:
    """What the bar shows: mean Borda score for rankings, mean points, dot totals."""
    if result.method in ("ranking", "points") and mean is not None:
        return round(mean, 1)
    return float(total or 0)


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
        self.view.setAccessibleName("Priority scores chart")
        self.reading = WrappingLabel()  # the whole sentence, however many lines it takes
        self.reading.setAccessibleName("What the scores say")
        self.reading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reading)
        self._result: MethodResult | None = None
        self.show_result(None)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the text size was changed in Settings
            app.fontChanged.connect(self._text_size_changed)

    def _text_size_changed(self) -> None:
        self.show_result(self._result)

    def show_result(self, result: MethodResult | None) -> None:
        self._result = result
        # Five bars with their titles, and the axis with its title, at this text size.
        self.view.setMinimumHeight(max(text_lines(self, 12), 260))
        old, self.chart = self.chart, QChart()
        self.chart.legend().hide()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.view.setChart(self.chart)
        old.deleteLater()
        if result is None:
            self.chart.setTitle("No responses by this method")
            chart_fonts(self.chart)
            self.reading.setText("")
            return
        self.chart.setTitle(result.label)
        self.reading.setText(result.reading)
        if not result.shown or not result.scores:
            chart_fonts(self.chart)
            return
        # Bars read top to bottom in the programme's order; a withheld score (it would reveal
        # a small number) has no bar, and the reading beneath says so in words.
        scores = [s for s in reversed(result.scores) if not s.withheld]
        if not scores:
            chart_fonts(self.chart)
            return
        bars = QBarSet(result.label)
        bars.setColor(QColor("#1a237e"))
        for score in scores:
            bars.append(score_value(result, score.total, score.mean))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        bars.setLabelColor(QColor("#ffffff"))
        bars.setLabelFont(QApplication.font())
        series.setLabelsFormat("@value")
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([f"{s.position}. {s.title}" for s in scores])
        values = QValueAxis()
        top = max(score_value(result, s.total, s.mean) for s in scores)
        if result.method == "dots":  # counted: whole numbers, never "20.0"
            whole_number_axis(values, top)
        else:  # means: one decimal place
            values.setRange(0, max(top * 1.2, 1))
            values.applyNiceNumbers()
            values.setLabelFormat("%.1f")
        values.setTitleText(axis_title(result))
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        chart_fonts(self.chart)
