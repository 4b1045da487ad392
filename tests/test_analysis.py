"""Retaliation chains, alliance blocs and the signed actor network, on the chapter's own facts."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import main
from graph import analysis
from graph.errors import MalikgError


@pytest.fixture(scope="module")
def network(store):
    return analysis.signed_network(store)


@pytest.fixture(scope="module")
def found(network, store):
    return analysis.chains(network, store=store)


def _edges(graph, relation=None):
    return {key: data for _, _, key, data in graph.edges(keys=True, data=True)
            if relation is None or data["relation"] == relation}


# --- the signed network ----------------------------------------------------------------------

def test_nodes_carry_kind_type_and_what_each_actor_did(network):
    jnim, dozo = network.nodes["jnim"], network.nodes["dozo"]
    assert (jnim["label"], jnim["kind"], jnim["actor_type"], jnim["inter_code"]) == \
        ("JNIM", "armed-group", "rebel-group", 2)
    assert network.nodes["fulani"]["kind"] == "community"
    # Dozo: the Kalala attack (13 killed) and the Boura abductions.
    assert (dozo["incidents"], dozo["victims"]) == (2, 13)
    # Places are not actors: the Dan Na Ambassagou's protection of Ogota is no edge.
    assert "ogota" not in network
    assert not any(key.endswith("protection-ogota") for key in _edges(network))


def test_edges_are_signed_dated_and_quoted(network):
    kalala = network.edges["dozo", "fulani", "retaliation:kalala-retaliation"]
    assert (kalala["sign"], kalala["start"], kalala["end"], kalala["date_precision"]) == \
        (-1, "2024-01-01", "2024-01-31", "month")
    assert (kalala["claimant"], kalala["certainty"]) == ("Human Rights Watch", "apparent")
    assert kalala["responds_to"] == ["2023-late-jnim-attacks-on-bambara"]
    assert any("in apparent retaliation for JNIM attacks against ethnic-Bambara" in q for q in kalala["evidence"])

    former = network.edges["msa-d", "malian-government", "relation:msa-d-former-alliance-malian-government"]
    assert (former["relation"], former["sign"], former["status"], former["start"], former["date_precision"]) == \
        ("alliance", 1, "former", "2015-01-01", "year")
    hostility = network.edges["msa-d", "isgs", "relation:msa-d-hostility-isgs"]
    assert (hostility["sign"], hostility["start"], hostility["end"]) == (-1, "", "")

    dawsahak = network.edges["isgs", "dawsahak", "attack:isgs>dawsahak"]
    assert (dawsahak["count"], dawsahak["events"], dawsahak["certainty"]) == \
        (1, ["2024-07-19-dawsahak-camp"], "alleged")
    for data in _edges(network).values():
        assert data["relation"] in analysis.RELATIONS
        assert data["evidence"] == sorted(data["evidence"]) and data["evidence"]


def test_attack_edges_aggregate_incidents_per_pair(network):
    jnim = network.edges["jnim", "civilians", "attack:jnim>civilians"]
    assert jnim["count"] == len(jnim["events"]) == len(jnim["dates"])
    assert jnim["first_date"] == min(jnim["dates"]) == "2024-01-27"
    # Campaigns repeat their incidents' actors; only incidents are counted.
    assert "2024-01-27-ogota-ouembe" not in jnim["events"]
    assert {"2024-01-27-ogota", "2024-01-27-ouembe"} <= set(jnim["events"])


def test_filters(store, network):
    dozo = analysis.signed_network(store, actor="dozo")
    assert {"dozo", "fulani", "bambara", "malian-armed-forces"} <= set(dozo) and "jnim" not in dozo
    assert set(analysis.signed_network(store, actor="DOZO")) == set(dozo)  # labels, any case

    late = _edges(analysis.signed_network(store, since="2024-06-01"))
    assert "retaliation:kalala-retaliation" not in late
    assert "retaliation:dawsahak-camp-retaliation" in late
    assert "relation:msa-d-hostility-isgs" in late  # undated: kept

    segou = analysis.signed_network(store, region="segou")
    assert "dozo" in segou and "retaliation:kalala-retaliation" in _edges(segou)
    assert "retaliation:dawsahak-camp-retaliation" not in _edges(segou)

    positive = analysis.signed_network(store, relation="alliance")
    assert positive.number_of_edges() and all(d["sign"] > 0 for d in _edges(positive).values())
    retaliations = _edges(analysis.signed_network(store, relation="retaliation"))
    assert set(retaliations) == set(_edges(network, "retaliation"))

    for bad in (dict(actor="nobody"), dict(since="2024-13-01"), dict(region="atlantis"),
                dict(relation="friendship")):
        with pytest.raises(MalikgError):
            analysis.signed_network(store, **bad)


def test_retaliation_graph_keeps_claims_acts_answered_and_associations(network):
    graph = analysis.retaliation_graph(network)
    keys = set(_edges(graph))
    assert set(_edges(network, "retaliation")) <= keys
    assert "attack:jnim>bambara" in keys  # the act the Kalala attack answers
    assert {"relation:dozo-ethnic-composition-bambara", "relation:fulani-accused-collaboration-jnim",
            "relation:dawsahak-accused-membership-msa-d"} <= keys
    assert "attack:jnim>civilians" not in keys


# --- chains ------------------------------------------------------------------------------------

def _pairs(chain):
    return [(step["actor"], step["target"]) for step in chain]


def test_the_bambara_fulani_cycle(found):
    cycles = [c for c in found if _pairs(c) == [("jnim", "bambara"), ("dozo", "fulani")]]
    kalala = [c for c in cycles if c[1]["id"] == "retaliation:kalala-retaliation"]
    assert kalala and len(cycles) == 2  # Kalala, and the Boura abductions the same month
    first, second = kalala[0]
    assert first["events"] == ["2023-late-jnim-attacks-on-bambara"] and first["start"] < second["start"]
    assert second["date"] == "2024-01" and second["link"]["basis"] == "responds-to"
    assert second["link"]["order"] == "after" and not second["undated_link"]
    assert (second["claimant"], second["certainty"]) == ("Human Rights Watch", "apparent")
    # Closed by the Dozo's accusation that the Fulani collaborate with JNIM.
    assert second["closes_cycle"]["relation"] == "accused-collaboration"
    assert second["closes_cycle"]["claimant"] == "Dozo"
    boura = [c for c in cycles if c[1]["id"] == "retaliation:boura-retaliation"][0]
    assert boura[1]["link"]["basis"] == "belonging"  # the Dozo consist mainly of Bambara


def test_msa_d_isgs_dawsahak_chain(found):
    chain = [c for c in found if _pairs(c) == [("msa-d", "isgs"), ("isgs", "dawsahak")]]
    assert len(chain) == 1
    attack, retaliation = chain[0]
    assert attack["date"] == "undated" and retaliation["undated_link"]
    assert retaliation["accusation"] == "membership" and retaliation["accused_of_link_to"] == "msa-d"
    assert retaliation["closes_cycle"]["relation"] == "accused-membership"


def test_jnim_dan_na_ambassagou_chains(network, store):
    chains = analysis.chains(network, actor="JNIM", store=store)
    steps = {step["id"]: step for chain in chains for step in chain}
    ogota = steps["retaliation:ogota-ouembe-retaliation"]
    assert (ogota["target"], ogota["accusation"], ogota["certainty"]) == \
        ("dan-na-ambassagou", "refusal-to-disarm", "believed")
    assert ogota["claimant"] == "Villagers of Ogota and Ouémbé"
    bandiagara = steps["retaliation:bandiagara-campaign-retaliation"]
    assert bandiagara["accused_of_link_to"] == "dan-na-ambassagou"
    assert bandiagara["link"]["basis"] == "continues"
    assert all(any("jnim" in pair for pair in _pairs(c)) for c in chains)


def test_no_response_precedes_what_it_answers(found):
    assert found
    for chain in found:
        for before, after in zip(chain, chain[1:]):
            if before["start"] and after["start"]:
                assert (after["end"] or after["start"]) >= before["start"]
                assert after["link"]["order"] in ("after", "overlap")
            else:
                assert after["undated_link"]


def _crafted(retaliation_dates: dict[str, tuple[str, str]], named: bool = True) -> nx.MultiDiGraph:
    """Group A attacks community B on 2024-05-10; militia C, made up of B, answers."""
    graph = nx.MultiDiGraph()
    for slug, kind in (("a", "armed-group"), ("b", "community"), ("c", "armed-group"), ("d", "community")):
        graph.add_node(slug, label=slug.upper(), kind=kind, actor_type="", inter_code=0, incidents=0, victims=0)
    common = dict(sign=-1, date_precision="day", certainty="stated", claimant="Source", evidence=["quote"],
                  status="", qualifier="", symmetric=False)
    graph.add_edge("a", "b", key="attack:a>b", relation="attack", start="2024-05-10", end="2024-05-10",
                   events=["e1"], dates=["2024-05-10"], date_ends=["2024-05-10"], count=1,
                   first_date="2024-05-10", last_date="2024-05-10", label="attacks", **common)
    graph.add_edge("c", "b", key="relation:c-b", relation="ethnic-composition", sign=1, start="", end="",
                   date_precision="", certainty="stated", claimant="Source", evidence=["quote"], events=[],
                   label="", status="current", qualifier="", symmetric=False)
    for claim, (start, end) in retaliation_dates.items():
        graph.add_edge("c", "d", key=f"retaliation:{claim}", relation="retaliation", start=start, end=end,
                       events=[f"{claim}-event"], responds_to=["e1"] if named else [], reason="", claim=claim,
                       accusation="", accused="", accused_of_link_to="", accuser="", label="", **{
                           k: v for k, v in common.items() if k != "symmetric"}, symmetric=False)
    return graph


@pytest.mark.parametrize("named", [True, False])
def test_time_order_rule_on_a_crafted_graph(named):
    graph = _crafted({"early": ("2024-03-01", "2024-03-31"), "late": ("2024-06-01", "2024-06-30"),
                      "same-month": ("2024-05-01", "2024-05-31"), "undated": ("", "")}, named=named)
    chains = analysis.chains(graph)
    follows = {c[1]["id"]: c[1]["link"] for c in chains if len(c) == 2}
    alone = {c[0]["id"] for c in chains if len(c) == 1}
    assert "retaliation:early" in alone and "retaliation:early" not in follows  # ended before the attack
    assert follows["retaliation:late"]["order"] == "after"
    assert follows["retaliation:same-month"]["order"] == "overlap"
    assert follows["retaliation:undated"]["order"] == "undated"
    assert {link["basis"] for link in follows.values()} == {"responds-to" if named else "belonging"}


def test_max_length_and_actor_filter(network, store):
    one = analysis.chains(network, max_length=1, store=store)
    assert all(len(chain) == 1 for chain in one)
    # Every retaliation claim still shows, in a chain of its own.
    assert {c[0]["id"] for c in one} == set(_edges(network, "retaliation"))
    with pytest.raises(MalikgError):
        analysis.chains(network, max_length=0)
    with pytest.raises(MalikgError):
        analysis.chains(network, actor="nobody")


# --- alliances ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report(network):
    return analysis.alliances(network)


def _bloc_of(report, actor):
    return next((b for b in report["blocs"] if actor in {m["actor"] for m in b["members"]}), None)


def test_blocs(report):
    army = _bloc_of(report, "malian-armed-forces")
    assert {"wagner", "foreign-fighters", "dozo"} <= {m["actor"] for m in army["members"]}
    assert _bloc_of(report, "csp") is not army and _bloc_of(report, "jnim") is not army
    # Accusations, ended ties and ties between enemies form no bloc, but are listed.
    assert _bloc_of(report, "fulani") is None
    assert _bloc_of(report, "dan-na-ambassagou") is not _bloc_of(report, "jnim")
    assert "relation:fulani-accused-collaboration-jnim" in {t["id"] for t in report["accusation_links"]}
    assert "relation:dan-na-ambassagou-deal-jnim" in {t["id"] for t in report["contested_ties"]}
    former = {t["id"]: t for t in report["former_ties"]}
    assert former["relation:msa-d-former-alliance-malian-government"]["status"] == "former"
    assert "relation:malian-armed-forces-peace-agreement-csp" in former


def test_enmities(report):
    army = _bloc_of(report, "malian-armed-forces")["id"]
    csp = _bloc_of(report, "csp")["id"]
    isgs = _bloc_of(report, "isgs")["id"]
    between = {tuple(e["between"]): e for e in report["enmities"]}
    assert "clashes" in between[tuple(sorted((army, csp)))]["relations"]
    assert "hostility" in between[tuple(sorted((isgs, "msa-d")))]["relations"]


def test_structural_balance_and_centrality(report, network):
    balance = report["balance"]
    signed = analysis.signed_simple_graph(network)
    assert balance["triangles"] == sum(nx.triangles(signed).values()) // 3
    assert balance["balanced"] == balance["triangles"] - len(balance["unbalanced"])
    for triangle in balance["unbalanced"]:
        u, v, w = triangle["actors"]
        assert signed.edges[u, v]["sign"] * signed.edges[v, w]["sign"] * signed.edges[u, w]["sign"] < 0
    # The 2024-08 clashes outweigh the peace agreement that ended in January.
    assert signed.edges["csp", "malian-armed-forces"]["sign"] == -1
    top = {entry["actor"]: entry for entry in report["centrality"]}
    assert top["jnim"]["degree"] > top["dozo"]["degree"] > 0
    assert set(report["explanations"]) == {"blocs", "enmities", "balance", "degree", "betweenness"}


# --- command line and export -------------------------------------------------------------------

def test_cli_chains_text_and_json():
    runner = CliRunner()
    text = runner.invoke(main, ["chains"])
    assert text.exit_code == 0, text.output
    assert "according to Human Rights Watch (apparent)" in text.output
    assert "↺ closes the cycle: Fulani are accused of collaborating with JNIM" in text.output
    assert "undated link" in text.output

    result = runner.invoke(main, ["chains", "--actor", "msa-d", "--format", "json"])
    chains = json.loads(result.output)
    assert isinstance(chains, list) and chains and all(isinstance(chain, list) for chain in chains)
    for step in (step for chain in chains for step in chain):
        assert {"date", "actor", "target", "reason", "claimant", "certainty", "evidence", "link"} <= set(step)

    missing = runner.invoke(main, ["chains", "--actor", "nobody"])
    assert missing.exit_code != 0 and "no actor called 'nobody'" in missing.stderr


def test_cli_alliances_text_and_json():
    runner = CliRunner()
    text = runner.invoke(main, ["alliances"])
    assert text.exit_code == 0, text.output
    assert "Structural balance" in text.output
    report = json.loads(runner.invoke(main, ["alliances", "--format", "json"]).output)
    assert isinstance(report["blocs"], list) and isinstance(report["enmities"], list)
    # The army, Wagner and the Dozo stand in one bloc; it is named after one of its members.
    army = next(b for b in report["blocs"] if "malian-armed-forces" in {m["actor"] for m in b["members"]})
    assert {"wagner", "dozo"} <= {m["actor"] for m in army["members"]}
    assert f'{army["name"]}:' in text.output
    assert all({"id", "name", "members", "ties"} <= set(bloc) for bloc in report["blocs"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network_round_trips(network, tmp_path, fmt):
    path = tmp_path / f"network.{fmt}"
    result = CliRunner().invoke(main, ["export-network", "--format", fmt, "-o", str(path)])
    assert result.exit_code == 0, result.output
    read = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    assert set(read.nodes) == set(network.nodes)
    assert {(u, v, k) for u, v, k in read.edges(keys=True)} == set(network.edges(keys=True))
    kalala = read.edges["dozo", "fulani", "retaliation:kalala-retaliation"]
    assert kalala["relation"] == "retaliation" and kalala["sign"] == -1
    if fmt == "gexf":
        text = path.read_text(encoding="utf-8")
        assert 'mode="dynamic"' in text and 'timeformat="date"' in text
        assert kalala["spells"] == [("2024-01-01", "2024-01-31")]
    # Same graph, same bytes.
    assert analysis.network_bytes(network, fmt) == path.read_bytes()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network_omits_unknowns_and_keeps_types(network, tmp_path, fmt):
    path = tmp_path / f"network.{fmt}"
    assert CliRunner().invoke(main, ["export-network", "--format", fmt, "-o", str(path)]).exit_code == 0
    read = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    # ECOWAS has no ACLED inter code or actor type and the MSA-D/ISGS hostility no date: nothing
    # is written for them, rather than 0 or "".
    assert (network.nodes["ecowas"]["inter_code"], network.nodes["ecowas"]["actor_type"]) == (0, "")
    assert not {"inter_code", "actor_type"} & set(read.nodes["ecowas"])
    assert read.nodes["jnim"]["inter_code"] == 2
    hostility = read.edges["msa-d", "isgs", "relation:msa-d-hostility-isgs"]
    assert not {"start", "end", "spells", "qualifier"} & set(hostility)
    for _, _, data in read.edges(data=True):
        assert "" not in data.values() and "networkx_key" not in data
    dawsahak = read.edges["isgs", "dawsahak", "attack:isgs>dawsahak"]
    assert dawsahak["symmetric"] is False and dawsahak["evidence_complete"] is True
    clash = read.edges["csp", "malian-armed-forces", "clashes:csp>malian-armed-forces"]
    assert clash["symmetric"] is True
    assert "networkx_key" not in path.read_text(encoding="utf-8")


def test_gexf_gives_each_incident_its_own_spell(network, tmp_path):
    path = tmp_path / "network.gexf"
    assert CliRunner().invoke(main, ["export-network", "--format", "gexf", "-o", str(path)]).exit_code == 0
    read = nx.read_gexf(path)
    jnim = read.edges["jnim", "civilians", "attack:jnim>civilians"]
    # JNIM's 13 attacks on civilians in the chapter: Ogota and Ouémbé on January 27 and again on
    # February 1, Tegourou, Djiguibombo, Tilé, four villages on September 29, the two Danibombo.
    assert jnim["count"] == 13 and len(jnim["spells"]) == 13
    assert jnim["spells"][0] == ("2024-01-27", "2024-01-27") and jnim["spells"][-1] == ("2024-10-14", "2024-10-14")
    assert [s for s in jnim["spells"] if s[0] == "2024-09-29"] == [("2024-09-29", "2024-09-29")] * 4


# --- which document says so -------------------------------------------------------------------

def test_ties_and_steps_name_the_document_not_only_the_publisher(network, found):
    wr2025 = "World Report 2025: Mali (2025-01)"
    kalala = network.edges["dozo", "fulani", "retaliation:kalala-retaliation"]
    assert kalala["claimant"] == "Human Rights Watch" and kalala["documents"] == [wr2025]
    proxy = network.edges["dozo", "malian-armed-forces", "relation:dozo-alleged-proxy-malian-armed-forces"]
    assert proxy["documents"] == [wr2025]
    assert network.edges["jnim", "civilians", "attack:jnim>civilians"]["documents"] == [wr2025]
    assert all(step["documents"] == [wr2025] for chain in found for step in chain)
    text = analysis.render_chains(found)
    assert "according to Human Rights Watch (apparent), in World Report 2025: Mali (2025-01)" in text
    report = analysis.render_alliances(analysis.alliances(network))
    assert ("Wagner Group is linked to Russia (according to Human Rights Watch in World Report 2025: Mali "
            "(2025-01), stated)") in report


def test_documents_come_from_according_to_before_the_evidence(store):
    from graph.namespaces import MK, base_iri
    from graph.store import open_store
    from graph.emit import build_graph
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF

    graph = build_graph()
    base = base_iri()
    other = URIRef(f"{base}source/hrw-2024-05-08")
    graph.add((other, RDF.type, MK.SourceDocument))
    graph.add((other, DCTERMS.title, Literal("Mali: Islamist Armed Groups, Ethnic Militias Commit Atrocities")))
    graph.add((other, DCTERMS.issued, Literal("2024-05-08")))
    graph.add((other, DCTERMS.publisher, URIRef(f"{base}actor/hrw")))
    graph.set((URIRef(f"{base}event/2024-07-19-dawsahak-camp"), MK.accordingTo, other))
    graph.set((URIRef(f"{base}relation/dozo-alleged-proxy-malian-armed-forces"), MK.accordingTo, other))
    # An account without mk:accordingTo (coded before it existed) is named by its quotes' source.
    graph.remove((URIRef(f"{base}claim/kalala-retaliation"), MK.accordingTo, None))
    with open_store(seed_graph=graph) as told:
        network = analysis.signed_network(told)
    release = "Mali: Islamist Armed Groups, Ethnic Militias Commit Atrocities (2024-05-08)"
    assert network.edges["isgs", "dawsahak", "attack:isgs>dawsahak"]["documents"] == [release]
    assert network.edges["dozo", "malian-armed-forces",
                         "relation:dozo-alleged-proxy-malian-armed-forces"]["documents"] == [release]
    assert network.edges["dozo", "fulani", "retaliation:kalala-retaliation"]["documents"] == \
        ["World Report 2025: Mali (2025-01)"]


def test_alliances_are_the_same_on_every_run():
    runs = {CliRunner().invoke(main, ["alliances"]).output for _ in range(3)}
    assert len(runs) == 1


# --- terminal safety ---------------------------------------------------------------------------

def test_labels_with_terminal_escapes_are_printed_escaped(monkeypatch):
    from graph.emit import build_graph
    from graph.namespaces import base_iri
    from graph.store import open_store
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    graph = build_graph()
    hostile = "Dozo\x1b]0;owned\x07\x1b[2J\u202e\x9b31m"
    graph.set((URIRef(f"{base_iri()}actor/dozo"), RDFS.label, Literal(hostile)))
    with open_store(seed_graph=graph) as store:
        network = analysis.signed_network(store)
        texts = [analysis.render_chains(analysis.chains(network, store=store)),
                 analysis.render_alliances(analysis.alliances(network)),
                 analysis.to_json(analysis.alliances(network))]
    for text in texts:
        assert not {"\x1b", "\x07", "\x9b", "\u202e"} & set(text)
    assert "Dozo\\x1b]0;owned\\x07\\x1b[2J\\u202e\\x9b31m retaliated against Fulani" in texts[0]
    assert json.loads(texts[2])["blocs"][0]["members"][1]["label"] == hostile


def test_chains_are_the_same_without_the_pairs_quotes(store, found):
    # The command reads no attack or clash pair's quotes (its steps read their own incident's).
    light = analysis.signed_network(store, counts=False, quotes=False)
    assert light.edges["jnim", "civilians", "attack:jnim>civilians"]["evidence"] == []
    assert analysis.to_json(analysis.chains(light, store=store)) == analysis.to_json(found)
