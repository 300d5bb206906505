"""Themes inherit the options their respondents addressed, and their fate follows those options' outcomes.

``theme_options``: for each theme and option, how many of the theme's respondents addressed the
option *in the theme's own passages* (or through a column naming the option for the whole
response), their share of the theme, and how many of them argue against a change (the stance
cue words of ``trace_signals.opposes_change``).

``theme_status_from_options``: a theme's status from the outcomes of the options that at least
``MIN_SHARE`` of its respondents (and ``MIN_RESPONDENTS``) addressed — or, where its respondents
spread over many options (each backing their own project), of all the options they clearly
addressed when together those reach ``MIN_SHARE`` (``addressed_options``) — weighted by those shares:

- *adopted*: every addressed option approved (unchanged);
- *adopted in part*: some approved (or approved with changes) and some not, or all approved with changes;
- *considered*: addressed options were rejected, deferred or not decided upon;
- *contrary*: most of the theme's respondents who addressed an approved option argue against it,
  or most of those who addressed a rejected option said in a closed question that they support it
  (``stance``); an option they argued against that was rejected counts as the decision going their way;
- *not taken up*: options exist and none is addressed by enough of the theme's respondents.

Confidence comes from the evidence: the mean strength of the links of the theme's respondents who
addressed its options — the measured precision of each kind of link on real processes (a column, a
closed question or a mention 1, specific words 0.8, meaning alone 0.5) — times how the outcome was
found (a table 0.95, as measured on Valladolid; a named option 0.9, words 0.75, meaning 0.6, not yet
measured). A theme no option reached is "not taken up" with confidence at most
``NO_EVIDENCE_CONFIDENCE`` — absence of evidence is weak evidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

import polars as pl

from pipeline.schema import TABLES
from pipeline.trace.attribution import METHODS
from pipeline.trace.outcomes import NOT_MENTIONED
from pipeline.trace.signals import opposes_change
from pipeline.trace.stance import AGAINST, FOR

MIN_SHARE = 0.3  # a theme addresses an option when at least this share of its respondents do
MIN_RESPONDENTS = 2
CONTRARY_SHARE = 0.5
DOMINANT = 0.5  # options addressed by at least half as many of the theme's respondents as its main option
NO_EVIDENCE_CONFIDENCE = 0.5
SPREAD_EVIDENCE = 0.75  # options spread over a theme's respondents count on clear evidence only, not meaning
# How often a link of each kind is right, measured (docs/QUALITY.md, "strongest evidence" rows): a mention
# 1.00 on the NYC dev half and on Decidim; specific words 0.66 (NYC dev) and 0.92 (Decidim); meaning alone
# 0.50 and 0.54. A column, a closed question or an officer's word is the respondent's or officer's own.
_LINK_WEIGHT = {"review": 1.0, "column": 1.0, "question": 1.0, "mention": 1.0, "words": 0.8, "meaning": 0.5}
# How often an outcome read each way is right: a decisions table 0.977 (Valladolid, 306 proposals); outcomes
# read from decision prose have no real gold yet (the sample's 8 of 8 are ours), so these stay judgements.
_OUTCOME_WEIGHT = {"table": 0.95, "mention": 0.9, "words": 0.75, "meaning": 0.6}
APPROVED = ("approved", "approved with changes")
THEME_OPTIONS_SCHEMA = TABLES["theme_options"]


def theme_options(
    assignments: pl.DataFrame,
    passage_options: pl.DataFrame,
    respondent_of: dict[str, str],
    texts: dict[str, str],
    column_options: dict[str, set[str]] | None = None,
    stances: Mapping[tuple[str, str], str] | None = None,
) -> pl.DataFrame:
    """The theme × option table.

    ``assignments``: passage_id, response_id, theme_id; ``passage_options``: passage_id,
    option_id, method (every passage-level link); ``respondent_of``: response → respondent;
    ``column_options``: response → the options its column names; ``stances``: (response,
    option) → for/against/neutral from closed questions, which decide a respondent's stance on an
    option they addressed (the cue words decide where there is none).
    """
    stances = stances or {}
    linked: dict[str, dict[str, str]] = defaultdict(dict)
    strength = {m: i for i, m in enumerate(METHODS)}
    for passage, option, method in passage_options.select("passage_id", "option_id", "method").iter_rows():
        known = linked[passage].get(option)
        if known is None or strength.get(method, 9) < strength.get(known, 9):
            linked[passage][option] = method  # the strongest evidence for the pair
    people: dict[str, set[str]] = defaultdict(set)
    hits: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    against: dict[tuple[str, str], set[str]] = defaultdict(set)
    supporting: dict[tuple[str, str], set[str]] = defaultdict(set)
    for passage, response, theme in assignments.select("passage_id", "response_id", "theme_id").iter_rows():
        person = respondent_of.get(response, response)
        people[theme].add(person)
        found = dict(linked.get(passage, {}))
        for option in (column_options or {}).get(response, ()):
            found.setdefault(option, "column")
        for option, method in found.items():
            key = (theme, option)
            hits[key][person] = max(hits[key].get(person, 0.0), _LINK_WEIGHT.get(method, 0.5))
            said = stances.get((response, option))
            if said == FOR:
                supporting[key].add(person)
            elif said == AGAINST or (said is None and opposes_change(texts.get(passage, ""))):
                against[key].add(person)
    rows = [
        {
            "theme_id": theme,
            "option_id": option,
            "n_respondents": len(who),
            "share": round(len(who) / max(1, len(people[theme])), 4),
            "n_opposing": len(against[(theme, option)]),
            "evidence": round(sum(who.values()) / max(1, len(who)), 4),
            "n_supporting": len(supporting[(theme, option)]),
        }
        for (theme, option), who in sorted(hits.items())
    ]
    return pl.DataFrame(rows, schema=THEME_OPTIONS_SCHEMA) if rows else pl.DataFrame(schema=THEME_OPTIONS_SCHEMA)


def addressed_options(rows: pl.DataFrame) -> pl.DataFrame:
    """The options a theme is about, from its rows of the theme × option table (largest share first).

    Those at least ``MIN_SHARE`` of its respondents (and ``MIN_RESPONDENTS``) addressed, less side
    remarks (below ``DOMINANT`` of the main option's share). When no option is that common but
    together the options its respondents named or clearly addressed (a column, a mention, specific
    words) reach ``MIN_SHARE`` — many options, each a few people's, as in a participatory budget
    whose respondents each back their own project — those options, each weighted by its share.
    """
    rows = rows.sort("share", descending=True)
    common = rows.filter((pl.col("share") >= MIN_SHARE) & (pl.col("n_respondents") >= MIN_RESPONDENTS))
    if common.height:
        return common.filter(pl.col("share") >= DOMINANT * pl.col("share").max())
    clear = rows.filter(pl.col("evidence") >= SPREAD_EVIDENCE)
    return clear if clear["share"].sum() >= MIN_SHARE else clear.clear()


def theme_status_from_options(
    themes: list[str], table: pl.DataFrame, outcomes: pl.DataFrame, titles: dict[str, str]
) -> list[dict[str, Any]]:
    """Per theme: status, confidence, the options it addressed and why (plain words, with numbers)."""
    outcome_of = {r["option_id"]: r for r in outcomes.iter_rows(named=True)}
    out = []
    for theme in themes:
        mine = addressed_options(table.filter(pl.col("theme_id") == theme))
        if mine.is_empty():
            out.append(
                {
                    "theme_id": theme,
                    "status": "not taken up",
                    "confidence": NO_EVIDENCE_CONFIDENCE if table.height else 0.3,
                    "options": [],
                    "reason": "none of the options was addressed by enough of its respondents",
                }
            )
            continue
        weights: dict[str, float] = defaultdict(float)
        found_by: list[float] = []
        contrary = None
        options = []
        said: dict[str, str] = {}
        for row in mine.iter_rows(named=True):
            fate = outcome_of.get(row["option_id"], {"outcome": NOT_MENTIONED, "method": None})
            outcome = str(fate["outcome"])
            opposing = row["n_opposing"] / max(1, row["n_respondents"])
            supporting = (row.get("n_supporting") or 0) / max(1, row["n_respondents"])
            if opposing >= CONTRARY_SHARE:  # they argued against the option: its rejection is what they asked
                if outcome in APPROVED and contrary is None:
                    contrary = (row, opposing, "opposed", "approved")
                if outcome == "rejected":
                    outcome, said[row["option_id"]] = "approved", "rejected, as its respondents asked"
            elif supporting >= CONTRARY_SHARE and outcome == "rejected" and contrary is None:
                contrary = (row, supporting, "supported", "rejected")  # said so in a closed question
            weights[outcome] += row["share"]
            found_by.append(row["evidence"] * _OUTCOME_WEIGHT.get(str(fate["method"]), 0.5))
            options.append(row["option_id"])
        total = sum(weights.values())
        approved = weights["approved"] + weights["approved with changes"]
        if contrary is not None:
            row, share, stance, fate_word = contrary
            status = "contrary"
            reason = (
                f"{share:.0%} of the {row['n_respondents']} respondents who addressed "
                f"{titles.get(row['option_id'], row['option_id'])} {stance} it; it was {fate_word}"
            )
        elif approved and approved == weights["approved"] and approved >= total - 1e-9:
            status, reason = "adopted", "the decision went its way on every option it addressed"
        elif approved:
            status, reason = "adopted in part", "the decision went its way on some of the options it addressed"
        else:
            status, reason = "considered", "the options it addressed were not adopted"
        fates = [said.get(o) or str(outcome_of.get(o, {"outcome": NOT_MENTIONED})["outcome"]) for o in options]
        listed = ", ".join(f"{titles.get(o, o)} ({f})" for o, f in zip(options[:4], fates, strict=False))
        if len(options) > 4:
            counts = ", ".join(f"{n} {f}" for f, n in Counter(fates).most_common())
            listed = f"{len(options)} options ({counts}), e.g. {listed}"
        out.append(
            {
                "theme_id": theme,
                "status": status,
                "confidence": round(sum(found_by) / len(found_by), 3),
                "options": options,
                "reason": f"{reason}: {listed}",
            }
        )
    return out
