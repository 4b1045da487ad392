"""Where the bundled ontology, queries and seeds live at run time.

A wheel carries them inside the package (``graph/_data``); an editable install or a
source checkout finds them at the repository root, beside the package.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``queries`` or ``seeds``) as installed."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"malikg: bundled folder {name!r} is missing from the installation")


def ontology_dir() -> Path:
    return resource_dir("ontology")


def queries_dir() -> Path:
    return resource_dir("queries")


def seeds_dir() -> Path:
    return resource_dir("seeds")
