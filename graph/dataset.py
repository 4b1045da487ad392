"""The dataset description that heads every export: VoID and DCAT, derived from data only.

Nothing in it comes from the clock. Dates and version come from the bundled ontology's own
metadata (``dcterms:created``/``dcterms:modified``, ``owl:versionInfo``) and the package
version; counts, vocabularies, sources and the period covered come from the exported data.
The same graph therefore always gets the same description, so exports stay byte-identical.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from . import __version__
from .namespaces import MK, PREFIXES, SEM, base_iri
from .resources import ontology_dir

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

ONTOLOGY = URIRef("https://w3id.org/malikg/ontology")
#: The licence of the coded data, the same as the ontology's dcterms:license.
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: Seed resources a partner can look at first; only those present in the data are listed.
EXAMPLES = ("actor/jnim", "place/ogota", "event/2024-01-27-ogota")
#: Vocabularies that can appear in malikg data; ``void:vocabulary`` lists those the export uses.
VOCABULARIES = {prefix: iri for prefix, iri in PREFIXES.items()}
VOCABULARIES.update({
    "cameo": "https://w3id.org/malikg/ext/cameo#",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
})

TITLE = "malikg: the armed conflict in Mali as an evidence-linked knowledge graph"
DESCRIPTION = (
    "Actors, places, incidents, harms, claimed motives, relations between actors and aggregate "
    "figures of the armed conflict in Mali, coded from their source documents. Every resource "
    "links with prov:wasDerivedFrom to a Web Annotation selector on the exact sentence it came "
    "from, and the source's hedges (alleged, apparently, at least, about) are kept as data.")
KEYWORDS = ("Mali", "armed conflict", "human rights", "conflict events", "ACLED", "Sahel")


def dataset_iri(base: str | None = None) -> URIRef:
    """The IRI the description is about: ``{base}dataset``."""
    return URIRef(f"{base or base_iri()}dataset")


def vocabularies_used(data: bytes) -> list[str]:
    """Namespaces of ``VOCABULARIES`` whose IRIs occur in ``data`` (N-Triples or N-Quads), sorted."""
    return sorted(iri for iri in VOCABULARIES.values() if b"<" + iri.encode() in data)


def describe(store, *, triples: int, vocabularies: Iterable[str], base: str | None = None,
             ontology: str | Path | None = None) -> Graph:
    """The VoID/DCAT description of an export of ``store`` holding ``triples`` triples.

    ``vocabularies`` are the namespaces the export uses (see ``vocabularies_used``);
    ``ontology`` is the ontology folder whose metadata dates and versions the dataset.
    """
    base = base or base_iri()
    dataset = dataset_iri(base)
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
    add((dataset, DCAT.version, Literal(__version__)))
    add((dataset, OWL.versionInfo, Literal(__version__)))

    metadata = _ontology_metadata(str(ontology or ontology_dir()))
    for creator in metadata["creators"]:
        add((dataset, DCTERMS.creator, creator))
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

    add((dataset, VOID.triples, Literal(triples)))
    add((dataset, VOID.uriSpace, Literal(base)))
    for iri in sorted(set(vocabularies)):
        add((dataset, VOID.vocabulary, URIRef(iri)))
    for path in EXAMPLES:
        iri = f"{base}{path}"
        if store.query(f"ASK {{ <{iri}> ?p ?o }}"):
            add((dataset, VOID.exampleResource, URIRef(iri)))
    return graph


def description_lines(graph: Graph) -> bytes:
    """``graph`` as N-Triples lines sorted by subject IRI (the dataset before its period), then line."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = {line + b"\n" for line in data.split(b"\n") if line}
    return b"".join(sorted(lines, key=lambda line: (line[:line.index(b"> ")], line)))


@functools.lru_cache(maxsize=4)
def _ontology_metadata(folder: str) -> dict:
    graph = Graph()
    for path in sorted(Path(folder).glob("*.ttl")):
        graph.parse(path, format="turtle")
    heads = sorted(set(graph.subjects(RDF.type, OWL.Ontology)) | {ONTOLOGY})
    dates = sorted({date for head in heads for p in (DCTERMS.created, DCTERMS.modified)
                    for date in graph.objects(head, p)}, key=str)
    created = next(iter(sorted(graph.objects(ONTOLOGY, DCTERMS.created), key=str)), None)
    creators = sorted(set(graph.objects(ONTOLOGY, DCTERMS.creator)), key=str)
    return {"dates": dates, "created": created, "creators": creators}


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
