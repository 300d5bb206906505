"""``throughline bench``: time the whole analysis on generated consultations of growing size.

For each size a consultation is generated (deterministic, seeded) in the voice of the bundled
sample: the sample's ten planted themes by their weights, one to three themes per response,
answers from a few words to paragraphs, typos, openers, blank answers, off-topic remarks, a
campaign letter with small edits sent by 4% of respondents, dates over eight weeks, ward, age
band and respondent type, and the sample's options paper and decision. Then, each in its own
process so peak memory is its own:

* ``throughline analyse`` cold, in an empty workspace (every step's seconds from the manifest);
* the same again with nothing changed (the re-run an officer makes after an edit);
* the plain pipeline a user would otherwise write on the same answers:
  ``SentenceTransformer.encode`` (batch 32) + ``BERTopic().fit_transform``.

Results go to ``benchmarks/results.json`` and the table between the markers in
``docs/PERFORMANCE.md``.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "harbourside-transport"
RESULTS = REPO / "benchmarks" / "results.json"
PERFORMANCE = REPO / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
CAMPAIGN_SHARE = 0.04


def _sample_module() -> ModuleType:
    """``scripts/make_sample.py``: the sample's voice (themes, openers, typos, campaign letter)."""
    path = REPO / "scripts" / "make_sample.py"
    spec = importlib.util.spec_from_file_location("throughline_make_sample", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(folder: Path, responses: int, seed: int = 11) -> Path:
    """Write a consultation of ``responses`` survey responses into ``folder``; returns its TOML."""
    sample = _sample_module()
    rng = random.Random(seed)
    themes, weights = list(sample.WEIGHTS), list(sample.WEIGHTS.values())
    folder.mkdir(parents=True, exist_ok=True)
    start = date(2026, 1, 20)
    with (folder / "responses.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Response ID", "Submitted", "Respondent type", "Ward", "Age band", "Q2", "Q4", "Q5"])
        for n in range(1, responses + 1):
            q2 = q4 = q5 = ""
            if rng.random() < CAMPAIGN_SHARE:
                q5 = sample.campaign_letter(rng)
            else:
                theme = rng.choices(themes, weights)[0]
                second = rng.choice([t for t in themes if t != theme]) if rng.random() < 0.35 else None
                q2, q4 = sample.ordinary(theme, second, rng)
                if rng.random() < 0.15:  # a longer answer: a third theme's problem and suggestion
                    third = sample.THEMES[rng.choice(themes)]
                    q2 = f"{q2} {rng.choice(third['problem'])} {rng.choice(third['suggestion'])}".strip()
                if rng.random() < 0.08:
                    q5 = rng.choice(sample.OFF_TOPIC)
            submitted = start + timedelta(days=min(55, int(rng.expovariate(1 / 18))))
            writer.writerow(
                [
                    f"R{n:07d}",
                    submitted.isoformat(),
                    rng.choice(sample.TYPES),
                    rng.choice(sample.WARDS),
                    rng.choice(sample.AGES),
                    q2,
                    q4,
                    q5,
                ]
            )
    for name in ("options-appraisal.md", "cabinet-decision.docx"):
        shutil.copy(SAMPLE / name, folder / name)
    config = folder / "consultation.toml"
    config.write_text(
        f"""[consultation]
title = "Generated consultation, {responses:,} responses"
slug = "bench-{responses}"

[[sources]]
path = "responses.csv"
kind = "responses"
stage = "problem"
id = "Response ID"
date = "Submitted"
text = ["Q2", "Q4", "Q5"]
attributes = ["Respondent type", "Ward", "Age band"]

[[sources]]
path = "options-appraisal.md"
kind = "document"
stage = "options"

[[sources]]
path = "cabinet-decision.docx"
kind = "document"
stage = "decision"
""",
        encoding="utf-8",
    )
    return config


def measured(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``command`` in a fresh measuring process: wall seconds, peak RSS (MB) of its largest process."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter(); child = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True)\n"
        "lines = child.stdout.strip().splitlines(); out = json.loads(lines[-1]) if lines and lines[-1].startswith('{') else {}\n"
        "print(json.dumps({**out, 'code': child.returncode, 'seconds': time.perf_counter() - t,"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if figures["code"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return figures


def plain_pipeline(csv_path: Path) -> None:
    """What a user would write: every answer embedded (batch 32), then BERTopic with its defaults."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import polars as pl
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from models.embed import default_model_path

    frame = pl.read_csv(csv_path, infer_schema_length=0)
    texts = [t for c in ("Q2", "Q4", "Q5") for t in frame[c].drop_nulls().to_list() if t.strip()]
    model = SentenceTransformer(str(default_model_path()), device="cpu")
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, show_progress_bar=False)
    embedded = time.perf_counter() - started
    topics, _ = BERTopic(embedding_model=model).fit_transform(texts, vectors)
    found = len(set(topics)) - (1 if -1 in topics else 0)
    sys.stdout.write(json.dumps({"texts": len(texts), "embed_seconds": embedded, "topics": found}) + "\n")


def _with_server(workspace: Path, port: int = 4291) -> subprocess.Popen[bytes]:
    """``throughline server`` for ``workspace``, once it answers (the re-run an officer makes with one)."""
    from flows.server import healthy

    server = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "server", "-w", str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not healthy(f"http://127.0.0.1:{port}/api") and time.monotonic() < deadline:
        time.sleep(1)
    return server


def bench_size(responses: int, root: Path) -> dict[str, Any]:
    """Generate, analyse cold, re-run (with and without a running Prefect server), run the plain pipeline."""
    folder = root / f"consultation-{responses}"
    config = generate(folder, responses)
    workspace = root / f"workspace-{responses}"
    shutil.rmtree(workspace, ignore_errors=True)
    analyse = [sys.executable, "-m", "flows.cli", "analyse", str(config), "-w", str(workspace)]
    cold = measured(analyse)
    runs = sorted((workspace / f"bench-{responses}" / "runs").iterdir())
    manifest = json.loads((runs[-1] / "manifest.json").read_text())
    rerun = measured(analyse)
    server = _with_server(workspace)
    try:
        rerun_served = measured(analyse)
    finally:
        server.terminate()
        server.wait(timeout=60)
    plain = measured([sys.executable, "-m", "flows.bench", "plain", str(folder / "responses.csv")])
    counts = manifest["counts"]
    embed_seconds = manifest["timings_s"]["embed"]
    return {
        "responses": responses,
        "passages": counts.get("passages"),
        "themes": counts.get("themes"),
        "cold_seconds": round(cold["seconds"], 1),
        "cold_peak_rss_mb": round(cold["peak_rss_mb"]),
        "steps_seconds": manifest["timings_s"],
        "rerun_seconds": round(rerun["seconds"], 1),
        "rerun_with_server_seconds": round(rerun_served["seconds"], 1),
        "embedded_per_s": round(counts["passages_embedded_new"] / embed_seconds) if embed_seconds else None,
        "plain_embedded_per_s": round(plain["texts"] / plain["embed_seconds"]),
        "plain_seconds": round(plain["seconds"], 1),
        "plain_peak_rss_mb": round(plain["peak_rss_mb"]),
        "throughline_vs_plain": round(plain["seconds"] / cold["seconds"], 2),
    }


def table(results: dict[str, Any]) -> str:
    """The Markdown table of ``results`` for docs/PERFORMANCE.md."""
    lines = [
        f"Measured {results['measured_at']} on {results['machine']} "
        f"(`throughline bench --sizes {','.join(str(r['responses']) for r in results['sizes'])}`).",
        "",
        "| responses | passages | themes | cold run | steps (s) | re-run unchanged (with `throughline server`) "
        "| peak RSS | embedded/s (plain) | plain pipeline | plain ÷ Throughline |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["sizes"]:
        steps = ", ".join(f"{k} {v:g}" for k, v in r["steps_seconds"].items())
        lines.append(
            f"| {r['responses']:,} | {r['passages']:,} | {r['themes']} | {r['cold_seconds']} s | {steps} | "
            f"{r['rerun_seconds']} s ({r.get('rerun_with_server_seconds', '–')} s) | {r['cold_peak_rss_mb']:,} MB | "
            f"{r.get('embedded_per_s', '–')} ({r.get('plain_embedded_per_s', '–')}) | {r['plain_seconds']} s, "
            f"{r['plain_peak_rss_mb']:,} MB | {r['throughline_vs_plain']} |"
        )
    return "\n".join(lines)


def bench(sizes: list[int], root: Path) -> dict[str, Any]:
    """Benchmark every size; write results.json and the table in docs/PERFORMANCE.md."""
    results = {
        "measured_at": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "sizes": [bench_size(n, root) for n in sizes],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = PERFORMANCE.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table(results)}\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Whole analysis by size (`make bench`)\n\n" + block + "\n"
    PERFORMANCE.write_text(text, encoding="utf-8")
    return results


if __name__ == "__main__" and sys.argv[1:2] == ["plain"]:  # the plain pipeline, in its own process
    plain_pipeline(Path(sys.argv[2]))
