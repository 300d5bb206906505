"""Benchmark: ingest a generated survey CSV of N rows (default 1,000,000); report time and peak RSS.

Run ``python -m benchmarks.ingest_csv [--rows N]`` (``make bench-ingest``). Writes the figures to
``benchmarks/ingest_csv.json``. The CSV is generated once into ``benchmarks/.data/`` and reused.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import time
from pathlib import Path

from pipeline.config import Source
from pipeline.ingest import ingest_source

HERE = Path(__file__).resolve().parent
WORDS = [
    "parking",
    "buses",
    "cycle",
    "lane",
    "pavement",
    "school",
    "traffic",
    "toilets",
    "bench",
    "market",
    "square",
    "charges",
    "evening",
    "Sunday",
    "safe",
    "crossing",
    "speed",
    "limit",
    "residents",
    "permit",
    "commuters",
    "station",
    "harbour",
    "ring",
    "road",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A survey export: id, ward, age band, two free-text answers (some blank, some quoted, multi-line)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Response ID,Ward,Age band,Q1 What is the problem?,Q2 What should change?\n")
        for n in range(rows):
            q1 = " ".join(rng.choices(WORDS, k=rng.randint(3, 40)))
            q2 = (
                ""
                if rng.random() < 0.3
                else '"'
                + " ".join(rng.choices(WORDS, k=rng.randint(2, 25)))
                + ('\nand more, "quoted"'.replace('"', '""') if rng.random() < 0.05 else "")
                + '"'
            )
            q1 = "" if rng.random() < 0.02 else q1
            fh.write(f"R{n:07d},Ward {rng.randint(1, 20)},{rng.choice(['18-24', '25-44', '45-64', '65+'])},{q1},{q2}\n")


def main() -> None:
    """Generate the CSV if needed, ingest it, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    data = HERE / ".data"
    data.mkdir(exist_ok=True)
    path = data / f"survey-{args.rows}.csv"
    if not path.exists():
        generate(path, args.rows)
    source = Source.model_validate(
        {"path": path, "kind": "responses", "stage": "problem", "id": "Response ID", "text": ["Q1", "Q2"]}
    )
    started = time.perf_counter()
    got = ingest_source(source, "bench")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "seconds": round(seconds, 1),
        "rows_per_second": round(args.rows / seconds),
        "peak_rss_mb": round(peak_mb),
        "analysed": got.rows_analysed,
        "rejected": got.rows_rejected,
        "merged": got.rows_merged,
        "reconciles": got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged,
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    (HERE / "ingest_csv.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
