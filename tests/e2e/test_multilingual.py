"""Other languages: left out of the themes and said so by default, themed with a multilingual model.

The multilingual model is a tiny sentence-transformers model built here (a one-layer BERT over a
word-level vocabulary of English and Spanish words, translations sharing one embedding row), so
the test needs no download: it proves the path a user takes with a real multilingual model
(``analysis.embedding_model`` + ``analysis.languages``), not the quality of one.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.store import read_manifest, read_run_table

pytestmark = pytest.mark.slow

CONCERNS = {
    # English sentence, Spanish sentence: one concern each, said twelve ways.
    "buses": ("The buses are late and the bus service is unreliable", "Los autobuses llegan tarde y el servicio falla"),
    "parking": (
        "Parking costs too much and there is no parking space",
        "El aparcamiento cuesta demasiado y no hay sitio",
    ),
    "trees": ("Plant more trees and protect the green park", "Planten más árboles y protejan el parque verde"),
}
PAIRS = [
    ("buses", "autobuses"),
    ("late", "tarde"),
    ("service", "servicio"),
    ("parking", "aparcamiento"),
    ("costs", "cuesta"),
    ("space", "sitio"),
    ("trees", "árboles"),
    ("park", "parque"),
    ("green", "verde"),
    ("plant", "planten"),
    ("protect", "protejan"),
]


def tiny_multilingual_model(folder: Path) -> Path:
    """A sentence-transformers model on disk whose translated words share their embeddings."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models  # type: ignore[attr-defined]
    from transformers import BertConfig, BertModel, BertTokenizerFast  # type: ignore[attr-defined]

    words = sorted({w.strip(".,").lower() for pair in CONCERNS.values() for text in pair for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    bert_dir = folder / "bert"
    bert_dir.mkdir(parents=True)
    (bert_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(bert_dir / "vocab.txt"), do_lower_case=True, strip_accents=False)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    bert = BertModel(config)
    with torch.no_grad():
        table = bert.embeddings.word_embeddings.weight
        for english, spanish in PAIRS:
            table[vocab.index(spanish)] = table[vocab.index(english)]
    bert.save_pretrained(bert_dir)
    tokenizer.save_pretrained(bert_dir)
    transformer = st_models.Transformer(str(bert_dir), max_seq_length=64)
    pooling = st_models.Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model_dir = folder / "tiny-multilingual"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(model_dir))
    return model_dir


def bilingual_consultation(folder: Path, languages: list[str], model: Path | None) -> Path:
    """Sixty responses, half in Spanish, on three concerns; no options or decision."""
    rows = []
    for i in range(60):
        concern = list(CONCERNS)[i % 3]
        english, spanish = CONCERNS[concern]
        text = spanish if i % 2 else english
        said = f"dice el vecino número {i} del barrio" if i % 2 else f"says neighbour number {i} from the estate"
        rows.append({"id": f"R{i:03d}", "answer": f"{text}, {said}."})
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "responses.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "answer"])
        writer.writeheader()
        writer.writerows(rows)
    analysis = [f"languages = {languages!r}".replace("'", '"'), "min_theme_size = 5"]
    if model is not None:
        analysis.append(f'embedding_model = "{model}"')
    (folder / "consultation.toml").write_text(
        '[consultation]\ntitle = "Bilingual"\n\n[[sources]]\npath = "responses.csv"\nkind = "responses"\n'
        'stage = "problem"\nid = "id"\ntext = ["answer"]\n\n[analysis]\n' + "\n".join(analysis) + "\n",
        encoding="utf-8",
    )
    return folder / "consultation.toml"


def test_other_languages_are_counted_and_said_when_not_themed(tmp_path: Path, prefect_harness: None) -> None:
    from flows.analyse import analyse

    run = analyse(bilingual_consultation(tmp_path / "en-only", ["en"], None), tmp_path / "ws")
    manifest = read_manifest(run)
    assert manifest["counts"]["unthemed_languages"] == {"es": 30}
    assert manifest["counts"]["responses_other_language"] == 30
    themed = read_run_table(run, "assignments")["response_id"].unique().to_list()
    assert all(int(r.split("R")[-1]) % 2 == 0 for r in themed if "R" in r)


def test_a_multilingual_model_themes_every_language(tmp_path: Path, prefect_harness: None) -> None:
    from flows.analyse import analyse

    model = tiny_multilingual_model(tmp_path / "model")
    run = analyse(bilingual_consultation(tmp_path / "both", ["en", "es"], model), tmp_path / "ws")
    manifest = read_manifest(run)
    assert manifest["counts"]["unthemed_languages"] == {}
    assert manifest["models"]["embedding"]["id"].startswith("tiny-multilingual@")
    responses = read_run_table(run, "responses")
    assert set(responses["language"]) == {"en", "es"}
    themed = read_run_table(run, "assignments").join(responses.select("response_id", "language"), on="response_id")
    assert set(themed["language"]) == {"en", "es"}
