"""The webinar Q&A log as a table: most upvoted first."""

from __future__ import annotations

from engagement_desk.services.webinars import QuestionRow
from engagement_desk.ui.row_model import RowTableModel


class QuestionsModel(RowTableModel):
    COLUMNS = (
        ("Votes", lambda r: str(r.upvotes)),
        ("Question", lambda r: r.text),
        ("Theme", lambda r: r.theme or ""),
        ("Status", lambda r: r.status_label),
        ("Answer", lambda r: r.answer),
    )

    def row_at(self, row: int) -> QuestionRow:
        question: QuestionRow = super().row_at(row)
        return question
