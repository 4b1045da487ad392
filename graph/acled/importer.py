"""Importing an ACLED export into a store: check and write the triples, then one bulk load.

ACLED's event_id_cnty is the identity of ACLED's account and its timestamp the version: a row
newer than the store's account replaces that account whole (its old triples are removed); the
same version is left as it is; an older one is skipped. The report says which and why.
"""
from __future__ import annotations

import datetime as dt
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
from .select import _select
from .triples import _Emitter

#: How many accounts one removal query names.
_BATCH = 500


def import_csv(store, path: str | os.PathLike, *, strict: bool = False, aliases: AliasTable | None = None,
               progress: Progress | None = None, base: str | None = None) -> ImportReport:
    """Import the ACLED export at ``path`` into ``store`` and report how its names were resolved.

    Bad rows (missing date, impossible coordinates, unknown event type, broken quoting, ...)
    are skipped and listed in ``report.bad_rows``; with ``strict`` any bad row raises
    AcledImportFailed and nothing is loaded. Accounts already in the store are replaced by a
    newer version (timestamp), left alone otherwise. The load itself is all or nothing: if it
    fails, the replaced accounts are put back.
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
        old = _old_accounts(store, report.replaced_events)
        if old:
            _change(store, "DELETE", old)
        try:
            store.load(triples, ox.RdfFormat.N_TRIPLES, progress=progress)
        except BaseException:
            if old:
                _change(store, "INSERT", old)
            raise
        if old:
            _remove_orphans(store, old, base or base_iri())
        after = store.triple_count()
        report.triples_removed = len(old)
        report.triples_added = after - before + len(old)
        report.loaded = True
    return report


def write_triples(store, path: str | os.PathLike, output: str | os.PathLike, *,
                  aliases: AliasTable | None = None, progress: Progress | None = None,
                  base: str | None = None) -> ImportReport:
    """Write the N-Triples an import of ``path`` would load into ``store`` to ``output``.

    Names are resolved against ``store``; nothing is loaded. ``import_csv`` is this, then the
    removal of the accounts it replaces and one bulk load. ``report.replaced_events`` names the
    events whose stored account these triples replace.
    """
    path = Path(path)
    base = base or base_iri()
    book = codebook()
    report = ImportReport(file=str(path))
    resolver = _Resolver(store, aliases if aliases is not None else read_aliases(), base)
    stored = _stored_versions(store)
    with open(output, "w", encoding="utf-8", newline="\n") as out:
        emitter = _Emitter(resolver, book, base, out, store)
        for row in _rows(path, book, report, progress):
            if emitter.own_event_present(row):
                report.own_events += 1
                continue
            report.events += 1
            if row.acled_id in stored:
                event, version = stored[row.acled_id]
                verdict = _compare(row.timestamp, version)
                if verdict == "newer":
                    report.replaced += 1
                    report.replaced_events.append(event)
                elif verdict == "same":
                    report.unchanged += 1
                    continue
                else:
                    report.skipped.append((row.acled_id, verdict))
                    continue
            else:
                report.new_events += 1
            stored[row.acled_id] = (f"{base}event/{emitter.event_slug(row.acled_id)}", row.timestamp)
            emitter.emit(row)
    report.missing_alias_targets = resolver.missing
    report.names = sorted(
        (NameMatch(kind, name, node.malikg_id, node.how, emitter.name_events[key])
         for key, node in emitter.name_nodes.items() for kind, name, _ in (key,)),
        key=lambda m: (_DEPTH.get(m.kind, -1), -m.events, m.acled_name, m.malikg_id))
    return report


def _stored_versions(store) -> dict[str, tuple[str, dt.datetime | None]]:
    """event_id_cnty -> (event IRI, the timestamp of the account the store holds)."""
    found = {}
    for ident, event, modified in _select(store, """
            SELECT ?id ?e ?modified WHERE { ?e mk:acledEventId ?id .
              OPTIONAL { ?e prov:wasDerivedFrom/oa:hasSource/dcterms:modified ?modified } }"""):
        stamp = dt.datetime.fromisoformat(modified.replace("Z", "+00:00")) if modified else None
        if ident not in found or (stamp and (found[ident][1] is None or stamp > found[ident][1])):
            found[ident] = (event, stamp)
    return found


def _compare(incoming: dt.datetime | None, stored: dt.datetime | None) -> str:
    """"newer", "same", or why the row is skipped."""
    if incoming == stored:
        return "same"
    if incoming is None:
        return f"no timestamp, so not known to be newer than the store's account ({_stamp(stored)})"
    if stored is None or incoming > stored:
        return "newer"
    return f"older than the store's account (timestamp {_stamp(incoming)} < {_stamp(stored)})"


def _stamp(value: dt.datetime) -> str:
    return str(int(value.timestamp()))


def _old_accounts(store, events: list[str]) -> list[str]:
    """The triples of the accounts of ``events`` the store holds, as N-Triples lines: the event,
    its participations, harms, evidence and record, and every quote of that evidence."""
    lines: list[str] = []
    for start in range(0, len(events), _BATCH):
        values = " ".join(f"<{e}>" for e in events[start:start + _BATCH])
        for query in (f"""
                CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?e {{ {values} }}
                  {{ ?e a mk:Event . BIND(?e AS ?s) }} UNION {{ ?e mk:participation ?s }} UNION {{ ?e mk:harm ?s }}
                  UNION {{ ?e prov:wasDerivedFrom ?s }} UNION {{ ?e prov:wasDerivedFrom/oa:hasSelector ?s }}
                  UNION {{ ?e prov:wasDerivedFrom/oa:hasSource ?s }}
                  ?s ?p ?o }}""", f"""
                CONSTRUCT {{ ?x prov:wasDerivedFrom ?ev }} WHERE {{ VALUES ?e {{ {values} }}
                  ?e prov:wasDerivedFrom ?ev . ?x prov:wasDerivedFrom ?ev }}"""):
            result = store.query(query)
            lines.extend(f"{t.subject} {t.predicate} {t.object} ." for t in result)
            del result
    return sorted(set(lines))


def _change(store, operation: str, lines: list[str]) -> None:
    for start in range(0, len(lines), 20_000):
        update = f"{operation} DATA {{\n" + "\n".join(lines[start:start + 20_000]) + "\n}"
        if hasattr(store, "oxigraph"):
            store.oxigraph.update(update)
        elif getattr(store, "update_url", None):
            store._post(store.update_url, update.encode(), "application/sparql-update")
        else:
            raise MalikgError("replacing ACLED accounts needs a SPARQL update URL (--update-url)")


def _remove_orphans(store, old: list[str], base: str) -> None:
    """Remove the places and actors this import minted earlier that no account quotes any more."""
    prefixes = (f"<{base}place/acled-", f"<{base}actor/acled-")
    candidates = sorted({line.split(" ", 1)[0] for line in old
                         if line.startswith(prefixes) and " <http://www.w3.org/ns/prov#wasDerivedFrom> " in line})
    orphans: list[str] = []
    for start in range(0, len(candidates), _BATCH):
        values = " ".join(candidates[start:start + _BATCH])
        result = store.query(f"""CONSTRUCT {{ ?n ?p ?o }} WHERE {{ VALUES ?n {{ {values} }}
            FILTER NOT EXISTS {{ ?n prov:wasDerivedFrom ?any }} ?n ?p ?o }}""")
        orphans.extend(f"{t.subject} {t.predicate} {t.object} ." for t in result)
        del result
    if orphans:
        _change(store, "DELETE", orphans)
