"""Where the packaged defaults live: beside the package in a source tree, inside it in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_config_path() -> Path:
    """The default config.toml: the repository's top-level one, or the copy a wheel carries."""
    for candidate in (_PACKAGE_DIR.parent / "config.toml", _PACKAGE_DIR / "_data" / "config.toml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("govmon's default config.toml is missing from the installation")
