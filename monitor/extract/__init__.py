"""Extractors: pure functions from fetched page text to what the website rules observe."""
