"""``throughline eval-real``: the quality scoreboard, measured on the real data sets in ``../shared/data``.

Each part reads the real sets, runs Throughline's own code on them beside trivial baselines, and
returns a JSON-able dict; ``run_eval_real`` writes ``evaluation/results/real.json`` and
``docs/QUALITY.md`` after every part, so a part that fails or is interrupted never loses the ones
before it. Parts (``--only``):

- ``redaction``: precision and recall per type on the hand-labelled real sentences
  (``evaluation/redaction/labels.jsonl``; the test half is the figure, the dev half is what the
  rules were tuned on), beside Presidio's default recognisers and "every capitalised word";
- ``language``: short texts (under 8 words) given their set's language, beside the identifier alone;
- ``placeholders``: passages with a placeholder cut by sentence splitting, after redaction, per set;
- ``dates``: each set's date column read as dates, beside Polars' own parser;
- ``substance``, ``themes``: the non-substantive detector and the themes (``flows/eval_themes_real.py``).
- ``trace``: options, attribution per option and outcomes per option (``flows/eval_trace_real.py``).
- ``coding``: guided coding against NHS analysts' codes, 9 themes and 44 sub-themes
  (``flows/eval_coding_real.py``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from flows.eval_coding_real import coding_part
from flows.eval_themes_real import substance_part, themes_part
from flows.eval_trace_real import trace_part
from pipeline.ingest.dates import read_dates
from pipeline.prepare.language import CONFIDENT_WORDS, detected, languages_of, main_language, word_count
from pipeline.prepare.passages import PLACEHOLDER, split_texts
from pipeline.prepare.redact import consultation_vocabulary
from pipeline.privacy_eval import LABEL_OF, SpanScore, Typed, score_spans
from pipeline.quality_doc import quality_markdown
from pipeline.realtext import csv_rows, html_text, real_sentences, records, text_hash

PARTS = ("redaction", "language", "placeholders", "dates", "substance", "themes", "trace", "coding")
LABELS = Path(__file__).resolve().parent.parent / "evaluation" / "redaction" / "labels.jsonl"
TYPES = ("NAME", "EMAIL", "PHONE", "ADDRESS", "URL")
NON_ENGLISH_SETS = ("valladolid", "decidim")
PLACEHOLDER_RECORDS = 300  # records per set redacted and split for the placeholder count
Result = dict[str, Any]


class MissingData(Exception):
    """The real data sets (or a file of them that a part needs) are not where they were looked for."""


def commit(written: tuple[Path, ...] = ()) -> str:
    """The checked-out commit, with ``+changes`` when the tree differs from it (besides ``written``)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    ours = {p.resolve() for p in written}
    changed = [line[3:] for line in dirty.stdout.splitlines() if line.strip()]
    return head.stdout.strip() + ("+changes" if any(Path(c).resolve() not in ours for c in changed) else "")


def run_eval_real(
    data: Path,
    parts: tuple[str, ...],
    output: Path,
    doc: Path,
    progress: Callable[[str], None] = lambda _: None,
) -> Result:
    """Run ``parts`` on ``data``, writing ``output`` and ``doc`` after each; earlier parts' results are kept."""
    if not data.is_dir():
        raise MissingData(f"{data}: no such folder (the real data sets live in ../shared/data)")
    results: Result = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {"parts": {}}
    for part in parts:
        progress(f"{part}…")
        started = time.perf_counter()
        result = RUNNERS[part](data)
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["commit"] = commit((output, doc))
        result["date"] = datetime.now(UTC).strftime("%Y-%m-%d")
        results["parts"][part] = result
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        doc.write_text(quality_markdown(results), encoding="utf-8")
        progress(f"{part} done in {result['seconds']} s")
    return results


# --- redaction -------------------------------------------------------------------------------


def _texts_by_set(data: Path) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for name, _, text in records(data):
        texts.setdefault(name, []).append(text)
    return texts


def _main_languages(texts: dict[str, list[str]]) -> dict[str, str]:
    """Each set's main language, from its first 3,000 records."""
    out = {}
    for name, values in texts.items():
        sample = values[:3000]
        out[name] = main_language([detected(t) for t in sample], sample, "en")
    return out


def _labelled(data: Path) -> list[tuple[str, str, str, list[Typed]]]:
    """(split, id, sentence, spans) of the hand-labelled set, each sentence checked against its hash."""
    sentences = real_sentences(data)
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    changed = [r["id"] for r in rows if r["id"] not in sentences or text_hash(sentences[r["id"]]) != r["sha"]]
    if changed:
        raise MissingData(f"{len(changed)} labelled sentences are missing or changed in {data}, e.g. {changed[:3]}")
    return [(r["split"], r["id"], sentences[r["id"]], [(a, b, k) for a, b, k in r["spans"]]) for r in rows]


def _capitalised_words(text: str) -> list[Typed]:
    """The trivial name finder: every capitalised word that does not open a sentence."""
    import re

    out = []
    for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-ZÀ-Ý][a-zà-ÿ]+", text):
        out.append((match.start(), match.end(), "NAME"))
    return out


def _span_rows(score: SpanScore) -> dict[str, Any]:
    rows = {}
    for kind in TYPES:
        if score.labelled.get(kind) or score.detected.get(kind):
            rows[kind] = {
                "precision": _round(score.precision(kind)),
                "recall": _round(score.recall(kind)),
                "labelled": score.labelled.get(kind, 0),
                "detected": score.detected.get(kind, 0),
                "found": score.found.get(kind, 0),
                "right": score.right.get(kind, 0),
            }
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def redaction_part(data: Path) -> Result:
    """Precision/recall per type on the labelled real sentences, Throughline beside two baselines."""
    from models.pii import PrivacySettings, Redactor

    labelled = _labelled(data)
    texts = _texts_by_set(data)
    main = _main_languages(texts)
    vocabulary = {name: consultation_vocabulary(values) for name, values in texts.items()}
    redactors = {name: Redactor(PrivacySettings(vocabulary=vocabulary[name])) for name in texts}
    # A sentence takes the language of its whole record (a response, a turn), as in a run.
    record_text = {f"{name}:{record}": text for name, record, text in records(data)}
    language: dict[str, str] = {}
    for name in texts:
        ids = [i for _, i, _, _ in labelled if i.startswith(name + ":")]
        whole = [record_text[i.rsplit(":", 1)[0]] for i in ids]
        language.update(zip(ids, languages_of(whole, main[name]), strict=True))

    def throughline(item_id: str, text: str) -> list[Typed]:
        name = item_id.split(":")[0]
        found = redactors[name].find(text, cues_only=language[item_id] not in ("en", "und"))
        return [(r.start, r.end, LABEL_OF.get(r.entity_type, r.entity_type)) for r in found]

    presidio = _presidio_default(next(iter(redactors.values())))

    def presidio_default(_: str, text: str) -> list[Typed]:
        found = presidio.analyze(text, language="en", score_threshold=0.35)
        return [(r.start, r.end, LABEL_OF.get(r.entity_type, "OTHER")) for r in found]

    systems = {
        "throughline": throughline,
        "presidio-default": presidio_default,
        "capitalised-words": lambda _, text: _capitalised_words(text),
    }
    result: Result = {"sentences": Counter(s for s, _, _, _ in labelled), "splits": {}}
    for split in ("test", "dev"):
        items = [(i, s, g) for sp, i, s, g in labelled if sp == split]
        non_english = [(i, s, g) for i, s, g in items if i.split(":")[0] in NON_ENGLISH_SETS or ":vtaiwan" in i]
        per_system = {}
        for system, detect in systems.items():
            score = score_spans(items, detect)
            foreign = score_spans(non_english, detect)
            per_system[system] = {
                "types": _span_rows(score),
                "non_english_labelled": foreign.labelled.get("NAME", 0),
                "non_english_names": foreign.detected.get("NAME", 0),
                "non_english_names_right": foreign.right.get("NAME", 0),
            }
            if system == "throughline":
                per_system[system]["wrong"] = [list(w) for w in score.wrong]
                per_system[system]["missed"] = _missed(items, detect)
        result["splits"][split] = {
            "sentences": len(items),
            "non_english_sentences": len(non_english),
            "systems": per_system,
        }
    return result


def _missed(items: list[tuple[str, str, list[Typed]]], detect: Callable[[str, str], list[Typed]]) -> Counter[str]:
    """Labelled spans not found, counted by type (their texts are personal data: never written out)."""
    missed: Counter[str] = Counter()
    for item_id, text, gold in items:
        spans = detect(item_id, text)
        for start, end, kind in gold:
            if not any(start < e and s < end for s, e, _ in spans):
                missed[kind] += 1
    return missed


def _presidio_default(redactor: Any) -> Any:
    """Presidio's analyser with its predefined recognisers on the same spaCy pipeline: the off-the-shelf way."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    nlp_engine = redactor._analyzer.nlp_engine
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


# --- language --------------------------------------------------------------------------------


def _language_sets(data: Path) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(set, what, texts, gold languages) of the real sets whose language is known."""
    nhs = data / "nhs-fft-phase1" / "text_data.csv"
    if nhs.exists():
        values = [r["feedback"] for r in csv_rows(nhs) if r.get("feedback")]
        yield "nhs-fft-phase1", "patient comments", values, ["en"] * len(values)
    polis = [
        r.get("comment-body") or ""
        for path in sorted((data / "polis").glob("*/comments.csv"))
        if "vtaiwan" not in str(path)
        for r in csv_rows(path)
    ]
    yield "polis (English)", "statements", polis, ["en"] * len(polis)
    valladolid = data / "valladolid-pb-2027" / "proposals_data.csv"
    if valladolid.exists():
        titles = [r["title"].replace("(Inadmitida)", "").strip() for r in csv_rows(valladolid)]
        yield "valladolid-pb-2027", "proposal titles", titles, ["es"] * len(titles)
    if nhs.exists() and valladolid.exists():
        # A mixed consultation: the English comments with one Spanish title in ten. Short Spanish
        # titles take the main language (English) here: the price of not guessing on a few words.
        english = [r["feedback"] for r in csv_rows(nhs) if r.get("feedback")][:2000]
        spanish = [r["title"].replace("(Inadmitida)", "").strip() for r in csv_rows(valladolid)][:200]
        yield "mixed: NHS + Valladolid", "comments, 1 title in 10", english + spanish, ["en"] * 2000 + ["es"] * 200
    projects = data / "decidim-barcelona-pb" / "www.decidim.barcelona-open-data-projects.csv"
    if projects.exists():
        rows = list(csv_rows(projects, ";"))
        for locale in ("ca", "es"):
            titles = [r[f"title/{locale}"] for r in rows if r.get(f"title/{locale}")]
            yield f"decidim-barcelona-pb ({locale})", "project titles", titles, [locale] * len(titles)


def _old_language(text: str) -> str:
    """What the identifier alone says (four words or more; ``und`` below, as before)."""
    import py3langid

    return "und" if word_count(text) < 4 else str(py3langid.classify(text)[0])


def language_part(data: Path) -> Result:
    """Short texts (under 8 words) given their set's language, beside the identifier alone."""
    sets = []
    for name, what, texts, gold in _language_sets(data):
        texts_gold = [(t, g) for t, g in zip(texts, gold, strict=True) if t.strip()]
        if not texts_gold:
            continue
        got = languages_of([t for t, _ in texts_gold], "en")
        short = [i for i, (t, _) in enumerate(texts_gold) if word_count(t) < CONFIDENT_WORDS]
        old = [_old_language(texts_gold[i][0]) for i in short]
        wrong = Counter(got[i] for i in short if got[i] != texts_gold[i][1])
        sets.append(
            {
                "set": name,
                "what": what,
                "texts": len(texts_gold),
                "short": len(short),
                "short_right": _round(sum(got[i] == texts_gold[i][1] for i in short) / max(1, len(short))),
                "short_right_identifier": _round(
                    sum(o == texts_gold[i][1] for o, i in zip(old, short, strict=True)) / max(1, len(short))
                ),
                "short_undetermined_before": _round(sum(o == "und" for o in old) / max(1, len(short))),
                "all_right": _round(sum(g == t[1] for g, t in zip(got, texts_gold, strict=True)) / len(texts_gold)),
                "short_wrong_as": dict(wrong.most_common(5)),
            }
        )
    return {"sets": sets}


# --- placeholders ----------------------------------------------------------------------------


def broken_placeholders(passage: str) -> int:
    """Brackets in a passage that are not part of a whole placeholder ("[" ending a cut, "NAME]")."""
    rest = PLACEHOLDER.sub("", passage)
    return rest.count("[") + rest.count("]")


def _chosen(values: list[str], n: int) -> list[str]:
    keyed = sorted((hashlib.sha1(v.encode()).hexdigest(), v) for v in values if v.strip())
    return [v for _, v in keyed[:n]]


def placeholders_part(data: Path) -> Result:
    """Per set: records redacted and split; passages with a broken placeholder, now and with spaCy's cut alone."""
    from flows.steps import nlp_for
    from models.pii import PrivacySettings, Redactor
    from pipeline.config import Analysis
    from pipeline.prepare.text import normalise_text

    nlp = nlp_for(Analysis().spacy_model)
    texts = _texts_by_set(data)
    main = _main_languages(texts)
    sets = []
    for name, values in texts.items():
        # Decidim's bodies are HTML: ingest reads them as text, so the count does too.
        chosen = [normalise_text(html_text(t)) for t in _chosen(values, PLACEHOLDER_RECORDS)]
        redactor = Redactor(PrivacySettings(vocabulary=consultation_vocabulary(values)))
        languages = languages_of(chosen, main[name])
        redacted = redactor.redact_each(chosen, languages=languages)
        counts: Counter[str] = Counter()
        for _, found in redacted:
            counts.update(found)
        out = [str(text) for text, _ in redacted]
        passages = [p for ps in split_texts(out, nlp, whole_words=0) for p in ps]
        plain = [s.text for para in out for doc in [nlp(para)] for s in doc.sents]
        sets.append(
            {
                "set": name,
                "records": len(chosen),
                "redactions": dict(sorted(counts.items())),
                "passages": len(passages),
                "broken": sum(broken_placeholders(p) > 0 for p in passages),
                "broken_before": sum(broken_placeholders(p) > 0 for p in plain),
                "before_passages": len(plain),
                "padded": sum("[ " in p for p in passages),
            }
        )
    return {"sets": sets}


# --- dates -----------------------------------------------------------------------------------


def _date_columns(data: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(set, column, values) of every date column among the real sets."""
    regs = data / "regulations-gov-cms-2025-0050" / "CMS-2025-0050-0031.csv"
    if regs.exists():
        rows = list(csv_rows(regs))
        for column in ("Posted Date", "Received Date"):
            yield "regulations-gov", column, [r[column] for r in rows]
    valladolid = data / "valladolid-pb-2027" / "proposals_data.csv"
    if valladolid.exists():
        yield "valladolid-pb-2027", "date", [r["date"] for r in csv_rows(valladolid)]
    for path in sorted((data / "polis").glob("*/comments.csv")):
        rows = list(csv_rows(path))
        for column in ("datetime", "timestamp"):
            if rows and column in rows[0]:
                yield f"polis/{path.parent.name}", column, [r[column] for r in rows]
    projects = data / "decidim-barcelona-pb" / "www.decidim.barcelona-open-data-projects.csv"
    if projects.exists():
        yield "decidim-barcelona-pb", "created_at", [r["created_at"] for r in csv_rows(projects, ";")]


def dates_part(data: Path) -> Result:
    """Each date column read by Throughline and by Polars' own inference."""
    columns = []
    for name, column, values in _date_columns(data):
        series = pl.Series(column, values, dtype=pl.String())
        got = read_dates(series)
        filled = series.str.strip_chars().replace("", None).drop_nulls()
        try:
            parsed_polars = filled.str.to_datetime(strict=False).drop_nulls().len() if filled.len() else 0
        except pl.exceptions.ComputeError:  # Polars could not infer one format for the column
            parsed_polars = 0
        parsed = got.values.drop_nulls()
        columns.append(
            {
                "set": name,
                "column": column,
                "values": filled.len(),
                "parsed": parsed.len(),
                "parsed_polars": parsed_polars,
                "order": got.order,
                "guessed": got.guessed,
                "first": parsed.min() if parsed.len() else None,
                "last": parsed.max() if parsed.len() else None,
                "example": filled[0] if filled.len() else None,
                "unread_example": got.example,
            }
        )
    return {"columns": columns}


RUNNERS: dict[str, Callable[[Path], Result]] = {
    "substance": substance_part,
    "themes": themes_part,
    "trace": trace_part,
    "coding": coding_part,
    "redaction": redaction_part,
    "language": language_part,
    "placeholders": placeholders_part,
    "dates": dates_part,
}
