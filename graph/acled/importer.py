"""Importing an ACLED export into a store: check and write the triples, then one bulk load."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..errors import MalikgError
from ..namespaces import base_iri
from .aliases import AliasTable, read_aliases
from .codebook import _DEPTH, Progress, codebook
from .reader import _rows
from .report import AcledImportFailed, ImportReport, NameMatch
from .resolve import _Resolver
from .triples import _Emitter


def import_csv(store, path: str | os.PathLike, *, strict: bool = False, aliases: AliasTable | None = None,
               progress: Progress | None = None, base: str | None = None) -> ImportReport:
    """Import the ACLED export at ``path`` into ``store`` and report how its names were resolved.

    Bad rows (missing date, impossible coordinates, unknown event type, broken quoting, ...)
    are skipped and listed in ``report.bad_rows``; with ``strict`` any bad row raises
    AcledImportFailed and nothing is loaded. The load itself is all or nothing.
    """
    if getattr(store, "query_url", None) and not (getattr(store, "update_url", None)
                                                  or getattr(store, "data_url", None)):
        raise MalikgError(f"{store.query_url} is read-only here: give an update or Graph Store URL "
                          "to import into it")
    folder = getattr(store, "path", None)  # a DiskStore: stage the triples on its disk, not in /tmp
    with tempfile.TemporaryDirectory(prefix="malikg-acled-", dir=Path(folder).parent if folder else None) as tmp:
        triples = Path(tmp) / "acled.nt"
        report = write_triples(store, path, triples, aliases=aliases, progress=progress, base=base)
        if strict and report.bad_rows:
            raise AcledImportFailed(report)
        before = store.triple_count()
        loading = (lambda done, total: progress("loading", done, total)) if progress else None
        store.load(triples, ox.RdfFormat.N_TRIPLES, progress=loading)
        report.triples_added = store.triple_count() - before
        report.loaded = True
    return report


def write_triples(store, path: str | os.PathLike, output: str | os.PathLike, *,
                  aliases: AliasTable | None = None, progress: Progress | None = None,
                  base: str | None = None) -> ImportReport:
    """Write the N-Triples an import of ``path`` would load into ``store`` to ``output``.

    Names are resolved against ``store``; nothing is loaded. ``import_csv`` is this, then one
    bulk load.
    """
    path = Path(path)
    base = base or base_iri()
    book = codebook()
    report = ImportReport(file=str(path))
    resolver = _Resolver(store, aliases if aliases is not None else read_aliases(), base)
    with open(output, "w", encoding="utf-8", newline="\n") as out:
        emitter = _Emitter(resolver, book, base, out, store)
        for row in _rows(path, book, report, progress):
            if emitter.own_event_present(row):
                report.own_events += 1
                continue
            report.events += 1
            if row.acled_id not in resolver.acled_ids:
                report.new_events += 1
            emitter.emit(row)
    report.missing_alias_targets = resolver.missing
    report.names = sorted(
        (NameMatch(kind, name, node.malikg_id, node.how, emitter.name_events[(kind, name)])
         for (kind, name), node in emitter.name_nodes.items()),
        key=lambda m: (_DEPTH.get(m.kind, -1), -m.events, m.acled_name))
    return report
