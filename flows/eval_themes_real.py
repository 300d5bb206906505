"""``eval-real`` parts ``substance`` and ``themes``: theme quality on the real sets, beside plain BERTopic.

``themes`` runs Throughline's own theme discovery (``pipeline.themes.discover.discover_themes``
and its labels) and ``BERTopic().fit_transform`` with only UMAP seeded on the *same* passages and
vectors, then scores both the same way:

- NHS FFT phase 1 (10,334 human-coded comments): NMI / ARI per comment against the 9 themes and
  the 44 sub-themes (a comment's theme is that of most of its passages);
- QMSum committee meetings: per meeting, NMI of the turns' themes against the human topic spans;
- the City of Yes planning-commission hearing (203 testimonies rebuilt from the transcript):
  themes whose label is procedure, and which proposal elements (silver labels; those ≥ 30
  testimonies discuss) have a theme of their own;
- regulations.gov CMS-2025-0050 and three English Polis conversations: largest theme's share of
  respondents, procedure themes, and agreement between two fits (another seed for BERTopic; a
  1e-6 perturbation of the vectors for Throughline, which has no random state).

Every set's texts are redacted first, as ``throughline analyse`` redacts before theming (a
commenter's first name must not become a theme's label).

A theme *covers* an element when at least half of its labelled testimonies discuss the element
and that is 1.5 times the element's rate over all testimonies. A theme is *procedure* when every
word of its label (BERTopic: its top c-TF-IDF word) is in ``PROCEDURE_WORDS``, a list fixed from
the issue's examples before any measurement. Passages are cut by ``pipeline.realsets.passages_of``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sklearn.metrics import adjusted_rand_score

from models.embed import DEFAULT_MODEL, EmbeddingCache, embed_cached
from models.topics import OUTLIER, TopicSettings, plain_bertopic_topics, topic_keywords
from pipeline.realsets import (
    NYC_TITLE,
    REGULATIONS_TITLE,
    exploded,
    nhs_comments,
    nyc_testimonies,
    polis_statements,
    polis_topic,
    qmsum_meetings,
    regulations_comments,
)
from pipeline.realtext import SUBSTANCE_QUOTAS, substance_sentences
from pipeline.theme_eval import UNTHEMED, clustering_scores
from pipeline.themes.cluster import ClusterSettings
from pipeline.themes.discover import discover_themes, theme_naming
from pipeline.themes.stability import perturbed, same_passages_ari
from pipeline.themes.substance import categories

CACHE = Path("workspace") / ".cache" / "embeddings"
BATCH = 32
SUBSTANCE_LABELS = Path(__file__).resolve().parent.parent / "evaluation" / "substance" / "labels.jsonl"
PROCEDURE_WORDS = frozenset(
    """
    afternoon morning evening behalf statement statements proposal proposals testimony thank thanks chair
    question questions documentation document documents additional attached attachment comment comments
    name city council new york today opinion speaker minutes time hearing members member committee everyone
    opportunity minister honourable honorable madam mr ms sir request information response specific
    """.split()  # noqa: SIM905 - a word list reads best as words
)
ELEMENT_MIN_TESTIMONIES = 30
SET_ASIDE = "(set aside)"
Result = dict[str, Any]


def _settings(target: int | None = None) -> ClusterSettings:
    """The analysis defaults' clustering settings (``flows.steps.cluster_settings``), ``target`` themes if given."""
    from flows.steps import cluster_settings
    from pipeline.config import Analysis

    return replace(cluster_settings(Analysis()), target=target)


class _Runner:
    """The embedder, spaCy pipeline and plain-BERTopic seed shared by every set."""

    def __init__(self) -> None:
        from flows.steps import embedder_for, nlp_for
        from pipeline.config import Analysis

        self.embedder = embedder_for(DEFAULT_MODEL, BATCH)
        self.one_by_one = embedder_for(DEFAULT_MODEL, 1)
        self.nlp = nlp_for(Analysis().spacy_model, parser=True)
        self.cache = EmbeddingCache(CACHE, f"{self.embedder.model_id}/batch{BATCH}")
        self.cache_one = EmbeddingCache(CACHE, f"{self.embedder.model_id}/batch1")

    @staticmethod
    def redacted(frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with ``text`` redacted by the pipeline's redactor (its vocabulary from these texts)."""
        from models.pii import PrivacySettings, Redactor
        from pipeline.prepare.redact import consultation_vocabulary

        texts = frame["text"].to_list()
        redactor = Redactor(PrivacySettings(vocabulary=consultation_vocabulary(texts)))
        done = redactor.redact_each(texts, languages=["en"] * len(texts))
        return frame.with_columns(text=pl.Series([t or "" for t, _ in done], dtype=pl.String()))

    def vectors(self, texts: list[str], long: bool = False) -> np.ndarray:
        """Vectors of ``texts``; ``long`` texts (whole turns) one at a time.

        Batches hold texts of one token length, a short batch filled with copies
        (``models.embed``): long texts rarely share a length, so in batches of 32 each would cost
        32 — QMSum's turns ran at ~2 a second.
        """
        if long:
            return embed_cached(self.one_by_one, texts, self.cache_one)[0]
        return embed_cached(self.embedder, texts, self.cache)[0]

    def ours(
        self,
        passages: pl.DataFrame,
        vectors: np.ndarray,
        settings: ClusterSettings,
        named: bool = True,
        title: str = "",
    ) -> tuple[dict[str, str], dict[str, str], Any]:
        """Passage → theme (set-aside passages as ``SET_ASIDE``), theme → label, and the discovery.

        ``title`` is the consultation's, as the pipeline has it from the consultation file.
        """
        found = discover_themes(passages, vectors, {}, settings, TopicSettings(), self.embedder, named)
        context = (self.nlp, self.embedder.encode)
        labels = theme_naming(found, found.assigned, passages, vectors, context, {}, title)[0] if named else {}
        theme_of = dict(zip(found.assigned["passage_id"], found.assigned["theme_id"], strict=True))
        theme_of |= dict.fromkeys(found.set_aside["passage_id"], SET_ASIDE)
        return theme_of, labels, found

    def plain(
        self, passages: pl.DataFrame, vectors: np.ndarray, seed: int = 42
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Plain BERTopic's passage → topic (outliers as ``UNTHEMED``) and each topic's top word."""
        texts = passages["text"].to_list()
        topics = plain_bertopic_topics(texts, vectors, seed)
        words = topic_keywords(texts, topics, vectors, None, TopicSettings())
        theme_of = {
            p: UNTHEMED if t == OUTLIER else f"b{t}" for p, t in zip(passages["passage_id"], topics, strict=True)
        }
        return theme_of, {f"b{t}": (w[0] if w else "") for t, w in words.items()}


def _by_response(passages: pl.DataFrame, theme_of: dict[str, str]) -> dict[str, str]:
    """Each response's theme: that of most of its passages (set aside or unthemed only if all are)."""
    votes: dict[str, Counter[str]] = {}
    for passage, response in zip(passages["passage_id"], passages["response_id"], strict=True):
        votes.setdefault(response, Counter())[theme_of.get(passage, UNTHEMED)] += 1
    out = {}
    for response, counted in votes.items():
        real = {t: c for t, c in counted.items() if t not in (UNTHEMED, SET_ASIDE)}
        pool = real or counted
        out[response] = min(pool, key=lambda t: (-pool[t], t))
    return out


def is_procedure(label: str) -> bool:
    """Every word of the label is a procedure or boilerplate word ("Afternoon", "Behalf", "City council")."""
    words = re.findall(r"[a-z]+", label.lower())
    return bool(words) and all(w in PROCEDURE_WORDS for w in words)


def _shape(passages: pl.DataFrame, theme_of: dict[str, str], labels: dict[str, str]) -> Result:
    """Theme count, largest theme's share of respondents, unthemed/set-aside shares, procedure themes, list."""
    frame = passages.select("passage_id", "response_id").with_columns(
        theme=pl.col("passage_id").replace_strict(theme_of, default=UNTHEMED)
    )
    respondents = frame["response_id"].n_unique()
    themed = frame.filter(~pl.col("theme").is_in([UNTHEMED, SET_ASIDE]))
    sizes = (
        themed.group_by("theme")
        .agg(pl.col("response_id").n_unique().alias("n"))
        .sort(["n", "theme"], descending=[True, False])
    )
    listed = [(labels.get(t, t), int(n)) for t, n in sizes.iter_rows()]
    return {
        "themes": sizes.height,
        "largest_share": round((sizes["n"][0] if sizes.height else 0) / max(1, respondents), 3),
        "unthemed_passages": round((frame["theme"] == UNTHEMED).sum() / max(1, frame.height), 3),
        "set_aside_passages": round((frame["theme"] == SET_ASIDE).sum() / max(1, frame.height), 3),
        "procedure_themes": [label for label, _ in listed if is_procedure(label)],
        "list": listed,
    }


def _agreement(first: dict[str, str], second: dict[str, str]) -> float:
    keys = sorted(first)
    return round(float(adjusted_rand_score([first[k] for k in keys], [second.get(k, UNTHEMED) for k in keys])), 4)


def nhs_set(runner: _Runner, data: Path) -> Result:
    """NHS comments: NMI / ARI per comment against the 9 and 44 human codes, for each method."""
    comments = runner.redacted(nhs_comments(data))
    passages = exploded(comments)
    vectors = runner.vectors(passages["text"].to_list())
    gold = {
        level: dict(zip(comments["response_id"], comments[level], strict=True)) for level in ("label", "subcategory")
    }
    out: Result = {"comments": comments.height, "passages": passages.height}
    for name in ("throughline", "throughline_target25", "bertopic"):
        if name == "bertopic":
            theme_of, labels = runner.plain(passages, vectors)
        else:
            theme_of, labels, _ = runner.ours(passages, vectors, _settings(25 if "25" in name else None))
        per = _by_response(passages, theme_of)
        ids = sorted(per)
        out[name] = {
            level: {
                k: round(v, 4)
                for k, v in clustering_scores([gold[level][i] for i in ids], [per[i] for i in ids]).items()
            }
            for level in gold
        } | {"shape": _shape(passages, theme_of, labels)}
    return out


def qmsum_set(runner: _Runner, data: Path) -> Result:
    """QMSum meetings: mean NMI of the turns' themes against the human topic spans."""
    ours: list[float] = []
    plain: list[float] = []
    set_aside: list[float] = []
    for turns in qmsum_meetings(data).values():
        passages = exploded(turns, split=False).filter(pl.col("text").str.strip_chars().str.len_chars() > 0)
        if passages.height < 30:
            continue
        vectors = runner.vectors(passages["text"].to_list(), long=True)
        mine, _, _ = runner.ours(passages, vectors, _settings(), named=False)  # NMI needs no labels
        theirs, _ = runner.plain(passages, vectors)
        labelled = passages.filter(pl.col("topic").is_not_null())
        gold = [str(t) for t in labelled["topic"]]
        ours.append(clustering_scores(gold, [mine.get(p, UNTHEMED) for p in labelled["passage_id"]])["nmi"])
        plain.append(clustering_scores(gold, [theirs[p] for p in labelled["passage_id"]])["nmi"])
        set_aside.append(sum(v == SET_ASIDE for v in mine.values()) / passages.height)
    return {
        "meetings": len(ours),
        "throughline_nmi": round(float(np.mean(ours)), 4),
        "bertopic_nmi": round(float(np.mean(plain)), 4),
        "throughline_better_in": int(sum(a > b for a, b in zip(ours, plain, strict=True))),
        "set_aside_turns": round(float(np.mean(set_aside)), 3),
    }


def _covered(
    passages: pl.DataFrame, theme_of: dict[str, str], labels: dict[str, str], elements: dict[str, list[str]]
) -> dict[str, str | None]:
    """Per element discussed by ≥ ``ELEMENT_MIN_TESTIMONIES``, the theme that covers it best (None if none)."""
    labelled = {r for r, e in elements.items() if e}
    count = Counter(e for r in labelled for e in elements[r])
    members: dict[str, set[str]] = {}
    for passage, response in zip(passages["passage_id"], passages["response_id"], strict=True):
        theme = theme_of.get(passage, UNTHEMED)
        if theme not in (UNTHEMED, SET_ASIDE) and response in labelled:
            members.setdefault(theme, set()).add(response)
    out: dict[str, str | None] = {}
    for element, n in sorted(count.items()):
        if n < ELEMENT_MIN_TESTIMONIES:
            continue
        base = n / len(labelled)
        best = None
        for theme, people in members.items():
            if len(people) < 5:
                continue
            rate = sum(element in elements[r] for r in people) / len(people)
            if rate >= 0.5 and rate >= 1.5 * base and (best is None or rate > best[0]):
                best = (rate, labels.get(theme, theme))
        out[element] = best[1] if best else None
    return out


def nyc_set(runner: _Runner, data: Path) -> Result:
    """The City of Yes hearing: theme list shape and which proposal elements have a theme."""
    testimonies = nyc_testimonies(data)
    passages = exploded(runner.redacted(testimonies.select("response_id", "text")), spoken=True)
    vectors = runner.vectors(passages["text"].to_list())
    elements = dict(zip(testimonies["response_id"], testimonies["elements"].to_list(), strict=True))
    out: Result = {"testimonies": testimonies.height, "passages": passages.height}
    for name, (theme_of, labels) in (
        ("throughline", runner.ours(passages, vectors, _settings(), title=NYC_TITLE)[:2]),
        ("bertopic", runner.plain(passages, vectors)),
    ):
        covered = _covered(passages, theme_of, labels, elements)
        out[name] = {"shape": _shape(passages, theme_of, labels), "elements": covered}
    return out


def _stable_set(runner: _Runner, frame: pl.DataFrame, title: str) -> Result:
    passages = exploded(runner.redacted(frame))
    vectors = runner.vectors(passages["text"].to_list())
    mine, labels, found = runner.ours(passages, vectors, _settings(), title=title)
    again = discover_themes(passages, perturbed(vectors), {}, _settings(), TopicSettings(), None, False)
    target, target_labels, _ = runner.ours(passages, vectors, _settings(25), title=title)
    theirs, plain_labels = runner.plain(passages, vectors, 42)
    other, _ = runner.plain(passages, vectors, 43)
    return {
        "respondents": frame.height,
        "passages": passages.height,
        "throughline": _shape(passages, mine, labels)
        | {"perturbed_ari": same_passages_ari(found.assigned, again.assigned)},
        "throughline_target25": _shape(passages, target, target_labels),
        "bertopic": _shape(passages, theirs, plain_labels) | {"seed_ari": _agreement(theirs, other)},
    }


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def themes_part(data: Path, progress: Callable[[str], None] = _stderr) -> Result:
    """Every theme figure of the scoreboard (see the module's docstring)."""
    runner = _Runner()
    progress("themes: nhs…")
    out: Result = {"nhs": nhs_set(runner, data)}
    progress("themes: qmsum…")
    out["qmsum"] = qmsum_set(runner, data)
    progress("themes: nyc…")
    out["nyc"] = nyc_set(runner, data)
    progress("themes: regulations…")
    out["regulations"] = _stable_set(runner, regulations_comments(data), REGULATIONS_TITLE)
    for name, statements in polis_statements(data).items():
        progress(f"themes: polis {name}…")
        out[f"polis:{name}"] = _stable_set(runner, statements, polis_topic(data, name))
    return out


def substance_part(data: Path) -> Result:
    """The substance detector on the hand-labelled real passages, beside two trivial rules."""
    passages = substance_sentences(data, set(SUBSTANCE_QUOTAS))
    rows = [json.loads(line) for line in SUBSTANCE_LABELS.read_text(encoding="utf-8").splitlines()]
    out: Result = {}
    rules: dict[str, Callable[[list[str]], list[bool]]] = {
        "throughline": lambda texts: [c is not None for c in categories(texts)],
        "three_words_or_fewer": lambda texts: [len(t.split()) <= 3 for t in texts],
        "keyword": lambda texts: [bool(_KEYWORD.search(t)) for t in texts],
    }
    for split in ("test", "dev"):
        chosen = [r for r in rows if r["split"] == split and passages.get(r["id"]) is not None]
        texts = [passages[r["id"]] for r in chosen]
        gold = [r["label"] == "other" for r in chosen]
        out[split] = {"passages": len(chosen), "other": sum(gold)}
        for name, rule in rules.items():
            said = rule(texts)
            tp = sum(a and b for a, b in zip(said, gold, strict=True))
            out[split][name] = {
                "tp": tp,
                "said": sum(said),
                "precision": tp / max(1, sum(said)),
                "recall": tp / max(1, sum(gold)),
            }
        if split == "test":
            found = categories(texts)
            out[split]["per_category"] = {
                category: {
                    "gold": sum(r["category"] == category for r in chosen),
                    "found": sum(
                        f is not None and r["category"] == category for f, r in zip(found, chosen, strict=True)
                    ),
                }
                for category in sorted({r["category"] for r in chosen} - {""})
            }
    return out


_KEYWORD = re.compile(r"(?i)\b(?:thank|hello|good (?:morning|afternoon|evening)|attached|n/a|no comment|my name)\b")
