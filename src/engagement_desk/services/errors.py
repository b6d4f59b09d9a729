"""Errors a user can cause. Their messages are shown as they are: plain English, what to do next."""

from __future__ import annotations

from engagement_desk.core.events import Problem


class UserError(Exception):
    """Something the user asked for cannot be done; nothing was changed."""


class NotFound(UserError):
    pass


class ValidationFailed(UserError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))
