"""Email templates: placeholders checked, values kept as text, empty sections dropped,
accessible HTML, easy read and large print by access need."""

from __future__ import annotations

import pytest

from engagement_desk.core.messages import (
    DEFAULTS,
    MessageKind,
    MessageStyle,
    Template,
    fill,
    first_name,
    style_for,
    template_problems,
    wants_large_print,
)


@pytest.mark.parametrize("key", list(DEFAULTS))
def test_every_default_template_is_valid(key: tuple[MessageKind, MessageStyle]) -> None:
    assert template_problems(DEFAULTS[key]) == []


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (Template("", "Hello"), "The subject is empty"),
        (Template("Hi\nthere", "Hello"), "one line"),
        (Template("Hi", ""), "The message is empty"),
        (Template("Hi {evnt}", "Hello"), "{evnt}, which is not a placeholder"),
        (Template("Hi", "Hello {name.__class__}"), "is not a placeholder"),
        (Template("Hi", "Hello {0}"), "{0}, which is not a placeholder"),
        (Template("Hi", "Hello {}"), "{}, which is not a placeholder"),
        (Template("Hi", "Hello {name"), "without its partner"),
        (Template("Hi", "x" * 20_001), "longer than"),
    ],
)
def test_template_problems_are_explained(template: Template, expected: str) -> None:
    problems = template_problems(template)
    assert problems and any(expected in p for p in problems), problems


def test_values_are_text_and_empty_sections_are_dropped() -> None:
    template = Template(
        "{event}",
        "Hello {first_name},\n\n# Access\n{access}\n\n# Where\n{where}\n\n# Changes\n{changes}",
    )
    filled = fill(
        template,
        {"event": "Café {name} <b>", "first_name": "Zoë", "where": "Online", "changes": ""},
    )
    assert filled.subject == "Café {name} <b>"
    assert filled.text == "Hello Zoë,\n\nWhere\n-----\n\nOnline\n"
    html = filled.html()
    assert "<h2" in html and "Access" not in html
    assert "Café {name} &lt;b&gt;" in html  # the title, escaped
    assert '<html lang="en-GB">' in html and "font-size: 1.1rem" in html


def test_lists_links_and_the_qr_image_in_html() -> None:
    filled = fill(
        Template("S", "# Agenda\n- 10:00 Welcome\n- 10:30 Talks\n\nJoin at https://x.org/a."),
        {},
        large_print=True,
    )
    html = filled.html(qr_cid="abc@x", qr_alt="QR code for your ticket")
    assert "<ul><li>10:00 Welcome</li><li>10:30 Talks</li></ul>" in html
    assert '<a href="https://x.org/a">https://x.org/a</a>.' in html
    assert '<img src="cid:abc@x" alt="QR code for your ticket"' in html
    assert "font-size: 1.5rem" in html
    assert "- 10:00 Welcome" in filled.text


def test_style_and_print_follow_access_needs() -> None:
    assert style_for(("easy read",), MessageStyle.PLAIN) is MessageStyle.EASY_READ
    assert style_for((), MessageStyle.PLAIN) is MessageStyle.PLAIN
    assert style_for((), MessageStyle.EASY_READ) is MessageStyle.EASY_READ
    assert wants_large_print(("large print", "hearing loop"))
    assert not wants_large_print(("easy read",))
    assert first_name("  Aisha  Begum ") == "Aisha"
    assert first_name("") == "there"
