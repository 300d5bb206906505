"""Pure, typed analysis steps over Polars frames (see docs/ARCHITECTURE.md)."""
