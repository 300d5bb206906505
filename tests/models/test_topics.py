import itertools

import numpy as np
import pytest

from models.topics import OUTLIER, TopicSettings, plain_bertopic_topics, topic_keywords
from pipeline.themes.cluster import ClusterSettings, cluster

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


def test_clusters_recover_planted_groups_on_real_vectors_and_repeat(embedder) -> None:  # type: ignore[no-untyped-def]
    texts, labels = corpus()
    vectors = embedder.encode(texts)
    first = cluster(texts, vectors, ClusterSettings(target=3, max_share=1.0))
    pairs = list(zip(first.labels, labels, strict=True))
    for topic in set(first.labels) - {OUTLIER}:
        members = [lab for t, lab in pairs if t == topic]
        assert len(set(members)) == 1, f"cluster {topic} mixes groups: {members}"
    assert cluster(texts, embedder.encode(texts), ClusterSettings(target=3, max_share=1.0)).labels == first.labels


def test_keywords_belong_to_the_clusters_they_were_given_for(embedder) -> None:  # type: ignore[no-untyped-def]
    # BERTopic renumbers topics by size: the keywords must come back under our own cluster numbers
    texts, labels = corpus()
    sizes = {"buses": 7, "parking": 0, "toilets": 3}  # deliberately not in size order
    given = [sizes[label] for label in labels]
    keep = [i for i, label in enumerate(labels) if label != "buses" or i % 4]  # buses the smallest
    words = topic_keywords(
        [texts[i] for i in keep],
        [given[i] for i in keep],
        embedder.encode([texts[i] for i in keep]),
        embedder,
        TopicSettings(seed=7),
    )
    assert set(words) == {0, 3, 7}
    assert any("toilet" in w or "loos" in w for w in words[3])
    assert any("bus" in w for w in words[7])
    assert any("park" in w for w in words[0])
    plain = topic_keywords(texts, given, embedder.encode(texts), None, TopicSettings(), background=["parking"])
    assert not any(w == "parking" for w in plain[0])  # background words are stop words


def test_plain_bertopic_baseline_runs_on_precomputed_vectors(embedder) -> None:  # type: ignore[no-untyped-def]
    texts, _ = corpus()
    topics = plain_bertopic_topics(texts * 3, np.vstack([embedder.encode(texts)] * 3), seed=7)
    assert len(topics) == len(texts) * 3
    assert len(set(topics) - {OUTLIER}) >= 1
