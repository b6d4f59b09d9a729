"""Paper response forms typed into a spreadsheet: one row per form.

Columns are named by priority: its title in any capitals ("Earlier help and prevention"),
"Priority 1" to "Priority 5", or just the priority's number. A "method" column says, per
row, whether the numbers are dots, ranks (1 = first; empty = not ranked) or points out of
100; without one, the importer is told the method for the whole file. Optional columns:
"comment", "themes" (separated by semicolons) and "quote" (may we quote it: yes or no).

Pure: the file is read by ``core.importing.read_sheet`` (encodings, BOM, Excel) and this
module turns its rows into responses or into every problem, by row and column, checked by
the same rules as the forms on screen (``core.scoring``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from engagement_desk.core.importing import Cell, ImportProblem, Sheet, cell_text
from engagement_desk.core.people import collapse_spaces, fold, parse_yes_no, vocabulary_key
from engagement_desk.core.scoring import check_dots, check_points, check_ranking

METHODS = ("dots", "ranking", "points")

_METHOD_WORDS = {
    "dots": "dots",
    "dot": "dots",
    "dot votes": "dots",
    "dot vote": "dots",
    "dot voting": "dots",
    "ranking": "ranking",
    "rankings": "ranking",
    "rank": "ranking",
    "ranked": "ranking",
    "points": "points",
    "point": "points",
    "100 points": "points",
    "hundred points": "points",
}
_METHOD_HEADERS = {"method", "voting method", "response method", "type", "form type", "how"}
_COMMENT_HEADERS = {"comment", "comments", "what was said", "what they said", "comment text"}
_THEME_HEADERS = {"themes", "theme", "tags", "comment themes"}
_QUOTE_HEADERS = {
    "quote",
    "quote permission",
    "ok to quote",
    "okay to quote",
    "can we quote",
    "may we quote",
    "happy to be quoted",
    "quotable",
}
# Columns a typed-up batch of forms often has that are not answers.
_IGNORED_HEADERS = {
    "id",
    "form",
    "form number",
    "form no",
    "number",
    "no",
    "ref",
    "reference",
    "row",
    "timestamp",
    "date",
    "time",
    "notes",
    "note",
    "entered by",
    "typed by",
    "source",
    "event",
    "table",
}
_ORDINAL = re.compile(r"^(\d+)\s*(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class VoteRow:
    """One form: a response (``method`` and ``values``), a comment, or both."""

    row: int
    method: str | None
    values: dict[str, int]  # priority id -> dots, rank (1 = first) or points; no zeros
    comment: str = ""
    themes: tuple[str, ...] = ()
    quote_permission: bool = False


@dataclass(frozen=True)
class VotesFile:
    file_name: str
    rows: tuple[VoteRow, ...]
    rows_read: int
    ignored_columns: tuple[str, ...]
    problems: tuple[ImportProblem, ...]
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Columns:
    method: int | None
    comment: int | None
    themes: int | None
    quote: int | None
    priorities: dict[int, str]  # column index -> priority id
    ignored: tuple[int, ...]


def method_from_text(text: str) -> str | None:
    return _METHOD_WORDS.get(vocabulary_key(text))


def parse_votes(
    sheet: Sheet,
    *,
    priorities: Sequence[tuple[str, int, str]],
    themes: Sequence[str],
    method: str | None = None,
    dots_per_person: int = 5,
    ranking_top_k: int = 3,
) -> VotesFile:
    """Every row checked; ``priorities`` are (id, position, title) in the programme's order."""
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    titles = {pid: title for pid, _, title in priorities}
    problems: list[ImportProblem] = []
    columns = _plan(sheet, priorities, problems)
    # Unknown or doubled columns are reported with the rows' problems; these two stop the
    # rows being read at all.
    fatal: list[ImportProblem] = []
    if columns.method is None and method is None and columns.priorities:
        fatal.append(
            ImportProblem(
                None,
                None,
                "The file does not say which method the forms used. Add a 'method' column "
                "(dots, ranking or points on each row), or give the method for the whole "
                "file with --method.",
            )
        )
    if not columns.priorities and columns.comment is None:
        fatal.append(
            ImportProblem(
                None,
                None,
                "No column is named after a priority. Name the columns by the priorities' "
                "titles (for example '" + (priorities[0][2] if priorities else "") + "'), or "
                f"'Priority 1' to 'Priority {len(priorities)}'. The columns are: "
                + ", ".join(f"'{h}'" for h in sheet.headers)
                + ".",
            )
        )
    if fatal:
        return VotesFile(sheet.file_name, (), 0, (), (*problems, *fatal))

    known_themes = {fold(t): t for t in themes}
    rows: list[VoteRow] = []
    empty = 0
    theme_problem = False
    for number, cells in sheet.rows:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            empty += 1
            continue
        row, row_problems, bad_theme = _read_row(
            number,
            cells,
            sheet.headers,
            columns,
            titles=titles,
            known_themes=known_themes,
            method=method,
            dots_per_person=dots_per_person,
            ranking_top_k=ranking_top_k,
        )
        theme_problem = theme_problem or bad_theme
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(
            ImportProblem(
                None,
                None,
                f"'{sheet.file_name}' has column headings but no forms in it. "
                "Nothing was imported.",
            )
        )
    notes: list[str] = []
    if theme_problem:
        notes.append("The programme's themes are: " + "; ".join(sorted(themes, key=fold)) + ".")
    return VotesFile(
        file_name=sheet.file_name,
        rows=tuple(rows) if not problems else (),
        rows_read=len(sheet.rows) - empty,
        ignored_columns=tuple(sheet.headers[i] for i in columns.ignored),
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _plan(
    sheet: Sheet, priorities: Sequence[tuple[str, int, str]], problems: list[ImportProblem]
) -> _Columns:
    by_key: dict[str, str] = {}
    title_keys: list[tuple[str, str]] = []
    for pid, position, title in priorities:
        key = vocabulary_key(title)
        by_key[key] = pid
        title_keys.append((key, pid))
        for alias in (f"priority {position}", str(position), f"p{position}", f"p {position}"):
            by_key[alias] = pid
    found: dict[str, int | None] = {"method": None, "comment": None, "themes": None, "quote": None}
    chosen: dict[int, str] = {}
    ignored: list[int] = []
    for index, header in enumerate(sheet.headers):
        key = vocabulary_key(header)
        role = (
            "method"
            if key in _METHOD_HEADERS
            else "comment"
            if key in _COMMENT_HEADERS
            else "themes"
            if key in _THEME_HEADERS
            else "quote"
            if key in _QUOTE_HEADERS
            else None
        )
        if role is not None:
            if found[role] is None:
                found[role] = index
            else:
                problems.append(
                    ImportProblem(
                        None,
                        header,
                        f"there are two {role} columns ('{sheet.headers[found[role] or 0]}' "
                        f"and '{header}'); keep one.",
                    )
                )
            continue
        matched = by_key.get(key) or _decorated_title(key, title_keys)
        if matched is not None:
            chosen[index] = matched
            continue
        if _looks_like_a_priority(key, index, sheet):
            problems.append(
                ImportProblem(
                    None,
                    header,
                    "this is not one of the programme's priorities ("
                    + "; ".join(f"{pos}. {title}" for _, pos, title in priorities)
                    + "). Rename the column to a priority's title or number, or delete it.",
                )
            )
            continue
        ignored.append(index)
    return _Columns(
        method=found["method"],
        comment=found["comment"],
        themes=found["themes"],
        quote=found["quote"],
        priorities=chosen,
        ignored=tuple(ignored),
    )


def _decorated_title(key: str, title_keys: Sequence[tuple[str, str]]) -> str | None:
    """'3 Earlier help and prevention' or 'Earlier help and prevention rank'."""
    for title_key, pid in title_keys:
        if title_key and (key.startswith(title_key + " ") or key.endswith(" " + title_key)):
            return pid
    return None


def _looks_like_a_priority(key: str, index: int, sheet: Sheet) -> bool:
    """An unknown column meant as a priority: named 'priority ...' or a number, or holding
    only whole numbers (and not a form number or the like)."""
    if key.startswith("priority") or key.isdigit():
        return True
    if key in _IGNORED_HEADERS:
        return False
    values = [cell_text(cells[index]) for _, cells in sheet.rows if index < len(cells)]
    filled = [v for v in values if v]
    return bool(filled) and all(_whole_number(v) is not None for v in filled)


def _whole_number(text: str) -> int | None:
    cleaned = text.strip().lower()
    match = _ORDINAL.match(cleaned)
    if match:
        return int(match.group(1))
    if cleaned.startswith("-") and cleaned[1:].isdigit():
        return int(cleaned)
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _read_row(
    number: int,
    cells: tuple[Cell, ...],
    headers: tuple[str, ...],
    columns: _Columns,
    *,
    titles: dict[str, str],
    known_themes: dict[str, str],
    method: str | None,
    dots_per_person: int,
    ranking_top_k: int,
) -> tuple[VoteRow | None, list[ImportProblem], bool]:
    problems: list[ImportProblem] = []

    def cell(index: int | None) -> str:
        if index is None or index >= len(cells):
            return ""
        return cell_text(cells[index])

    row_method = method
    if columns.method is not None and cell(columns.method):
        row_method = method_from_text(cell(columns.method))
        if row_method is None:
            problems.append(
                ImportProblem(
                    number,
                    headers[columns.method],
                    f"'{cell(columns.method)}' is not a method; use dots, ranking or points.",
                )
            )

    values: dict[str, int] = {}
    where: dict[str, str] = {}
    for index, pid in columns.priorities.items():
        text = cell(index)
        if not text:
            continue
        value = _whole_number(text)
        if value is None:
            problems.append(
                ImportProblem(number, headers[index], f"'{text}' is not a whole number.")
            )
            continue
        if pid in values:
            verb = "ranked" if row_method == "ranking" else "given"
            problems.append(
                ImportProblem(
                    number,
                    headers[index],
                    f"{titles[pid]} is {verb} twice (columns '{where[pid]}' and "
                    f"'{headers[index]}'); give it once.",
                )
            )
            continue
        values[pid] = value
        where[pid] = headers[index]

    comment = collapse_spaces(cell(columns.comment))
    theme_names: list[str] = []
    bad_theme = False
    for name in re.split(r"[;\n]", cell(columns.themes)):
        if not name.strip():
            continue
        theme = known_themes.get(fold(name))
        if theme is None:
            bad_theme = True
            problems.append(
                ImportProblem(
                    number,
                    headers[columns.themes or 0],
                    f"'{name.strip()}' is not one of the programme's themes.",
                )
            )
        elif theme not in theme_names:
            theme_names.append(theme)
    if theme_names and not comment:
        problems.append(
            ImportProblem(
                number,
                headers[columns.themes or 0],
                "themes are given but there is no comment to tag with them.",
            )
        )
    quote = False
    if columns.quote is not None and cell(columns.quote):
        answer = parse_yes_no(cell(columns.quote))
        if answer is None:
            problems.append(
                ImportProblem(
                    number,
                    headers[columns.quote],
                    f"'{cell(columns.quote)}' is not yes or no.",
                )
            )
        quote = bool(answer)

    given = {p: v for p, v in values.items() if v != 0}
    if given and row_method is None and not problems:
        problems.append(
            ImportProblem(
                number,
                headers[columns.method] if columns.method is not None else None,
                "say which method this form used: dots, ranking or points.",
            )
        )
    if row_method is not None and not given and not comment and not problems:
        problems.append(ImportProblem(number, None, "this form gives no scores and no comment."))
    if given and row_method is not None and not any(p.row == number for p in problems):
        problems.extend(
            ImportProblem(number, None, message)
            for message in _check_scores(row_method, given, titles, dots_per_person, ranking_top_k)
        )
    if problems:
        return None, problems, bad_theme
    return (
        VoteRow(
            row=number,
            method=row_method if given else None,
            values=given,
            comment=comment,
            themes=tuple(theme_names),
            quote_permission=quote and bool(comment),
        ),
        [],
        bad_theme,
    )


def _check_scores(
    method: str,
    values: dict[str, int],
    titles: dict[str, str],
    dots_per_person: int,
    ranking_top_k: int,
) -> list[str]:
    if method == "dots":
        return [p.message for p in check_dots(values, titles, dots_per_person)]
    if method == "points":
        return [p.message for p in check_points(values, titles)]
    found: list[str] = []
    by_rank: dict[int, list[str]] = {}
    for pid, rank in values.items():
        if rank < 1:
            found.append(f"{titles[pid]} has rank {rank}; ranks start at 1 (1 is first).")
        else:
            by_rank.setdefault(rank, []).append(pid)
    for rank, pids in sorted(by_rank.items()):
        if len(pids) > 1:
            order = list(titles)
            names = " and ".join(titles[p] for p in sorted(pids, key=order.index))
            found.append(f"Rank {rank} is given to both {names}; each place goes to one priority.")
    ranks = sorted(by_rank)
    if ranks and ranks != list(range(1, len(ranks) + 1)):
        found.append(
            "The ranks should run 1, 2, 3 ... without gaps; this form has "
            + ", ".join(str(r) for r in ranks)
            + "."
        )
    if found:
        return found
    ranked = [pid for rank in ranks for pid in by_rank[rank]]
    return [p.message for p in check_ranking(ranked, titles, ranking_top_k)]
