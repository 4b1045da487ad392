"""The import report: what an import read, matched, minted and skipped, as ``malikg import-acled`` prints it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import MalikgError
from .aliases import Alias


@dataclass(frozen=True)
class NameMatch:
    """How one ACLED name was resolved: ``how`` is "alias", "label" or "new"."""

    kind: str          # actor, country, admin1, admin2, admin3 or location
    acled_name: str
    malikg_id: str
    how: str
    events: int


@dataclass(frozen=True)
class BadRow:
    """A skipped row. ``line`` counts the file's lines from 1 (the header); ``row`` is the
    spreadsheet row, which differs only after a note that runs over several lines."""

    line: int
    row: int
    event_id: str
    reason: str

    def where(self) -> str:
        spot = f"line {self.line}" if self.row == self.line else f"line {self.line} (spreadsheet row {self.row})"
        return f"{spot}{f' [{self.event_id}]' if self.event_id else ''}"

    def text(self) -> str:
        return f"{self.where()}: {self.reason}"


@dataclass
class ImportReport:
    """What ``import_csv`` did; ``render()`` is what ``malikg import-acled`` prints."""

    file: str
    layout: str = ""
    rows: int = 0
    events: int = 0
    new_events: int = 0
    own_events: int = 0
    replaced: int = 0          # in the store with an older timestamp: the old account removed whole
    unchanged: int = 0         # in the store with the same timestamp and the same values
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (event_id_cnty, why) for kept accounts
    triples_added: int = 0
    triples_removed: int = 0
    replaced_events: list[str] = field(default_factory=list)       # IRIs of the accounts replaced
    loaded: bool = False
    delimiter: str = ""        # "semicolon" or "tab" when not a comma
    names: list[NameMatch] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)                 # read, but worth a look
    missing_alias_targets: list[Alias] = field(default_factory=list)

    @property
    def added(self) -> int:
        return self.new_events

    @property
    def actors(self) -> list[NameMatch]:
        return [n for n in self.names if n.kind == "actor"]

    @property
    def places(self) -> list[NameMatch]:
        return [n for n in self.names if n.kind != "actor"]

    def matched(self, kind: str | None = None) -> dict[str, str]:
        """ACLED name -> malikg id for the names found in the graph (``kind`` "actor" or a place level)."""
        return {n.acled_name: n.malikg_id for n in self.names
                if n.how != "new" and (kind is None or n.kind == kind)}

    def unmatched(self, kind: str | None = None) -> dict[str, str]:
        """ACLED name -> the new id minted for it."""
        return {n.acled_name: n.malikg_id for n in self.names
                if n.how == "new" and (kind is None or n.kind == kind)}

    def events_by_actor(self) -> dict[str, int]:
        """malikg actor id -> events imported in which it takes part (under any of its ACLED names)."""
        totals: Counter = Counter()
        for n in self.actors:
            totals[n.malikg_id] += n.events
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))

    def render(self) -> str:
        layout = self.layout + (f", {self.delimiter}-delimited" if self.delimiter else "")
        lines = [f"ACLED import of {self.file} (layout: {layout})",
                 f"  {_plural(self.rows, 'row')} read: {_plural(self.events, 'event')}: {self.new_events} added, "
                 f"{self.replaced} replaced (newer timestamp), {self.unchanged} unchanged, "
                 f"{len(self.skipped)} skipped (the store's account kept); "
                 f"{_plural(self.own_events, 'own incident')} of malikg's already in the store; "
                 f"{_plural(len(self.bad_rows), 'bad row')} skipped",
                 f"  {self.triples_added} triples added to the store, {self.triples_removed} removed"
                 if self.loaded else "  nothing was loaded"]
        for title, names in (("actors matched", [n for n in self.actors if n.how != "new"]),
                             ("actors not matched (new actors)", [n for n in self.actors if n.how == "new"]),
                             ("places matched", [n for n in self.places if n.how != "new"]),
                             ("places not matched (new places)", [n for n in self.places if n.how == "new"])):
            lines.append(f"{title}: {len(names)}")
            width = max((len(self._shown(n)) for n in names), default=0)
            for n in names:
                how = "" if n.how == "new" else f"  by {n.how}"
                lines.append(f"  {self._shown(n).ljust(width)}  -> {n.malikg_id}{how}  "
                             f"({_plural(n.events, 'event')})")
        totals = self.events_by_actor()
        lines.append(f"events per actor: {len(totals)}")
        width = max((len(a) for a in totals), default=0)
        lines.extend(f"  {actor.ljust(width)}  {n:>6}" for actor, n in totals.items())
        if self.missing_alias_targets:
            lines.append("alias rows whose id is not in the graph (ignored):")
            lines.extend(f"  {a.file}, line {a.line}: {a.kind} {a.acled_name!r} -> {a.malikg_id}"
                         for a in self.missing_alias_targets)
        if self.skipped:
            lines.append(f"skipped, the store's account kept: {len(self.skipped)}")
            lines.extend(f"  {event}: {why}" for event, why in self.skipped)
        if self.notes:
            lines.append(f"notes: {len(self.notes)}")
            lines.extend(f"  {note}" for note in self.notes)
        if self.bad_rows:
            lines.append(f"bad rows: {len(self.bad_rows)} (line 1 is the header)")
            lines.extend(f"  {bad.text()}" for bad in self.bad_rows)
        return "\n".join(lines) + "\n"

    @staticmethod
    def _shown(n: NameMatch) -> str:
        return n.acled_name if n.kind == "actor" else f"{n.kind} {n.acled_name}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class AcledImportFailed(MalikgError):
    """--strict and the file has bad rows: nothing was loaded. ``report`` lists them all."""

    def __init__(self, report: ImportReport):
        self.report = report
        first = report.bad_rows[0]
        more = f" (and {len(report.bad_rows) - 1} more bad rows)" if len(report.bad_rows) > 1 else ""
        super().__init__(f"{first.text()}{more}; --strict: nothing was loaded", file=report.file)
