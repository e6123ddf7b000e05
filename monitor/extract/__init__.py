"""Extractors: pure functions from decoded HTML to observations (no I/O)."""
