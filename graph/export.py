"""``malikg export``: the graph as standard RDF files for linked-data partners.

Lossless and deterministic: the data come from ``Store.dump`` (sorted N-Triples or N-Quads,
so equal graphs give equal bytes on every backend), headed by the VoID/DCAT description of
``graph.dataset``, and re-serialised by pyoxigraph with a fixed, sorted set of prefixes. The
description goes first so a reader meets it at the top of the file, and in the default graph
of the quad formats. JSON-LD is compacted by rdflib with ``ontology/context.jsonld`` (short
keys such as ``label``, ``place``, ``perpetrator``), its nodes and values sorted.
"""
from __future__ import annotations

import functools
import io
import itertools
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH, XSD
from rdflib.plugins.serializers.jsonld import from_rdf

from . import formats
from .dataset import (DCAT, VCARD, VOCABULARIES, VOID, Distribution, dataset_iri, describe, description_lines,
                      is_description, read_turtle)
from .errors import MalikgError
from .files import atomic_output
from .resources import ontology_dir
from .sparql import prefixes
from .vocabulary import shapes_file

Output = Union[str, os.PathLike, BinaryIO]

#: Every format ``export`` writes: the RDF formats of graph.formats, then acled-csv, ACLED's own
#: column layout (graph.acled).
FORMATS = (*formats.names(), "acled-csv")
#: Prefixes beyond graph.sparql's that the description and the ontology use.
_EXTRA_PREFIXES = {"dcat": str(DCAT), "void": str(VOID), "vcard": str(VCARD),
                   **{p: VOCABULARIES[p] for p in ("cameo", "foaf", "schema", "vann")}}


@dataclass(frozen=True)
class Export:
    """What ``export`` wrote: ``triples`` data triples (quads in N-Quads and TriG) plus the
    ``description`` triples of the dataset description; both None for acled-csv."""

    output: str
    format: str
    triples: int | None
    description: int | None


def choose_format(fmt: str | None, output: Output) -> str:
    """``fmt`` checked, or the format the output file's extension names, or Turtle."""
    if fmt is None:
        if isinstance(output, (str, os.PathLike)):
            found = formats.by_suffix(output)
            return found.name if found else "turtle"
        return "turtle"
    if fmt not in FORMATS:
        raise MalikgError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    return fmt


def export(store, output: Output, fmt: str | None = None, *, with_ontology: bool = False,
           with_summaries: bool = False, download_url: str | None = None,
           sparql_endpoint: str | None = None) -> Export:
    """Write ``store`` to ``output`` (a path, written atomically, or a binary stream) as ``fmt``.

    ``with_ontology`` adds the ontology and vocabularies: merged into the triples of the
    triple formats, as the named graph ``https://w3id.org/malikg/graph/ontology`` in N-Quads
    and TriG. ``with_summaries`` adds the derived summary graph (graph/summary.py) the same way.
    ``download_url`` is where the file will be published and ``sparql_endpoint``
    the endpoint that will serve it, as the dataset description states them (see
    ``graph.dataset.Distribution``).
    """
    fmt = choose_format(fmt, output)
    name = os.fspath(output) if isinstance(output, (str, os.PathLike)) else getattr(output, "name", "<stream>")
    if fmt == "acled-csv":
        if not isinstance(output, (str, os.PathLike)):
            raise MalikgError("--format acled-csv writes to a file: give -o FILE")
        try:
            from .acled import export_csv  # graph.acled owns ACLED's layout
        except ModuleNotFoundError as error:
            if error.name != "graph.acled":
                raise
            raise MalikgError("--format acled-csv needs graph/acled.py, which is not installed") from None
        export_csv(store, Path(output))
        return Export(str(name), fmt, None, None)

    rdf_format, quads = formats.BY_NAME[fmt].oxigraph, formats.BY_NAME[fmt].quads
    for option, url in (("--download-url", download_url), ("--sparql-endpoint", sparql_endpoint)):
        if url is not None and not _absolute_iri(url):
            raise MalikgError(f"{option} {url!r}: give an absolute URL such as https://example.org/mali.nq")
    distribution = Distribution(fmt, download_url, sparql_endpoint)
    # The data go through one file, batch by batch, so an export of millions of events needs
    # memory for one batch rather than for the whole graph (JSON-LD excepted: rdflib compacts
    # the whole graph at once). The sorted dump is counted, scanned and re-typed as the store
    # writes it, in one pass: the description, which goes first, needs the count.
    # Beside the output where its folder exists (the final copy then stays on one file system);
    # a missing folder is reported by atomic_output, never created here.
    scratch_dir = Path(output).parent if isinstance(output, (str, os.PathLike)) else None
    if scratch_dir is not None and not scratch_dir.is_dir():
        scratch_dir = None
    with tempfile.TemporaryDirectory(prefix=".malikg-export-", dir=scratch_dir) as scratch:
        data = Path(scratch) / "data.nq"
        with open(data, "wb") as stream:
            body = _Body(stream, declares=rdf_format not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS))
            store.dump(body, ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES,
                       with_ontology=with_ontology, with_summaries=with_summaries)
            body.close()
        head = description_lines(describe(store, triples=body.triples, vocabularies=body.vocabularies,
                                          distribution=distribution))
        used = dict(sorted({**body.prefixes, **export_prefixes(head)}.items()))
        if isinstance(output, (str, os.PathLike)):
            with atomic_output(Path(output)) as stream:
                _write(stream, rdf_format, head, data, used)
        else:
            _write(output, rdf_format, head, data, used)
    return Export(str(name), fmt, body.triples, head.count(b"\n"))


def _absolute_iri(text: str) -> bool:
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S", text):
        return False
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


class _Body:
    """Where the store's sorted dump is written: the lines of an earlier dataset description
    dropped (a store loaded from an export holds one; the export writes its own), lines counted,
    the vocabularies and prefixes they use noted, integer subtypes put back (``retyped``), then
    on to ``stream``."""

    def __init__(self, stream: BinaryIO, *, declares: bool = True):
        self._stream, self._rest = stream, b""
        self.triples = 0
        self._description = b"\n<" + str(dataset_iri()).encode()
        # Namespaces (of vocabularies or prefixes) not seen yet, each looked for once per batch
        # until found: the scans for those a graph never uses are most of this pass's work, so
        # the prefixes are looked for only where the output declares them (not N-Triples/N-Quads).
        self._known = {**prefixes(), **_EXTRA_PREFIXES} if declares else {}
        self._unseen = {iri: b"<" + iri.encode() for iri in {*VOCABULARIES.values(), *self._known.values()}}
        self._seen: set[str] = set()

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        end = chunk.rfind(b"\n") + 1
        if not end:
            self._rest += chunk
        else:
            lines, self._rest = self._rest + chunk[:end], chunk[end:]
            self._lines(lines)
        return len(chunk)

    def close(self) -> None:
        if self._rest:
            self._lines(self._rest + b"\n")
            self._rest = b""

    def _lines(self, lines: bytes) -> None:
        if lines.startswith(self._description[1:]) or self._description in lines:
            lines = b"".join(line for line in lines.splitlines(keepends=True) if not is_description(line))
        self.triples += lines.count(b"\n")
        found = [iri for iri, marker in self._unseen.items() if marker in lines]
        for iri in found:
            del self._unseen[iri]
        self._seen.update(found)
        self._stream.writelines(retyped(lines))

    @property
    def vocabularies(self) -> set[str]:
        """The namespaces of graph.dataset.VOCABULARIES the lines use."""
        return {iri for iri in VOCABULARIES.values() if iri in self._seen}

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes Turtle, TriG and RDF/XML output declares for the lines (cf. export_prefixes)."""
        return {p: iri for p, iri in sorted(self._known.items()) if iri in self._seen}


def export_prefixes(data: bytes) -> dict[str, str]:
    """The prefixes Turtle, TriG and RDF/XML output declares: those ``data`` uses, sorted by name."""
    known = {**prefixes(), **_EXTRA_PREFIXES}
    return {p: known[p] for p in sorted(known) if b"<" + known[p].encode() in data}


def _write(stream: BinaryIO, rdf_format: ox.RdfFormat, head: bytes, data: Path,
           used: dict[str, str]) -> None:
    if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        stream.write(head)
        _copy(data, stream)
        return
    if rdf_format == ox.RdfFormat.JSON_LD:
        stream.write(jsonld(data.read_bytes(), head))
        return
    quads = rdf_format == ox.RdfFormat.TRIG
    parsed = itertools.chain(ox.parse(head, ox.RdfFormat.N_TRIPLES),
                             ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES))
    terms = parsed if quads else (quad.triple for quad in parsed)
    if rdf_format == ox.RdfFormat.RDF_XML:
        ox.serialize(terms, stream, rdf_format, prefixes=used)
        return
    body = Path(str(data) + ".out")
    ox.serialize(terms, str(body), rdf_format, prefixes=used)
    with open(body, "rb") as source:
        _copy_with_sorted_prefixes(source, stream)
    body.unlink()


def sorted_turtle(ntriples: bytes) -> bytes:
    """Turtle of the N-Triples ``ntriples``, the same bytes for the same triples: lines sorted
    (and each once), the prefixes it uses declared in name order, as the export writes them."""
    lines = sorted({line for line in ntriples.splitlines() if line.strip()})
    data = b"\n".join(lines) + b"\n"
    body = ox.serialize(ox.parse(data, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=export_prefixes(data))
    out = io.BytesIO()
    _copy_with_sorted_prefixes(io.BytesIO(body), out)
    return out.getvalue()


def _copy_with_sorted_prefixes(source: BinaryIO, stream: BinaryIO) -> None:
    """Copy pyoxigraph's Turtle or TriG, its @prefix lines (written in its own order) sorted."""
    header = b""
    line = source.readline()
    while line.startswith(b"@prefix "):
        header += line
        line = source.readline()
    lines = sorted(header.splitlines(keepends=True))
    stream.write(b"".join(lines) + (b"\n" if lines else b""))
    stream.write(line)
    shutil.copyfileobj(source, stream, 1 << 24)


def _copy(path: Path, stream: BinaryIO) -> None:
    """Append the file at ``path`` to ``stream``: in the kernel where it can (the data are most
    of an export's bytes), else through a buffer."""
    with open(path, "rb") as source:
        try:
            target = stream.fileno()
        except (AttributeError, OSError, ValueError):
            shutil.copyfileobj(source, stream, 1 << 24)
            return
        stream.flush()
        size, done = os.fstat(source.fileno()).st_size, 0
        try:
            while done < size:
                sent = os.sendfile(target, source.fileno(), done, size - done)
                if not sent:
                    break
                done += sent
        except OSError:
            if done:
                raise
            shutil.copyfileobj(source, stream, 1 << 24)


# ---------------------------------------------------------------------------
# Datatypes the store folded away
# ---------------------------------------------------------------------------

#: Integer subtypes a store may keep only as xsd:integer, and the lexical forms each admits.
_INTEGER_SUBTYPES = {
    XSD.nonNegativeInteger: rb"[0-9]+",
    XSD.positiveInteger: rb"[1-9][0-9]*",
    XSD.nonPositiveInteger: rb"0|-[1-9][0-9]*",
    XSD.negativeInteger: rb"-[1-9][0-9]*",
}


@functools.lru_cache(maxsize=4)
def declared_datatypes(folder: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(predicate, datatype)`` for each predicate the SHACL shapes require to be one integer subtype."""
    shapes = shapes_file(folder)
    graph = read_turtle(shapes)
    found: dict[str, set[str]] = {}
    for shape, path in graph.subject_objects(SH.path):
        for datatype in graph.objects(shape, SH.datatype):
            found.setdefault(str(path), set()).add(datatype)
    return tuple(sorted((path, str(next(iter(types)))) for path, types in found.items()
                        if len(types) == 1 and next(iter(types)) in _INTEGER_SUBTYPES))


def retyped(data: bytes, folder: str | None = None) -> list[bytes | memoryview]:
    """N-Triples/N-Quads ``data`` with the integer subtypes the shapes declare put back, as
    chunks to write in order (slices of ``data``, not copies).

    Why: Oxigraph stores ``"55"^^xsd:nonNegativeInteger`` as ``"55"^^xsd:integer`` (it keeps
    numbers in a native form, oxigraph issue #526), so a dump would give the Web Annotation
    offsets (``oa:start``, ``oa:end``) a datatype the model and the shapes do not allow.
    Only values the declared type admits are re-typed; line order is unchanged.
    """
    integer = f"^^<{XSD.integer}>".encode()
    edits = []
    for predicate, datatype in declared_datatypes(folder):
        marker = b"<" + predicate.encode() + b'> "'
        lexical = re.compile(_INTEGER_SUBTYPES[URIRef(datatype)])
        typed = f"^^<{datatype}>".encode()
        at = data.find(marker)
        while at >= 0:
            start = at + len(marker)
            end = data.find(b'"', start)
            if data.startswith(integer, end + 1) and lexical.fullmatch(data, start, end):
                edits.append((end + 1, end + 1 + len(integer), typed))
            at = data.find(marker, end)
    if not edits:
        return [data]
    view, chunks, done = memoryview(data), [], 0
    for begin, finish, text in sorted(edits):
        chunks += [view[done:begin], text]
        done = finish
    chunks.append(view[done:])
    return chunks


# ---------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------

def context() -> dict:
    """The JSON-LD context of ``ontology/context.jsonld`` (its ``@context`` object)."""
    path = ontology_dir() / "context.jsonld"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MalikgError(f"cannot read the JSON-LD context: {error}", file=str(path)) from None
    return document["@context"]


def jsonld(ntriples: bytes, head: bytes = b"") -> bytes:
    """``head`` then ``ntriples`` (N-Triples) as compacted JSON-LD with malikg's context inline.

    Nodes are sorted by IRI, those described in ``head`` first, for stable bytes.

    The context travels inside the document, so a reader needs nothing from the network.
    RDF gives the values of a property no order, so arrays are sorted like the nodes.
    """
    graph = Graph(bind_namespaces="none")
    graph.parse(data=head + ntriples, format="nt")
    document = from_rdf(graph, context_data=context())
    if "@graph" not in document:  # rdflib inlines a lone node
        node = {k: v for k, v in document.items() if k != "@context"}
        document = {"@context": document["@context"], "@graph": [node] if node else []}
    first = {str(s) for s in Graph().parse(data=head, format="nt").subjects()} if head else set()
    nodes = [_sorted_values(node) for node in document["@graph"]]
    nodes.sort(key=lambda node: (str(node.get("id")) not in first, str(node.get("id"))))
    document = {"@context": document["@context"], "@graph": nodes}
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _sorted_values(node: dict) -> dict:
    ordered = {}
    for key in sorted(node, key=_key_order):
        value = node[key]
        if isinstance(value, list):
            value = sorted((_sorted_keys(item) for item in value),
                           key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
        ordered[key] = _sorted_keys(value)
    return ordered


def _sorted_keys(value):
    return {k: value[k] for k in sorted(value)} if isinstance(value, dict) else value


def _key_order(key: str) -> tuple[int, str]:
    # "id" and "type" first, as people read JSON-LD nodes; then the rest alphabetically.
    return ({"id": 0, "@id": 0, "type": 1, "@type": 1}.get(key, 2), key)


__all__ = ["FORMATS", "Export", "choose_format", "context", "export", "jsonld"]
