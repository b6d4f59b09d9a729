"""People: the words we use about them, what makes their details valid, and what we may keep.

Pure rules, no I/O. The registration service and the importer both come through here, so a
name typed at the door and a name in a spreadsheet are checked and tidied the same way.

Two privacy rules live here once:

- nothing is stored about a person without ``consent_store`` (asked in plain words at the
  door: "Can we keep your name and email so we know you came?");
- a child's SEND details (age band, setting, EHCP status, areas of need) are special
  category data: they are dropped, not stored, unless ``consent_special_category`` is given.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from engagement_desk.core.events import Problem
from engagement_desk.core.validation import remove_control_characters

PREFER_NOT_TO_SAY = "prefer not to say"

ROLES: tuple[str, ...] = ("parent/carer", "young person", "professional")
DEFAULT_ROLE = "parent/carer"

AGE_BANDS: tuple[str, ...] = ("0-4", "5-10", "11-16", "17-19", "20-25", PREFER_NOT_TO_SAY)

SETTINGS: tuple[str, ...] = (
    "early years",
    "mainstream primary",
    "mainstream secondary",
    "special school",
    "college",
    "home educated",
    "not in education",
    "other",
    PREFER_NOT_TO_SAY,
)

EHCP_STATUSES: tuple[str, ...] = (
    "has an EHCP",
    "being assessed",
    "SEN support",
    "no EHCP",
    "not sure",
    PREFER_NOT_TO_SAY,
)

# Broad areas of need in the words parents use; the code of practice's four areas fit inside.
NEED_AREAS: tuple[str, ...] = (
    "autism",
    "ADHD",
    "speech, language and communication",
    "social, emotional and mental health",
    "learning",
    "physical or sensory",
    "other",
    PREFER_NOT_TO_SAY,
)

ACCESS_NEEDS: tuple[str, ...] = (
    "BSL or other interpreter",
    "wheelchair access",
    "hearing loop",
    "large print",
    "easy read",
    "quiet space",
    "carer or PA attending",
    "dietary",
    "other",
)

CHILD_FIELDS = ("child_age_band", "child_setting", "ehcp_status", "need_areas")

MAX_NAME = 200
MAX_EMAIL = 320


@dataclass(frozen=True)
class PersonDraft:
    """What someone told us about themselves, before it is saved.

    ``postcode`` may be a full postcode; only the district ("BL9", "M26") is kept.
    """

    full_name: str
    email: str | None = None
    phone: str | None = None
    postcode: str = ""
    role: str = DEFAULT_ROLE
    child_age_band: str | None = None
    child_setting: str | None = None
    ehcp_status: str | None = None
    need_areas: tuple[str, ...] = ()
    access_needs: tuple[str, ...] = ()
    access_notes: str = ""
    consent_store: bool = False
    consent_special_category: bool = False
    consent_future_contact: bool = False
    consent_quote: bool = False

    @property
    def has_child_details(self) -> bool:
        return bool(
            self.child_age_band or self.child_setting or self.ehcp_status or self.need_areas
        )


# ---- small normalisers ---------------------------------------------------

_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\].]{2,}")
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_DISTRICT = re.compile(_OUTWARD)
_FULL_POSTCODE = re.compile(f"({_OUTWARD}) ?[0-9][A-Z]{{2}}")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")


def collapse_spaces(text: str) -> str:
    """One line of text as a person meant it: no control characters, single spaces."""
    return _SPACES.sub(" ", remove_control_characters(text, keep_newlines=False)).strip()


def fold(text: str) -> str:
    """Text for matching: no accents, case-folded, single spaces ('Zoë  Ó Briain' -> 'zoe o
    briain'), so 'zoe' finds Zoë on SQLite and PostgreSQL alike."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return collapse_spaces(stripped.casefold())


def search_text(full_name: str, email: str | None) -> str:
    """What a search box matches against: the folded name, then the email."""
    return f"{fold(full_name)} {email or ''}".strip()


def normalise_email(text: str | None) -> str | None:
    """Trimmed and lower-cased; empty means none. A 'mailto:' prefix is dropped."""
    if text is None:
        return None
    cleaned = text.strip().strip("<>").strip()
    if cleaned.lower().startswith("mailto:"):
        cleaned = cleaned[7:].strip()
    return cleaned.lower() or None


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None


def postcode_district(text: str) -> str | None:
    """The district of a UK postcode or district ('bl9 0sw' -> 'BL9'); None if it is neither.

    Empty input gives an empty string: no postcode is a real answer.
    """
    cleaned = collapse_spaces(text).upper()
    if not cleaned:
        return ""
    if _DISTRICT.fullmatch(cleaned):
        return cleaned
    full = _FULL_POSTCODE.fullmatch(cleaned)
    if full:
        return full.group(1)
    return None


def phone_digits(text: str | None) -> str | None:
    """A phone number as digits (a leading + kept); empty -> None. Raises ValueError if not one."""
    if text is None or not text.strip():
        return None
    cleaned = _PHONE_PUNCTUATION.sub("", text.strip())
    plus = cleaned.startswith("+")
    digits = cleaned[1:] if plus else cleaned
    if not digits.isdigit() or not digits.isascii() or not 9 <= len(digits) <= 15:
        raise ValueError(text)
    return ("+" if plus else "") + digits


# ---- vocabulary matching -------------------------------------------------

_PREFER_NOT = (
    "prefer not to say",
    "prefer not say",
    "rather not say",
    "would rather not say",
    "prefer not to answer",
    "pnts",
    "declined",
    "decline to say",
)

ROLE_ALIASES: dict[str, str] = {
    "parent": "parent/carer",
    "carer": "parent/carer",
    "parent carer": "parent/carer",
    "parent or carer": "parent/carer",
    "parent and carer": "parent/carer",
    "mum": "parent/carer",
    "dad": "parent/carer",
    "mother": "parent/carer",
    "father": "parent/carer",
    "foster carer": "parent/carer",
    "kinship carer": "parent/carer",
    "grandparent": "parent/carer",
    "grandma": "parent/carer",
    "grandad": "parent/carer",
    "step parent": "parent/carer",
    "adoptive parent": "parent/carer",
    "special guardian": "parent/carer",
    "guardian": "parent/carer",
    "family member": "parent/carer",
    "young person": "young person",
    "young people": "young person",
    "yp": "young person",
    "child": "young person",
    "student": "young person",
    "pupil": "young person",
    "professional": "professional",
    "practitioner": "professional",
    "teacher": "professional",
    "senco": "professional",
    "staff": "professional",
    "health professional": "professional",
    "social worker": "professional",
    "council officer": "professional",
}

SETTING_ALIASES: dict[str, str] = {
    "nursery": "early years",
    "pre school": "early years",
    "preschool": "early years",
    "childminder": "early years",
    "early years setting": "early years",
    "primary": "mainstream primary",
    "primary school": "mainstream primary",
    "mainstream primary school": "mainstream primary",
    "infant school": "mainstream primary",
    "junior school": "mainstream primary",
    "secondary": "mainstream secondary",
    "secondary school": "mainstream secondary",
    "high school": "mainstream secondary",
    "mainstream secondary school": "mainstream secondary",
    "academy": "mainstream secondary",
    "special": "special school",
    "specialist school": "special school",
    "special school or specialist provision": "special school",
    "sixth form": "college",
    "sixth form college": "college",
    "further education": "college",
    "fe college": "college",
    "home education": "home educated",
    "elective home education": "home educated",
    "ehe": "home educated",
    "home schooled": "home educated",
    "neet": "not in education",
    "out of education": "not in education",
    "not in school": "not in education",
    "none": "not in education",
}

EHCP_ALIASES: dict[str, str] = {
    "yes": "has an EHCP",
    "y": "has an EHCP",
    "ehcp": "has an EHCP",
    "has ehcp": "has an EHCP",
    "has an ehcp": "has an EHCP",
    "yes has an ehcp": "has an EHCP",
    "ehc plan": "has an EHCP",
    "no": "no EHCP",
    "n": "no EHCP",
    "none": "no EHCP",
    "no ehcp": "no EHCP",
    "applied": "being assessed",
    "applying": "being assessed",
    "assessment": "being assessed",
    "in assessment": "being assessed",
    "being assessed": "being assessed",
    "waiting": "being assessed",
    "in progress": "being assessed",
    "sen support": "SEN support",
    "sen support only": "SEN support",
    "send support": "SEN support",
    "not sure": "not sure",
    "don t know": "not sure",
    "dont know": "not sure",
    "unsure": "not sure",
}

NEED_ALIASES: dict[str, str] = {
    "asd": "autism",
    "asc": "autism",
    "autistic": "autism",
    "autism spectrum": "autism",
    "adhd": "ADHD",
    "add": "ADHD",
    "slcn": "speech, language and communication",
    "speech and language": "speech, language and communication",
    "speech language and communication": "speech, language and communication",
    "communication and interaction": "speech, language and communication",
    "semh": "social, emotional and mental health",
    "mental health": "social, emotional and mental health",
    "social emotional and mental health": "social, emotional and mental health",
    "cognition and learning": "learning",
    "learning difficulty": "learning",
    "learning disability": "learning",
    "mld": "learning",
    "sld": "learning",
    "pmld": "learning",
    "dyslexia": "learning",
    "sensory and or physical": "physical or sensory",
    "sensory and physical": "physical or sensory",
    "physical": "physical or sensory",
    "sensory": "physical or sensory",
    "hearing impairment": "physical or sensory",
    "visual impairment": "physical or sensory",
}

ACCESS_ALIASES: dict[str, str] = {
    "bsl": "BSL or other interpreter",
    "bsl interpreter": "BSL or other interpreter",
    "interpreter": "BSL or other interpreter",
    "sign language": "BSL or other interpreter",
    "language interpreter": "BSL or other interpreter",
    "wheelchair": "wheelchair access",
    "wheelchair user": "wheelchair access",
    "step free": "wheelchair access",
    "step free access": "wheelchair access",
    "loop": "hearing loop",
    "induction loop": "hearing loop",
    "large print materials": "large print",
    "easy read materials": "easy read",
    "quiet room": "quiet space",
    "quiet area": "quiet space",
    "carer attending": "carer or PA attending",
    "pa attending": "carer or PA attending",
    "personal assistant": "carer or PA attending",
    "carer or pa": "carer or PA attending",
    "diet": "dietary",
    "dietary requirements": "dietary",
    "dietary needs": "dietary",
    "vegetarian": "dietary",
    "vegan": "dietary",
    "halal": "dietary",
    "kosher": "dietary",
    "gluten free": "dietary",
    "allergy": "dietary",
    "allergies": "dietary",
}

_NOTHING = frozenset({"", "none", "no", "n", "n a", "na", "nil", "nothing", "not applicable", "-"})


_NOT_WORDS = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=16_384)
def vocabulary_key(text: str) -> str:
    """Text reduced for matching words against a vocabulary: folded, letters and digits only.

    Cached: an import asks about the same few answers ('Yes', 'Parent') thousands of times.
    """
    return " ".join(_NOT_WORDS.sub(" ", fold(text)).split())


_TABLES: dict[tuple[tuple[str, ...], int], dict[str, str]] = {}
_PHRASES: dict[tuple[tuple[str, ...], int], list[tuple[str, str]]] = {}


def _table(values: Sequence[str], aliases: dict[str, str]) -> dict[str, str]:
    """Every spelling we accept (as a vocabulary key) and the value it means; built once."""
    cache_key = (tuple(values), id(aliases))
    table = _TABLES.get(cache_key)
    if table is None:
        table = dict(aliases)
        if PREFER_NOT_TO_SAY in values:
            table.update(dict.fromkeys(_PREFER_NOT, PREFER_NOT_TO_SAY))
        table.update({vocabulary_key(v): v for v in values})  # a value's own name wins
        _TABLES[cache_key] = table
    return table


def _match(text: str, values: Sequence[str], aliases: dict[str, str]) -> str | None:
    return _table(values, aliases).get(vocabulary_key(text))


def match_role(text: str) -> str | None:
    return _match(text, ROLES, ROLE_ALIASES)


def match_setting(text: str) -> str | None:
    return _match(text, SETTINGS, SETTING_ALIASES)


def match_ehcp(text: str) -> str | None:
    return _match(text, EHCP_STATUSES, EHCP_ALIASES)


_AGE_RANGE = re.compile(r"(\d{1,2})\s*(?:-|to|–|—)\s*(\d{1,2})")
_BANDS = ((0, 4), (5, 10), (11, 16), (17, 19), (20, 25))


def match_age_band(text: str) -> str | None:
    """'5 to 10 years', '5–10', 'Under 5', or a single age ('7') -> an age band."""
    found = _match(text, AGE_BANDS, {})
    if found:
        return found
    key = vocabulary_key(text)
    if key in ("under 5", "under five", "pre school", "preschool"):
        return "0-4"
    cleaned = fold(text)
    span = _AGE_RANGE.search(cleaned)
    if span:
        low, high = int(span.group(1)), int(span.group(2))
        for band_low, band_high in _BANDS:
            if (low, high) == (band_low, band_high):
                return f"{band_low}-{band_high}"
        return None
    single = re.fullmatch(r"(\d{1,2})(?: ?(?:years?|yrs?)(?: old)?)?", key)
    if single:
        age = int(single.group(1))
        for band_low, band_high in _BANDS:
            if band_low <= age <= band_high:
                return f"{band_low}-{band_high}"
    return None


_FILLER = frozenset({"and", "or", "a", "an", "the", "also", "plus", "please", "need", "needs"})


def _match_many(
    text: str, values: Sequence[str], aliases: dict[str, str]
) -> tuple[list[str], bool]:
    """Known values mentioned in a free-text list answer, and whether anything else was said.

    Checkbox answers arrive joined by commas or semicolons, and some values contain commas
    themselves ("speech, language and communication"), so whole phrases are found first,
    longest first, in the answer reduced to plain words.
    """
    remaining = " " + vocabulary_key(text) + " "
    found: list[str] = []
    cache_key = (tuple(values), id(aliases))
    phrases = _PHRASES.get(cache_key)
    if phrases is None:
        phrases = sorted(
            ((f" {k} ", v) for k, v in _table(values, aliases).items() if k),
            key=lambda pair: -len(pair[0]),
        )
        _PHRASES[cache_key] = phrases
    for padded, value in phrases:
        if padded in remaining:
            remaining = remaining.replace(padded, " ")
            if value not in found:
                found.append(value)
    unrecognised = any(word not in _FILLER for word in remaining.split())
    found.sort(key=values.index)
    return found, unrecognised


def match_access_needs(text: str) -> tuple[list[str], str]:
    """Access needs in a free-text answer; see ``_access_needs``."""
    found, note = _access_needs(text)
    return list(found), note


@functools.lru_cache(maxsize=4096)
def _access_needs(text: str) -> tuple[tuple[str, ...], str]:
    """Access needs in a free-text answer. Unless the answer is only a list of needs as we name
    them ('Wheelchair access, Hearing loop'), the whole answer is also kept as a note, so the
    organiser reads what the person wrote ('Dietary (vegetarian)'); unrecognised words add
    'other'."""
    if vocabulary_key(text) in _NOTHING:
        return (), ""
    found, unrecognised = _match_many(text, ACCESS_NEEDS, ACCESS_ALIASES)
    if unrecognised and "other" not in found:
        found.append("other")
    parts = [part for part in re.split(r"[;,|\n]", text) if part.strip()]
    exact = all(_match(part, ACCESS_NEEDS, ACCESS_ALIASES) for part in parts)
    return tuple(found), "" if exact else collapse_spaces(text)


def match_need_areas(text: str) -> list[str]:
    """Areas of need in a free-text answer; anything unrecognised becomes 'other' (no free text
    about a child's needs is kept from an import)."""
    if vocabulary_key(text) in _NOTHING:
        return []
    found, unrecognised = _match_many(text, NEED_AREAS, NEED_ALIASES)
    if unrecognised and "other" not in found:
        found.append("other")
    return found


_YES = frozenset(
    {
        "yes",
        "y",
        "true",
        "t",
        "1",
        "x",
        "agree",
        "agreed",
        "i agree",
        "i consent",
        "consent",
        "consented",
        "ok",
        "okay",
        "checked",
        "ticked",
        "yes please",
        "accept",
        "accepted",
    }
)
_NO = frozenset(
    {
        "no",
        "n",
        "false",
        "f",
        "0",
        "disagree",
        "i do not agree",
        "i don t agree",
        "i do not consent",
        "i don t consent",
        "do not agree",
        "don t agree",
        "no thanks",
        "no thank you",
        "unchecked",
        "declined",
        "decline",
        "opt out",
        "not agreed",
    }
)


@functools.lru_cache(maxsize=4096)
def parse_yes_no(text: str) -> bool | None:
    """A consent or checkbox answer: True, False, or None when it is neither.

    Forms export a ticked consent box as its label ('Yes, I agree to...' or 'I consent to...'),
    so a long answer counts by how it starts.
    """
    raw = text.strip()
    if raw in ("✓", "✔", "☑"):
        return True
    key = vocabulary_key(raw)
    if key in _YES:
        return True
    if key in _NO:
        return False
    for start in ("no ", "i do not ", "i don t ", "do not ", "don t ", "i dont "):
        if key.startswith(start):
            return False
    for start in ("yes ", "i agree", "i consent", "i am happy", "i m happy", "i give", "agree "):
        if key.startswith(start):
            return True
    return None


# ---- tidying, validation and consent rules -------------------------------


def tidy_person(draft: PersonDraft) -> PersonDraft:
    """Spaces collapsed, email lower-cased, phone as digits, postcode as its district,
    vocabulary words in their standard spelling. Leaves anything it cannot read for
    ``validate_person`` to report."""
    phone = draft.phone
    try:
        phone = phone_digits(draft.phone)
    except ValueError:
        phone = draft.phone.strip() if draft.phone else None
    district = postcode_district(draft.postcode)

    def tidy_choice(value: str | None, matcher: Callable[[str], str | None]) -> str | None:
        if value is None or not value.strip():
            return None
        return matcher(value) or value.strip()

    return replace(
        draft,
        full_name=collapse_spaces(draft.full_name),
        email=normalise_email(draft.email),
        phone=phone,
        postcode=district if district is not None else collapse_spaces(draft.postcode),
        role=match_role(draft.role) or collapse_spaces(draft.role) or DEFAULT_ROLE,
        child_age_band=tidy_choice(draft.child_age_band, match_age_band),
        child_setting=tidy_choice(draft.child_setting, match_setting),
        ehcp_status=tidy_choice(draft.ehcp_status, match_ehcp),
        need_areas=_tidy_list(draft.need_areas, NEED_AREAS, NEED_ALIASES),
        access_needs=_tidy_list(draft.access_needs, ACCESS_NEEDS, ACCESS_ALIASES),
        access_notes=remove_control_characters(draft.access_notes).strip(),
    )


def _tidy_list(
    values: Iterable[str], vocabulary: Sequence[str], aliases: dict[str, str]
) -> tuple[str, ...]:
    tidied: list[str] = []
    for value in values:
        if not value.strip():
            continue
        found = _match(value, vocabulary, aliases) or value.strip()
        if found not in tidied:
            tidied.append(found)
    return tuple(tidied)


def validate_person(draft: PersonDraft) -> list[Problem]:
    """Everything wrong with a (tidied) draft, each with what to do about it."""
    problems: list[Problem] = []
    name = collapse_spaces(draft.full_name)
    if not name:
        problems.append(Problem("full_name", "Give the person's name."))
    elif len(name) > MAX_NAME:
        problems.append(Problem("full_name", f"Keep the name under {MAX_NAME} characters."))
    email = normalise_email(draft.email)
    if email is not None and not is_email(email):
        problems.append(Problem("email", f"'{email}' is not an email address."))
    if postcode_district(draft.postcode) is None:
        problems.append(
            Problem(
                "postcode",
                f"'{draft.postcode.strip()}' is not a UK postcode or postcode district "
                "(like BL9 or BL9 0SW).",
            )
        )
    if draft.phone is not None and draft.phone.strip():
        try:
            phone_digits(draft.phone)
        except ValueError:
            problems.append(
                Problem(
                    "phone", f"'{draft.phone.strip()}' is not a phone number (use digits only)."
                )
            )
    if match_role(draft.role) is None:
        problems.append(
            Problem("role", f"'{draft.role}' is not a role; use one of {', '.join(ROLES)}.")
        )
    for value, label, vocabulary, name_of_field in (
        (draft.child_age_band, "an age band", AGE_BANDS, "child_age_band"),
        (draft.child_setting, "a setting", SETTINGS, "child_setting"),
        (draft.ehcp_status, "an EHCP status", EHCP_STATUSES, "ehcp_status"),
    ):
        if value is not None and value not in vocabulary:
            problems.append(
                Problem(
                    name_of_field,
                    f"'{value}' is not {label} this app knows; use one of {', '.join(vocabulary)}.",
                )
            )
    for value in draft.need_areas:
        if value not in NEED_AREAS:
            problems.append(
                Problem(
                    "need_areas",
                    f"'{value}' is not an area of need this app knows; use one of "
                    f"{', '.join(NEED_AREAS)}.",
                )
            )
    for value in draft.access_needs:
        if value not in ACCESS_NEEDS:
            problems.append(
                Problem(
                    "access_needs",
                    f"'{value}' is not an access need this app knows; choose 'other' and "
                    "describe it in the notes.",
                )
            )
    return problems


NO_CONSENT_TO_STORE = (
    "We can only book a named place for someone who agrees to us keeping their details. "
    'Ask them: "Can we keep your name and email so we can book your place?" '
    "At the door, a walk-in who says no can still be counted without a name."
)


def apply_consents(draft: PersonDraft) -> PersonDraft:
    """The draft as it may be stored: child SEND details dropped without their own consent."""
    if draft.consent_special_category or not draft.has_child_details:
        return draft
    return replace(draft, child_age_band=None, child_setting=None, ehcp_status=None, need_areas=())


def merge_person(stored: PersonDraft, given: PersonDraft) -> PersonDraft:
    """A known person's details updated with what they have just told us.

    Anything they gave replaces what we had; what they left blank keeps what we had.
    Consents are their latest answer, so a withdrawn consent takes effect at once.
    """

    def pick(new: str | None, old: str | None) -> str | None:
        return new if new else old

    return apply_consents(
        PersonDraft(
            full_name=given.full_name or stored.full_name,
            email=pick(given.email, stored.email),
            phone=pick(given.phone, stored.phone),
            postcode=given.postcode or stored.postcode,
            role=given.role or stored.role,
            child_age_band=pick(given.child_age_band, stored.child_age_band),
            child_setting=pick(given.child_setting, stored.child_setting),
            ehcp_status=pick(given.ehcp_status, stored.ehcp_status),
            need_areas=given.need_areas or stored.need_areas,
            access_needs=given.access_needs or stored.access_needs,
            access_notes=given.access_notes or stored.access_notes,
            consent_store=given.consent_store or stored.consent_store,
            consent_special_category=given.consent_special_category,
            consent_future_contact=given.consent_future_contact,
            consent_quote=given.consent_quote,
        )
    )


def fill_blanks(stored: PersonDraft, given: PersonDraft) -> PersonDraft:
    """A known person's details with only their empty fields filled in (imports).

    An older spreadsheet must not overwrite what the person told us since, nor change
    their consents.
    """
    return replace(
        stored,
        phone=stored.phone or given.phone,
        postcode=stored.postcode or given.postcode,
        access_needs=stored.access_needs or given.access_needs,
        access_notes=stored.access_notes or given.access_notes,
    )


@dataclass(frozen=True)
class Vocabulary:
    """Every list of choices, for forms and the import preview."""

    roles: tuple[str, ...] = ROLES
    age_bands: tuple[str, ...] = AGE_BANDS
    settings: tuple[str, ...] = SETTINGS
    ehcp_statuses: tuple[str, ...] = EHCP_STATUSES
    need_areas: tuple[str, ...] = NEED_AREAS
    access_needs: tuple[str, ...] = ACCESS_NEEDS
    child_fields: tuple[str, ...] = field(default=CHILD_FIELDS)


VOCABULARY = Vocabulary()
