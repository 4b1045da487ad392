"""The alias table: ACLED's names for the graph's actors and places (seeds/acled-aliases.csv and the user's own)."""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import MalikgError
from ..resources import seeds_dir
from .codebook import ALIAS_KINDS
from .names import normal as _normal


@dataclass(frozen=True)
class Alias:
    kind: str
    acled_name: str
    malikg_id: str
    file: str
    line: int


class AliasTable:
    """ACLED names -> malikg ids. Later tables win over earlier ones; in one table, the first row
    for an id is the name ``export_csv`` writes for it."""

    def __init__(self, tables: list[list[Alias]]):
        self.tables = tables
        self._lookup: dict[tuple[str, str], Alias] = {}
        for table in tables:
            for alias in table:
                self._lookup[(alias.kind, _normal(alias.acled_name))] = alias

    def find(self, kinds: Iterable[str], name: str) -> Alias | None:
        key = _normal(name)
        for kind in kinds:
            alias = self._lookup.get((kind, key))
            if alias is not None:
                return alias
        return None

    def acled_name(self, kinds: Iterable[str], malikg_id: str) -> str | None:
        for kind in kinds:
            for table in reversed(self.tables):
                for alias in table:
                    if alias.kind == kind and alias.malikg_id == malikg_id:
                        return alias.acled_name
        return None

    def __iter__(self) -> Iterator[Alias]:
        for table in self.tables:
            yield from table


def default_aliases_path() -> Path:
    return seeds_dir() / "acled-aliases.csv"


def read_aliases(*extra: str | os.PathLike) -> AliasTable:
    """The bundled alias table plus ``extra`` tables (columns kind, acled_name, malikg_id)."""
    return AliasTable([_read_alias_file(Path(p)) for p in (default_aliases_path(), *extra)])


def _read_alias_file(path: Path) -> list[Alias]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MalikgError(f"cannot read the alias table: {error.strerror}", file=str(path)) from None
    except UnicodeDecodeError:
        raise MalikgError("the alias table is not UTF-8 text", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:3] != ["kind", "acled_name", "malikg_id"]:
            raise MalikgError("the alias table's header must be: kind,acled_name,malikg_id", file=str(path))
        aliases, seen = [], {}
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) < 3:
                raise MalikgError("needs three columns: kind,acled_name,malikg_id", file=str(path),
                                  record=f"line {line}")
            kind, name, target = (f.strip() for f in fields[:3])
            if kind not in ALIAS_KINDS:
                raise MalikgError(f"unknown kind {kind!r}; expected one of: {', '.join(ALIAS_KINDS)}",
                                  file=str(path), record=f"line {line}", field="kind")
            if not name or not target:
                raise MalikgError("empty name or id", file=str(path), record=f"line {line}")
            key = (kind, _normal(name))
            if key in seen and seen[key].malikg_id != target:
                raise MalikgError(f"{name!r} is already mapped to {seen[key].malikg_id!r} on line "
                                  f"{seen[key].line}", file=str(path), record=f"line {line}")
            alias = Alias(kind, name, target, str(path), line)
            seen.setdefault(key, alias)
            aliases.append(alias)
    except csv.Error as error:
        raise MalikgError(f"broken CSV: {error}", file=str(path), record=f"line {reader.line_num}") from None
    return aliases
