"""The alias table: how ACLED's names link to the graph's actors and places (seeds/acled-aliases.csv
and the user's own tables).

A row links one name ACLED writes to one id of the graph. ACLED's names stay ACLED's: the table
does not make them the graph actor's aliases; the import keeps each name as ACLED wrote it on the
event it came with (``mk:nameInSource``) and points the participation at the linked actor.

Columns (only the first three are required, so a table of one's own may be just those):

* ``kind``: actor, country, admin1, admin2, admin3, location, or place (any level);
* ``acled_name``: the name as ACLED writes it (compared without accents, case or spacing);
* ``malikg_id``: the graph's actor or place. An id starting with ``acled-`` is an actor the import
  mints, shared by every name of that row's kind (ACLED's period names of the police); an admin1
  row with no id is a region the graph lacks, minted by the import;
* ``link``: ``same`` (the name names that actor or place; the default), ``affiliate`` (an actor of
  its own, affiliated with ``malikg_id``: Katiba Macina and JNIM), ``successor`` (an actor of its own
  that took over the role of ``malikg_id``: Africa Corps and Wagner);
* ``from``, ``until``: the period in which ACLED uses the name (YYYY or YYYY-MM-DD; ``until``
  excluded), from which export picks the name ACLED would write at an incident's date;
* ``within``: for places below admin1, the admin1 names (``;``-separated) the place must lie in;
* ``formed_from``: for an admin1 region, the region(s) it was created out of in a reorganisation;
* ``note``: why the row says what it says.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import MalikgError
from ..resources import seeds_dir
from .codebook import ALIAS_KINDS
from .names import normal as _normal

#: What a row may say about its name and id.
LINKS = ("same", "affiliate", "successor")
#: The columns a table may have, in the bundled table's order.
ALIAS_COLUMNS = ("kind", "acled_name", "malikg_id", "link", "from", "until", "within", "formed_from", "note")
#: The prefix of ids the import mints rather than finds in the graph.
MINTED_PREFIX = "acled-"


@dataclass(frozen=True)
class Alias:
    kind: str
    acled_name: str
    malikg_id: str
    file: str
    line: int
    link: str = "same"
    start: dt.date | None = None
    end: dt.date | None = None
    within: tuple[str, ...] = ()          # normalised admin1 names
    formed_from: tuple[str, ...] = ()     # normalised admin1 names
    note: str = ""

    def covers(self, day: dt.date | None) -> bool:
        """Whether ACLED uses the name on ``day`` (any day when the row gives no period)."""
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    @property
    def minted(self) -> bool:
        return self.malikg_id.startswith(MINTED_PREFIX) or not self.malikg_id


class AliasTable:
    """ACLED names -> rows of the table. Later tables win over earlier ones."""

    def __init__(self, tables: list[list[Alias]]):
        self.tables = tables
        self._lookup: dict[tuple[str, str], Alias] = {}
        self.formed_from: dict[str, tuple[str, ...]] = {}
        for table in tables:
            for alias in table:
                self._lookup[(alias.kind, _normal(alias.acled_name))] = alias
                if alias.kind == "admin1" and alias.formed_from:
                    self.formed_from[_normal(alias.acled_name)] = alias.formed_from

    def find(self, kinds: Iterable[str], name: str) -> Alias | None:
        key = _normal(name)
        for kind in kinds:
            alias = self._lookup.get((kind, key))
            if alias is not None:
                return alias
        return None

    def acled_name(self, kinds: Iterable[str], malikg_id: str, day: dt.date | None = None) -> str | None:
        """The name ACLED writes for ``malikg_id`` on ``day``: the first ``same`` row whose period
        holds the day, the user's tables first."""
        for kind in kinds:
            for table in reversed(self.tables):
                for alias in table:
                    if (alias.kind == kind and alias.malikg_id == malikg_id and alias.link == "same"
                            and alias.covers(day)):
                        return alias.acled_name
        return None

    def __iter__(self) -> Iterator[Alias]:
        for table in self.tables:
            yield from table


def default_aliases_path() -> Path:
    return seeds_dir() / "acled-aliases.csv"


def read_aliases(*extra: str | os.PathLike) -> AliasTable:
    """The bundled alias table plus ``extra`` tables (columns kind, acled_name, malikg_id, ...)."""
    return AliasTable([_read_alias_file(Path(p)) for p in (default_aliases_path(), *extra)])


def _period_day(text: str, path: Path, line: int, column: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date(int(text), 1, 1) if text.isascii() and text.isdigit() and len(text) == 4 \
            else dt.date.fromisoformat(text)
    except ValueError:
        raise MalikgError(f"{text!r} is neither YYYY nor YYYY-MM-DD", file=str(path), record=f"line {line}",
                          field=column) from None


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
            raise MalikgError("the alias table's header must start with: kind,acled_name,malikg_id", file=str(path))
        unknown = [h for h in header if h not in ALIAS_COLUMNS]
        if unknown:
            raise MalikgError(f"unknown column(s) {', '.join(unknown)}; the columns are: {', '.join(ALIAS_COLUMNS)}",
                              file=str(path))
        aliases, seen = [], {}
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) < 3:
                raise MalikgError("needs three columns: kind,acled_name,malikg_id", file=str(path),
                                  record=f"line {line}")
            row = dict(zip(header, (f.strip() for f in fields)))
            kind, name, target = row["kind"], row["acled_name"], row["malikg_id"]
            link = row.get("link") or "same"
            where = {"file": str(path), "record": f"line {line}"}
            if kind not in ALIAS_KINDS:
                raise MalikgError(f"unknown kind {kind!r}; expected one of: {', '.join(ALIAS_KINDS)}",
                                  **where, field="kind")
            if link not in LINKS:
                raise MalikgError(f"unknown link {link!r}; expected one of: {', '.join(LINKS)}", **where,
                                  field="link")
            if not name or (not target and kind != "admin1"):
                raise MalikgError("empty name or id", **where)
            if link != "same" and (kind != "actor" or target.startswith(MINTED_PREFIX)):
                raise MalikgError(f"link {link!r} ties an actor of its own to an actor of the graph", **where,
                                  field="link")
            key = (kind, _normal(name))
            if key in seen and seen[key].malikg_id != target:
                raise MalikgError(f"{name!r} is already mapped to {seen[key].malikg_id!r} on line "
                                  f"{seen[key].line}", **where)
            names = lambda column: tuple(_normal(n) for n in row.get(column, "").split(";") if n.strip())  # noqa: E731
            alias = Alias(kind, name, target, str(path), line, link,
                          _period_day(row.get("from", ""), path, line, "from"),
                          _period_day(row.get("until", ""), path, line, "until"),
                          names("within"), names("formed_from"), row.get("note", ""))
            seen.setdefault(key, alias)
            aliases.append(alias)
    except csv.Error as error:
        raise MalikgError(f"broken CSV: {error}", file=str(path), record=f"line {reader.line_num}") from None
    return aliases
