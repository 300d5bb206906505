"""``throughline eval``: theme quality against a human-coded dataset, beside plain BERTopic.

One process, the same embeddings for every method:

1. *Discovery* with Throughline's defaults (``pipeline.themes.discover.discover_themes``:
   substance set aside, Ward on centred vectors, parents over themes) scored at every level of
   the human hierarchy — parents against the coarse codes, themes against the coarse and the fine
   codes; set-aside comments count as unthemed.
2. *Baseline*: ``BERTopic().fit_transform`` with only UMAP seeded, outliers left as they are.
3. *Stability*: adjusted Rand index between fits with other seeds for BERTopic; for Throughline,
   which has no random state, between the fit and one on vectors moved by 1e-6.
4. *Guided coding* with the codebook (names + one-line descriptions), then with examples per code
   (drawn from the data with a seed and left out of the scoring), as configured (uncoded
   comments count as misses) and forced to a code; micro P/R/F1 with bootstrap 95% intervals.
5. *Sentiment*: Spearman correlation of VADER scores with a human criticality column, if any.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score
from sklearn.multiclass import OneVsRestClassifier

from flows.steps import cluster_settings, embedder_for
from models.embed import DEFAULT_MODEL, EmbeddingCache, embed_cached
from models.sentiment import NEUTRAL_BAND, sentiment_scores
from models.topics import (
    OUTLIER,
    TopicSettings,
    plain_bertopic_topics,
    plain_bertopic_zeroshot,
)
from pipeline.coding import agreement_interval, assign_codes, code_text, fit_coder, prototypes, to_review
from pipeline.coding.tone import fit_tone
from pipeline.config import Analysis
from pipeline.theme_eval import (
    UNTHEMED,
    EvalSpec,
    clustering_scores,
    example_rows,
    gold_codes,
    load_coded,
    multilabel_scores,
)
from pipeline.themes.discover import discover_themes
from pipeline.themes.parents import parent_count, parents_of
from pipeline.themes.stability import perturbed

EVAL_BATCH = 32
ZEROSHOT_DEFAULT_SIMILARITY = 0.7  # BERTopic's zeroshot_min_similarity
STABILITY_SEEDS = (43, 44)
CEILING_C = 10.0


def _names(topics: list[int]) -> list[str]:
    return [UNTHEMED if t == OUTLIER else f"t{t}" for t in topics]


def _parents(vectors: np.ndarray, topics: list[str]) -> list[str]:
    labels = np.asarray(topics)
    ids = sorted(set(topics) - {UNTHEMED})
    centres = np.stack([vectors[labels == t].mean(axis=0) for t in ids])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    groups = dict(zip(ids, parents_of(centres, parent_count(len(ids))), strict=True))
    return [UNTHEMED if t == UNTHEMED else f"p{groups[t]}" for t in topics]


def _ours(texts: list[str], vectors: np.ndarray, noise: bool = False) -> list[str]:
    """Throughline's theme per text at the defaults (set-aside and unthemed texts: ``UNTHEMED``)."""
    frame = pl.DataFrame({"passage_id": [str(i) for i in range(len(texts))], "text": texts}).with_columns(
        response_id=pl.col("passage_id"), question=pl.lit(None, pl.String())
    )
    settings = cluster_settings(Analysis())
    found = discover_themes(frame, perturbed(vectors) if noise else vectors, {}, settings, TopicSettings(), None, False)
    theme_of = dict(zip(found.assigned["passage_id"], found.assigned["theme_id"], strict=True))
    return [theme_of.get(str(i), UNTHEMED) for i in range(len(texts))]


def _stability(fits: list[list[int]]) -> dict[str, Any]:
    scores = [float(adjusted_rand_score(fits[0], other)) for other in fits[1:]]
    return {"seeds": len(fits), "ari": scores, "mean_ari": float(np.mean(scores))}


PARTS = ("discovery", "coding")


def run_eval(
    spec: EvalSpec,
    cache_root: Path,
    seed: int = 42,
    parts: tuple[str, ...] = PARTS,
    on_part: Callable[[dict[str, Any]], None] = lambda _: None,
) -> dict[str, Any]:
    """Every figure of the evaluation, as a JSON-ready dict; ``on_part`` gets the result after each part.

    The spec and the data are checked (``load_coded``) before any model runs.
    """
    data = load_coded(spec)
    texts = data[spec.dataset.text].to_list()
    embedder = embedder_for(DEFAULT_MODEL, EVAL_BATCH)
    started = time.perf_counter()
    vectors, _ = embed_cached(embedder, texts, EmbeddingCache(cache_root, f"{embedder.model_id}/batch{EVAL_BATCH}"))
    timings = {"embed": time.perf_counter() - started}
    result: dict[str, Any] = {
        "dataset": spec.dataset.name,
        "comments": len(texts),
        "embedding_model": embedder.model_id,
        "timings_s": timings,
    }
    if "discovery" in parts:
        result["discovery"] = _discovery(spec, data, texts, vectors, seed, timings)
        if spec.dataset.sentiment_gold:
            result["sentiment"] = _sentiment(texts, data[spec.dataset.sentiment_gold].to_list())
        on_part(_rounded(result))
    if "coding" in parts and spec.guided:
        started = time.perf_counter()
        result["guided"] = _guided(spec, data, vectors, embedder, Analysis())
        timings["guided"] = time.perf_counter() - started
        on_part(_rounded(result))
    return _rounded(result)


def _rounded(result: dict[str, Any]) -> dict[str, Any]:
    return result | {"timings_s": {k: round(v, 1) for k, v in result["timings_s"].items()}}


def _discovery(
    spec: EvalSpec, data: pl.DataFrame, texts: list[str], vectors: np.ndarray, seed: int, timings: dict[str, float]
) -> dict[str, Any]:
    levels = spec.dataset.levels
    gold = {level: data[level].fill_null("").to_list() for level in levels}
    started = time.perf_counter()
    ours = _ours(texts, vectors)
    timings["throughline_fit"] = time.perf_counter() - started
    started = time.perf_counter()
    plain = plain_bertopic_topics(texts, vectors, seed)
    timings["bertopic_fit"] = time.perf_counter() - started
    discovery: dict[str, Any] = {
        "throughline": {level: clustering_scores(gold[level], ours) for level in levels},
        "throughline_parents": {levels[0]: clustering_scores(gold[levels[0]], _parents(vectors, ours))},
        "bertopic_defaults": {level: clustering_scores(gold[level], _names(plain)) for level in levels},
    }
    started = time.perf_counter()
    again = _ours(texts, vectors, noise=True)
    discovery["stability"] = {
        "throughline": {"perturbation": 1e-6, "mean_ari": float(adjusted_rand_score(ours, again))},
        "bertopic_defaults": _stability([plain] + [plain_bertopic_topics(texts, vectors, s) for s in STABILITY_SEEDS]),
    }
    timings["stability"] = time.perf_counter() - started
    return discovery


def _guided(spec: EvalSpec, data: pl.DataFrame, vectors: np.ndarray, embedder: Any, defaults: Analysis) -> Any:
    """Guided coding scored on the comments not drawn as examples (see the module's docstring)."""
    assert spec.guided is not None
    guided = spec.guided
    codebook = guided.codebook
    names = [c.name for c in codebook]
    gold = gold_codes(data[guided.level].to_list(), guided.separator)
    questions = data[spec.dataset.question].fill_null("").to_list() if spec.dataset.question else None

    def encode(texts: list[str]) -> np.ndarray:
        encoded: np.ndarray = embedder.encode(texts, batch_size=EVAL_BATCH)
        return encoded

    examples, short = example_rows(gold, names, guided.examples_per_code, guided.seed)
    chosen = sorted({r for rows in examples.values() for r in rows})
    held_out = np.ones(len(gold), dtype=bool)
    held_out[chosen] = False
    texts = data[spec.dataset.text].to_list()
    with_examples = tuple(
        c.model_copy(update={"examples": tuple(texts[r] for r in examples[c.name])}) for c in codebook
    )
    out: dict[str, Any] = {
        "codes": len(names),
        "examples_per_code": guided.examples_per_code,
        "codes_with_fewer_examples": short,
        "scored_comments": int(held_out.sum()),
        "questions": bool(questions),
    }
    kept_gold = [g for g, keep in zip(gold, held_out, strict=True) if keep]

    def score(predicted: list[set[str]], rows: np.ndarray, **extra: Any) -> dict[str, Any]:
        truth = [g for g, keep in zip(gold, rows, strict=True) if keep]
        return multilabel_scores(truth, predicted) | extra

    started = time.perf_counter()
    built = {
        name: (book, rows, *prototypes(book, encode, defaults.codebook_threshold))
        for name, book, rows in (
            ("descriptions", codebook, np.ones(len(gold), dtype=bool)),
            ("descriptions_and_examples", with_examples, held_out),
        )
    }
    for name, (book, rows, protos, calibrated) in built.items():
        for mode, threshold in (("as_configured", calibrated), ("forced", [-1.0] * len(book))):
            codes = assign_codes(vectors[rows], protos, threshold, defaults.codebook_margin)
            out[f"{name}/{mode}"] = score(
                [{names[j] for j, _ in taken} for taken in codes],
                rows,
                threshold=min(threshold),
                thresholds=dict(zip(names, threshold, strict=True)),
                margin=defaults.codebook_margin,
            )
    out["prototype_seconds"] = round(time.perf_counter() - started, 1)
    # Learnt from the same examples: a classifier per code (prototype prior, question as a feature).
    _, _, protos, calibrated = built["descriptions_and_examples"]
    all_codes = codes_of_rows(gold, names)
    example_codes = [all_codes[r] for r in chosen]
    asked = [questions[r] for r in chosen] if questions else None
    coder = fit_coder(names, vectors[chosen], example_codes, protos, calibrated, asked, guided.seed)
    # every comment is coded together (neighbours among them all), the examples held at their codes
    given = dict(zip(chosen, example_codes, strict=True))
    spread_scores = coder.scores(vectors, questions, given)
    unspread = coder.scores(vectors, questions, alone=True)
    for mode, forced in (("as_configured", False), ("forced", True)):
        codes = [c for c, keep in zip(coder.decide(spread_scores, vectors, forced), held_out, strict=True) if keep]
        out[f"classifier/{mode}"] = score(
            [{names[j] for j, _ in taken} for taken in codes],
            held_out,
            threshold=-1.0 if forced else min(f.threshold for f in coder.fits),
            thresholds={f.name: f.threshold for f in coder.fits},
            margin=0.0,
        )
    codes = [c for c, keep in zip(coder.decide(unspread, vectors, True), held_out, strict=True) if keep]
    out["classifier_unspread/forced"] = score(
        [{names[j] for j, _ in taken} for taken in codes], held_out, threshold=-1.0, margin=0.0
    )
    out["classifier_codes"] = [f.__dict__ for f in coder.fits]
    if spec.dataset.sentiment_gold:
        out["tone_learnt"] = _tone_learnt(
            data[spec.dataset.sentiment_gold].to_list(), vectors, questions, chosen, held_out
        )
    out["review_loop"] = _review_loop(
        names, vectors, gold, questions, chosen, held_out, protos, calibrated, guided.seed
    )
    # Baseline: a plain one-vs-rest logistic regression on the same examples (defaults, 0.5).
    plain = OneVsRestClassifier(LogisticRegression(max_iter=2000))
    targets = np.array([[j in codes for j in range(len(names))] for codes in example_codes], dtype=int)
    has_examples = [bool(targets[:, j].any()) for j in range(len(names))]
    fitted = plain.fit(vectors[chosen], targets[:, has_examples])
    present = [n for n, has in zip(names, has_examples, strict=True) if has]
    predicted = fitted.predict(vectors[held_out])
    out["logistic_regression/same_examples"] = score(
        [{present[j] for j in np.flatnonzero(row)} for row in predicted], held_out, threshold=0.5, margin=0.0
    )
    best = np.argmax(fitted.decision_function(vectors[held_out]).reshape(int(held_out.sum()), -1), axis=1)
    out["logistic_regression/best_code"] = score(
        [{present[int(j)]} for j in best], held_out, threshold=-1.0, margin=0.0
    )
    out["test_half"] = _test_half(
        names,
        gold,
        held_out,
        {
            "classifier/forced": coder.decide(spread_scores, vectors, True),
            "classifier_unspread/forced": coder.decide(unspread, vectors, True),
        },
    )
    out["ceiling"] = _ceiling(names, vectors, all_codes, held_out)
    # Baseline: BERTopic's own zero-shot topic modelling with the same code texts, at its defaults.
    zeroshot = plain_bertopic_zeroshot(texts, vectors, [code_text(c) for c in codebook], embedder, guided.seed)
    picked = [set() if j is None else {names[j]} for j, keep in zip(zeroshot, held_out, strict=True) if keep]
    out["bertopic_zeroshot/defaults"] = multilabel_scores(kept_gold, picked) | {
        "threshold": ZEROSHOT_DEFAULT_SIMILARITY,
        "margin": 0.0,
    }
    return out


def codes_of_rows(gold: list[set[str]], names: list[str]) -> list[set[int]]:
    """Each row's gold codes as indices into ``names`` (codes not in the codebook left out)."""
    return [{names.index(c) for c in g if c in names} for g in gold]


def _test_half(
    names: list[str], gold: list[set[str]], held_out: np.ndarray, predicted: dict[str, list[list[tuple[int, float]]]]
) -> dict[str, Any]:
    """Micro/macro F1 on the odd rows not drawn as examples (the even ones were the dev half the defaults were tuned on)."""
    rows = held_out & (np.arange(len(gold)) % 2 == 1)
    out: dict[str, Any] = {"comments": int(rows.sum())}
    for name, taken in predicted.items():
        s = multilabel_scores(
            [g for g, keep in zip(gold, rows, strict=True) if keep],
            [{names[j] for j, _ in t} for t, keep in zip(taken, rows, strict=True) if keep],
        )
        out[name] = {k: s[k] for k in ("micro_f1", "micro_f1_ci", "macro_f1")}
    return out


def _ceiling(names: list[str], vectors: np.ndarray, codes: list[set[int]], held_out: np.ndarray) -> dict[str, Any]:
    """What these vectors allow with plenty of labels: a logistic regression on the even held-out rows' gold, scored on the odd.

    Single-label rows only (their best code); tells a target the embedding cannot reach from one it can.
    """
    rows = np.flatnonzero(held_out & np.array([len(c) == 1 for c in codes]))
    train, test = rows[rows % 2 == 0], rows[rows % 2 == 1]
    label = np.array([min(c, default=-1) for c in codes])
    model = LogisticRegression(C=CEILING_C, max_iter=3000).fit(vectors[train], label[train])
    predicted = model.predict(vectors[test])
    s = multilabel_scores([{names[label[i]]} for i in test], [{names[int(j)]} for j in predicted])
    return {"trained_on": len(train), "comments": len(test)} | {
        k: s[k] for k in ("micro_f1", "micro_f1_ci", "macro_f1")
    }


def _tone_learnt(
    gold: list[str | None], vectors: np.ndarray, questions: list[str] | None, chosen: list[int], held_out: np.ndarray
) -> dict[str, Any]:
    """Tone learnt from the examples' own tone codes (with and without the question), Spearman on the rest."""
    value = np.array([float(g) if g is not None and _is_number(g) else np.nan for g in gold])
    train = [r for r in chosen if not np.isnan(value[r])]
    test = np.flatnonzero(held_out & ~np.isnan(value))
    out: dict[str, Any] = {"examples": len(train), "comments": len(test)}
    for name, asked in (("with_question", questions), ("without_question", None)):
        model = fit_tone(vectors[train], value[train], [asked[r] for r in train] if asked else None)
        predicted = model.predict(vectors[test], [asked[r] for r in test] if asked else None)
        out[f"spearman_{name}"] = float(spearmanr(predicted, value[test]).statistic)
    return out


REVIEW_ROUNDS = 6
REVIEWS_PER_ROUND = 50


def _review_loop(
    names: list[str],
    vectors: np.ndarray,
    gold: list[set[str]],
    questions: list[str] | None,
    chosen: list[int],
    held_out: np.ndarray,
    protos: np.ndarray,
    thresholds: list[float],
    seed: int,
) -> list[dict[str, Any]]:
    """A simulated analyst coding what the model offers, round after round.

    After the examples, rounds of 50 reviews (least sure + 20% random), the classifier refitted
    after each; per round, F1 on the comments never reviewed and the agreement the random reviews
    estimate.
    """
    codes_of = codes_of_rows(gold, names)
    examples, pool = list(chosen), [int(i) for i in np.flatnonzero(held_out)]
    curve: list[dict[str, Any]] = []
    agreed: list[bool] = []
    for round_ in range(REVIEW_ROUNDS + 1):
        started = time.perf_counter()
        asked = [questions[i] for i in examples] if questions else None
        coder = fit_coder(names, vectors[examples], [codes_of[i] for i in examples], protos, thresholds, asked, seed)
        refit = time.perf_counter() - started
        scores = coder.scores(vectors, questions, {i: codes_of[i] for i in examples})[pool]
        predicted = coder.decide(scores, vectors[pool], forced=True)
        scored = multilabel_scores([gold[i] for i in pool], [{names[j] for j, _ in t} for t in predicted], n_boot=200)
        step: dict[str, Any] = {
            "reviews": len(examples) - len(chosen),
            "micro_f1": scored["micro_f1"],
            "micro_f1_ci": scored["micro_f1_ci"],
            "macro_f1": scored["macro_f1"],
            "refit_seconds": round(refit, 2),
        }
        if round_ < REVIEW_ROUNDS:
            unsure, drawn = to_review(scores, REVIEWS_PER_ROUND, seed + round_)
            agreed += [{j for j, _ in predicted[i]} == codes_of[pool[i]] for i in drawn]
            share, low, high = agreement_interval(agreed) or (0.0, 0.0, 0.0)
            step |= {"estimated_agreement": share, "agreement_ci": [low, high], "random_draws": len(agreed)}
            picked = {pool[i] for i in [*unsure, *drawn]}
            examples += sorted(picked)
            pool = [i for i in pool if i not in picked]
        curve.append(step)
    return curve


def _sentiment(texts: list[str], gold: list[str | None]) -> dict[str, Any]:
    pairs = [(t, float(g)) for t, g in zip(texts, gold, strict=True) if g is not None and _is_number(g)]
    scores = sentiment_scores([t for t, _ in pairs])
    gold_scores = [g for _, g in pairs]
    toned = [(s, g) for s, g in zip(scores, gold_scores, strict=True) if abs(s) >= NEUTRAL_BAND]
    return {
        "comments": len(pairs),
        "spearman_rho": float(spearmanr(scores, gold_scores).statistic),
        # "Nothing." answering "what could be improved?" is praise only in context: VADER sees neutral
        "comments_with_tone": len(toned),
        "spearman_rho_with_tone": float(spearmanr([s for s, _ in toned], [g for _, g in toned]).statistic),
    }


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _range(scores: dict[str, Any]) -> str:
    values = sorted(set((scores.get("thresholds") or {"": scores["threshold"]}).values()))
    return f"{values[0]:.2f}" if len(values) == 1 else f"{values[0]:.2f}–{values[-1]:.2f} by code"


def markdown(result: dict[str, Any]) -> str:
    """The results as Markdown tables (for docs/EVALUATION.md)."""
    lines = [f"**{result['dataset']}** — {result['comments']:,} comments, embeddings `{result['embedding_model']}`"]
    if "discovery" in result:
        lines += _discovery_table(result["discovery"])
    if "guided" in result:
        lines += _guided_table(result["guided"])
    if "sentiment" in result:
        s = result["sentiment"]
        lines += [
            "",
            f"Tone (VADER) against the human criticality codes: Spearman ρ = {s['spearman_rho']:.3f} over "
            f"{s['comments']:,} comments; {s['spearman_rho_with_tone']:.3f} over the {s['comments_with_tone']:,} "
            "that VADER does not score neutral.",
        ]
    return "\n".join(lines)


def _discovery_table(d: dict[str, Any]) -> list[str]:
    coarse, *rest = list(d["throughline"])
    lines = [
        "",
        "| method | level | themes | unthemed | NMI | ARI | V-measure | refit ARI |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = [
        ("BERTopic defaults", "bertopic_defaults", coarse),
        *(("BERTopic defaults", "bertopic_defaults", level) for level in rest),
        ("Throughline parents", "throughline_parents", coarse),
        ("Throughline themes", "throughline", coarse),
        *(("Throughline themes", "throughline", level) for level in rest),
    ]
    for title, key, level in rows:
        s = d[key][level]
        stable = d["stability"]["throughline" if key.startswith("throughline") else key]["mean_ari"]
        lines.append(
            f"| {title} | {level} | {s['clusters']} | {s['unthemed_share']:.1%} | {s['nmi']:.3f} | "
            f"{s['ari']:.3f} | {s['v_measure']:.3f} | {stable:.3f} |"
        )
    return [*lines, "", "*Refit ARI*: BERTopic, another seed; Throughline (no random state), vectors moved by 1e-6."]


def _guided_table(g: dict[str, Any]) -> list[str]:
    k = g["examples_per_code"]
    lines = [
        "",
        f"Guided coding, {g['codes']} codes, scored on the {g.get('scored_comments', 0):,} comments not drawn as "
        "examples (micro-averaged; 95% bootstrap interval, 1,000 resamples):",
        "",
        "| codebook | assignment | precision | recall | F1 (95% CI) | macro F1 | uncoded |",
        "|---|---|---|---|---|---|---|",
    ]
    titles = {
        "descriptions": "Throughline prototypes: descriptions",
        "descriptions_and_examples": f"Throughline prototypes: + {k} examples per code",
        "classifier": f"Throughline classifier: {k} examples per code"
        + (", question as a feature" if g.get("questions") else ""),
        "classifier_unspread": f"Throughline classifier: {k} examples per code, each comment alone (not spread)",
        "logistic_regression": f"Logistic regression (one-vs-rest, defaults) on the same {k} examples per code",
        "bertopic_zeroshot": "BERTopic zero-shot: descriptions",
    }
    for key, s in g.items():
        if not isinstance(s, dict) or "/" not in key:
            continue
        book, mode = key.split("/")
        lo, hi = s["micro_f1_ci"]
        if book.startswith("classifier") and mode == "forced":
            how = "every comment coded (best code + any ≥ 0.8 of it)"
        elif book == "classifier":
            how = (
                "every comment coded (best code + any ≥ 0.8 of it)"
                if mode == "forced"
                else f"best code if its prototype clears {_range(s)}, + any ≥ 0.8 of it"
            )
        elif mode == "best_code":
            how = "every comment coded (best code)"
        elif s["threshold"] < 0:
            how = f"every comment coded (best code + any within {s['margin']:.2f})"
        else:
            how = f"{mode.replace('_', ' ')} (threshold {_range(s)})"
        lines.append(
            f"| {titles.get(book, book)} | {how} | "
            f"{s['micro_precision']:.3f} | {s['micro_recall']:.3f} | {s['micro_f1']:.3f} ({lo:.3f}–{hi:.3f}) | "
            f"{s['macro_f1']:.3f} | {s['uncoded_share']:.1%} |"
        )
    if g.get("test_half"):
        t = g["test_half"]
        lines += [
            "",
            f"Test half (the {t['comments']:,} odd rows; the spreading's settings were chosen on the even rows): "
            + "; ".join(
                f"{titles.get(name.split('/')[0], name)} {v['micro_f1']:.3f} "
                f"({v['micro_f1_ci'][0]:.3f}–{v['micro_f1_ci'][1]:.3f}), macro {v['macro_f1']:.3f}"
                for name, v in t.items()
                if isinstance(v, dict)
            )
            + ".",
        ]
    if g.get("ceiling"):
        c = g["ceiling"]
        lo, hi = c["micro_f1_ci"]
        lines += [
            "",
            f"What these vectors allow with plenty of labels: a logistic regression trained on {c['trained_on']:,} "
            f"human-coded comments scores micro-F1 {c['micro_f1']:.3f} ({lo:.3f}–{hi:.3f}), macro "
            f"{c['macro_f1']:.3f}, on {c['comments']:,} others.",
        ]
    if g.get("review_loop"):
        lines += [
            "",
            "Simulated review (rounds of 50: the least sure 40 + 10 at random; refit after each; scored on the "
            "comments never reviewed):",
            "",
            "| reviews | micro F1 (95% CI) | macro F1 | agreement with the analyst, estimated from the random draws so far "
            "(95% CI) | refit |",
            "|---|---|---|---|---|",
        ]
        for step in g["review_loop"]:
            lo, hi = step["micro_f1_ci"]
            agreed = step.get("estimated_agreement")
            low, high = step.get("agreement_ci", (0.0, 0.0))
            lines.append(
                f"| {step['reviews']} | {step['micro_f1']:.3f} ({lo:.3f}–{hi:.3f}) | {step['macro_f1']:.3f} | "
                + (f"{agreed:.0%} ({low:.0%}–{high:.0%}, {step['random_draws']} draws)" if agreed is not None else "–")
                + f" | {step['refit_seconds']:.1f} s |"
            )
    if g.get("tone_learnt"):
        t = g["tone_learnt"]
        lines += [
            "",
            f"Tone learnt from the {t['examples']} examples' own tone codes (ridge regression), Spearman against "
            f"the human codes of the other {t['comments']:,}: {t['spearman_with_question']:.3f} with the question, "
            f"{t['spearman_without_question']:.3f} without.",
        ]
    if g.get("codes_with_fewer_examples"):
        fewer = ", ".join(f"{c} ({n})" for c, n in g["codes_with_fewer_examples"].items())
        lines += ["", f"Codes with fewer coded comments than {k} examples (all used): {fewer}."]
    if g.get("classifier_codes"):
        lines += [
            "",
            "Expected figures per code (cross-validated on the examples): "
            + "; ".join(
                f"{c['name']}: {c['method']}"
                + (
                    f" P {c['precision']:.2f} R {c['recall']:.2f} at {c['threshold']:.2f}"
                    if c["precision"] is not None
                    else ""
                )
                for c in g["classifier_codes"]
            )
            + ".",
        ]
    return lines
