"""Benchmark: embedding throughput of the backends on the same generated answers.

Run ``python -m benchmarks.embed_backends [--texts N]``: generates a 1,000-response consultation
(``flows.bench.generate``) into ``benchmarks/.data/`` if needed, then embeds its answers with
torch one text at a time, torch in batches of 32 sorted by length, and the ONNX int8 export, and
prints passages per second and the cosine of the ONNX vectors to torch's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=1500)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from flows.bench import generate
    from models.embed import DEFAULT_MODEL, SentenceTransformerEmbedder
    from models.onnx_embed import load_onnx

    folder = HERE / ".data" / "consultation-1000"
    if not (folder / "responses.csv").is_file():
        generate(folder, 1000)
    frame = pl.read_csv(folder / "responses.csv", infer_schema_length=0)
    texts = [t for c in ("Q2", "Q4") for t in frame[c].drop_nulls().to_list() if t.strip()][: args.texts]
    onnx, torch = load_onnx(DEFAULT_MODEL), SentenceTransformerEmbedder(DEFAULT_MODEL, 1)
    onnx.encode(texts[:50])
    torch.encode(texts[:20])

    def rate(encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> tuple[float, np.ndarray]:
        started = time.perf_counter()
        vectors = encode(texts)
        return len(texts) / (time.perf_counter() - started), vectors

    one, _ = rate(torch.encode, texts[:500])
    batched, reference = rate(lambda t: torch.encode(t, batch_size=32), texts)
    quantised, vectors = rate(onnx.encode, texts)
    cosine = (vectors * reference).sum(axis=1)
    sys.stdout.write(
        f"{len(texts)} texts, mean {np.mean([len(t.split()) for t in texts]):.0f} words\n"
        f"torch, one at a time: {one:.0f}/s\ntorch, batch 32: {batched:.0f}/s\n"
        f"onnx int8, batch 32: {quantised:.0f}/s (cosine to torch mean {cosine.mean():.4f}, min {cosine.min():.4f})\n"
    )


if __name__ == "__main__":
    main()
