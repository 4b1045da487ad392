"""A tiny ontology, seed graph and query library for the store and SPARQL tests.

They stand in for the real ontology/, seeds/ and queries/, so these tests do not move when those do.
"""
from __future__ import annotations

from pathlib import Path

import rdflib

ONTOLOGY_TTL = """\
@prefix mk: <https://w3id.org/malikg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
mk:Actor a owl:Class ; rdfs:label "Actor"@en .
mk:ArmedGroup a owl:Class ; rdfs:subClassOf mk:Actor ; rdfs:label "Armed group"@en .
mk:Event a owl:Class ; rdfs:label "Event"@en .
"""

VOCABULARY_TTL = """\
@prefix mkv: <https://w3id.org/malikg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
mkv:air-drone-strike a skos:Concept ; skos:prefLabel "Air/drone strike"@en .
mkv:attack a skos:Concept ; skos:prefLabel "Attack"@en .
"""

SHAPES_TTL = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:malikg:test:shape> a sh:NodeShape .
"""

SEED_TTL = """\
@prefix mk: <https://w3id.org/malikg/ontology#> .
@prefix mkv: <https://w3id.org/malikg/vocab#> .
@prefix actor: <https://w3id.org/malikg/id/actor/> .
@prefix event: <https://w3id.org/malikg/id/event/> .
@prefix place: <https://w3id.org/malikg/id/place/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

actor:jnim a mk:ArmedGroup ; rdfs:label "JNIM" .
actor:malian-armed-forces a mk:ArmedGroup ; rdfs:label "Forces Armées Maliennes" .
place:ogota rdfs:label "Ogota" .
place:amasrakad rdfs:label "Amasrakad" .
place:tinzaouaten rdfs:label "ⵜⵉⵏⵣⴰⵡⴰⵜⴻⵏ 廷扎瓦滕" .

event:2024-01-27-ogota a mk:Event ; rdfs:label "Ogota killings" ;
  sem:eventType mkv:attack ; sem:hasPlace place:ogota ;
  sem:hasTimeStamp "2024-01-27"^^xsd:date ; mk:perpetrator actor:jnim ; mk:count 28 .
event:2024-03-17-amasrakad a mk:Event ; rdfs:label "Drone strike in Amasrakad" ;
  sem:eventType mkv:air-drone-strike ; sem:hasPlace place:amasrakad ;
  sem:hasTimeStamp "2024-03-17"^^xsd:date ; mk:perpetrator actor:malian-armed-forces ; mk:count 13 .
event:2024-08-25-tinzaouaten a mk:Event ; rdfs:label "Drone strike in Tinzaouaten" ;
  sem:eventType mkv:air-drone-strike ; sem:hasPlace place:tinzaouaten ;
  sem:hasTimeStamp "2024-08-25"^^xsd:date ; mk:perpetrator actor:malian-armed-forces ; mk:count 21 .
"""

#: Triples in SEED_TTL, and in the ontology files that are loaded (not shapes.ttl).
SEED_TRIPLES = 28
ONTOLOGY_TRIPLES = 11

DRONE_STRIKES_RQ = """\
# title: Drone strikes
# question: Which air or drone strikes does the graph record, where and when,
#   and whom did they kill?
# param: actor (actor, default: malian-armed-forces) the actor whose strikes to list
# param: since (date, default: 2024-01-01) earliest date
# example: malikg query drone-strikes -p since=2024-04-01
SELECT ?event ?date ?place ?killed WHERE {
  ?event sem:eventType mkv:air-drone-strike ; mk:perpetrator ?actor ;
         sem:hasTimeStamp ?date ; sem:hasPlace ?p ; mk:count ?killed .
  ?p rdfs:label ?place .
  FILTER(?date >= ?since)
} ORDER BY ?date
"""

LABEL_OF_RQ = """\
# title: Label of a thing
# question: What is this resource called?
# param: thing (iri) the resource
SELECT ?label WHERE { ?thing rdfs:label ?label }
"""

HAS_LABEL_RQ = """\
# title: Is there something called this?
# param: label (string) the label to look for
ASK { ?thing rdfs:label ?label }
"""


def write_ontology(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ontology.ttl").write_text(ONTOLOGY_TTL, encoding="utf-8")
    (folder / "vocabulary.ttl").write_text(VOCABULARY_TTL, encoding="utf-8")
    (folder / "shapes.ttl").write_text(SHAPES_TTL, encoding="utf-8")
    return folder


def write_queries(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drone-strikes.rq").write_text(DRONE_STRIKES_RQ, encoding="utf-8")
    (folder / "label-of.rq").write_text(LABEL_OF_RQ, encoding="utf-8")
    (folder / "has-label.rq").write_text(HAS_LABEL_RQ, encoding="utf-8")
    return folder


def seed_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=SEED_TTL, format="turtle")
