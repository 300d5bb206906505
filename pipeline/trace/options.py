"""The options of a process: what the options paper puts forward, each with an id, a title and its text.

An options paper names its options in one of a few ways, tried in this order for each document:

1. *Named items*: a heading or a paragraph that starts "Option 3: …", "Project 126 – …",
   "Proposal B. …", "Scenario 2"; the option's text is everything under it (or the paragraph).
2. *Rows*: a table export whose rows are the options (Decidim projects, a list of proposals) —
   blocks of role ``option`` whose heading is the row's title.
3. *Sections*: a document made of headed sections and nothing else ("# Universal Affordability
   Preference (UAP)", "# Residential Conversions", …): each section is an option, except the
   sections any report has (purpose, background, recommendations, next steps…).

A process may have several options documents; ids stay unique (``O3``, ``O3-2`` …). Officers
correct the list in review (``pipeline.review``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from pipeline.schema import TABLES

_NAMED = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(option|project|proposal|scenario|alternative|proyecto|propuesta)\s+"
    r"(\d+[a-z]?|[A-Z])\b\s*[:.\-–—)]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Sections every report has: never an option of their own.
_FRAME = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(purpose|summary|executive summary|introduction|background|context|contents|"
    r"recommendations?|decisions?|resolved|next steps|consultation|engagement|appendix|annex|implications|"
    r"financial|legal|risks?|equalit\w*|reasons?|conclusions?|options?(\s+considered)?|the options|glossary|"
    r"contact|references)\b",
    re.IGNORECASE,
)


@dataclass
class _Option:
    number: str | None
    title: str
    origin: str
    passages: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def named(text: str) -> tuple[str, str] | None:
    """(number, rest) when ``text`` names an item: "Option 3: School streets" → ("3", "School streets")."""
    match = _NAMED.match(text)
    if not match:
        return None
    return match.group(2), match.group(3).strip()


def _title_of(rest: str) -> str:
    """A title from what follows "Option 3": up to the first full stop or colon, at most 12 words."""
    head = re.split(r"(?<=[a-z0-9)])[.:;]\s", rest, maxsplit=1)[0].strip().rstrip(".")
    words = head.split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "")


def _last(heading: str | None) -> str:
    return (heading or "").split(" > ")[-1].strip()


def _by_named_items(rows: list[dict[str, object]]) -> list[_Option]:
    found: dict[str, _Option] = {}
    for row in rows:
        heading, text, pid = str(row["heading"] or ""), str(row["text"] or ""), str(row["passage_id"])
        parts = heading.split(" > ") if heading else []
        item = next(((i, got) for i, part in enumerate(parts) if (got := named(part))), None)
        if item is not None:
            _, (number, rest) = item
            key = number.upper()
            option = found.setdefault(key, _Option(number, rest or f"Option {number}", "heading"))
        elif got := named(text):
            number, rest = got
            key = number.upper()
            option = found.setdefault(key, _Option(number, _title_of(rest) or f"Option {number}", "item"))
        else:
            continue
        option.passages.append(pid)
        option.texts.append(text)
    return list(found.values())


def _by_rows(rows: list[dict[str, object]]) -> list[_Option]:
    found: dict[str, _Option] = {}
    for row in rows:
        if row["role"] != "option" or not row["heading"]:
            return []
        title = _last(str(row["heading"]))
        option = found.setdefault(title, _Option(None, title, "row"))
        option.passages.append(str(row["passage_id"]))
        option.texts.append(str(row["text"] or ""))
    return list(found.values()) if len(found) >= 2 else []


def _by_sections(rows: list[dict[str, object]]) -> list[_Option]:
    found: dict[str, _Option] = {}
    for row in rows:
        heading = str(row["heading"] or "")
        if not heading:
            continue
        parts = heading.split(" > ")
        # The deepest heading that is not part of the report's frame names the section.
        title = next((p.strip() for p in reversed(parts) if not _FRAME.match(p)), None)
        if title is None or any(_FRAME.match(p) and not p.lower().startswith("option") for p in parts[1:]):
            continue
        option = found.setdefault(title, _Option(None, title, "section"))
        option.passages.append(str(row["passage_id"]))
        option.texts.append(str(row["text"] or ""))
    return list(found.values()) if len(found) >= 2 else []


def options_of_document(rows: list[dict[str, object]]) -> list[_Option]:
    """The options one document puts forward (``rows``: its passages in order)."""
    for reader in (_by_named_items, _by_rows, _by_sections):
        found = reader(rows)
        if len(found) >= 2:
            return found
    return []


def options_table(passages: pl.DataFrame, stages: Iterable[str] = ("options",)) -> pl.DataFrame:
    """The ``options`` table from the passages of the options documents (``stages``), in document order.

    Ids are ``O`` + the option's own number where it has one ("O3", "O126"), else its place
    ("O1", "O2" …); a number used twice (two documents) gets a suffix.
    """
    wanted = set(stages)
    docs = passages.filter(pl.col("stage").is_in(list(wanted)) & pl.col("response_id").is_null())
    out: list[dict[str, object]] = []
    used: set[str] = set()
    for source in dict.fromkeys(docs["source_id"].to_list()):
        rows = docs.filter(pl.col("source_id") == source).sort("position").to_dicts()
        for place, option in enumerate(options_of_document(rows), start=1):
            option_id = unique_id(f"O{option.number.upper() if option.number else place}", used)
            out.append(
                {
                    "option_id": option_id,
                    "source_id": source,
                    "number": option.number,
                    "title": option.title,
                    "text": " ".join(t for t in option.texts if t),
                    "passage_ids": option.passages,
                    "origin": option.origin,
                }
            )
    return pl.DataFrame(out, schema=OPTIONS_SCHEMA) if out else pl.DataFrame(schema=OPTIONS_SCHEMA)


OPTIONS_SCHEMA = TABLES["options"]


def unique_id(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… the first not in ``used`` (which it joins)."""
    option_id, n = base, 1
    while option_id in used:
        n += 1
        option_id = f"{base}-{n}"
    used.add(option_id)
    return option_id


def _as_number(value: str | None) -> str | None:
    """A cell that reads as an option's own number or code ("8039", "B12"), else None."""
    return value if value and re.fullmatch(r"[A-Za-z0-9]{1,12}", value) else None


def with_decision_rows(options: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """``options`` plus one option per decisions-table row that names none of them (``decision_rows``).

    A process whose only list of options is the decision's own table (a participatory budget's
    minutes) gets its options from it: the row's id as the number ("8039" → ``O8039``), its title.
    """
    from pipeline.trace.attribution import listed_options, option_finder

    find = option_finder(listed_options(options))
    used = set(options["option_id"].to_list())
    added: list[dict[str, object]] = []
    seen: set[str] = set()
    for row in rows.iter_rows(named=True):
        ref, title = row["option"], row["title"]
        keys = {k for k in (ref and ref.upper(), title and " ".join(title.casefold().split())) if k}
        if (ref and find(ref)) or (title and find(title)) or keys & seen:
            continue
        seen |= keys
        number = _as_number(ref)
        option_id = unique_id(f"O{number.upper()}" if number else f"O{options.height + len(added) + 1}", used)
        added.append(
            {
                "option_id": option_id,
                "source_id": row["source_id"],
                "number": number,
                "title": title or f"Option {ref}",
                "text": title or "",
                "passage_ids": [],  # the row's passage is the decision, not the option's text
                "origin": "decision table",
            }
        )
    return pl.concat([options, pl.DataFrame(added, schema=OPTIONS_SCHEMA)]) if added else options


NAMED_BY_RESPONSES = "response column"


def with_column_values(options: pl.DataFrame, values: Iterable[str]) -> pl.DataFrame:
    """``options`` plus one option per value of the responses' option column that names none of them.

    Where each response is itself a proposal (a participatory budget's proposals, most of which
    no decision mentions), the option column's values are the options. Such an option has no text:
    it is attributed by its column only, and its outcome is "not mentioned" unless a decision names it.
    """
    from pipeline.trace.attribution import column_options, listed_options

    _, unknown = column_options({v: v for v in values}, listed_options(options))
    used = set(options["option_id"].to_list())
    added: list[dict[str, object]] = []
    for value in unknown:
        number = _as_number(value)
        option_id = unique_id(f"O{number.upper()}" if number else f"O{options.height + len(added) + 1}", used)
        title = f"Option {value}" if number and value.isdigit() else value
        added.append(
            {
                "option_id": option_id,
                "source_id": None,
                "number": number,
                "title": title,
                "text": "",
                "passage_ids": [],
                "origin": NAMED_BY_RESPONSES,
            }
        )
    return pl.concat([options, pl.DataFrame(added, schema=OPTIONS_SCHEMA)]) if added else options
