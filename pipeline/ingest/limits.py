"""Refuse, before reading it, a file too large to read in this machine's memory.

Readers hold a whole file in memory (Polars frames, parsed documents); at 1,000,000 survey rows
(243 MB) ingest peaks at 1.8 GB, about 8 times the file (docs/PERFORMANCE.md). A file whose
expected footprint is more than the memory available now is refused with a message naming it,
its size and what to do, instead of an out-of-memory kill halfway through a run.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.ingest.base import IngestError

# Memory needed per byte of file, by format (compressed formats unpack to many times their size).
FOOTPRINT = {"xlsx": 40, "docx": 30, "pdf": 20, "json": 12, "cdp-json": 12, "turns-json": 12, "decidim": 10}
DEFAULT_FOOTPRINT = 8


def available_memory() -> int:
    """Bytes of memory available to a new allocation now (MemAvailable on Linux)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def check_size(path: Path, fmt: str) -> None:
    """Raise ``IngestError`` if reading ``path`` as ``fmt`` would need more memory than is available."""
    size = path.stat().st_size
    needed = size * FOOTPRINT.get(fmt, DEFAULT_FOOTPRINT)
    free = available_memory()
    if needed > free:
        raise IngestError(
            f"{path}: {size / 1e6:,.0f} MB is too large to read here (about {needed / 1e9:.1f} GB of memory "
            f"needed, {free / 1e9:.1f} GB available). Split it into parts, each its own [[sources]] entry "
            "in the consultation file, or analyse it on a machine with more memory"
        )
