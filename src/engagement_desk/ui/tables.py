"""Tables the user scrolls: the same keyboard and reading behaviour everywhere."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

MAIN_COLUMN_CAP = 640  # px; longer text is elided, with the whole of it in the tooltip
MIN_ROWS = 3  # a table always has room to show this many rows


class RowHeights(QObject):
    """Rows as tall as a line of the table's text, whatever the text size (the style's
    default row height is a fixed number of pixels, which clips 24-point text), and room
    for at least ``rows`` rows below the header."""

    def __init__(self, table: QTableView, rows: int = MIN_ROWS) -> None:
        super().__init__(table)
        self.table = table
        self.rows = rows
        self._pending = QTimer(self)  # after the header has its new font too
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.fit)
        table.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange:
            self.fit()
            self._pending.start()
        return False

    def fit(self) -> None:
        line = self.table.fontMetrics().height()
        row = line + max(6, line // 5)
        vertical = self.table.verticalHeader()
        vertical.setMinimumSectionSize(row)
        vertical.setDefaultSectionSize(row)
        header = self.table.horizontalHeader().sizeHint().height()
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(header + frame + self.rows * row)


class ColumnFitter(QObject):
    """Columns as wide as their contents; spare width goes to the main column.

    With large text a fixed 'stretch' column gets squeezed to "…" while the others keep
    their width. Here no column is ever narrower than its contents (up to a cap for very
    long text): when they do not all fit, the table scrolls sideways instead.
    """

    def __init__(self, table: QTableView, main_column: int) -> None:
        super().__init__(table)
        self.table = table
        self.main_column = main_column
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.fit)
        table.installEventFilter(self)

    def watch(self) -> None:
        model = self.table.model()
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(self._pending.start)
        self._pending.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.Show):
            self._pending.start()
        return False

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        if self.table.model() is None or header.count() == 0:
            return
        self.table.resizeColumnsToContents()
        main = min(self.main_column, header.count() - 1)
        header.resizeSection(main, min(header.sectionSize(main), MAIN_COLUMN_CAP))
        spare = self.table.viewport().width() - header.length()
        if spare > 0:
            header.resizeSection(main, header.sectionSize(main) + spare)


def make_table(
    accessible_name: str,
    model: QAbstractItemModel,
    main_column: int | None = None,
    *,
    min_rows: int = MIN_ROWS,
) -> QTableView:
    """A read-only, row-selecting table showing ``model``.

    With ``main_column``, columns fit their contents and spare width goes to that column
    (see ColumnFitter); without, the last column takes the spare width.
    """
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    RowHeights(table, min_rows)
    header = table.horizontalHeader()
    if main_column is None:
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    else:
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        ColumnFitter(table, main_column).watch()
    return table
