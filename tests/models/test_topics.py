import itertools

import numpy as np
import pytest

from models.topics import OUTLIER, TopicSettings, fit_topics

pytestmark = pytest.mark.slow

GROUPS = {
    "buses": [
        "The buses stop running at {t}.",
        "There is no bus after {t} to get home.",
        "Evening bus services ending at {t} leave us stranded.",
        "Bring back buses running later than {t}.",
    ],
    "parking": [
        "Parking costs {p} an hour which is too much.",
        "Car park charges of {p} are killing the shops.",
        "Nobody will pay {p} to park in town.",
        "Make parking cheaper than {p} for short stays.",
    ],
    "toilets": [
        "The toilets by the {place} are always locked.",
        "We need public toilets near the {place}.",
        "Reopen the public loos at the {place}.",
        "There is nowhere to go to the toilet at the {place}.",
    ],
}
FILLERS = {
    "t": ["6pm", "7pm", "6.30pm", "7.15pm", "8pm"],
    "p": ["£2", "£3", "£4", "£1.50", "£2.50"],
    "place": ["harbour", "bus station", "market", "library", "seafront"],
}


def corpus() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, templates in GROUPS.items():
        for template, fill in itertools.product(templates, range(5)):
            texts.append(template.format(**{k: v[fill] for k, v in FILLERS.items()}))
            labels.append(label)
    return texts, labels


def test_fit_recovers_planted_groups_and_is_repeatable(embedder) -> None:  # type: ignore[no-untyped-def]
    texts, labels = corpus()
    vectors = embedder.encode(texts)
    settings = TopicSettings(seed=7, min_cluster_size=8)
    first = fit_topics(texts, vectors, embedder, settings)
    pairs = list(zip(first.topics, labels, strict=True))
    for topic in set(first.topics) - {OUTLIER}:
        members = [lab for t, lab in pairs if t == topic]
        assert len(set(members)) == 1, f"topic {topic} mixes groups: {members}"
    for label in GROUPS:
        themed = [t for t, lab in pairs if lab == label and t != OUTLIER]
        assert len(themed) >= 0.8 * labels.count(label)
    assert any("toilet" in " ".join(words) for words in first.keywords.values())
    second = fit_topics(texts, vectors, embedder, settings)
    assert second.topics == first.topics
    assert second.keywords == first.keywords


def test_duplicates_share_a_topic(embedder) -> None:  # type: ignore[no-untyped-def]
    texts, _ = corpus()
    texts = [*texts, texts[0].upper(), texts[0]]
    fit = fit_topics(texts, embedder.encode(texts), embedder, TopicSettings(seed=7, min_cluster_size=8))
    assert fit.topics[-1] == fit.topics[-2] == fit.topics[0]


def test_tiny_corpus_has_no_topics(embedder) -> None:  # type: ignore[no-untyped-def]
    fit = fit_topics(["one", "two"], np.zeros((2, 384), dtype=np.float32), embedder, TopicSettings())
    assert fit.topics == [OUTLIER, OUTLIER]
