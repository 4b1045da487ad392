"""``malikg load``: RDF files and seed-format record files into a store, as one load.

RDF files go to the engine's bulk loader as they are (no triple passes through Python). Record
files (``events-2025.yaml``, ...) and seed folders go through the seed loader, which checks
every record and quote, and arrive as N-Triples. On a DiskStore the whole lot is one staged
load: an error in the last file, or a kill at any point, leaves the store as it was.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import MalikgError
from .seeds import document_folders, kind_of
from .store import Progress, Store

#: What ``malikg load`` reads, by file name suffix.
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
}
RECORD_SUFFIXES = (".yaml", ".yml")


@dataclass
class IngestResult:
    files: list[Path]
    bytes: int
    seconds: float


def sources_for(paths: list[Path]) -> list[tuple[Path | bytes, ox.RdfFormat, None]]:
    """What to hand ``Store.load_all`` for ``paths``: RDF files as they are, records as N-Triples.

    Record files are read together with the bundled seeds (or with a seed folder given
    alongside), since they refer to its actors, places and source text; the seed's own triples
    are then already in a seeded store and add nothing.
    """
    rdf, records, folders = [], [], []
    for path in map(Path, paths):
        if path.is_dir():
            if not document_folders(path):
                raise MalikgError("not a seed folder (no sources/*/source.yaml)", file=str(path))
            folders.append(path)
        elif path.suffix.lower() in RECORD_SUFFIXES:
            if not kind_of(path):
                raise MalikgError("a record file's name must start with actors, places, events, "
                                  "claims, relations or statistics", file=str(path))
            records.append(path)
        elif path.suffix.lower() in RDF_FORMATS:
            rdf.append((path, RDF_FORMATS[path.suffix.lower()], None))
        elif not path.exists():
            raise MalikgError("no such file", file=str(path))
        else:
            raise MalikgError("not an RDF file (" + ", ".join(sorted(RDF_FORMATS)) + "), a record file "
                              "(.yaml) or a seed folder", file=str(path))
    coded = []
    if records or folders:
        from .load import build_graph

        for folder in folders or [None]:
            graph = build_graph(folder, extra_files=records)
            coded.append((graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, None))
    return coded + rdf


def ingest(store: Store, paths: list[Path], *, progress: Progress | None = None) -> IngestResult:
    """Load ``paths`` into ``store`` in one ``load_all``; ``progress(bytes_read, total_bytes)``."""
    started = time.perf_counter()
    sources = sources_for(paths)
    total = sum(len(s) if isinstance(s, bytes) else Path(s).stat().st_size for s, _, _ in sources)
    store.load_all(sources, progress=progress)
    return IngestResult([Path(p) for p in paths], total, time.perf_counter() - started)


__all__ = ["ingest", "sources_for", "IngestResult", "RDF_FORMATS"]
