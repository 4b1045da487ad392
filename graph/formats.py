"""The RDF formats malikg reads and writes: one registry, read by the loader, the exporter, the
validator, the store, the endpoint and the CLI's ``--format`` choices.

Each format is named once with everything the modules need to know of it: the name ``--format``
takes, the file suffixes that mean it, its media types (the first is the one malikg sends), the
pyoxigraph parser and serializer, rdflib's name for it, and whether it keeps named graphs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation."""

    name: str
    label: str
    suffixes: tuple[str, ...]
    media_types: tuple[str, ...]
    oxigraph: ox.RdfFormat
    rdflib: str
    #: True where the format keeps named graphs (the ontology stays a graph of its own).
    quads: bool = False

    @property
    def media_type(self) -> str:
        return self.media_types[0]


#: Every RDF format, in the order the CLI lists them.
RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "Turtle", (".ttl",), ("text/turtle", "application/turtle", "application/x-turtle"),
              ox.RdfFormat.TURTLE, "turtle"),
    RdfFormat("nt", "N-Triples", (".nt",), ("application/n-triples", "text/plain"),
              ox.RdfFormat.N_TRIPLES, "nt"),
    RdfFormat("nq", "N-Quads", (".nq",), ("application/n-quads",), ox.RdfFormat.N_QUADS, "nquads",
              quads=True),
    RdfFormat("trig", "TriG", (".trig",), ("application/trig",), ox.RdfFormat.TRIG, "trig", quads=True),
    RdfFormat("jsonld", "JSON-LD", (".jsonld", ".json"), ("application/ld+json",), ox.RdfFormat.JSON_LD,
              "json-ld"),
    RdfFormat("xml", "RDF/XML", (".rdf", ".xml", ".owl"), ("application/rdf+xml",), ox.RdfFormat.RDF_XML,
              "xml"),
)

BY_NAME = {f.name: f for f in RDF_FORMATS}
#: Other names people write for the same formats (``--format n-triples``, ``ttl``...).
ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "nquads": "nq", "n-quads": "nq",
           "rdf": "xml", "rdfxml": "xml", "rdf/xml": "xml", "owl": "xml", "json-ld": "jsonld"}


def names() -> list[str]:
    """The names ``--format`` takes, in registry order."""
    return [f.name for f in RDF_FORMATS]


def suffixes() -> frozenset[str]:
    """Every file suffix that names an RDF format (lower case, with the dot)."""
    return frozenset(s for f in RDF_FORMATS for s in f.suffixes)


def by_name(name: str) -> RdfFormat | None:
    """The format ``name`` (or one of its aliases, any case) names, else None."""
    key = str(name).lower().lstrip(".")
    return BY_NAME.get(ALIASES.get(key, key))


def by_suffix(path: str | Path) -> RdfFormat | None:
    """The format a file's suffix names, else None."""
    suffix = Path(path).suffix.lower()
    return next((f for f in RDF_FORMATS if suffix in f.suffixes), None)


def by_media_type(media_type: str) -> RdfFormat | None:
    """The format a media type (parameters ignored) names, else None."""
    bare = media_type.split(";")[0].strip().lower()
    return next((f for f in RDF_FORMATS if bare in f.media_types), None)


__all__ = ["RdfFormat", "RDF_FORMATS", "ALIASES", "by_media_type", "by_name", "by_suffix", "names",
           "suffixes"]
