"""Downloading: a polite, bounded, safe HTTP client and the decoding of what it brings back."""
