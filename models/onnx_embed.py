"""An ONNX Runtime embedder: the same sentence-transformers model, exported and quantised to int8.

The export is made here, offline, from the local weights (``export_onnx``): the transformer is
traced with ``torch.onnx.export`` and its weights quantised per output channel with ONNX
Runtime's dynamic quantisation (per-tensor int8 loses too much: cosine to the original as low as
0.93). Tokenising (the model's own ``tokenizer.json``), mean pooling over the attention mask and
L2 normalisation are done here exactly as sentence-transformers does them, so the vectors match
the torch model's to a mean cosine of 0.99 (checked by ``tests/models/test_onnx_embed.py``) at about
twice the speed on two cores. Very short texts (a few words) move most: cosine 0.976 at worst on
the sample, 0.98 or more from eight words up. The export folder records what it was made from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.embed import DEFAULT_MODEL, Vectors, default_model_path, weights_sha256
from models.errors import ModelUnavailableError

ONNX_FILE = "model-int8.onnx"
INFO_FILE = "throughline-onnx.json"
TOKENS = ("input_ids", "attention_mask", "token_type_ids")


def _source(name: str) -> Path:
    path = default_model_path() if name == DEFAULT_MODEL else Path(name)
    if not (path / "tokenizer.json").is_file():
        raise ModelUnavailableError(f"embedding model {name!r}: no local folder with tokenizer.json to export from")
    return path


def export_onnx(name: str, folder: Path) -> Path:
    """Export ``name`` (the default model or a local sentence-transformers folder) to ``folder``.

    Written to a temporary folder and renamed, so a crash never leaves half an export. Needs the
    ``onnx`` extra (``onnx``, ``onnxscript``); returns ``folder``.
    """
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    source = _source(name)
    staging = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    bert = AutoModel.from_pretrained(str(source)).eval()

    class Encoder(torch.nn.Module):
        """The transformer with named inputs and its token vectors out (forward's order varies by version)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    model = Encoder().eval()
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    sample = tokenizer(["An example sentence to trace."], return_tensors="pt")
    fp32 = staging / "model-fp32.onnx"
    axes = {0: "batch", 1: "tokens"}
    # The TorchScript exporter (dynamo=False) is the one that exports this BERT here (ENVIRONMENT.md:
    # the dynamo path needs extras that do not resolve). It warns that it is legacy, that shape
    # checks are traced as constants and that indexing becomes Gather ops; silenced for this call
    # only, because the export is validated by its vectors instead (tests/models/test_onnx_embed.py).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            tuple(sample[k] for k in TOKENS),
            str(fp32),
            input_names=list(TOKENS),
            output_names=["last_hidden_state"],
            dynamic_axes={**dict.fromkeys(TOKENS, axes), "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    # Only the matrix multiplications: quantising the embedding lookup too costs accuracy for no speed.
    logging.disable(logging.WARNING)  # it advises "pre-processing" on the root logger; not needed here
    try:
        quantize_dynamic(
            str(fp32),
            str(staging / ONNX_FILE),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        logging.disable(logging.NOTSET)
    fp32.unlink()
    shutil.copy(source / "tokenizer.json", staging / "tokenizer.json")
    config = (
        json.loads((source / "sentence_bert_config.json").read_text())
        if (source / "sentence_bert_config.json").is_file()
        else {}
    )
    info = {
        "source": name,
        "source_weights_sha256": weights_sha256(source),
        "max_seq_length": int(config.get("max_seq_length", 256)),
        "quantisation": "dynamic int8, per channel (onnxruntime.quantization.quantize_dynamic)",
        "onnx_sha256": hashlib.sha256((staging / ONNX_FILE).read_bytes()).hexdigest(),
    }
    (staging / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    staging.replace(folder)
    return folder


def models_home() -> Path:
    """Where derived models (ONNX exports) are kept: ``THROUGHLINE_MODELS`` or ``~/.cache/throughline/models``."""
    return Path(os.environ.get("THROUGHLINE_MODELS") or Path.home() / ".cache" / "throughline" / "models")


def onnx_folder(name: str) -> Path:
    """The export folder of ``name``: named by the source weights, so new weights get a new export."""
    source = _source(name)
    return models_home() / f"{source.name if name != DEFAULT_MODEL else name}-{weights_sha256(source)[:12]}-onnx-int8"


def load_onnx(name: str, batch_size: int = 32) -> OnnxEmbedder:
    """The ONNX int8 embedder of ``name``, exported first if this machine has no export yet."""
    folder = onnx_folder(name)
    if not (folder / INFO_FILE).is_file():
        export_onnx(name, folder)
    return OnnxEmbedder(folder, batch_size)


class OnnxEmbedder:
    """Normalised mean-pooled vectors from an ``export_onnx`` folder with ONNX Runtime."""

    def __init__(self, folder: Path, batch_size: int = 32, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        if not (folder / ONNX_FILE).is_file() or not (folder / INFO_FILE).is_file():
            raise ModelUnavailableError(f"{folder}: no ONNX export (run `throughline models export-onnx`)")
        self.info = json.loads((folder / INFO_FILE).read_text())
        self.name = str(self.info["source"])
        self.weights_sha256 = str(self.info["onnx_sha256"])
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(self.info["max_seq_length"]))
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 8)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    @property
    def model_id(self) -> str:
        """Source name, backend and the first 12 hex digits of the ONNX file's hash."""
        return f"{Path(self.name).name}+onnx-int8@{self.weights_sha256[:12]}"

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        """One normalised float32 row per text; batches sorted by length so little is padding."""
        if not texts:
            return np.zeros((0, 0), np.float32)
        size = batch_size or self.batch_size
        order = np.argsort([len(t) for t in texts], kind="stable")
        out: Vectors | None = None
        for start in range(0, len(texts), size):
            chosen = order[start : start + size]
            vectors = self._encode([texts[i] for i in chosen])
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), np.float32)
            out[chosen] = vectors
        assert out is not None
        return out

    def _encode(self, texts: list[str]) -> Vectors:
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(["last_hidden_state"], {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return normalised
