"""The trace on real processes (``throughline eval-real --only trace``), beside trivial baselines.

- **NYC City of Yes** (planning-commission hearing, 203 testimonies): the proposal's elements are
  parsed as options from City Planning's description (``nyc_elements``: a Markdown document of
  eight headed sections, read by ``pipeline.trace.options``); each testimony's passages are
  attributed (``pipeline.trace.attribution``) and scored per (testimony, element) against the
  silver labels (6 elements), micro P/R/F1 with bootstrap 95% intervals. The attribution settings
  were tuned on the *dev* half (testimonies whose id hashes even) and are reported on the *test*
  half. Baselines: every element; one keyword per element chosen automatically (the element
  title's least common word); one hand-written pattern per element (written here, like the data
  README's, which scored 0.80 on all 203).
- **Decidim Barcelona** (proposals → the projects that cite them): projects as options, each
  proposal's title attributed; (proposal, project) pairs against ``related_proposals``.
- **Valladolid as a whole consultation** (``evaluation/valladolid``, scored as ``eval-trace``
  scores any spec): the proposals are the responses, each naming itself in its ``code`` column;
  the minutes are a decisions table; outcomes, reasons and theme statuses against the minutes'
  summary column.
- **Valladolid participatory budget**: the 1,008 proposals as options, the district tables'
  minutes as a decision table (``pipeline.trace.outcomes.outcomes_from_table``); outcome per
  proposal against the minutes' own summary column (``situacion``), and how many exclusion
  reasons reach their proposal. This measures the reader (ids, Spanish outcome words, reasons),
  not judgement: both columns come from the same minutes.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pipeline.ingest.documents import block_role, markdown_blocks
from pipeline.realsets import (
    NYC_TITLE,
    VALLADOLID,
    VALLADOLID_SITUATIONS,
    exploded,
    nyc_elements,
    nyc_testimonies,
    valladolid_minutes,
    valladolid_proposals,
)
from pipeline.realtext import sentences_of
from pipeline.trace.attribution import AttributionSettings, Option, attribute, listed_options
from pipeline.trace.options import options_table
from pipeline.trace.outcomes import outcomes_from_table
from pipeline.trace.scoring import half_of, keyword_links, link_scores

Result = dict[str, Any]
# Hand-written, one per element, before looking at the attribution's errors.
NYC_PATTERNS = {
    "UNIVERSAL_AFFORDABILITY_PREFERENCE_UAP": r"\bUAP\b|affordability preference",
    "RESIDENTIAL_CONVERSIONS": r"conver(t|sion)",
    "TOWN_CENTER_ZONING": r"town cent",
    "REMOVING_PARKING_MANDATES": r"parking",
    "ACCESSORY_DWELLING_UNITS_ADU": r"\bADUs?\b|accessory dwelling|backyard|basement apartment",
    "TRANSIT_ORIENTED_DEVELOPMENT": r"transit",
}


def option_documents(markdown: str, source_id: str) -> pl.DataFrame:
    """An options document's passages, as the pipeline makes them from a Markdown file."""
    blocks = markdown_blocks(markdown)
    return pl.DataFrame(
        {
            "passage_id": [f"{source_id}-{i}" for i in range(len(blocks))],
            "source_id": [source_id] * len(blocks),
            "stage": ["options"] * len(blocks),
            "response_id": [None] * len(blocks),
            "heading": [" > ".join(h) for h, _ in blocks],
            "role": [block_role(h, t) for h, t in blocks],
            "position": list(range(len(blocks))),
            "text": [t for _, t in blocks],
        },
        schema_overrides={"response_id": pl.String()},
    )


def option_units(options: list[Option], encode: Any) -> list[np.ndarray]:
    """Per option, the normalised vectors of its title and its sentences (title first)."""
    out = []
    for option in options:
        texts = [option.title, *(s for s in sentences_of(option.text) if len(s.split()) >= 4)]
        vectors = np.asarray(encode(texts), dtype=np.float32)
        out.append(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    return out


def nyc_part(data: Path, runner: Any) -> Result:
    """(testimony, element) micro-F1 on the dev and test halves, for the attribution and the baselines."""
    testimonies = nyc_testimonies(data)
    passages = exploded(runner.redacted(testimonies.select("response_id", "text")), spoken=True)
    vectors = runner.vectors(passages["text"].to_list())
    elements = nyc_elements(data)
    markdown = "\n\n".join(f"# {title}\n\n{text}" for _, title, text in elements)
    table = options_table(option_documents(markdown, "elements"))
    options = listed_options(table)
    key_of = {o.option_id: key for o, (key, _, _) in zip(options, elements, strict=True)}
    gold = {r: set(e) for r, e in zip(testimonies["response_id"], testimonies["elements"].to_list(), strict=True)}
    started = time.perf_counter()
    links = attribute(passages, vectors, options, option_units(options, runner.embedder.encode), NYC_TITLE)
    seconds = time.perf_counter() - started

    def as_elements(found: dict[str, set[str]]) -> dict[str, set[str]]:
        return {r: {k for o in found.get(r, set()) if (k := key_of.get(o))} for r in gold}

    ours: dict[str, set[str]] = {}
    by_method: dict[str, dict[str, set[str]]] = {}
    for response, option, method in links.select("response_id", "option_id", "method").iter_rows():
        ours.setdefault(response, set()).add(option)
        by_method.setdefault(method, {}).setdefault(response, set()).add(option)
    texts = dict(zip(testimonies["response_id"], testimonies["text"], strict=True))
    methods = {
        "throughline": as_elements(ours),
        **{f"throughline, strongest evidence {m}": as_elements(found) for m, found in sorted(by_method.items())},
        "every element": {r: {k for k in key_of.values() if k} for r in gold},
        "keyword per element (automatic)": as_elements(keyword_links(options, texts, ("en",))),
        "keyword per element (hand-written)": {
            r: {k for k, p in NYC_PATTERNS.items() if re.search(p, texts[r], re.IGNORECASE)} for r in gold
        },
    }
    halves = {h: [r for r in gold if half_of(r) == h] for h in ("dev", "test")}
    return {
        "testimonies": len(gold),
        "options": [o.title for o in options],
        "options_origin": sorted(set(table["origin"])),
        "test_testimonies": len(halves["test"]),
        "seconds_attribution": round(seconds, 2),
        "settings": AttributionSettings().__dict__ | {"languages": list(AttributionSettings().languages)},
        "methods": {
            name: {h: link_scores(gold, found, ids) for h, ids in halves.items()} for name, found in methods.items()
        },
    }


DECIDIM_FILE = "decidim-barcelona-pb/www.decidim.barcelona-open-data-projects.csv"


def decidim_part(data: Path, runner: Any) -> Result:
    """Proposal → project pairs: projects as options (title and description), each proposal's title attributed."""
    from pipeline.trace.evaluate import load_decidim_links, scores

    found = load_decidim_links(data / DECIDIM_FILE)
    options = [
        Option(f"P{p}", None, t, d)
        for p, t, d in found.projects.select("project_id", "title", "description").iter_rows()
    ]
    ids = found.proposals["proposal_id"].to_list()
    public = pl.DataFrame({"passage_id": ids, "response_id": ids, "text": found.proposals["text"]})
    vectors = runner.vectors(public["text"].to_list())
    units = option_units(options, lambda texts: runner.vectors(list(texts)))
    settings = AttributionSettings(languages=("ca", "es"))
    started = time.perf_counter()
    links = attribute(public, vectors, options, units, "", settings)
    seconds = time.perf_counter() - started
    predicted = {(r, o[1:]) for r, o in links.select("response_id", "option_id").iter_rows()}
    by_method = {
        m: scores(
            {(r, o[1:]) for r, o in links.filter(pl.col("method") == m).select("response_id", "option_id").iter_rows()},
            found.truth,
        )
        for m in sorted(set(links["method"]))
    }
    everything = {(p, o.option_id[1:]) for p in ids for o in options}
    return {
        "proposals": len(ids),
        "projects": len(options),
        "true_links": len(found.truth),
        "seconds_attribution": round(seconds, 2),
        "throughline": scores(predicted, found.truth),
        "by_strongest_evidence": by_method,
        "every_project": scores(everything, found.truth),
    }


def valladolid_part(data: Path) -> Result:
    """Outcome per proposal from the tables' minutes, and the exclusion reasons that reach their proposal."""
    proposals = valladolid_proposals(data)
    minutes = valladolid_minutes(data)
    options = [Option(f"O{c}", c, t, d) for c, t, d in proposals.iter_rows()]
    found = outcomes_from_table(minutes, options, "code", "decision_mesa", "razon_exclusion")
    outcome_of = dict(zip(found["option_id"], found["outcome"], strict=True))
    reason_of = dict(zip(found["option_id"], found["reason"], strict=True))
    gold = {f"O{c}": VALLADOLID_SITUATIONS.get(s) for c, s in zip(minutes["code"], minutes["situacion"], strict=True)}
    scored = {o: g for o, g in gold.items() if g}
    right = sum(outcome_of.get(o) == g for o, g in scored.items())
    majority, majority_n = Counter(scored.values()).most_common(1)[0]
    with_reason = [
        f"O{c}"
        for c, d, r in minutes.select("code", "decision_mesa", "razon_exclusion").iter_rows()
        if r and r.strip() and "Descartada" in (d or "")
    ]
    return {
        "proposals": len(options),
        "in_minutes": minutes.height,
        "scored": len(scored),
        "accuracy": round(right / len(scored), 4),
        "majority_outcome": majority,
        "majority_accuracy": round(majority_n / len(scored), 4),
        "outcomes": dict(Counter(outcome_of[o] for o in scored)),
        "confusion": dict(Counter(f"{g} → {outcome_of.get(o)}" for o, g in scored.items() if outcome_of.get(o) != g)),
        "excluded_with_reason": len(with_reason),
        "reasons_attached": sum(bool(reason_of.get(o)) for o in with_reason),
        "not_in_minutes": sum(v == "not mentioned" for o, v in outcome_of.items() if o not in gold),
    }


VALLADOLID_CONSULTATION = Path(__file__).resolve().parents[1] / "evaluation" / "valladolid" / "consultation.toml"


def valladolid_run_part(data: Path, workspace: Path) -> Result:
    """Valladolid analysed as a whole consultation (``evaluation/valladolid``) and scored by ``eval-trace``.

    Its sources point at ``data`` here, whatever folder the data sets are in; the gold is the
    minutes' summary column (``situacion``) and the exclusion reasons.
    """
    from flows.trace_evaluation import run_trace_eval
    from pipeline.store import read_run_table
    from pipeline.trace.scoring import GoldOutcomes, TraceSpec

    folder = workspace / ".eval-real" / "valladolid"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "consultation.toml"
    text = VALLADOLID_CONSULTATION.read_text(encoding="utf-8")
    config.write_text(text.replace("../../../shared/data", data.resolve().as_posix()), encoding="utf-8")
    minutes = data / VALLADOLID / "mesa-final-unificado.csv"
    gold = GoldOutcomes(
        path=minutes, option="propuesta_id", outcome="situacion", reason="razon_exclusion", values=VALLADOLID_SITUATIONS
    )
    result = run_trace_eval(TraceSpec(consultation=config, outcomes=gold), workspace)
    run = Path(result.pop("run_folder"))
    options = read_run_table(run, "options")
    themes = read_run_table(run, "themes").join(read_run_table(run, "theme_status"), on="theme_id")
    result["options_by_origin"] = dict(options.group_by("origin").len().sort("origin").iter_rows())
    result["largest_themes"] = [
        f"{label} ({n}): {status}"
        for label, n, status in themes.sort("n_respondents", descending=True)
        .head(8)
        .select("label", "n_respondents", "status")
        .iter_rows()
    ]
    return result


def trace_part(data: Path, workspace: Path = Path("workspace")) -> Result:
    """Every trace figure of the scoreboard (see the module's docstring)."""
    from flows.eval_themes_real import _Runner

    runner = _Runner()
    return {
        "nyc": nyc_part(data, runner),
        "decidim": decidim_part(data, runner),
        "valladolid": valladolid_part(data),
        "valladolid_run": valladolid_run_part(data, workspace),
    }
