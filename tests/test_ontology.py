"""The ontology, the SKOS vocabularies and the SHACL shapes: well-formed, documented, in step
with docs/model.md and with each other, and the shapes accept good data and reject bad."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from graph.namespaces import ACLED, MK, MKV, OA, SEM, UCDP, WDT

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
MODEL_MD = ROOT / "docs" / "model.md"
FILES = ("ontology.ttl", "vocabulary.ttl", "shapes.ttl")

MKSH = Namespace("https://w3id.org/malikg/shapes#")
CAMEO = Namespace("https://w3id.org/malikg/ext/cameo#")
# a plain Namespace: pytest probing rdflib's closed XSD namespace at collection time warns
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_IRI = URIRef("https://w3id.org/malikg/ontology")

SCHEMES = ("EventTypes", "Themes", "ActorTypes", "PlaceTypes", "DatePrecisions", "DateBases",
           "Roles", "Certainties", "HarmTypes", "VictimGroups", "CountQualifiers", "Motives",
           "Accusations", "RelationTypes", "RelationStatuses", "Measures", "DocumentKinds",
           "EvidenceKinds")

SCHEMA = Namespace("https://schema.org/")


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

def _parse(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / name, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _parse("ontology.ttl")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return _parse("vocabulary.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse("shapes.ttl")


@pytest.fixture(scope="module")
def model_text() -> str:
    return MODEL_MD.read_text(encoding="utf-8")


def _local(iri, namespace) -> str:
    return str(iri)[len(str(namespace)):]


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_parses_with_rdflib(name):
    assert len(_parse(name)) > 0


@pytest.mark.parametrize("name", FILES)
def test_parses_with_pyoxigraph(name):
    quads = list(pyoxigraph.parse(path=str(ONTOLOGY_DIR / name), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(_parse(name))


# ---------------------------------------------------------------------------
# Ontology
# ---------------------------------------------------------------------------

def test_ontology_header(ontology):
    o = ONTOLOGY_IRI
    assert (o, RDF.type, OWL.Ontology) in ontology
    assert (o, OWL.versionIRI, URIRef("https://w3id.org/malikg/ontology/0.1.0")) in ontology
    assert (o, OWL.versionInfo, Literal("0.1.0")) in ontology
    assert (o, URIRef("http://purl.org/dc/terms/license"),
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in ontology
    assert (o, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"), Literal("mk")) in ontology
    assert (o, URIRef("http://purl.org/dc/terms/created"),
            Literal("2026-11-24", datatype=XSD.date)) in ontology
    assert not list(ontology.objects(None, OWL.imports))


def _mk_terms(ontology, kind):
    return sorted(s for s in ontology.subjects(RDF.type, kind)
                  if isinstance(s, URIRef) and str(s).startswith(str(MK)))


def test_every_mk_term_is_documented(ontology):
    terms = [t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for t in _mk_terms(ontology, kind)]
    assert len(terms) > 90
    for term in terms:
        label = ontology.value(term, RDFS.label)
        definition = ontology.value(term, SKOS.definition)
        assert label is not None and label.language == "en", f"{term} lacks an English rdfs:label"
        assert definition is not None and definition.language == "en", f"{term} lacks skos:definition@en"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, f"{term} lacks rdfs:isDefinedBy"


def test_every_mk_property_has_domain_and_range(ontology):
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in _mk_terms(ontology, kind):
            domain = ontology.value(prop, RDFS.domain) or ontology.value(prop, SCHEMA.domainIncludes)
            range_ = ontology.value(prop, RDFS.range) or ontology.value(prop, SCHEMA.rangeIncludes)
            assert domain is not None, f"{prop} has no domain"
            assert range_ is not None, f"{prop} has no range"


def test_every_mk_term_in_model_md_is_defined(ontology, model_text):
    named = set(re.findall(r"\bmk:([A-Za-z][A-Za-z0-9]*)", model_text))
    defined = {_local(t, MK) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
               for t in _mk_terms(ontology, kind)}
    assert named, "found no mk: terms in docs/model.md"
    assert sorted(named - defined) == []


def test_alignments(ontology):
    sub = RDFS.subClassOf
    assert (MK.Event, sub, SEM.Event) in ontology
    assert (MK.Actor, sub, SEM.Actor) in ontology
    assert (MK.Place, sub, SEM.Place) in ontology
    assert (MK.Participation, sub, SEM.Role) in ontology
    assert (MK.Claim, sub, SEM.View) in ontology
    assert (MK.claimant, RDFS.subPropertyOf, SEM.accordingTo) in ontology
    assert (MK.perpetrator, RDFS.subPropertyOf, SEM.hasActor) in ontology
    assert (MK.target, RDFS.subPropertyOf, SEM.hasActor) in ontology
    assert (MK.perpetrator, SKOS.closeMatch, WDT.P8031) in ontology
    assert (MK.target, SKOS.closeMatch, WDT.P8032) in ontology


@pytest.mark.parametrize("prop, classes", [
    ("count", {"Harm", "Statistic"}),
    ("countQualifier", {"Harm", "Statistic"}),
    ("low", {"Harm", "Statistic"}),
    ("best", {"Harm", "Statistic"}),
    ("high", {"Harm", "Statistic"}),
    ("certainty", {"Participation", "Claim", "Relation"}),
    ("claimant", {"Claim", "Relation"}),
    ("respondsTo", {"Event", "Claim"}),
])
def test_shared_properties_list_every_domain(ontology, prop, classes):
    # schema:domainIncludes (as SOSA does) rather than an owl:unionOf: no blank nodes, so every
    # export of the ontology is byte-identical between runs.
    assert ontology.value(MK[prop], RDFS.domain) is None
    assert set(ontology.objects(MK[prop], SCHEMA.domainIncludes)) == {MK[c] for c in classes}


def test_the_ontology_has_no_blank_nodes(ontology, vocabulary):
    for graph in (ontology, vocabulary):
        assert not any(isinstance(term, BNode) for triple in graph for term in triple)


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

def test_every_concept_is_documented(vocabulary):
    concepts = set(vocabulary.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 150
    for concept in concepts:
        labels = list(vocabulary.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language == "en", f"{concept}: need one prefLabel@en"
        definition = vocabulary.value(concept, SKOS.definition)
        assert definition is not None and definition.language == "en", f"{concept} lacks definition@en"
        assert vocabulary.value(concept, SKOS.inScheme) is not None, f"{concept} lacks skos:inScheme"


def test_schemes_exist(vocabulary):
    for scheme in SCHEMES:
        assert (MKV[scheme], RDF.type, SKOS.ConceptScheme) in vocabulary, scheme
        assert vocabulary.value(MKV[scheme], SKOS.prefLabel) is not None
        assert vocabulary.value(MKV[scheme], SKOS.definition) is not None
    for scheme in (ACLED.Codebook, UCDP.Codebook, CAMEO.Codebook):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in vocabulary


def test_top_concepts_are_consistent(vocabulary):
    for concept, scheme in vocabulary.subject_objects(SKOS.topConceptOf):
        assert (concept, SKOS.inScheme, scheme) in vocabulary
        assert (scheme, SKOS.hasTopConcept, concept) in vocabulary
        assert vocabulary.value(concept, SKOS.broader) is None
    for scheme, concept in vocabulary.subject_objects(SKOS.hasTopConcept):
        assert (concept, SKOS.topConceptOf, scheme) in vocabulary
    for concept, scheme in vocabulary.subject_objects(SKOS.inScheme):
        if vocabulary.value(concept, SKOS.broader) is None:
            assert (concept, SKOS.topConceptOf, scheme) in vocabulary, f"{concept} in {scheme}"


def test_every_mkv_name_in_model_md_exists(vocabulary, model_text):
    named = set(re.findall(r"mkv:([a-z0-9-]+)", model_text))
    assert len(named) > 150
    missing = sorted(n for n in named if (MKV[n], RDF.type, SKOS.Concept) not in vocabulary)
    assert missing == []


def test_no_stray_mk_or_mkv_terms(ontology, vocabulary, shapes):
    """Every mk:/mkv: IRI used anywhere is defined (catches typos in the Turtle)."""
    defined_mk = {s for s in ontology.subjects() if str(s).startswith(str(MK))}
    defined_mkv = set(vocabulary.subjects(RDF.type, SKOS.Concept)) | set(
        vocabulary.subjects(RDF.type, SKOS.ConceptScheme))
    for graph in (ontology, vocabulary, shapes):
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(str(MK)):
                    assert term in defined_mk, f"undefined {term}"
                if isinstance(term, URIRef) and str(term).startswith(str(MKV)):
                    assert term in defined_mkv, f"undefined {term}"


def test_concepts_in_two_schemes(vocabulary):
    shared = {c for c in vocabulary.subjects(RDF.type, SKOS.Concept)
              if len(set(vocabulary.objects(c, SKOS.inScheme))) > 1}
    assert shared == {MKV.civilians, MKV["displaced-persons"], MKV.membership}


def test_event_types(vocabulary):
    tops = {"battles", "explosions-remote-violence", "violence-against-civilians", "protests",
            "riots", "strategic-developments"}
    members = set(vocabulary.subjects(SKOS.inScheme, MKV.EventTypes))
    assert len(members) == 31
    for concept in members:
        assert (concept, RDF.type, SEM.EventType) in vocabulary
        match = vocabulary.value(concept, SKOS.exactMatch)
        assert match is not None and str(match).startswith(str(ACLED))
        assert (match, SKOS.inScheme, ACLED.Codebook) in vocabulary
        broader = vocabulary.value(concept, SKOS.broader)
        if _local(concept, MKV) in tops:
            assert broader is None
        else:
            assert _local(broader, MKV) in tops
            assert (match, SKOS.broader, vocabulary.value(broader, SKOS.exactMatch)) in vocabulary
    assert vocabulary.value(ACLED["violence-against-civilians"], SKOS.prefLabel) == Literal(
        "Violence against civilians", lang="en")
    assert vocabulary.value(ACLED["air-drone-strike"], SKOS.prefLabel) == Literal("Air/drone strike", lang="en")


def test_actor_types(vocabulary):
    expected = ["state-forces", "rebel-group", "political-militia", "identity-militia",
                "rioters", "protesters", "civilians", "external-forces"]
    for code, name in enumerate(expected, 1):
        concept = MKV[name]
        assert (concept, SKOS.inScheme, MKV.ActorTypes) in vocabulary
        assert (concept, RDF.type, SEM.ActorType) in vocabulary
        assert vocabulary.value(concept, SKOS.notation) == Literal(str(code))
        assert (concept, SKOS.exactMatch, ACLED[f"inter{code}"]) in vocabulary
    assert vocabulary.value(ACLED.inter8, SKOS.prefLabel) == Literal("External/Other forces", lang="en")


def test_relation_types_have_sign_and_symmetry(vocabulary):
    positive_symmetric = {"alliance", "partnership", "deal", "peace-agreement"}
    negative = {"hostility", "clashes"}
    neutral = {"territorial-control", "territorial-claim", "predominant-population", "active-in"}
    members = set(vocabulary.subjects(SKOS.inScheme, MKV.RelationTypes))
    assert len(members) == 22
    for concept in members:
        name = _local(concept, MKV)
        sign = vocabulary.value(concept, MK.sign)
        symmetric = vocabulary.value(concept, MK.symmetric)
        assert sign is not None and sign.datatype == XSD.integer, name
        assert symmetric is not None and symmetric.datatype == XSD.boolean, name
        expected_sign = -1 if name in negative else 0 if name in neutral else 1
        assert sign.toPython() == expected_sign, name
        assert symmetric.toPython() is (name in positive_symmetric | negative), name


def test_date_precisions(vocabulary):
    acled = {"day": 1, "week": 2, "part-of-month": 2, "month": 3}
    for concept in vocabulary.subjects(SKOS.inScheme, MKV.DatePrecisions):
        name = _local(concept, MKV)
        value = vocabulary.value(concept, MK.acledTimePrecision)
        assert (value.toPython() if value is not None else None) == acled.get(name), name
    assert (MKV.day, SKOS.closeMatch, UCDP["date-prec-1"]) in vocabulary
    assert (MKV.week, SKOS.closeMatch, UCDP["date-prec-3"]) in vocabulary
    assert (MKV.month, SKOS.closeMatch, UCDP["date-prec-4"]) in vocabulary
    assert (MKV.year, SKOS.closeMatch, UCDP["date-prec-5"]) in vocabulary


def test_place_types(vocabulary):
    admin = {"country": 0, "region": 1, "claimed-region": 1, "district-area": 3}
    for concept in vocabulary.subjects(SKOS.inScheme, MKV.PlaceTypes):
        name = _local(concept, MKV)
        value = vocabulary.value(concept, MK.adminLevel)
        assert (value.toPython() if value is not None else None) == admin.get(name), name
    assert (MKV.village, SKOS.closeMatch, UCDP["where-prec-1"]) in vocabulary
    assert (MKV.country, SKOS.closeMatch, UCDP["where-prec-6"]) in vocabulary


def test_harm_and_victim_mappings(vocabulary):
    assert (MKV.killed, SKOS.closeMatch, CAMEO["1823"]) in vocabulary
    assert (MKV.killed, SKOS.closeMatch, WDT.P1120) in vocabulary
    assert (MKV.injured, SKOS.closeMatch, WDT.P1339) in vocabulary
    assert (MKV.arrested, SKOS.closeMatch, CAMEO["173"]) in vocabulary
    assert (MKV["air-drone-strike"], SKOS.closeMatch, CAMEO["1952"]) in vocabulary
    assert (MKV.boys, SKOS.broader, MKV.children) in vocabulary
    wikidata_items = [o for o in vocabulary.objects() if str(o).startswith("http://www.wikidata.org/entity/")]
    assert wikidata_items == []


# ---------------------------------------------------------------------------
# Shapes: in step with the vocabulary
# ---------------------------------------------------------------------------

def _in_list(shapes, path):
    lists = [set(Collection(shapes, shapes.value(ps, SH["in"])))
             for ps in shapes.subjects(SH.path, path) if shapes.value(ps, SH["in"]) is not None]
    assert lists, f"no sh:in for {path}"
    return lists


@pytest.mark.parametrize("path, scheme", [
    (SEM.actorType, "ActorTypes"), (MK.placeType, "PlaceTypes"), (MK.theme, "Themes"),
    (MK.datePrecision, "DatePrecisions"), (MK.dateBasis, "DateBases"), (SEM.roleType, "Roles"),
    (MK.certainty, "Certainties"), (MK.harmType, "HarmTypes"), (MK.victimGroup, "VictimGroups"),
    (MK.countQualifier, "CountQualifiers"), (MK.distanceQualifier, "CountQualifiers"),
    (MK.startQualifier, "CountQualifiers"), (MK.motive, "Motives"), (MK.accusation, "Accusations"),
    (MK.relationType, "RelationTypes"), (MK.status, "RelationStatuses"), (MK.measure, "Measures"),
])
def test_sh_in_lists_match_schemes(shapes, vocabulary, path, scheme):
    members = set(vocabulary.subjects(SKOS.inScheme, MKV[scheme]))
    for values in _in_list(shapes, path):
        assert values == members


def test_event_type_sh_in_is_the_sub_event_types(shapes, vocabulary):
    sub_events = {c for c in vocabulary.subjects(SKOS.inScheme, MKV.EventTypes)
                  if vocabulary.value(c, SKOS.broader) is not None}
    assert len(sub_events) == 25
    assert _in_list(shapes, SEM.eventType) == [sub_events]


def test_every_shape_is_named_and_has_a_message(shapes):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    sparql = set(shapes.objects(None, SH.sparql))
    assert len(node_shapes) >= 12
    targeted = set(shapes.subjects(SH.targetClass, None))
    for shape in node_shapes | sparql:
        assert shapes.value(shape, RDFS.label) is not None, f"{shape} lacks rdfs:label"
    for shape in (node_shapes - targeted) | sparql:
        assert shapes.value(shape, SH.message) is not None, f"{shape} lacks sh:message"
    for shape in targeted:
        # pySHACL would add it as a second, vaguer message to the shape's SPARQL results
        assert shapes.value(shape, SH.message) is None, f"{shape}: put messages on its constraints"
    for shape in property_shapes:
        assert shapes.value(shape, SH.name) is not None, f"property shape on {shapes.value(shape, SH.path)}"
        assert shapes.value(shape, SH.message) is not None, f"property shape on {shapes.value(shape, SH.path)}"
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in ("Actor", "Place", "Event", "Incident", "Participation", "Harm", "Claim", "Relation",
                "Statistic", "SourceDocument"):
        assert MK[cls] in targets, cls
    oa = Namespace("http://www.w3.org/ns/oa#")
    for cls in ("SpecificResource", "TextQuoteSelector", "TextPositionSelector"):
        assert oa[cls] in targets, cls


# ---------------------------------------------------------------------------
# Shapes: accept a small good graph, reject broken variants of it
# ---------------------------------------------------------------------------

# Data IRIs are written id:kind/slug below for brevity and turned into <kind/slug> relative to
# the base, since a Turtle or SPARQL prefixed name cannot contain "/".
BASE = "https://w3id.org/malikg/id/"


def _ids(text: str) -> str:
    return re.sub(r"(?<![\w:])id:([A-Za-z0-9/_-]+)", r"<\1>", text)


PREFIXES = f"@base <{BASE}> .\n" + """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix geo:     <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix mk:      <https://w3id.org/malikg/ontology#> .
@prefix mkv:     <https://w3id.org/malikg/vocab#> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sem:     <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

GOOD = PREFIXES + """
id:source/hrw-wr2025-mali a mk:SourceDocument , prov:Entity ;
    dcterms:title "World Report 2025: Mali" ;
    dcterms:publisher id:actor/hrw ; mk:documentKind mkv:report ;
    mk:retrievedFrom "a copy supplied with the seed" ; mk:excerpt false ;
    mk:sha256 "0000000000000000000000000000000000000000000000000000000000000000" ;
    mk:characterCount 1000 .

id:evidence/hrw-wr2025-mali/10-20 a oa:SpecificResource , prov:Entity ;
    oa:hasSource id:source/hrw-wr2025-mali ;
    oa:hasSelector id:evidence/hrw-wr2025-mali/10-20/quote , id:evidence/hrw-wr2025-mali/10-20/position .
id:evidence/hrw-wr2025-mali/10-20/quote a oa:TextQuoteSelector ;
    oa:exact "On January" ; oa:prefix "killed. " ; oa:suffix " 27" .
id:evidence/hrw-wr2025-mali/10-20/position a oa:TextPositionSelector ;
    oa:start "10"^^xsd:nonNegativeInteger ; oa:end "20"^^xsd:nonNegativeInteger .

id:actor/hrw a mk:Organisation , mk:Actor ;
    rdfs:label "Human Rights Watch"@en ; dcterms:identifier "hrw" ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
id:actor/jnim a mk:ArmedGroup , mk:Actor ;
    rdfs:label "JNIM"@en ; sem:actorType mkv:rebel-group ; mk:interCode 2 ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
id:actor/villagers a mk:Community , mk:Actor ;
    rdfs:label "villagers of Ogota"@en ; sem:actorType mkv:civilians ; mk:interCode 7 ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .

id:place/mali a mk:Place ;
    rdfs:label "Mali"@en ; mk:placeType mkv:country ; mk:adminLevel 0 ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
id:place/ogota a mk:Place ;
    rdfs:label "Ogota"@en ; mk:placeType mkv:village ; mk:within id:place/mali ;
    geo:lat 14.2 ; geo:long -3.5 ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .

id:event/2024-01-27-ogota a mk:Incident , mk:Event ;
    rdfs:label "Attack on Ogota"@en ;
    sem:eventType mkv:attack ;
    mk:theme mkv:armed-conflict ;
    mk:datePrecision mkv:day ; mk:dateBasis mkv:stated-date ; mk:dateText "On January 27" ;
    sem:hasTimeStamp "2024-01-27"^^xsd:date ;
    sem:hasEarliestBeginTimeStamp "2024-01-27"^^xsd:date ;
    sem:hasLatestEndTimeStamp "2024-01-27"^^xsd:date ;
    sem:hasPlace id:place/ogota ;
    mk:participation id:participation/2024-01-27-ogota-jnim-perpetrator ,
                     id:participation/2024-01-27-ogota-villagers-target ;
    sem:hasActor id:actor/jnim , id:actor/villagers ;
    mk:perpetrator id:actor/jnim ;
    mk:target id:actor/villagers ;
    mk:harm id:harm/2024-01-27-ogota-killed-villagers ;
    mk:basedOn id:basis/2024-01-27-ogota-witness-accounts ;
    mk:accordingTo id:source/hrw-wr2025-mali ; prov:wasAttributedTo id:actor/hrw ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
id:basis/2024-01-27-ogota-witness-accounts a mk:EvidenceBasis ;
    mk:evidenceKind mkv:witness-accounts ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
id:participation/2024-01-27-ogota-jnim-perpetrator a mk:Participation ;
    mk:participant id:actor/jnim ; sem:roleType mkv:perpetrator ; mk:certainty mkv:alleged .
id:participation/2024-01-27-ogota-villagers-target a mk:Participation ;
    mk:participant id:actor/villagers ; sem:roleType mkv:target ; mk:certainty mkv:stated .

id:harm/2024-01-27-ogota-killed-villagers a mk:Harm ;
    mk:harmType mkv:killed ; mk:victimGroup mkv:villagers ;
    mk:count 28 ; mk:countQualifier mkv:exact ; mk:low 28 ; mk:best 28 ; mk:high 28 ;
    mk:includes id:harm/2024-01-27-ogota-killed-villagers-children ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
id:harm/2024-01-27-ogota-killed-villagers-children a mk:Harm ;
    mk:harmType mkv:killed ; mk:victimGroup mkv:children ;
    mk:count 3 ; mk:countQualifier mkv:at-least ; mk:low 3 ; mk:best 3 ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .

id:claim/ogota-retaliation a mk:Claim ;
    mk:claimAbout id:event/2024-01-27-ogota ; mk:motive mkv:retaliation ;
    mk:claimant id:actor/villagers ; sem:accordingTo id:actor/villagers ; mk:certainty mkv:believed ;
    mk:accordingTo id:source/hrw-wr2025-mali ; prov:wasAttributedTo id:actor/hrw ;
    mk:accusation mkv:collaboration ; mk:accusedParty id:actor/villagers ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .

id:relation/jnim-active-in-mali a mk:Relation ;
    mk:relationType mkv:active-in ; mk:source id:actor/jnim ; mk:relatedTo id:place/mali ;
    mk:certainty mkv:stated ; mk:status mkv:current ;
    mk:startDate "2017"^^xsd:gYear ; mk:startQualifier mkv:about ;
    mk:accordingTo id:source/hrw-wr2025-mali ; prov:wasAttributedTo id:actor/hrw ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .

id:statistic/displaced a mk:Statistic ;
    mk:measure mkv:displaced-persons ; mk:count 600000 ; mk:countQualifier mkv:over ;
    mk:low 600001 ; mk:best 600001 ;
    mk:reportedBy id:actor/hrw ; sem:hasPlace id:place/mali ;
    mk:periodStart "2024-01-01"^^xsd:date ; mk:periodEnd "2024-08-31"^^xsd:date ;
    mk:accordingTo id:source/hrw-wr2025-mali ; prov:wasAttributedTo id:actor/hrw ;
    prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 .
"""

SPARQL_PREFIXES = f"BASE <{BASE}>\n" + "".join(
    f"PREFIX {line.split()[1]} {line.split()[2]}\n" for line in GOOD.splitlines() if line.startswith("@prefix"))

E = "id:event/2024-01-27-ogota"
H = "id:harm/2024-01-27-ogota-killed-villagers"
QUOTE = "id:evidence/hrw-wr2025-mali/10-20/quote"
POSITION = "id:evidence/hrw-wr2025-mali/10-20/position"
EVIDENCE = "id:evidence/hrw-wr2025-mali/10-20"

# (case id, SPARQL Update that breaks GOOD, a fragment of the expected result message)
BAD = [
    ("event-without-type", f"DELETE DATA {{ {E} sem:eventType mkv:attack }}", "sem:eventType"),
    ("event-top-level-type", f"DELETE DATA {{ {E} sem:eventType mkv:attack }} ;"
                             f"INSERT DATA {{ {E} sem:eventType mkv:violence-against-civilians }}", "sub-event type"),
    ("event-two-labels", f'INSERT DATA {{ {E} rdfs:label "Another"@en }}', "rdfs:label"),
    ("event-without-place", f"DELETE DATA {{ {E} sem:hasPlace id:place/ogota }}", "sem:hasPlace"),
    ("event-without-theme", f"DELETE DATA {{ {E} mk:theme mkv:armed-conflict }}", "mk:theme"),
    ("event-timestamp-not-day", f"DELETE DATA {{ {E} mk:datePrecision mkv:day }} ;"
                                f"INSERT DATA {{ {E} mk:datePrecision mkv:month }}", "only at mk:datePrecision"),
    ("event-bounds-reversed", f'DELETE DATA {{ {E} sem:hasLatestEndTimeStamp "2024-01-27"^^xsd:date }} ;'
                              f'INSERT DATA {{ {E} sem:hasLatestEndTimeStamp "2024-01-20"^^xsd:date }}',
     "sem:hasEarliestBeginTimeStamp"),
    ("event-missing-shortcut", f"DELETE DATA {{ {E} mk:perpetrator id:actor/jnim }}", "lacks its shortcut"),
    ("event-unbacked-shortcut", f"INSERT DATA {{ {E} mk:target id:actor/hrw . {E} sem:hasActor id:actor/hrw }}",
     "has no mk:Participation"),
    ("event-string-date", f'DELETE DATA {{ {E} sem:hasTimeStamp "2024-01-27"^^xsd:date }} ;'
                          f'INSERT DATA {{ {E} sem:hasTimeStamp "2024-01-27" }}', "sem:hasTimeStamp"),
    ("actor-without-evidence", "DELETE DATA { id:actor/jnim prov:wasDerivedFrom id:evidence/hrw-wr2025-mali/10-20 }",
     "prov:wasDerivedFrom"),
    ("actor-bad-inter-code", "DELETE DATA { id:actor/jnim mk:interCode 2 } ; INSERT DATA { id:actor/jnim mk:interCode 9 }",
     "mk:interCode"),
    ("actor-inter-code-mismatch", "DELETE DATA { id:actor/jnim mk:interCode 2 } ;"
                                  "INSERT DATA { id:actor/jnim mk:interCode 3 }", "does not match"),
    ("actor-bad-type", "DELETE DATA { id:actor/jnim sem:actorType mkv:rebel-group } ;"
                       "INSERT DATA { id:actor/jnim sem:actorType mkv:village }", "sem:actorType"),
    ("place-bad-type", "DELETE DATA { id:place/ogota mk:placeType mkv:village } ;"
                       "INSERT DATA { id:place/ogota mk:placeType mkv:attack }", "mk:placeType"),
    ("place-within-cycle", "INSERT DATA { id:place/mali mk:within id:place/ogota }", "cycle"),
    ("place-admin-level", "DELETE DATA { id:place/mali mk:adminLevel 0 } ; INSERT DATA { id:place/mali mk:adminLevel 1 }",
     "does not match mk:placeType"),
    ("participation-without-certainty",
     "DELETE DATA { id:participation/2024-01-27-ogota-jnim-perpetrator mk:certainty mkv:alleged }", "mk:certainty"),
    ("participation-bad-role",
     "DELETE DATA { id:participation/2024-01-27-ogota-jnim-perpetrator sem:roleType mkv:perpetrator } ;"
     "INSERT DATA { id:participation/2024-01-27-ogota-jnim-perpetrator sem:roleType mkv:stated }", "sem:roleType"),
    ("harm-without-qualifier", f"DELETE DATA {{ {H} mk:countQualifier mkv:exact }}", "mk:countQualifier"),
    ("harm-negative", f"DELETE DATA {{ {H} mk:low 28 }} ; INSERT DATA {{ {H} mk:low -1 }}", "non-negative"),
    ("harm-out-of-order", f"DELETE DATA {{ {H} mk:high 28 }} ; INSERT DATA {{ {H} mk:high 20 }}", "out of order"),
    ("harm-bad-derivation", f"DELETE DATA {{ {H} mk:countQualifier mkv:exact }} ;"
                            f"INSERT DATA {{ {H} mk:countQualifier mkv:over }}", "do not follow"),
    ("harm-part-other-type", "DELETE DATA { id:harm/2024-01-27-ogota-killed-villagers-children mk:harmType mkv:killed } ;"
                             "INSERT DATA { id:harm/2024-01-27-ogota-killed-villagers-children mk:harmType mkv:injured }",
     "included harm"),
    ("event-without-account", f"DELETE DATA {{ {E} mk:accordingTo id:source/hrw-wr2025-mali }}", "mk:accordingTo"),
    ("event-account-not-a-document", f"DELETE DATA {{ {E} mk:accordingTo id:source/hrw-wr2025-mali }} ;"
                                     f"INSERT DATA {{ {E} mk:accordingTo id:actor/hrw }}", "mk:accordingTo"),
    ("event-attributed-to-another", f"DELETE DATA {{ {E} prov:wasAttributedTo id:actor/hrw }} ;"
                                    f"INSERT DATA {{ {E} prov:wasAttributedTo id:actor/jnim }}", "dcterms:publisher"),
    ("event-same-incident-as-itself", f"INSERT DATA {{ {E} mk:sameIncidentAs {E} }}", "linked"),
    ("event-same-incident-not-event", f"INSERT DATA {{ {E} mk:sameIncidentAs id:actor/jnim }}", "mk:sameIncidentAs"),
    ("event-covers-same-document", "INSERT DATA { id:event/2024-01-27-ogota mk:covers id:event/x . "
                                   "id:event/x a mk:Event ; mk:accordingTo id:source/hrw-wr2025-mali }",
     "same document"),
    ("basis-bad-kind", "DELETE DATA { id:basis/2024-01-27-ogota-witness-accounts mk:evidenceKind mkv:witness-accounts } ;"
                       "INSERT DATA { id:basis/2024-01-27-ogota-witness-accounts mk:evidenceKind mkv:killed }",
     "mk:evidenceKind"),
    ("basis-without-evidence", "DELETE DATA { id:basis/2024-01-27-ogota-witness-accounts prov:wasDerivedFrom "
                               "id:evidence/hrw-wr2025-mali/10-20 }", "prov:wasDerivedFrom"),
    ("claim-without-sem-according-to", "DELETE DATA { id:claim/ogota-retaliation sem:accordingTo id:actor/villagers }",
     "sem:accordingTo"),
    ("source-bad-kind", "DELETE DATA { id:source/hrw-wr2025-mali mk:documentKind mkv:report } ;"
                        "INSERT DATA { id:source/hrw-wr2025-mali mk:documentKind mkv:killed }", "mk:documentKind"),
    ("source-excerpt-without-note", "DELETE DATA { id:source/hrw-wr2025-mali mk:excerpt false } ;"
                                    "INSERT DATA { id:source/hrw-wr2025-mali mk:excerpt true }", "mk:excerptNote"),
    ("claim-without-claimant", "DELETE DATA { id:claim/ogota-retaliation mk:claimant id:actor/villagers }", "mk:claimant"),
    ("claim-two-motives", "INSERT DATA { id:claim/ogota-retaliation mk:motive mkv:counterterrorism }", "mk:motive"),
    ("relation-uses-target", "INSERT DATA { id:relation/jnim-active-in-mali mk:target id:actor/hrw }", "not mk:target"),
    ("relation-related-to-harm", "DELETE DATA { id:relation/jnim-active-in-mali mk:relatedTo id:place/mali } ;"
                                 f"INSERT DATA {{ id:relation/jnim-active-in-mali mk:relatedTo {H} }}", "mk:relatedTo"),
    ("relation-bad-date", 'DELETE DATA { id:relation/jnim-active-in-mali mk:startDate "2017"^^xsd:gYear } ;'
                          'INSERT DATA { id:relation/jnim-active-in-mali mk:startDate "2017" }', "mk:startDate"),
    ("statistic-without-reporter", "DELETE DATA { id:statistic/displaced mk:reportedBy id:actor/hrw }", "mk:reportedBy"),
    ("statistic-period-reversed", 'DELETE DATA { id:statistic/displaced mk:periodEnd "2024-08-31"^^xsd:date } ;'
                                  'INSERT DATA { id:statistic/displaced mk:periodEnd "2023-08-31"^^xsd:date }',
     "mk:periodStart"),
    ("evidence-one-selector", f"DELETE DATA {{ {EVIDENCE} oa:hasSelector {POSITION} }}", "oa:hasSelector"),
    ("evidence-two-quote-selectors", f"DELETE DATA {{ {POSITION} a oa:TextPositionSelector }} ;"
                                     f"INSERT DATA {{ {POSITION} a oa:TextQuoteSelector }}",
     "exactly one oa:hasSelector that is an oa:TextQuoteSelector"),
    ("evidence-two-position-selectors", f"DELETE DATA {{ {QUOTE} a oa:TextQuoteSelector }} ;"
                                        f"INSERT DATA {{ {QUOTE} a oa:TextPositionSelector }}",
     "exactly one oa:hasSelector that is an oa:TextPositionSelector"),
    ("evidence-no-source", f"DELETE DATA {{ {EVIDENCE} oa:hasSource id:source/hrw-wr2025-mali }}", "oa:hasSource"),
    ("quote-without-exact", f'DELETE DATA {{ {QUOTE} oa:exact "On January" }}', "oa:exact"),
    ("quote-long-prefix", f'DELETE DATA {{ {QUOTE} oa:prefix "killed. " }} ;'
                          f'INSERT DATA {{ {QUOTE} oa:prefix "{"x" * 33}" }}', "oa:prefix"),
    ("quote-length-mismatch", f'DELETE DATA {{ {QUOTE} oa:exact "On January" }} ;'
                              f'INSERT DATA {{ {QUOTE} oa:exact "On Jan" }}', "code points long"),
    ("position-start-after-end", f'DELETE DATA {{ {POSITION} oa:start "10"^^xsd:nonNegativeInteger }} ;'
                                 f'INSERT DATA {{ {POSITION} oa:start "30"^^xsd:nonNegativeInteger }}', "oa:start"),
    ("position-integer-type", f'DELETE DATA {{ {POSITION} oa:end "20"^^xsd:nonNegativeInteger }} ;'
                              f'INSERT DATA {{ {POSITION} oa:end 20 }}', "oa:end"),
    ("position-beyond-source", "DELETE DATA { id:source/hrw-wr2025-mali mk:characterCount 1000 } ;"
                               "INSERT DATA { id:source/hrw-wr2025-mali mk:characterCount 15 }", "beyond"),
    ("source-bad-digest", 'DELETE DATA { id:source/hrw-wr2025-mali mk:sha256 '
                          '"0000000000000000000000000000000000000000000000000000000000000000" } ;'
                          'INSERT DATA { id:source/hrw-wr2025-mali mk:sha256 "ABC" }', "mk:sha256"),
]


def _validate(data: Graph, shapes: Graph):
    conforms, report_graph, report_text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=False)
    messages = [str(m) for m in report_graph.objects(None, SH.resultMessage)]
    return conforms, messages, report_text


def _good_graph() -> Graph:
    return Graph().parse(data=_ids(GOOD), format="turtle")


def test_shapes_accept_a_good_graph(shapes):
    conforms, _, report = _validate(_good_graph(), shapes)
    assert conforms, report


@pytest.mark.parametrize("case, update, fragment", BAD, ids=[case for case, _, _ in BAD])
def test_shapes_reject_a_bad_graph(shapes, case, update, fragment):
    data = _good_graph()
    before = len(data)
    data.update(SPARQL_PREFIXES + _ids(update))
    assert len(data) != before or "INSERT" in update, f"{case}: the update changed nothing"
    conforms, messages, report = _validate(data, shapes)
    assert not conforms, f"{case} was accepted"
    assert any(fragment in m for m in messages), f"{case}: no message with {fragment!r}:\n{report}"
    assert not any("does not conform" in m for m in messages)


@pytest.mark.parametrize("case, update, fragment", BAD, ids=[case for case, _, _ in BAD])
def test_malikg_validation_rejects_each_bad_graph_as_pyshacl_does(case, update, fragment):
    # What build and validate run: the core shapes in pySHACL, the SPARQL constraints as one
    # Oxigraph query each (graph/validate.py).
    from graph.validate import shacl_violations

    data = _good_graph()
    data.update(SPARQL_PREFIXES + _ids(update))
    messages = [violation.message for violation in shacl_violations(data)]
    assert any(fragment in m for m in messages), f"{case}: no message with {fragment!r}: {messages}"


def _pyshacl_violations(data: Graph, monkeypatch) -> set:
    """What graph.validate finds in ``data`` with pySHACL itself as its engine."""
    from graph import validate

    with monkeypatch.context() as patch:
        patch.setattr(validate, "_shacl_engine", lambda: pyshacl)
        return validate.core_violations(data)


def test_the_core_shapes_are_checked_by_pyshacl_turbo():
    from graph import validate

    assert sys.version_info < (3, 11) or validate._shacl_engine().__name__ == "pyshacl_turbo"


@pytest.mark.parametrize("case, update, fragment", BAD, ids=[case for case, _, _ in BAD])
def test_the_shacl_engine_finds_each_violation_pyshacl_finds(case, update, fragment, monkeypatch):
    # pyshacl-turbo stands in for pySHACL (graph/validate.py): on every bad graph it must name the
    # same records, fields and messages, neither more nor fewer.
    from graph.validate import core_violations

    data = _good_graph()
    data.update(SPARQL_PREFIXES + _ids(update))
    assert core_violations(data) == _pyshacl_violations(data, monkeypatch)


def test_the_shacl_engine_finds_what_pyshacl_finds_in_the_broken_seed_graph(monkeypatch):
    from graph.emit import build_graph
    from graph.namespaces import base_iri
    from graph.validate import core_violations

    graph = build_graph()
    base = base_iri()
    quote = URIRef(base + "evidence/hrw-wr2025-mali/911-981")
    event = URIRef(base + "event/2024-01-27-ogota")
    # one of each kind of break: a missing label, a literal of the wrong datatype, a link to a node
    # of the wrong class, a selector too many
    graph.remove((event, RDFS.label, None))
    start = next(graph.objects(event, SEM.hasEarliestBeginTimeStamp))
    graph.set((event, SEM.hasEarliestBeginTimeStamp, Literal(str(start))))
    graph.add((next(graph.subjects(MK.participant, None)), MK.participant, event))
    graph.add((quote, OA.hasSelector, event))
    found = core_violations(graph)
    assert {(v.record, v.field) for v in found} >= {
        ("event/2024-01-27-ogota", "rdfs:label"), ("event/2024-01-27-ogota", "sem:hasEarliestBeginTimeStamp"),
        ("evidence/hrw-wr2025-mali/911-981", "oa:hasSelector")}
    assert found == _pyshacl_violations(graph, monkeypatch)


def test_only_incidents_need_a_place(shapes):
    data = _good_graph()
    data.update(SPARQL_PREFIXES + _ids(f"DELETE DATA {{ {E} sem:hasPlace id:place/ogota . {E} a mk:Incident }} ;"
                                       f"INSERT DATA {{ {E} a mk:PoliticalEvent }}"))
    conforms, _, report = _validate(data, shapes)
    assert conforms, report


def test_shapes_ignore_untyped_nodes_and_need_no_inference(shapes):
    """A node typed only mk:ArmedGroup is not checked as an actor: types must be explicit."""
    data = Graph().parse(data=_ids(PREFIXES + "id:actor/x a mk:ArmedGroup ."), format="turtle")
    conforms, _, _ = _validate(data, shapes)
    assert conforms
    data.add((URIRef(BASE + "actor/x"), RDF.type, MK.Actor))
    conforms, _, _ = _validate(data, shapes)
    assert not conforms


def test_the_shapes_use_no_shacl_advanced_features(shapes):
    """Validation runs pySHACL with advanced=False (a tenth faster): a shape written with SHACL-AF
    (rules, SPARQL targets, functions, expressions) would then be silently skipped."""
    advanced = {SH.rule, SH.target, SH.SPARQLTarget, SH.SPARQLTargetType, SH.SPARQLFunction, SH.expression,
                SH.TripleRule, SH.SPARQLRule, SH.condition}
    used = set(shapes.predicates()) | set(shapes.objects(None, RDF.type))
    assert not used & advanced
