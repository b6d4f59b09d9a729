"""Emails to families: the templates, their placeholders, and the plain-text and HTML bodies.

Pure: no I/O. A template is a subject and a body written in a very small markup that
organisers can edit in Settings without knowing HTML:

- paragraphs are separated by a blank line;
- a line starting with ``# `` is a heading;
- lines starting with ``- `` are a list.

Placeholders are names in braces, e.g. ``{event}``. Only the names in ``PLACEHOLDERS``
are allowed, so a typo is caught when the template is saved, not when 300 families get
an email with a gap in it. A heading whose section comes out empty (an online event has
no access details) is left out, with its section.

Two styles: plain English (the default) and easy read (short sentences, one idea a line,
bigger text). A person whose access needs include "easy read" gets easy read whatever
the default; "large print" makes the HTML text larger.
"""

from __future__ import annotations

import enum
import html
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class MessageKind(enum.StrEnum):
    TICKET = "ticket"
    WAITING_LIST = "waiting list"
    REMINDER = "reminder"
    CHANGED = "changed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            MessageKind.TICKET: "Ticket",
            MessageKind.WAITING_LIST: "On the waiting list",
            MessageKind.REMINDER: "Reminder the day before",
            MessageKind.CHANGED: "Event changed",
            MessageKind.CANCELLED: "Event cancelled",
        }[self]

    @property
    def carries_ticket(self) -> bool:
        """Messages with the ticket PDF, the QR image and the calendar entry attached."""
        return self in (MessageKind.TICKET, MessageKind.REMINDER, MessageKind.CHANGED)


class MessageStyle(enum.StrEnum):
    PLAIN = "plain"
    EASY_READ = "easy read"


PLACEHOLDERS: dict[str, str] = {
    "first_name": "the person's first name",
    "name": "the person's full name",
    "event": "the event's title",
    "date": "the day, e.g. Wed 22 Apr 2026",
    "when": "day and time, e.g. Wed 22 Apr 2026, 10:00–12:30",
    "where": "the venue and address, or how to join online",
    "access": "the venue's access, e.g. step-free access, hearing loop",
    "directions": "how to get there: venue notes and the postcode for maps",
    "what_to_expect": "the event's description and agenda",
    "contact": "who to contact (set in Email settings)",
    "reference": "the ticket reference to give at the door",
    "event_code": "the event's short code",
    "waiting_position": "their number on the waiting list",
    "changes": "what changed about the event, one line each",
    "reason": "why the event was cancelled",
    "other_events": "upcoming events (only for people who agreed to hear about them)",
}

LARGE_PRINT = "large print"
EASY_READ = "easy read"


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


@dataclass(frozen=True)
class Block:
    """One piece of a body: a heading, a paragraph (lines kept) or a list."""

    kind: str  # "heading", "paragraph" or "list"
    lines: tuple[str, ...]


@dataclass(frozen=True)
class FilledMessage:
    subject: str
    blocks: tuple[Block, ...]
    large_print: bool = False

    @property
    def text(self) -> str:
        """The plain-text body: headings underlined, lists with dashes."""
        parts = []
        for block in self.blocks:
            if block.kind == "heading":
                title = block.lines[0]
                parts.append(f"{title}\n{'-' * len(title)}")
            elif block.kind == "list":
                parts.append("\n".join(f"- {line}" for line in block.lines))
            else:
                parts.append("\n".join(block.lines))
        return "\n\n".join(parts) + "\n"

    def html(self, *, qr_cid: str | None = None, qr_alt: str = "") -> str:
        """An accessible HTML body: a language, a title, real headings and lists, text that
        scales, dark on light with strong contrast; the QR code (when given) has alt text."""
        size = "1.5rem" if self.large_print else "1.1rem"
        out = [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(self.subject)}</title>",
            "</head>",
            f'<body style="font-family: Arial, Helvetica, sans-serif; font-size: {size}; '
            'line-height: 1.5; color: #1a1a1a; background: #ffffff; max-width: 40em;">',
            f'<h1 style="font-size: 1.6em; color: #1a1a5e;">{html.escape(self.subject)}</h1>',
        ]
        paragraphs = [block for block in self.blocks if block.kind == "paragraph"]
        # The greeting, then the paragraph saying what this is; the code goes after it.
        first_paragraph = paragraphs[min(1, len(paragraphs) - 1)] if paragraphs else None
        if first_paragraph is None and qr_cid is not None:
            first_paragraph = Block("paragraph", ())
            self_blocks: tuple[Block, ...] = (first_paragraph, *self.blocks)
        else:
            self_blocks = self.blocks
        for block in self_blocks:
            if block.kind == "heading":
                out.append(
                    f'<h2 style="font-size: 1.25em; color: #1a1a5e;">'
                    f"{html.escape(block.lines[0])}</h2>"
                )
            elif block.kind == "list":
                items = "".join(f"<li>{_linked(line)}</li>" for line in block.lines)
                out.append(f"<ul>{items}</ul>")
            else:
                out.append(f"<p>{'<br>'.join(_linked(line) for line in block.lines)}</p>")
            if qr_cid is not None and block is first_paragraph:
                # Straight after the greeting and the words that say the code is below.
                out.append(
                    f'<p><img src="cid:{html.escape(qr_cid)}" alt="{html.escape(qr_alt)}" '
                    'width="300" height="300" style="width: 300px; height: 300px;"></p>'
                )
        out.extend(["</body>", "</html>"])
        return "\n".join(out) + "\n"


def _linked(text: str) -> str:
    """Escaped text; a web address becomes a link (its text is the address itself)."""
    words = []
    for word in text.split(" "):
        if word.startswith(("https://", "http://")):
            trimmed = word.rstrip(".,;:)")
            rest = word[len(trimmed) :]
            safe = html.escape(trimmed)
            words.append(f'<a href="{safe}">{safe}</a>{html.escape(rest)}')
        else:
            words.append(html.escape(word))
    return " ".join(words)


# ---- the defaults --------------------------------------------------------------------

_TICKET_PLAIN = Template(
    subject="Your ticket: {event}, {date}",
    body="""Hello {first_name},

You have a place at {event}. Your ticket is attached, and its QR code is below. \
Show it at the door, on your phone or on paper. If you forget it, just give your name.

# When
{when} (UK time)

# Where
{where}

# Access
{access}

# Getting there
{directions}

# What to expect
{what_to_expect}

# Your ticket
Ticket reference: {reference}
Event code: {event_code}

# Can no longer come?
Please let us know, so someone on the waiting list can have your place.

# Questions
{contact}

A calendar entry is attached: open it to add the event to your calendar.""",
)

_TICKET_EASY = Template(
    subject="Your ticket for {event}",
    body="""Hello {first_name}.

You have a place at {event}.

Your ticket is with this email.

Show the ticket at the door.

You can show it on your phone or on paper.

# When
{when}

# Where
{where}

# Access
{access}

# Getting there
{directions}

# What will happen
{what_to_expect}

# Your ticket number
{reference}

# Cannot come?
Please tell us.

Then someone else can have your place.

# Questions
{contact}""",
)

_WAITING_PLAIN = Template(
    subject="You are on the waiting list: {event}, {date}",
    body="""Hello {first_name},

{event} is full at the moment, so you are on the waiting list. You are number {waiting_position}.

If a place comes free, it will be offered to people in the order they joined the list. \
We will email you your ticket if you get a place. You do not need to do anything now.

# When
{when} (UK time)

# Where
{where}

# Questions
{contact}""",
)

_WAITING_EASY = Template(
    subject="You are on the waiting list for {event}",
    body="""Hello {first_name}.

{event} is full.

You are on the waiting list.

You are number {waiting_position} on the list.

If a place comes free, we will email you a ticket.

You do not need to do anything now.

# When
{when}

# Questions
{contact}""",
)

_REMINDER_PLAIN = Template(
    subject="Reminder: {event} is tomorrow, {when}",
    body="""Hello {first_name},

This is a reminder that {event} is tomorrow. Your ticket is attached again, in case you need it.

# When
{when} (UK time)

# Where
{where}

# Access
{access}

# Getting there
{directions}

# Your ticket
Ticket reference: {reference}

# Can no longer come?
Please let us know, so someone on the waiting list can have your place.

# Questions
{contact}""",
)

_REMINDER_EASY = Template(
    subject="Reminder: {event} is tomorrow",
    body="""Hello {first_name}.

{event} is tomorrow.

Your ticket is with this email.

# When
{when}

# Where
{where}

# Getting there
{directions}

# Cannot come?
Please tell us.

# Questions
{contact}""",
)

_CHANGED_PLAIN = Template(
    subject="Changed: {event}",
    body="""Hello {first_name},

Something has changed about {event}, which you are booked on.

# What changed
{changes}

# When
{when} (UK time)

# Where
{where}

# Access
{access}

Your place and your ticket still stand: use the ticket we sent you (its QR code is below). \
The calendar entry attached has the new details.

If you can no longer come, please let us know, so someone on the waiting list can have your place.

# Questions
{contact}""",
)

_CHANGED_EASY = Template(
    subject="Something has changed: {event}",
    body="""Hello {first_name}.

Something has changed about {event}.

# What changed
{changes}

# When
{when}

# Where
{where}

You still have your place.

Your ticket is the same.

# Questions
{contact}""",
)

_CANCELLED_PLAIN = Template(
    subject="Cancelled: {event}, {date}",
    body="""Hello {first_name},

We are sorry: {event} on {when} is cancelled. Please do not travel to it.

# Why
{reason}

# Other events coming up
{other_events}

# Questions
{contact}""",
)

_CANCELLED_EASY = Template(
    subject="Cancelled: {event}",
    body="""Hello {first_name}.

We are sorry.

{event} is cancelled.

Please do not go to it.

# Why
{reason}

# Other events
{other_events}

# Questions
{contact}""",
)

DEFAULTS: dict[tuple[MessageKind, MessageStyle], Template] = {
    (MessageKind.TICKET, MessageStyle.PLAIN): _TICKET_PLAIN,
    (MessageKind.TICKET, MessageStyle.EASY_READ): _TICKET_EASY,
    (MessageKind.WAITING_LIST, MessageStyle.PLAIN): _WAITING_PLAIN,
    (MessageKind.WAITING_LIST, MessageStyle.EASY_READ): _WAITING_EASY,
    (MessageKind.REMINDER, MessageStyle.PLAIN): _REMINDER_PLAIN,
    (MessageKind.REMINDER, MessageStyle.EASY_READ): _REMINDER_EASY,
    (MessageKind.CHANGED, MessageStyle.PLAIN): _CHANGED_PLAIN,
    (MessageKind.CHANGED, MessageStyle.EASY_READ): _CHANGED_EASY,
    (MessageKind.CANCELLED, MessageStyle.PLAIN): _CANCELLED_PLAIN,
    (MessageKind.CANCELLED, MessageStyle.EASY_READ): _CANCELLED_EASY,
}

SUBJECT_LIMIT = 200
BODY_LIMIT = 20_000


def default_template(kind: MessageKind, style: MessageStyle) -> Template:
    return DEFAULTS[(kind, style)]


def style_for(access_needs: Sequence[str], default: MessageStyle) -> MessageStyle:
    return MessageStyle.EASY_READ if EASY_READ in access_needs else default


def wants_large_print(access_needs: Sequence[str]) -> bool:
    return LARGE_PRINT in access_needs


def template_problems(template: Template) -> list[str]:
    """What is wrong with an edited template, in plain words; empty when it can be saved."""
    problems = []
    if not template.subject.strip():
        problems.append("The subject is empty: every email needs one.")
    if "\n" in template.subject or "\r" in template.subject:
        problems.append("The subject must be one line.")
    if len(template.subject) > SUBJECT_LIMIT:
        problems.append(f"The subject is longer than {SUBJECT_LIMIT} characters.")
    if not template.body.strip():
        problems.append("The message is empty.")
    if len(template.body) > BODY_LIMIT:
        problems.append(f"The message is longer than {BODY_LIMIT:,} characters.")
    for part, text in (("subject", template.subject), ("message", template.body)):
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError:
            problems.append(
                f"The {part} has a '{{' or '}}' without its partner. Placeholders look like "
                "{event}; to show a brace itself, write it twice: {{ or }}."
            )
            continue
        for name in names:
            if name not in PLACEHOLDERS:
                known = ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
                shown = "{}" if name == "" else f"{{{name}}}"
                problems.append(
                    f"The {part} has {shown}, which is not a placeholder this app fills. "
                    f"Use one of: {known}."
                )
    return problems


def fill(
    template: Template, values: Mapping[str, str], *, large_print: bool = False
) -> FilledMessage:
    """The message for one person. ``values`` gives every placeholder (missing ones are
    empty). Values are inserted as text: braces or markup in a name stay as typed."""
    complete = {name: values.get(name, "") for name in PLACEHOLDERS}
    subject = " ".join(_format(template.subject, complete).split())
    return FilledMessage(
        subject=subject, blocks=_blocks(_format(template.body, complete)), large_print=large_print
    )


def _format(text: str, values: Mapping[str, str]) -> str:
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)


def _blocks(body: str) -> tuple[Block, ...]:
    """Split a filled body into blocks; drop a heading whose section has nothing in it."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def close() -> None:
        if paragraph:
            blocks.append(Block("paragraph", tuple(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(Block("list", tuple(items)))
            items.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            close()
        elif line.startswith("# "):
            close()
            blocks.append(Block("heading", (line[2:].strip(),)))
        elif line.startswith("- "):
            if paragraph:
                close()
            items.append(line[2:].strip())
        else:
            if items:
                close()
            paragraph.append(line.strip())
    close()
    kept: list[Block] = []
    for n, block in enumerate(blocks):
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        if block.kind == "heading" and (following is None or following.kind == "heading"):
            continue
        kept.append(block)
    return tuple(kept)


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else "there"


def lines_of(items: Sequence[str]) -> str:
    """A list placeholder's value: one '- ' line per item, so it shows as a list."""
    return "\n".join(f"- {item}" for item in items)
