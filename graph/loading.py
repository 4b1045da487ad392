"""``malikg load``: RDF files and seed records into a store, as one checked load.

RDF files go to the engine's bulk loader as they are (no triple passes through an RDF library).
Record files (``events-2025.yaml``, ...) and seed folders are read together as one corpus by
the seed emitter, which checks every record and quote, and arrive as N-Triples. On a DiskStore
the whole lot is one staged load: an error in the last file, or a kill at any point, leaves
the store as it was.

A load never merges accounts silently. Before anything is written:

* every node the input describes that the store already holds must be described identically
  (same triples); a node described differently is refused in one line naming the node, the
  place it comes from in the input and the store, unless ``replace`` (``--replace``), which
  removes the store's description of such nodes first;
* the store as it will be after the load is checked with the build's SHACL shapes (with the
  SHACL-SPARQL constraints on Oxigraph, as ``malikg build`` runs them), when store and input
  hold at most ``CHECK_LIMIT`` triples together; seed records are always checked with the
  loader's integrity rules and the shapes, as ``build`` checks them.

Reloading what a store already holds (the bundled seeds into a seeded store) therefore adds
nothing and passes.
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .errors import MalikgError, ValidationFailed
from .namespaces import ONTOLOGY_GRAPH, SUMMARY_GRAPH
from .seeds import RECORD_FILE_RULE, document_folders, kind_of
from .store import Progress, Store, open_store

RECORD_SUFFIXES = (".yaml", ".yml")
#: Above this many triples (store and input together) the SHACL check of the whole store is
#: skipped, and said so: on 100,000 synthetic triples rdflib's parse took 2 s and the core shapes
#: 4.4 s more (pyshacl-turbo; pySHACL 16 s), and both grow with the store.
CHECK_LIMIT = 100_000


@dataclass
class IngestResult:
    files: list[Path]
    bytes: int
    seconds: float
    #: Nodes the input describes that the store already held, described identically.
    already_held: int = 0
    #: Nodes whose description in the store was replaced (``replace``).
    replaced: int = 0
    #: What was checked, in words, for the command's summary.
    checked: list[str] = field(default_factory=list)
    #: Triples the load added, and the store's size after it (``load_into``).
    added: int = 0
    store_triples: int = 0


@dataclass
class _Input:
    """One thing to load: a file or coded N-Triples, with where its nodes come from."""

    source: Path | bytes
    format: ox.RdfFormat
    label: str
    origins: dict[str, str] = field(default_factory=dict)  # node IRI -> "file, record 'id'"

    def size(self) -> int:
        return len(self.source) if isinstance(self.source, bytes) else Path(self.source).stat().st_size

    def where(self, iri: str) -> str:
        return self.origins.get(iri, self.label)


def _classify(paths: list[Path]) -> tuple[list[Path], list[Path], list[_Input]]:
    rdf, records, folders = [], [], []
    for path in map(Path, paths):
        if path.is_dir():
            if not document_folders(path):
                raise MalikgError("not a seed folder (no sources/*/source.yaml)", file=str(path))
            folders.append(path)
        elif path.suffix.lower() in RECORD_SUFFIXES:
            if not kind_of(path):
                raise MalikgError(RECORD_FILE_RULE, file=str(path))
            records.append(path)
        elif formats.by_suffix(path) is not None:
            rdf.append(_Input(path, formats.by_suffix(path).oxigraph, str(path)))
        elif not path.exists():
            raise MalikgError("no such file", file=str(path))
        else:
            raise MalikgError("not an RDF file (" + ", ".join(sorted(formats.suffixes())) + "), a record "
                              "file (.yaml) or a seed folder", file=str(path))
    return folders, records, rdf


def _coded(folders: list[Path], records: list[Path], shacl: bool = True) -> tuple[_Input, "object"]:
    """The seed folders and record files as one corpus, checked as ``build`` checks it
    (the integrity rules always; the SHACL shapes unless ``shacl`` is false)."""
    from . import validate
    from .emit import code
    from .seeds import read_seeds

    coded = code(read_seeds(folders or None, records))
    graph = coded.graph()
    if shacl:
        validate.check(graph)
    label = " + ".join(map(str, folders + records))
    origins = {f"<{iri[1:-1]}>": origin.line() for iri, origin in coded.origins.items()}
    return _Input(coded.ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES, label, origins), graph


def sources_for(paths: list[Path]) -> list[tuple[Path | bytes, ox.RdfFormat, None]]:
    """What to hand ``Store.load_all`` for ``paths``: RDF files as they are, records as N-Triples.

    Record files and seed folders are read together as one corpus; record files alone are
    read with the bundled seeds, since they refer to its actors, places and source texts.
    """
    folders, records, rdf = _classify(paths)
    inputs = ([_coded(folders, records)[0]] if records or folders else []) + rdf
    return [(item.source, item.format, None) for item in inputs]


# --- what the store already holds ---------------------------------------------------------------


def _subjects_of(item: _Input) -> Iterable[str]:
    """The subject IRIs (``<...>``) of an input, one per triple, without building a graph."""
    if item.format == ox.RdfFormat.N_TRIPLES:
        # One subject per line, first on it: a byte scan is several times faster than parsing.
        lines = item.source.splitlines() if isinstance(item.source, bytes) else open(item.source, "rb")
        try:
            for line in lines:
                if line[:1] == b"<":
                    yield line[:line.find(b"> ") + 1].decode("utf-8")
        finally:
            if not isinstance(lines, list):
                lines.close()
        return
    for quad in _parse(item):
        if isinstance(quad.subject, ox.NamedNode):
            yield str(quad.subject)


def _parse(item: _Input):
    try:
        if isinstance(item.source, bytes):
            yield from ox.parse(item.source, item.format)
        else:
            yield from ox.parse(path=str(item.source), format=item.format)
    except SyntaxError as error:
        raise MalikgError(f"cannot parse RDF: {str(error).splitlines()[0]}", file=item.label) from None


_ONTOLOGY = f"<{ONTOLOGY_GRAPH}>"

#: Does the store hold any instance data (anything but the ontology's and the summaries' graphs)?
_HOLDS_DATA = f"""
ASK {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }}
      FILTER (?g NOT IN ({_ONTOLOGY}, <{SUMMARY_GRAPH}>)) }} }}"""

#: Every subject the store describes outside the ontology's graph.
_DATA_SUBJECTS = f"""
SELECT DISTINCT ?s WHERE {{
    ?s ?p ?o .
    FILTER(isIRI(?s))
    FILTER NOT EXISTS {{ GRAPH {_ONTOLOGY} {{ ?s ?p ?o }} }}
}}"""

#: Which of these subjects does the store describe, outside the ontology's graph?
_HELD_SUBJECTS = f"""
SELECT DISTINCT ?s WHERE {{
    VALUES ?s {{ {{subjects}} }}
    ?s ?p ?o .
    FILTER NOT EXISTS {{ GRAPH {_ONTOLOGY} {{ ?s ?p ?o }} }}
}}"""


def _held(store: Store, item: _Input, batch: int = 500) -> set[str]:
    """The subjects of ``item`` the store already describes, outside the ontology's graph.

    Read from whichever side is smaller: a store smaller than the input (a new store holds the
    seed graph alone) gives its subjects at once; a larger one is asked about the input's
    subjects a batch at a time, as reading all its subjects took 63 s of a one-triple load into
    a store of 100,000 events.
    """
    if not store.query(_HOLDS_DATA, union=False):
        return set()
    # The store's subjects, read only while there are fewer of them than the input has triples
    # (counting the store first would read all of it: 1.4 s at 100,000 events).
    input_triples = _estimate(item)
    stored = set(itertools.islice((str(row["s"]) for row in store.query(_DATA_SUBJECTS)), input_triples + 1))
    if len(stored) <= input_triples:
        return {subject for subject in _subjects_of(item) if subject in stored}
    held: set[str] = set()
    pending: set[str] = set()
    for subject in _subjects_of(item):
        if subject in held or subject in pending:
            continue
        try:
            pending.add(str(ox.NamedNode(subject[1:-1])))
        except ValueError:  # not an IRI: the bulk loader names the bad line
            continue
        if len(pending) >= batch:
            held |= _ask_held(store, pending)
            pending = set()
    if pending:
        held |= _ask_held(store, pending)
    return held


def _ask_held(store: Store, subjects: set[str]) -> set[str]:
    query = _HELD_SUBJECTS.replace("{subjects}", " ".join(sorted(subjects)))
    return {str(row["s"]) for row in store.query(query)}


def _store_description(store: Store, iri: str) -> set[tuple[str, str]]:
    rows = store.query(f"SELECT ?p ?o WHERE {{ {iri} ?p ?o FILTER NOT EXISTS {{ GRAPH "
                       f"{_ONTOLOGY} {{ {iri} ?p ?o }} }} }}")
    return {(str(row["p"]), str(row["o"])) for row in rows}


def _input_descriptions(item: _Input, wanted: set[str]) -> dict[str, set[tuple[str, str]]]:
    # Through a small store of their own, so literals compare as the store keeps them
    # (Oxigraph stores an xsd:nonNegativeInteger as an xsd:integer).
    canonical = ox.Store()
    canonical.extend(ox.Quad(quad.subject, quad.predicate, quad.object)
                     for quad in _parse(item) if str(quad.subject) in wanted)
    found: dict[str, set[tuple[str, str]]] = {}
    for quad in canonical:
        found.setdefault(str(quad.subject), set()).add((str(quad.predicate), str(quad.object)))
    return found


def _clashes(store: Store, inputs: list[_Input]) -> tuple[list[tuple[str, _Input]], int]:
    """Nodes the input describes differently from the store, and how many it describes alike."""
    shared = {n: _held(store, item) for n, item in enumerate(inputs)}
    clashes, alike = [], 0
    for n, item in enumerate(inputs):
        if not shared[n]:
            continue
        incoming = _input_descriptions(item, shared[n])
        for iri in sorted(shared[n]):
            if incoming.get(iri, set()) == _store_description(store, iri):
                alike += 1
            else:
                clashes.append((iri, item))
    return clashes, alike


def _store_location(store: Store) -> str:
    return str(getattr(store, "path", None) or getattr(store, "query_url", None) or "the store")


def _remove(store: Store, iris: list[str]) -> None:
    """Remove the default-graph description of ``iris`` from a local store, in one transaction."""
    oxigraph = getattr(store, "oxigraph", None)
    if oxigraph is None:
        raise MalikgError("--replace needs a --store directory (an endpoint is loaded by adding only)")
    update = " ;\n".join(f"DELETE WHERE {{ {iri} ?p ?o }}" for iri in iris)
    oxigraph.update(update)


# --- the check of the store as it will be --------------------------------------------------------


def _check_future(store: Store, inputs: list[_Input], replaced: set[str]) -> str | None:
    """SHACL over the store's data plus the input (less what is replaced): None when it ran,
    else why it was skipped."""
    from rdflib import Graph

    from . import validate
    from .export import retyped

    total = store.triple_count() + sum(_estimate(item) for item in inputs)
    if total > CHECK_LIMIT:
        return (f"SHACL check of the whole store skipped: about {total} triples, over the "
                f"{CHECK_LIMIT} it is run for (run malikg validate on an export)")
    # Merged in a scratch Oxigraph store, so that input and store agree on every literal's
    # form (the store keeps "4.0"^^xsd:decimal as "4"), then read as the build's graph is.
    scratch = ox.Store()
    rows = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH "
                       f"{_ONTOLOGY} {{ ?s ?p ?o }} }} }}")
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in rows
                   if not (isinstance(t.subject, ox.NamedNode) and f"<{t.subject.value}>" in replaced))
    rows = None  # a live result holds the store open
    for item in inputs:
        scratch.extend(ox.Quad(q.subject, q.predicate, q.object) for q in _parse(item))
    # The store keeps xsd:nonNegativeInteger offsets as xsd:integer; put them back as export does.
    data = b"".join(retyped(scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())))
    scratch = None
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    violations = validate.shacl_violations(graph)
    if violations:
        first = violations[0]
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        raise ValidationFailed(f"the store would fail SHACL after this load: {first.message}{more}; "
                               "nothing was loaded", record=first.record, field=first.field)
    return None


def _estimate(item: _Input) -> int:
    # N-Triples lines run at about 150 bytes for malikg's data; other formats are denser.
    return max(1, item.size() // 100)


# --- the load -------------------------------------------------------------------------------------


def ingest(store: Store, paths: list[Path], *, progress: Progress | None = None,
           replace: bool = False) -> IngestResult:
    """Check ``paths`` against ``store`` and load them in one ``load_all``.

    ``progress(bytes_read, total_bytes)`` follows the load. ``replace`` replaces the store's
    description of nodes the input describes differently, instead of refusing the load.
    """
    started = time.perf_counter()
    folders, records, rdf = _classify(paths)
    inputs = list(rdf)
    checked = []
    coded_graph = None
    if records or folders:
        coded, coded_graph = _coded(folders, records, shacl=False)
        inputs.insert(0, coded)
        checked.append("seed records checked with the loader's integrity rules")
    clashes, alike = _clashes(store, inputs)
    if clashes and not replace:
        iri, item = clashes[0]
        more = f" ({len(clashes) - 1} more nodes clash)" if len(clashes) > 1 else ""
        raise MalikgError(f"{iri[1:-1]} is already in {_store_location(store)} with different content; "
                          f"the input describes it in {item.where(iri)}{more}. Nothing was loaded: "
                          "give the record a new id, or --replace to replace the store's version",
                          file=item.label if item.label not in item.where(iri) else None)
    replaced = {iri for iri, _ in clashes}
    whole = _check_future(store, inputs, replaced)
    if whole is None:
        checked.append("the store as loaded is SHACL-valid")
    else:
        checked.append(whole)
        if coded_graph is not None:  # the seed records at least, as build checks them
            from . import validate

            validate.check(coded_graph)
            checked.append("the seed records are SHACL-valid")
    if replaced:
        _remove(store, sorted(replaced))
    total = sum(item.size() for item in inputs)
    store.load_all([(item.source, item.format, None) for item in inputs], progress=progress)
    return IngestResult([Path(p) for p in paths], total, time.perf_counter() - started,
                        already_held=alike, replaced=len(replaced), checked=checked)


def load_into(store_dir: Path | None, endpoint: str | None, paths: list[Path], *, seed: bool = True,
              replace: bool = False, update_url: str | None = None, data_url: str | None = None,
              progress: Progress | None = None) -> IngestResult:
    """``ingest`` ``paths`` into the store at ``store_dir`` or ``endpoint``, created if it does not
    exist (with the bundled seed graph unless not ``seed``); the result says what it added."""
    if store_dir is None and not endpoint:
        raise MalikgError("load needs a store to load into: --store DIR or --endpoint URL")
    if not paths:
        raise MalikgError("load needs something to load: FILE ... or --seeds DIR")
    with open_store(store_dir, endpoint, create=True, seed=seed,
                    update_url=update_url, data_url=data_url) as store:
        before = store.triple_count()
        result = ingest(store, paths, progress=progress, replace=replace)
        result.store_triples = store.triple_count()
    result.added = result.store_triples - before
    return result


__all__ = ["ingest", "load_into", "sources_for", "IngestResult", "CHECK_LIMIT"]
