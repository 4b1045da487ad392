"""malikg export, the VoID/DCAT description, the JSON-LD context and the ontology reference."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

import cli
from graph import __version__, docs
from graph.dataset import DCAT, VOID, dataset_iri
from graph.export import context, export
from graph.formats import by_name as rdf_format, names as rdf_format_names
from graph.emit import build_graph
from graph.namespaces import MK, OA, ONTOLOGY_GRAPH, SEM
from graph.resources import ontology_dir
from graph.store import RemoteStore, open_store

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/malikg/id/"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own parsers

RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}
RAPPER_FORMAT = {"turtle": "turtle", "nt": "ntriples", "xml": "rdfxml"}
UNICODE_NAMES = ("Ouémbé", "N’Dola", "Stratégique")


@pytest.fixture(scope="module")
def built() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def exports(store, tmp_path_factory) -> dict[tuple[str, bool], Path]:
    folder = tmp_path_factory.mktemp("exports")
    written = {}
    for fmt in rdf_format_names():
        for with_ontology in (False, True):
            path = folder / f"graph{'-ontology' if with_ontology else ''}.{fmt}"
            export(store, path, fmt, with_ontology=with_ontology)
            written[fmt, with_ontology] = path
    return written


def parse(path: Path, fmt: str) -> tuple[Graph, Graph]:
    """(default graph, ontology graph) of an export as rdflib reads it."""
    if fmt in ("nq", "trig"):
        dataset = Dataset()
        dataset.parse(path, format=RDFLIB_FORMAT[fmt])
        default, ontology = Graph(), Graph()
        for s, p, o, g in dataset.quads((None, None, None, None)):
            (ontology if g is not None and str(g) == ONTOLOGY_GRAPH else default).add((s, p, o))
        return default, ontology
    return Graph().parse(path, format=RDFLIB_FORMAT[fmt]), Graph()


def split_description(graph: Graph) -> tuple[Graph, Graph]:
    """(data, dataset description): the description is everything about ``{base}dataset``."""
    data, description = Graph(), Graph()
    prefix = str(dataset_iri(BASE))
    for triple in graph:
        (description if str(triple[0]).startswith(prefix) else data).add(triple)
    return data, description


def ontology_graph() -> Graph:
    graph = Graph()
    for name in ("ontology.ttl", "vocabulary.ttl"):
        graph.parse(ontology_dir() / name, format="turtle")
    return graph


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", rdf_format_names())
def test_every_format_reads_back_as_the_built_graph(fmt, exports, built):
    default, _ = parse(exports[fmt, False], fmt)
    data, description = split_description(default)
    assert isomorphic(data, built)
    assert (dataset_iri(BASE), RDF.type, VOID.Dataset) in description
    labels = {str(o) for o in data.objects(None, RDFS.label)} | {str(o) for o in data.objects(None, SKOS.altLabel)}
    for name in UNICODE_NAMES:
        assert any(name in label for label in labels), name


@pytest.mark.parametrize("fmt", rdf_format_names())
def test_with_ontology_adds_exactly_the_ontology(fmt, exports, built):
    default, named = parse(exports[fmt, True], fmt)
    data, _ = split_description(default)
    ontology = ontology_graph()
    if fmt in ("nq", "trig"):
        assert isomorphic(data, built)
        assert isomorphic(named, ontology)
    else:
        assert isomorphic(data, built + ontology)


def test_offsets_keep_their_datatype(exports, built):
    """Oxigraph folds xsd:nonNegativeInteger into xsd:integer; the export puts it back."""
    graph = Graph().parse(exports["nt", False], format="nt")
    offsets = list(graph.objects(None, OA.start)) + list(graph.objects(None, OA.end))
    assert len(offsets) == len(list(built.objects(None, OA.start))) * 2
    assert {o.datatype for o in offsets} == {XSD.nonNegativeInteger}


@pytest.mark.parametrize("fmt", ["turtle", "nt", "xml"])
def test_independent_parsers_count_the_same_triples(fmt, exports):
    path = exports[fmt, False]
    expected = len(Graph().parse(path, format=RDFLIB_FORMAT[fmt]))
    assert len(list(ox.parse(path=str(path), format=rdf_format(fmt).oxigraph))) == expected
    if shutil.which("rapper") is None:
        pytest.skip("raptor's rapper is not installed (apt-get install raptor2-utils)")
    run = subprocess.run(["rapper", "--count", "-i", RAPPER_FORMAT[fmt], str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"returned {expected} triples" in run.stderr


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh_store():
    """A second store built from the same seeds: Oxigraph's internal order may differ, bytes must not."""
    with open_store() as s:
        yield s


@pytest.mark.parametrize("fmt", rdf_format_names())
def test_same_graph_gives_the_same_bytes(fmt, store, fresh_store, exports, tmp_path):
    again = tmp_path / f"again.{fmt}"
    export(store, again, fmt)
    fresh = io.BytesIO()
    export(fresh_store, fresh, fmt)
    assert again.read_bytes() == exports[fmt, False].read_bytes() == fresh.getvalue()


def test_disk_store_exports_the_same_bytes(exports, tmp_path):
    with open_store(tmp_path / "store", create=True) as disk:
        output = io.BytesIO()
        export(disk, output, "turtle", with_ontology=True)
    assert output.getvalue() == exports["turtle", True].read_bytes()


@pytest.mark.server
def test_endpoint_store_exports_the_same_bytes(exports, tmp_path, serve_store):
    open_store(tmp_path / "store", create=True).close()
    url = serve_store(tmp_path / "store")
    output = io.BytesIO()
    export(RemoteStore(url + "/query"), output, "trig", with_ontology=True)
    assert output.getvalue() == exports["trig", True].read_bytes()


def test_turtle_prefixes_are_sorted_and_used(exports):
    text = exports["turtle", False].read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("@prefix ")]
    names = [line.split()[1] for line in header]
    assert names == sorted(names) and "actor:" in names and "void:" in names
    body = text[text.index("\n\n"):]
    assert all(name in body for name in names)
    assert body.lstrip().startswith(f"<{dataset_iri(BASE)}>")  # the description comes first


# ---------------------------------------------------------------------------
# The dataset description
# ---------------------------------------------------------------------------

def test_description_says_what_the_data_are(exports, built):
    default, _ = parse(exports["turtle", False], "turtle")
    _, description = split_description(default)
    dataset = dataset_iri(BASE)
    ontology = ontology_graph()
    head = URIRef("https://w3id.org/malikg/ontology")

    assert (dataset, RDF.type, DCAT.Dataset) in description
    assert description.value(dataset, VOID.triples).toPython() == len(built)
    assert description.value(dataset, DCTERMS.license) == ontology.value(head, DCTERMS.license)
    assert description.value(dataset, DCTERMS.created) == ontology.value(head, DCTERMS.created)
    assert str(description.value(dataset, DCAT.version)) == __version__
    assert "Human Rights Watch" in str(description.value(dataset, DCTERMS.rights))
    source = description.value(dataset, DCTERMS.source)
    assert (source, RDF.type, MK.SourceDocument) in built
    assert str(built.value(source, DCTERMS.bibliographicCitation)) in str(description.value(dataset, DCTERMS.rights))
    assert set(description.objects(dataset, VOID.exampleResource)) == {
        URIRef(BASE + "actor/jnim"), URIRef(BASE + "place/ogota"), URIRef(BASE + "event/2024-01-27-ogota")}
    vocabularies = {str(v) for v in description.objects(dataset, VOID.vocabulary)}
    assert {str(MK), str(SEM), str(OA), "http://www.w3.org/ns/prov#"} <= vocabularies
    assert "http://rdfs.org/ns/void#" not in vocabularies  # the description is not the data

    begins = [o.toPython() for o in built.objects(None, SEM.hasEarliestBeginTimeStamp)]
    ends = [o.toPython() for o in built.objects(None, SEM.hasLatestEndTimeStamp)]
    period = description.value(dataset, DCTERMS.temporal)
    assert description.value(period, DCAT.startDate).toPython() == min(begins)
    assert description.value(period, DCAT.endDate).toPython() == max(ends)


# ---------------------------------------------------------------------------
# The DCAT description a data catalogue harvests
# ---------------------------------------------------------------------------

FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
MEDIA = "https://www.iana.org/assignments/media-types/"


def dcat_check(graph: Graph) -> tuple[bool, str]:
    """pySHACL's verdict on ``graph`` (a description with the data it describes) against
    ontology/dcat-shapes.ttl, and its report text."""
    import pyshacl

    shapes = Graph().parse(ontology_dir() / "dcat-shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    return conforms, text


@pytest.mark.parametrize("fmt", ["turtle", "nq", "jsonld"])
def test_description_passes_the_dcat_shape_check(fmt, exports):
    default, _ = parse(exports[fmt, False], fmt)
    conforms, report = dcat_check(default)
    assert conforms, report


def test_description_is_one_dataset_with_its_distribution_and_agents(exports):
    default, _ = parse(exports["nq", False], "nq")
    _, description = split_description(default)
    dataset = dataset_iri(BASE)
    (distribution,) = description.objects(dataset, DCAT.distribution)
    assert description.value(distribution, DCAT.mediaType) == URIRef(MEDIA + "application/n-quads")
    assert description.value(distribution, DCTERMS["format"]) == URIRef("http://www.w3.org/ns/formats/N-Quads")
    assert description.value(distribution, DCAT.downloadURL) == description.value(dataset, VOID.dataDump) \
        == URIRef(BASE + "dataset.nq")
    (creator,) = description.objects(dataset, DCTERMS.creator)
    assert isinstance(creator, URIRef)
    assert description.value(dataset, DCTERMS.publisher) == creator
    assert str(description.value(creator, URIRef(FOAF + "name"))) == "malikg contributors"
    contact = description.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, URIRef(VCARD + "Organization")) in description
    spatial = description.value(dataset, DCTERMS.spatial)
    assert str(description.value(spatial, RDFS.label)) == "Mali"
    assert description.value(spatial, RDFS.seeAlso) == URIRef(BASE + "place/mali")
    assert description.value(dataset, VOID.sparqlEndpoint) is None  # nothing said it will be served
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert str(description.value(contact, URIRef(VCARD + "hasURL"))) == urls["Homepage"]
    assert str(description.value(dataset, DCAT.landingPage)) == urls["Homepage"]


def test_the_shapes_refuse_what_the_old_description_said(exports):
    """A creator as a plain literal, a second triple count and a distribution without an
    access URL are each a violation: the check can fail."""
    default, _ = parse(exports["turtle", False], "turtle")
    dataset = dataset_iri(BASE)
    for change, message in (
            (lambda g: g.add((dataset, DCTERMS.creator, Literal("malikg contributors"))), "creator"),
            (lambda g: g.add((dataset, VOID.triples, Literal(1))), "triple count"),
            (lambda g: g.remove((None, DCAT.accessURL, None)), "access URL")):
        graph = Graph()
        for triple in default:
            graph.add(triple)
        change(graph)
        conforms, report = dcat_check(graph)
        assert not conforms and message in report, message


def test_load_then_export_gives_one_description(exports, tmp_path, built):
    """A store loaded from an export holds that export's description; exporting it again
    writes one description with one triple count, the data's."""
    store = tmp_path / "store"
    runner = CliRunner()
    done = runner.invoke(cli.main, ["load", str(exports["nq", False]), "--no-seed", "--store", str(store)])
    assert done.exit_code == 0, done.output
    again = tmp_path / "again.nt"
    done = runner.invoke(cli.main, ["export", "--store", str(store), "-o", str(again)])
    assert done.exit_code == 0, done.output
    graph = Graph().parse(again, format="nt")
    data, description = split_description(graph)
    assert [o.toPython() for o in graph.objects(dataset_iri(BASE), VOID.triples)] == [len(built)]
    assert isomorphic(data, built)
    assert dcat_check(graph)[0]


def test_download_url_and_endpoint_are_stated(tmp_path):
    path = tmp_path / "mali.ttl"
    done = CliRunner().invoke(cli.main, ["export", "-o", str(path), "--download-url", "https://example.org/mali.ttl",
                                         "--sparql-endpoint", "https://example.org/sparql"])
    assert done.exit_code == 0, done.output
    graph = Graph().parse(path, format="turtle")
    dataset = dataset_iri(BASE)
    assert graph.value(dataset, VOID.dataDump) == URIRef("https://example.org/mali.ttl")
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("https://example.org/sparql")
    service = graph.value(graph.value(dataset, DCAT.distribution), DCAT.accessService)
    assert graph.value(service, DCAT.endpointURL) == URIRef("https://example.org/sparql")
    assert dcat_check(graph)[0]


def test_a_bad_download_url_is_one_line(tmp_path):
    path = tmp_path / "mali.ttl"
    done = CliRunner().invoke(cli.main, ["export", "-o", str(path), "--download-url", "mali file.ttl"])
    assert done.exit_code != 0
    assert "--download-url" in done.output and "Traceback" not in done.output
    assert not path.exists()


def test_ontology_files_carry_version_iri_and_info():
    for name in ("ontology.ttl", "vocabulary.ttl", "shapes.ttl"):
        graph = Graph().parse(ontology_dir() / name, format="turtle")
        (head,) = graph.subjects(RDF.type, OWL.Ontology)
        assert graph.value(head, OWL.versionInfo) == Literal(__version__), name
        assert str(graph.value(head, OWL.versionIRI)) == f"{head}/{__version__}", name


# ---------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------

def test_jsonld_uses_short_keys(exports, built):
    document = json.loads(exports["jsonld", False].read_text(encoding="utf-8"))
    assert document["@context"] == context()
    nodes = {node["id"]: node for node in document["@graph"]}
    event = nodes[BASE + "event/2024-01-27-ogota"]
    assert event["place"] == BASE + "place/ogota"
    assert event["perpetrator"] == BASE + "actor/jnim"
    assert event["date"] == str(built.value(URIRef(BASE + "event/2024-01-27-ogota"), SEM.hasTimeStamp))
    assert "mk:Incident" in event["type"]
    killed = [nodes[h] for h in event["harm"] if nodes[h]["harmType"] == "mkv:killed"]
    assert [h["count"] for h in killed] == [built.value(URIRef(killed[0]["id"]), MK["count"]).toPython()]
    selector = nodes[BASE + "evidence/hrw-wr2025-mali/0-55/position"]
    assert (selector["start"], selector["end"]) == ("0", "55")
    assert document["@graph"][0]["id"] == str(dataset_iri(BASE))


def test_context_covers_every_property_of_the_ontology():
    terms = context()
    expanded = {}
    for key, value in terms.items():
        iri = value["@id"] if isinstance(value, dict) else value
        prefix, _, local = iri.partition(":")
        if prefix in terms and key != prefix:
            expanded[key] = terms[prefix] + local
    ontology = Graph().parse(ontology_dir() / "ontology.ttl", format="turtle")
    declared = {str(p) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
                for p in ontology.subjects(RDF.type, kind)}
    assert {iri for iri in declared if iri.startswith(str(MK))} <= set(expanded.values())
    mapped = {iri for iri in expanded.values() if iri.startswith(str(MK))}
    assert mapped <= declared, mapped - declared
    assert len(set(expanded.values())) == len(expanded)  # one key per IRI
    assert {"label", "aliases", "eventType", "date", "place", "perpetrator", "target", "harm", "count",
            "qualifier", "low", "best", "high", "evidence", "exact", "start", "end"} <= set(expanded)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

def malikg(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def test_cli_writes_the_format_its_extension_names(tmp_path, built):
    result = malikg("export", "-o", tmp_path / "mali.nt")
    assert result.exit_code == 0, result.output
    assert f"{len(built)} triples" in result.stderr
    data, _ = split_description(Graph().parse(tmp_path / "mali.nt", format="nt"))
    assert isomorphic(data, built)


def test_cli_writes_to_standard_output(built):
    result = malikg("export", "--format", "nt", "-o", "-")
    assert result.exit_code == 0
    data, _ = split_description(Graph().parse(data=result.stdout_bytes, format="nt"))
    assert isomorphic(data, built)


def test_cli_acled_csv_goes_to_graph_acled(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("graph.acled")
    fake.export_csv = lambda store, path: calls.append((store, path)) or path.write_text("event_id_cnty\n")
    monkeypatch.setitem(sys.modules, "graph.acled", fake)
    result = malikg("export", "--format", "acled-csv", "-o", tmp_path / "mali.csv")
    assert result.exit_code == 0, result.output
    assert [path for _, path in calls] == [tmp_path / "mali.csv"]
    assert hasattr(calls[0][0], "query")


def test_cli_unknown_format_is_one_line():
    result = malikg("export", "--format", "yaml", "-o", "x.yaml")
    assert result.exit_code != 0 and "yaml" in result.output


# ---------------------------------------------------------------------------
# The ontology reference
# ---------------------------------------------------------------------------

def test_docs_ontology_html_is_up_to_date():
    committed = (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    assert committed == docs.render(), "regenerate it: python -m graph.docs"


def test_reference_documents_every_term():
    page = docs.render()
    ontology = ontology_graph()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith(str(MK)):
                local = str(term)[len(str(MK)):]
                assert f'id="mk-{local}"' in page, local
    for scheme in ontology.subjects(RDF.type, SKOS.ConceptScheme):
        assert str(ontology.value(scheme, SKOS.prefLabel)) in page
    perpetrator = page[page.index('id="mk-perpetrator"'):]
    perpetrator = perpetrator[:perpetrator.index("</article>")]
    assert "wdt:P8031" in perpetrator and "mk:Actor" in perpetrator and "mk:Event" in perpetrator
    assert "transitive" in page[page.index('id="mk-within"'):][:2000]


def test_reference_escapes_the_turtle(tmp_path):
    folder = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), folder)
    path = folder / "ontology.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'rdfs:label "actor"@en', 'rdfs:label "<script>alert(1)</script> & actor"@en'), encoding="utf-8")
    page = docs.render(folder)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; actor" in page


def test_build_writes_the_ontology_reference(tmp_path):
    from graph.build import build

    result = build(tmp_path / "out")
    assert tmp_path / "out" / "ontology.html" in result.files
    assert (tmp_path / "out" / "ontology.html").read_text(encoding="utf-8") == docs.render()
