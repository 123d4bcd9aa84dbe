"""Where the package's data lives: the schema, the templates and the hint catalog.

In a wheel they are shipped under hint2policy/_data; in a checkout (editable
install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
SCHEMA_DIR = PACKAGE_DIR / "schema"


def _data_dir(name: str) -> Path:
    shipped = PACKAGE_DIR / "_data" / name
    return shipped if shipped.is_dir() else REPO_DIR / name


def templates_dir() -> Path:
    """The Jinja templates, one folder per target."""
    return _data_dir("templates")


def default_hints_dir() -> Path:
    """The hint catalog that ships with hint2policy."""
    return _data_dir("hints")


def in_checkout() -> bool:
    """True when running from a source checkout rather than an installed wheel."""
    return (REPO_DIR / "pyproject.toml").is_file() and (REPO_DIR / "hints").is_dir()
