"""The domain's words for kinds and states: what an event is, what state an event, a booking,
a question, an action or an email is in, how a vote was given. Shared by every layer; the
database maps them to columns."""

from __future__ import annotations

import enum


class EventKind(enum.StrEnum):
    VENUE = "venue"
    WEBINAR = "webinar"
    DROP_IN = "drop-in"
    WORKSHOP = "workshop"

    @property
    def label(self) -> str:
        return {
            EventKind.VENUE: "Venue engagement event",
            EventKind.WEBINAR: "Monthly webinar Q&A",
            EventKind.DROP_IN: "Drop-in",
            EventKind.WORKSHOP: "Workshop",
        }[self]

    @property
    def needs_venue(self) -> bool:
        return self is not EventKind.WEBINAR


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class ResponseMethod(enum.StrEnum):
    DOTS = "dots"
    RANKING = "ranking"
    POINTS = "points"


class QuestionStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED_LIVE = "answered live"
    FOLLOW_UP = "to follow up"
    ANSWERED_LATER = "answered later"


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    DONE = "done"


class OutboxStatus(enum.StrEnum):
    WAITING = "waiting"  # written, not yet handed to the mail server
    SENDING = "sending"  # being handed over now (or the sender stopped part-way)
    SENT = "sent"  # the mail server accepted it
    REFUSED = "refused"  # the mail server refused the address for good; not retried
