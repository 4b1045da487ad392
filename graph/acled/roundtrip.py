"""How much of an ACLED file an import and an export give back: the share of cells, per column,
that come back exactly as the original file wrote them.

Rows are paired by event_id_cnty (in a dyadic file, by event_id_cnty and actor); rows of the
export that the original did not have (the graph's own incidents, other imports) are ignored.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import DELIMITERS
from .reader import _is_hxl


@dataclass
class RoundTrip:
    """Per column: how many of the original's cells came back unchanged, and examples of the rest."""

    original: str
    rows: int = 0
    same: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    missing_rows: list[str] = field(default_factory=list)
    differences: list[tuple[str, str, str, str]] = field(default_factory=list)  # (row, column, was, is)

    def share(self, column: str | None = None) -> float:
        same = self.same.get(column, 0) if column else sum(self.same.values())
        total = self.total.get(column, 0) if column else sum(self.total.values())
        return same / total if total else 1.0

    def render(self) -> str:
        lines = [f"round trip of {self.original}: {self.rows} rows, {sum(self.same.values())} of "
                 f"{sum(self.total.values())} cells back unchanged ({100 * self.share():.1f}%)"]
        lines.extend(f"  {column:<18} {self.same[column]:>5}/{self.total[column]:<5} {100 * self.share(column):6.1f}%"
                     for column in self.total)
        if self.missing_rows:
            lines.append(f"  rows not exported: {', '.join(self.missing_rows)}")
        lines.extend(f"  {row} {column}: {was!r} -> {now!r}" for row, column, was, now in self.differences)
        return "\n".join(lines) + "\n"


def _read(path: Path) -> tuple[list[str], list[dict]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    body = rows[2:] if len(rows) > 1 and _is_hxl(rows[1]) else rows[1:]
    return header, [dict(zip(header, r)) for r in body if any(c.strip() for c in r)]


def compare(original: str | os.PathLike, exported: str | os.PathLike) -> RoundTrip:
    """Compare every cell of ``original`` with the same row and column of ``exported``."""
    header, before = _read(Path(original))
    _, after = _read(Path(exported))
    dyadic = "actor2" not in header
    key = (lambda r: (r.get("event_id_cnty", ""), r.get("actor1", ""))) if dyadic else \
        (lambda r: r.get("event_id_cnty", ""))
    found = {key(r): r for r in after}
    result = RoundTrip(str(original))
    for row in before:
        result.rows += 1
        other = found.get(key(row))
        if other is None:
            result.missing_rows.append(str(key(row)))
        for column in header:
            was, now = row.get(column, "").strip(), (other or {}).get(column, "").strip()
            result.total[column] = result.total.get(column, 0) + 1
            if other is not None and was == now:
                result.same[column] = result.same.get(column, 0) + 1
            else:
                result.same.setdefault(column, 0)
                if other is not None:
                    result.differences.append((str(key(row)), column, was, now))
    return result
