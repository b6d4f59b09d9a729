"""Publishing the schedule: an .ics calendar and the printable listing's content (drawn by
``reports.listing``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engagement_desk import __version__
from engagement_desk.core.clock import LONDON, Clock, format_when, system_clock
from engagement_desk.core.printouts import ListingEntry, ScheduleListing
from engagement_desk.core.statuses import EventKind, EventStatus
from engagement_desk.services.events import EventDetail, EventService, When
from engagement_desk.services.files import save_file

# icalendar is imported when a calendar is made, not at start-up: the main window needs
# this service only to export. The printable listing is drawn by reports.listing from the
# ScheduleListing built here.


@dataclass(frozen=True)
class _Published:
    detail: EventDetail

    @property
    def location(self) -> str:
        venue = self.detail.venue
        if venue is None:
            return (
                f"Online: {self.detail.draft.online_link}"
                if self.detail.draft.online_link
                else "Online"
            )
        return ", ".join(part for part in (venue.name, venue.address, venue.postcode) if part)

    @property
    def access(self) -> list[str]:
        return self.detail.venue.access if self.detail.venue else []

    @property
    def description(self) -> str:
        draft = self.detail.draft
        lines = [draft.description] if draft.description else []
        if self.access:
            lines.append("Access: " + ", ".join(self.access) + ".")
        if self.detail.venue and self.detail.venue.notes:
            lines.append(self.detail.venue.notes)
        if draft.online_link:
            lines.append(f"Join online: {draft.online_link}")
        if draft.agenda:
            lines.append("Agenda:")
            lines.extend(
                f"- {a.starts_at.astimezone(LONDON):%H:%M} {a.title}"
                if a.starts_at
                else f"- {a.title}"
                for a in draft.agenda
            )
        lines.append(f"Event code: {self.detail.short_code}")
        return "\n".join(lines)


class ScheduleService:
    def __init__(self, events: EventService, clock: Clock = system_clock) -> None:
        self._events = events
        self._clock = clock

    def _chosen(self, references: Sequence[str]) -> list[EventDetail]:
        if references:
            return [self._events.get(ref) for ref in references]
        return [self._events.get(row.id) for row in self._events.list_events(When.UPCOMING)]

    def ics_bytes(self, references: Sequence[str] = ()) -> bytes:
        """One VEVENT per event; with no references, every upcoming event."""
        from icalendar import Calendar
        from icalendar import Event as CalendarEvent

        calendar = Calendar()
        calendar.add("prodid", f"-//Engagement Desk//{__version__}//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-timezone", "Europe/London")
        stamp = self._clock()
        for detail in self._chosen(references):
            published = _Published(detail)
            item = CalendarEvent()
            item.add("uid", f"{detail.id}@engagement-desk")
            item.add("dtstamp", stamp)
            item.add("dtstart", detail.draft.starts_at)
            item.add("dtend", detail.draft.ends_at)
            title = detail.draft.title
            if detail.status is EventStatus.CANCELLED:
                title = f"CANCELLED: {title}"
            item.add("summary", title)
            item.add("location", published.location)
            item.add("description", published.description)
            item.add(
                "status", "CANCELLED" if detail.status is EventStatus.CANCELLED else "CONFIRMED"
            )
            if detail.draft.online_link:
                item.add("url", detail.draft.online_link)
            calendar.add_component(item)
        data: bytes = calendar.to_ical()
        return data

    def write_ics(self, target: Path, references: Sequence[str] = ()) -> int:
        data = self.ics_bytes(references)
        save_file(target, data)
        return data.count(b"BEGIN:VEVENT")

    def listing(
        self, references: Sequence[str] = (), *, title: str | None = None
    ) -> ScheduleListing:
        entries = []
        for detail in self._chosen(references):
            published = _Published(detail)
            draft = detail.draft
            entries.append(
                ListingEntry(
                    title=draft.title,
                    kind=EventKind(draft.kind).label,
                    when=format_when(draft.starts_at, draft.ends_at),
                    where=published.location,
                    access=tuple(published.access),
                    description=draft.description,
                    booking=f"Event code {detail.short_code}",
                    cancelled=detail.status is EventStatus.CANCELLED,
                )
            )
        return ScheduleListing(
            title=title or "SEND engagement events for parents and carers",
            generated_at=self._clock(),
            entries=tuple(entries),
        )
