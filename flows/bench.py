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

The real datasets in ``../shared/data`` (when present beside the project) are measured the same
way: the NHS Friends and Family Test's 10,334 comments and the regulations.gov docket's 982
comments, each as the responses of a consultation whose options paper and decision are the
sample's (so the trace step does its usual work).

Results go to ``benchmarks/results.json`` (one row per consultation, each with the date it was
measured; a run updates the rows it measures and keeps the others) and the table between the
markers in ``docs/PERFORMANCE.md``.
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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "harbourside-transport"
SHARED_DATA = REPO.parent / "shared" / "data"
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
    return _consultation_file(
        folder,
        f"Generated consultation, {responses:,} responses",
        f"bench-{responses}",
        """path = "responses.csv"
id = "Response ID"
date = "Submitted"
text = ["Q2", "Q4", "Q5"]
attributes = ["Respondent type", "Ward", "Age band"]""",
    )


def _consultation_file(folder: Path, title: str, slug: str, responses: str) -> Path:
    """``folder``/consultation.toml: the ``responses`` source (its TOML keys) and the sample's documents."""
    for name in ("options-appraisal.md", "cabinet-decision.docx"):
        shutil.copy(SAMPLE / name, folder / name)
    config = folder / "consultation.toml"
    config.write_text(
        f"""[consultation]
title = "{title}"
slug = "{slug}"

[[sources]]
kind = "responses"
stage = "problem"
{responses}

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


@dataclass(frozen=True)
class Case:
    """One consultation to measure: its file, its slug and the answers the plain pipeline embeds."""

    name: str
    config: Path
    slug: str
    responses_csv: Path
    text_columns: tuple[str, ...]


def generated_case(responses: int, root: Path) -> Case:
    """A generated consultation of ``responses`` responses under ``root``."""
    folder = root / f"consultation-{responses}"
    config = generate(folder, responses)
    return Case(f"generated {responses:,}", config, f"bench-{responses}", folder / "responses.csv", ("Q2", "Q4", "Q5"))


# The real datasets: (name, file under ../shared/data, slug, the responses source's TOML keys, answer columns)
REAL = (
    (
        "NHS Friends and Family Test (real)",
        "nhs-fft-phase1/text_data.csv",
        "bench-nhs-fft",
        'id = "row_index"\ntext = ["feedback"]\nattributes = ["organization", "question"]',
        ("feedback",),
    ),
    (
        "regulations.gov CMS-2025-0050 (real)",
        "regulations-gov-cms-2025-0050/CMS-2025-0050-0031.csv",
        "bench-regulations-gov",
        "",
        ("Comment",),
    ),
)


def real_cases(root: Path, shared: Path = SHARED_DATA) -> list[Case]:
    """The real datasets present in ``shared``, each as the responses of a consultation under ``root``."""
    cases = []
    for name, relative, slug, keys, columns in REAL:
        data = shared / relative
        if not data.is_file():
            continue
        folder = root / slug
        folder.mkdir(parents=True, exist_ok=True)
        config = _consultation_file(folder, name, slug, f'path = "{data.resolve()}"\n{keys}'.strip())
        cases.append(Case(name, config, slug, data, columns))
    return cases


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


def plain_pipeline(csv_path: Path, columns: Sequence[str]) -> None:
    """What a user would write: every answer embedded (batch 32), then BERTopic with its defaults."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import polars as pl
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from models.embed import default_model_path

    frame = pl.read_csv(csv_path, infer_schema_length=0)
    texts = [t for c in columns for t in frame[c].drop_nulls().to_list() if t.strip()]
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


def bench_case(case: Case, root: Path, plain: bool = True) -> dict[str, Any]:
    """Analyse ``case`` cold, re-run it (with and without a running Prefect server), run the plain pipeline."""
    workspace = root / f"workspace-{case.slug}"
    shutil.rmtree(workspace, ignore_errors=True)
    analyse = [sys.executable, "-m", "flows.cli", "analyse", str(case.config), "-w", str(workspace)]
    cold = measured(analyse)
    runs = sorted((workspace / case.slug / "runs").iterdir())
    manifest = json.loads((runs[-1] / "manifest.json").read_text())
    rerun = measured(analyse)
    server = _with_server(workspace)
    try:
        rerun_served = measured(analyse)
    finally:
        server.terminate()
        server.wait(timeout=60)
    counts = manifest["counts"]
    embed_seconds = manifest["timings_s"]["embed"]
    responses_source = manifest["inputs"][0]["source_id"]  # the first source: the responses file
    row = {
        "name": case.name,
        "measured_at": time.strftime("%Y-%m-%d"),
        "responses": manifest["accounting"]["by_source"][responses_source]["rows_read"],
        "analysed": counts["responses"],
        "passages": counts.get("passages"),
        "themes": counts.get("themes"),
        "cold_seconds": round(cold["seconds"], 1),
        "cold_peak_rss_mb": round(cold["peak_rss_mb"]),
        "steps_seconds": manifest["timings_s"],
        "steps_peak_rss_mb": manifest.get("peak_rss_mb", {}),
        "rerun_seconds": round(rerun["seconds"], 1),
        "rerun_with_server_seconds": round(rerun_served["seconds"], 1),
        "embedded_per_s": round(counts["passages_embedded_new"] / embed_seconds) if embed_seconds else None,
    }
    if plain:
        figures = measured([sys.executable, "-m", "flows.bench", "plain", str(case.responses_csv), *case.text_columns])
        row |= {
            "plain_embedded_per_s": round(figures["texts"] / figures["embed_seconds"]),
            "plain_seconds": round(figures["seconds"], 1),
            "plain_peak_rss_mb": round(figures["peak_rss_mb"]),
            "throughline_vs_plain": round(figures["seconds"] / cold["seconds"], 2),
        }
    return row


def bench_size(responses: int, root: Path) -> dict[str, Any]:
    """Generate a consultation of ``responses`` responses and measure it."""
    return bench_case(generated_case(responses, root), root)


def table(results: dict[str, Any]) -> str:
    """The Markdown table of ``results`` for docs/PERFORMANCE.md."""
    lines = [
        f"Measured on {results['machine']} with `make bench` (`throughline bench`; one consultation: "
        "`throughline bench --sizes 10000 --no-real`).",
        "",
        "| consultation | responses | passages | themes | cold run | steps (s) "
        "| re-run unchanged (with `throughline server`) | peak RSS | embedded/s (plain) | plain pipeline "
        "| plain ÷ Throughline | measured |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["cases"]:
        steps = ", ".join(f"{k} {v:g}" for k, v in r["steps_seconds"].items())
        plain = f"{r['plain_seconds']} s, {r['plain_peak_rss_mb']:,} MB" if "plain_seconds" in r else "not run"
        lines.append(
            f"| {r['name']} | {r['responses']:,} | {r['passages']:,} | {r['themes']} | {r['cold_seconds']} s "
            f"| {steps} | {r['rerun_seconds']} s ({r.get('rerun_with_server_seconds', '–')} s) "
            f"| {r['cold_peak_rss_mb']:,} MB{_peak_step(r)} | {r.get('embedded_per_s', '–')} ({r.get('plain_embedded_per_s', '–')}) "
            f"| {plain} | {r.get('throughline_vs_plain', '–')} "
            f"| {r.get('measured_at', '–')} |"
        )
    return "\n".join(lines)


def _peak_step(row: dict[str, Any]) -> str:
    """`` (in themes)``: the step after which the flow's high-water mark was highest, where recorded."""
    from flows.runs import peak_step

    top = peak_step(row.get("steps_peak_rss_mb") or {})
    return "" if top is None else f" (in {top})"


def _earlier_rows(path: Path) -> list[dict[str, Any]]:
    """The rows already in ``path`` (results.json), the first layout (``sizes``, no names) included."""
    if not path.is_file():
        return []
    earlier = json.loads(path.read_text(encoding="utf-8"))
    if "cases" in earlier:
        return list(earlier["cases"])
    return [
        {"name": f"generated {r['responses']:,}", "measured_at": earlier.get("measured_at"), **r}
        for r in earlier.get("sizes", [])
    ]


def _order(row: dict[str, Any]) -> tuple[bool, int, str]:
    """Generated consultations by size, then the real datasets by name."""
    return (not row["name"].startswith("generated"), row["responses"], row["name"])


def bench(
    sizes: list[int],
    root: Path,
    real: bool = True,
    plain: bool = True,
    results_path: Path = RESULTS,
    performance: Path | None = PERFORMANCE,
) -> dict[str, Any]:
    """Measure the generated ``sizes`` (and the real datasets); update ``results_path`` and the table in ``performance``.

    Rows for consultations not measured this time are kept from the earlier results, with their dates.
    """
    cases = [generated_case(n, root) for n in sizes] + (real_cases(root) if real else [])
    measured_now = [bench_case(case, root, plain) for case in cases]
    names = {r["name"] for r in measured_now}
    rows = [r for r in _earlier_rows(results_path) if r["name"] not in names] + measured_now
    results = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "cases": sorted(rows, key=_order),
    }
    results_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if performance is not None:
        _write_table(performance, table(results))
    return results


def _write_table(performance: Path, rendered: str) -> None:
    """Put ``rendered`` between the markers in ``performance`` (appended with a heading the first time)."""
    text = performance.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{rendered}\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Whole analysis by size (`make bench`)\n\n" + block + "\n"
    performance.write_text(text, encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:2] == ["plain"]:  # the plain pipeline, in its own process
    plain_pipeline(Path(sys.argv[2]), sys.argv[3:])
