"""The library's face: ``import graph`` offers what the CLI does, and imports it only when used."""
from __future__ import annotations

import subprocess
import sys

import graph


def test_import_graph_loads_nothing_heavy():
    probe = ("import sys, graph; heavy = [m for m in ('graph.store', 'pyoxigraph', 'rdflib', 'pyshacl', "
             "'pyshacl_turbo', 'pyvis', 'networkx') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_face_answers_the_chapter(store):
    rows = {row["slug"]: row for row in graph.run_named(store, "people-killed-by-actor").to_python()}
    assert rows["jnim"]["killedLow"] == 55
    assert rows["malian-armed-forces"]["killedLow"] == 65
    assert "drone-strikes" in {q.name for q in graph.list_queries()}


def test_the_face_gives_the_network_chains_and_blocs(store):
    net = graph.signed_network(store)
    assert net.has_node("jnim") and net.has_node("dozo")
    first_steps = [(chain[0]["actor"], chain[1]["actor"]) for chain in graph.chains(net, store=store)
                   if len(chain) > 1]
    assert ("jnim", "dozo") in first_steps
    assert graph.alliances(net)["blocs"]


def test_unknown_names_fail_as_attributes_do():
    try:
        graph.no_such_thing
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("graph.no_such_thing should not exist")
