"""The vocabularies malikg speaks, and the base IRI its own resources are minted under."""
from __future__ import annotations

import os

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

MK = Namespace("https://w3id.org/malikg/ontology#")
MKV = Namespace("https://w3id.org/malikg/vocab#")
ACLED = Namespace("https://w3id.org/malikg/ext/acled#")
UCDP = Namespace("https://w3id.org/malikg/ext/ucdp#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

DEFAULT_BASE = "https://w3id.org/malikg/id/"
ONTOLOGY_GRAPH = "https://w3id.org/malikg/graph/ontology"
#: Facts derived from the coded evidence (graph/summary.py), never coded evidence themselves.
MKS = Namespace("https://w3id.org/malikg/summary#")
SUMMARY_GRAPH = "https://w3id.org/malikg/graph/summary"

PREFIXES = {
    "mk": str(MK),
    "mkv": str(MKV),
    "mks": str(MKS),
    "acled": str(ACLED),
    "ucdp": str(UCDP),
    "sem": str(SEM),
    "oa": str(OA),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "wdt": str(WDT),
    "geo": str(GEO),
}


def base_iri() -> str:
    """The base IRI for minted resources: ``MALIKG_BASE`` if set, else the project's own."""
    base = os.environ.get("MALIKG_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"


def bind_prefixes(graph, base: str | None = None) -> None:
    """Bind malikg's prefixes (and ``id:`` for the base) on an rdflib graph, replacing defaults."""
    for prefix, iri in sorted(PREFIXES.items()):
        graph.bind(prefix, iri, override=True, replace=True)
    graph.bind("id", base or base_iri(), override=True, replace=True)
