"""malikg build / validate / stats through the CLI, and the SHACL shapes on the seed graph."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cli import main
from graph import aside as graph_aside, validate
from graph.aside import aside
from graph.emit import build_graph
from graph.namespaces import MK, base_iri

SOURCES = Path(__file__).resolve().parent.parent / "seeds" / "sources"


def test_build_writes_a_valid_graph_and_a_summary(tmp_path):
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "SHACL-valid" in result.output
    graph = Graph().parse(tmp_path / "graph.ttl")
    assert (URIRef(f"{base_iri()}actor/jnim"), RDFS.label, Literal("JNIM")) in graph
    counts = {line[:24].strip(): line[24:].strip() for line in result.output.splitlines()
              if line.startswith("  ")}
    assert int(counts["events"]) == len(set(graph.subjects(RDF.type, MK.Event)))
    # every document's claims, the chapter's own nine among them
    claims = {d.name: len(yaml.safe_load((d / "claims.yaml").read_text(encoding="utf-8")))
              for d in sorted(SOURCES.iterdir()) if (d / "claims.yaml").exists()}
    assert claims["hrw-wr2025-mali"] == 9
    assert int(counts["claims"]) == sum(claims.values()) == len(set(graph.subjects(RDF.type, MK.Claim)))


def test_two_builds_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        assert CliRunner().invoke(main, ["build", "--out", str(tmp_path / name)]).exit_code == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_seed_graph_conforms_to_the_shapes():
    assert validate.shacl_violations(build_graph()) == []


def test_a_graph_breaking_the_shapes_is_named_by_record_and_field():
    graph = build_graph()
    event = URIRef(f"{base_iri()}event/2024-01-27-ogota")
    graph.remove((event, RDFS.label, None))
    violations = validate.shacl_violations(graph)
    assert any(v.record == "event/2024-01-27-ogota" and v.field == "rdfs:label" for v in violations)



def test_work_done_aside_answers_as_inline_even_if_the_child_dies_or_fails(monkeypatch):
    graph = build_graph()
    event = URIRef(f"{base_iri()}event/2024-01-27-ogota")
    graph.remove((event, RDFS.label, None))
    here = validate.core_violations(graph)
    assert any(v.record == "event/2024-01-27-ogota" and v.field == "rdfs:label" for v in here)
    with aside(validate.core_violations, graph) as answer:
        assert answer() == here
    # A child that dies before answering (killed, out of memory) leaves the work to the parent.
    monkeypatch.setattr(graph_aside, "_answer", lambda function, args, send: os._exit(1))
    with aside(validate.core_violations, graph) as answer:
        assert answer() == here
    monkeypatch.undo()
    # Work that fails in the child is done again here, and the caller meets its exception.
    with aside(validate.core_violations, None) as answer:
        with pytest.raises(TypeError):
            answer()


def test_a_build_the_core_shapes_reject_writes_nothing_and_says_why_in_one_line(tmp_path, monkeypatch):
    out = tmp_path / "out"
    rejected = {validate.Violation("event/2024-01-27-ogota", "rdfs:label", "needs exactly one rdfs:label")}
    monkeypatch.setattr(validate, "core_violations", lambda data: rejected)  # the fork inherits it
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.strip().splitlines() == [
        "malikg: record 'event/2024-01-27-ogota', field 'rdfs:label': SHACL: needs exactly one rdfs:label"]


def test_validate_accepts_the_bundled_seeds_and_an_rdf_file(tmp_path):
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0 and result.output.startswith("valid: bundled seeds")
    broken = tmp_path / "broken.ttl"
    broken.write_text(f"<{base_iri()}event/x> a <{MK.Event}> .\n")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "event/x" in result.stderr


def test_stats_counts_by_perpetrator_region_and_year():
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    text = result.output
    section = text.split("incidents by perpetrator")[1].split("\n\n")[0]
    rows = dict(line.strip().rsplit(None, 1) for line in section.strip().splitlines())
    assert rows["JNIM"] == "15"
    # six Wagner incidents in the chapter, and Al Arabiya's account of Tinzaouaten, which names
    # Wagner where the chapter's account of the same incident does not
    graph = build_graph()
    chapter = {"2024-01-25-attara", "2024-01-25-dakka-sebbe", "2024-05-03-barikoro", "2024-08-09-ala",
               "2024-08-16-dounkala", "2024-10-08-ndorgolle"}
    wagner = {str(e).rsplit("/", 1)[1] for e in graph.subjects(MK.perpetrator, URIRef(f"{base_iri()}actor/wagner"))
              if (e, RDF.type, MK.Incident) in graph}
    assert wagner == chapter | {"alarabiya-2024-08-25-tinzaouaten"}
    assert rows["Wagner Group"] == str(len(wagner)) == "7"
    years = dict(line.strip().rsplit(None, 1) for line in text.split("events by year")[1].strip().splitlines())
    assert years["2015"] == "1" and years["2016"] == "1"
