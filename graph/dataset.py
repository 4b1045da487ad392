"""The dataset description that heads every export: VoID and DCAT, derived from data only.

Nothing in it comes from the clock. Dates and version come from the bundled ontology's own
metadata (``dcterms:created``/``dcterms:modified``, ``owl:versionInfo``) and the package
version; counts, vocabularies, sources and the period covered come from the exported data.
The same graph therefore always gets the same description, so exports stay byte-identical.

It is one ``dcat:Dataset`` (also a ``void:Dataset``) with the distribution the export itself is
(format, media type, download address), its publisher and creator as agents, a contact point as
a vCard, Mali as its spatial coverage, its period, licence and source documents. Every node of
the description is ``{base}dataset`` or under ``{base}dataset/``, so an export can drop a stale
description it finds in the store (a store loaded from an earlier export) and write one anew.
``ontology/dcat-shapes.ttl`` checks it against the DCAT-AP essentials.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

from . import __version__, formats
from .namespaces import MK, PREFIXES, SEM, base_iri
from .resources import ontology_dir
from .vocabulary import ontology_files

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

ONTOLOGY = URIRef("https://w3id.org/malikg/ontology")
#: The licence of the coded data, the same as the ontology's dcterms:license.
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: Seed resources a partner can look at first; only those present in the data are listed.
EXAMPLES = ("actor/jnim", "place/ogota", "event/2024-01-27-ogota")
#: Vocabularies that can appear in malikg data; ``void:vocabulary`` lists those the export uses.
VOCABULARIES = {prefix: iri for prefix, iri in PREFIXES.items()}
VOCABULARIES.update({
    "cameo": "https://w3id.org/malikg/ext/cameo#",
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "vcard": str(VCARD),
    "void": str(VOID),
})

#: W3C's "Unique URIs for File Formats": the format IRI is this plus the format's label with
#: "/" as "_" (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF_XML).
W3C_FORMATS = "http://www.w3.org/ns/formats/"
_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

TITLE = "malikg: the armed conflict in Mali as an evidence-linked knowledge graph"
DESCRIPTION = (
    "Actors, places, incidents, harms, claimed motives, relations between actors and aggregate "
    "figures of the armed conflict in Mali, coded from their source documents. Every resource "
    "links with prov:wasDerivedFrom to a Web Annotation selector on the exact sentence it came "
    "from, and the source's hedges (alleged, apparently, at least, about) are kept as data.")
KEYWORDS = ("Mali", "armed conflict", "human rights", "conflict events", "ACLED", "Sahel")
#: The project's home page, as pyproject.toml's [project.urls] Homepage gives it.
HOMEPAGE = URIRef("https://w3id.org/malikg/")
#: The area the data cover, as the gazetteer names it (``place/mali`` when the data hold it).
SPATIAL = ("Mali", "place/mali")


@dataclass(frozen=True)
class Distribution:
    """The file an export writes, as the description states it: ``format`` (a name of graph.formats),
    ``download_url`` where it is published (default ``{base}dataset.{extension}``), and the
    SPARQL endpoint that will serve it, if any."""

    format: str
    download_url: str | None = None
    sparql_endpoint: str | None = None


def dataset_iri(base: str | None = None) -> URIRef:
    """The IRI the description is about: ``{base}dataset``."""
    return URIRef(f"{base or base_iri()}dataset")


def describe(store, *, triples: int, vocabularies: Iterable[str], base: str | None = None,
             ontology: str | Path | None = None, distribution: Distribution | None = None) -> Graph:
    """The VoID/DCAT description of an export of ``store`` holding ``triples`` triples.

    ``vocabularies`` are the namespaces of VOCABULARIES whose IRIs the export uses;
    ``ontology`` is the ontology folder whose metadata dates and versions the dataset;
    ``distribution`` is the file being written (default: Turtle at its default address).
    """
    base = base or base_iri()
    dataset = dataset_iri(base)
    distribution = distribution or Distribution("turtle")
    graph = Graph(bind_namespaces="none")
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    for keyword in KEYWORDS:
        add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    add((dataset, DCTERMS.license, LICENSE))
    add((dataset, DCTERMS.conformsTo, ONTOLOGY))
    add((dataset, DCAT.landingPage, HOMEPAGE))
    add((dataset, DCAT.version, Literal(__version__)))
    add((dataset, OWL.versionInfo, Literal(__version__)))

    metadata = _ontology_metadata(str(ontology or ontology_dir()))
    agents = [_agent(graph, dataset, name) for name in metadata["creators"]]
    for agent in agents:
        add((dataset, DCTERMS.creator, agent))
    if agents:
        add((dataset, DCTERMS.publisher, agents[0]))
        _contact(graph, dataset, metadata["creators"][0])
    if metadata["dates"]:
        add((dataset, DCTERMS.created, metadata["created"] or min(metadata["dates"])))
        add((dataset, DCTERMS.modified, max(metadata["dates"])))

    sources = _sources(store)
    for source, _ in sources:
        add((dataset, DCTERMS.source, URIRef(source)))
    citations = "; ".join(citation for _, citation in sources if citation)
    rights = "The coded data are released under CC BY 4.0."
    if citations:
        rights += (" The quoted passages (oa:exact) are their publishers' text, reproduced to "
                   f"evidence each fact: {citations}")
    add((dataset, DCTERMS.rights, Literal(rights, lang="en")))

    period = _period(store)
    if period:
        node = URIRef(f"{dataset}/period")
        add((dataset, DCTERMS.temporal, node))
        add((node, RDF.type, DCTERMS.PeriodOfTime))
        add((node, DCAT.startDate, Literal(period[0], datatype=XSD.date)))
        add((node, DCAT.endDate, Literal(period[1], datatype=XSD.date)))

    spatial = URIRef(f"{dataset}/spatial")
    add((dataset, DCTERMS.spatial, spatial))
    add((spatial, RDF.type, DCTERMS.Location))
    add((spatial, RDFS.label, Literal(SPATIAL[0], lang="en")))
    if store.query(f"ASK {{ <{base}{SPATIAL[1]}> a <{MK.Place}> }}"):
        add((spatial, RDFS.seeAlso, URIRef(f"{base}{SPATIAL[1]}")))

    _distribution(graph, dataset, base, distribution)
    add((dataset, VOID.triples, Literal(triples)))
    add((dataset, VOID.uriSpace, Literal(base)))
    for iri in sorted(set(vocabularies)):
        add((dataset, VOID.vocabulary, URIRef(iri)))
    for path in EXAMPLES:
        iri = f"{base}{path}"
        if store.query(f"ASK {{ <{iri}> ?p ?o }}"):
            add((dataset, VOID.exampleResource, URIRef(iri)))
    return graph


def _agent(graph: Graph, dataset: URIRef, name) -> URIRef:
    """A creator named in the ontology's metadata as a FOAF and PROV agent node."""
    agent = URIRef(f"{dataset}/agent/{_slug(name)}")
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, FOAF.name, Literal(str(name))))
    graph.add((agent, FOAF.homepage, HOMEPAGE))
    return agent


def _contact(graph: Graph, dataset: URIRef, name) -> None:
    contact = URIRef(f"{dataset}/contact")
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(str(name))))
    graph.add((contact, VCARD.hasURL, HOMEPAGE))


def _distribution(graph: Graph, dataset: URIRef, base: str, distribution: Distribution) -> None:
    rdf_format = formats.BY_NAME[distribution.format]
    format_iri = W3C_FORMATS + rdf_format.label.replace("/", "_")
    media_type, extension = rdf_format.media_type, rdf_format.suffixes[0].lstrip(".")
    node = URIRef(f"{dataset}/distribution/{distribution.format}")
    download = URIRef(distribution.download_url or f"{base}dataset.{extension}")
    add = graph.add
    add((dataset, DCAT.distribution, node))
    add((dataset, VOID.dataDump, download))
    add((node, RDF.type, DCAT.Distribution))
    add((node, DCTERMS.title, Literal(f"{TITLE} ({media_type})", lang="en")))
    add((node, DCAT.accessURL, download))
    add((node, DCAT.downloadURL, download))
    add((node, DCAT.mediaType, URIRef(_MEDIA_TYPES + media_type)))
    add((node, DCTERMS.format, URIRef(format_iri)))
    add((node, DCTERMS.license, LICENSE))
    if distribution.sparql_endpoint:
        endpoint = URIRef(distribution.sparql_endpoint)
        add((dataset, VOID.sparqlEndpoint, endpoint))
        service = URIRef(f"{dataset}/service")
        add((service, RDF.type, DCAT.DataService))
        add((service, DCTERMS.title, Literal(f"{TITLE} (SPARQL endpoint)", lang="en")))
        add((service, DCAT.endpointURL, endpoint))
        add((service, DCAT.servesDataset, dataset))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        add((node, DCAT.accessService, service))


def _slug(name) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-") or "agent"


def is_description(line: bytes, base: str | None = None) -> bool:
    """Whether an N-Triples/N-Quads ``line`` belongs to a dataset description (see the module doc)."""
    prefix = b"<" + str(dataset_iri(base)).encode()
    return line.startswith(prefix) and line[len(prefix):len(prefix) + 1] in (b">", b"/")


def description_lines(graph: Graph) -> bytes:
    """``graph`` as N-Triples lines sorted by subject IRI (the dataset before its period), then line."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = {line + b"\n" for line in data.split(b"\n") if line}
    return b"".join(sorted(lines, key=lambda line: (line[:line.index(b"> ")], line)))


@functools.lru_cache(maxsize=4)
def _ontology_metadata(folder: str) -> dict:
    graph = Graph()
    for path in ontology_files(folder):
        read_turtle(path, graph)
    heads = sorted(set(graph.subjects(RDF.type, OWL.Ontology)) | {ONTOLOGY})
    dates = sorted({date for head in heads for p in (DCTERMS.created, DCTERMS.modified)
                    for date in graph.objects(head, p)}, key=str)
    created = next(iter(sorted(graph.objects(ONTOLOGY, DCTERMS.created), key=str)), None)
    creators = sorted(set(graph.objects(ONTOLOGY, DCTERMS.creator)), key=str)
    return {"dates": dates, "created": created, "creators": creators}


def read_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """``path`` (Turtle) added to ``graph`` (default: a new one). pyoxigraph parses it and rdflib
    reads the N-Triples: several times faster than rdflib's own Turtle parser, which dominated
    a small export."""
    import pyoxigraph as ox

    graph = Graph() if graph is None else graph
    triples = ox.serialize((quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)),
                           format=ox.RdfFormat.N_TRIPLES)
    return graph.parse(data=triples, format="nt")


def _sources(store) -> list[tuple[str, str | None]]:
    """The source documents in the store with their citations, by IRI."""
    rows = store.query(f"""
        SELECT ?source (SAMPLE(?text) AS ?citation) WHERE {{
          ?source a <{MK.SourceDocument}> .
          OPTIONAL {{ ?source <{DCTERMS.bibliographicCitation}> ?text }}
        }} GROUP BY ?source ORDER BY ?source""")
    return [(row["source"].value, row["citation"].value if row["citation"] is not None else None)
            for row in rows]


def _period(store) -> tuple[str, str] | None:
    """The first and last day the events cover, from their SEM time bounds."""
    rows = list(store.query(f"""
        SELECT ?first ?last WHERE {{
          {{ SELECT (MIN(?begin) AS ?first) WHERE {{ ?event <{SEM.hasEarliestBeginTimeStamp}> ?begin }} }}
          {{ SELECT (MAX(?end) AS ?last) WHERE {{ ?event <{SEM.hasLatestEndTimeStamp}> ?end }} }}
        }}"""))
    if not rows or rows[0]["first"] is None or rows[0]["last"] is None:
        return None
    return rows[0]["first"].value, rows[0]["last"].value
