"""The signed network read from the summary graph's per-pair nodes (mks:ActorPair): the same ties,
chains and blocs as walking every incident, on the chapter and on synthetic data."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import analysis
from graph.errors import MalikgError
from graph.namespaces import SUMMARY_GRAPH
from graph.store import open_store
from graph.synth import synthesize

ROOT = Path(__file__).resolve().parent.parent

_PAIRS = """
SELECT ?pair ?p ?o WHERE { GRAPH <%s> { ?pair a mks:ActorPair ; ?p ?o } }
""" % SUMMARY_GRAPH
_MONTHS = """
SELECT ?month ?p ?o WHERE { GRAPH <%s> { ?month a mks:ActorPairMonth ; ?p ?o } }
""" % SUMMARY_GRAPH


def _nodes(store, query: str) -> dict[str, dict[str, list[str]]]:
    """{node tail: {property tail: sorted values (tails of IRIs)}} of the summary nodes ``query`` reads."""
    found: dict = {}
    for row in store.query(query):
        node, prop, value = (term.value for term in row)
        tail = node.split("/summary/", 1)[1]
        name = prop.rsplit("#", 1)[-1]
        found.setdefault(tail, {}).setdefault(name, []).append(value.split("/id/", 1)[-1])
    for facts in found.values():
        for values in facts.values():
            values.sort()
    return found


class Recording:
    """A store that remembers the queries put to it."""

    def __init__(self, store):
        self.store, self.texts = store, []

    def query(self, text, substitutions=None, **options):
        self.texts.append(text)
        return self.store.query(text, substitutions, **options)


def _both_ways(store):
    """(ties read from the summary, ties read by walking every incident): edges with their data."""
    summarised = analysis.signed_network(store, counts=False, events=False)
    walked = analysis.signed_network(store, counts=False, events=False, summary=False)
    return summarised, walked


def _edges(graph):
    return sorted((u, v, k, sorted(d.items())) for u, v, k, d in graph.edges(keys=True, data=True))


# --- the summary's per-pair nodes, on the seeds ------------------------------------------------

def test_each_actor_pair_has_its_accounts_incidents_dates_and_first_account(store):
    pairs = _nodes(store, _PAIRS)
    army = pairs["acts/attack/malian-armed-forces/civilians"]
    # 14 accounts; the Tinzaouaten drone strike is told by three documents, so 12 incidents.
    assert (army["accounts"], army["incidents"]) == (["14"], ["12"])
    assert (army["first"], army["last"], army["firstAccount"]) == (
        ["2024-01-25"], ["2024-10-08"], ["event/2024-01-25-attara"])
    assert (army["act"], army["actor"], army["against"]) == (
        ["attack"], ["actor/malian-armed-forces"], ["actor/civilians"])
    # A clash: side-a against side-b, the battle of Tinzaouaten told by two Al Arabiya accounts.
    jnim = pairs["acts/clashes/jnim/malian-armed-forces"]
    assert (jnim["accounts"], jnim["incidents"], jnim["first"], jnim["last"]) == (
        ["2"], ["1"], ["2024-07-21"], ["2024-07-31"])
    # Campaigns are no act: the JNIM's Bandiagara campaign adds nothing to its pairs.
    assert "acts/attack/jnim/local-communities-doucombo-pignari-bana" not in pairs


def test_each_pair_month_has_its_accounts_and_each_pair_its_days(store):
    months = _nodes(store, _MONTHS)
    dozo = months["acts/attack/dozo/fulani/2024-01"]
    # Kalala and Boura, both dated "In January 2024": two accounts beginning on the first.
    assert (dozo["accounts"], dozo["month"], dozo["pair"]) == (["2"], ["2024-01"], ["summary/acts/attack/dozo/fulani"])
    army = [months[m] for m in months if m.startswith("acts/attack/malian-armed-forces/civilians/")]
    assert sum(int(m["accounts"][0]) for m in army) == 14
    # The days are the pair's own, one run of the index per pair for a chain to read.
    pairs = _nodes(store, _PAIRS)
    assert pairs["acts/attack/dozo/fulani"]["day"] == ["2024-01-01"]
    army_days = pairs["acts/attack/malian-armed-forces/civilians"]["day"]
    assert [day for day in army_days if day.startswith("2024-08")] == ["2024-08-09", "2024-08-16", "2024-08-25"]
    assert all("day" not in month for month in months.values())


_CLAIMS = """
SELECT ?node ?p ?o WHERE { GRAPH <%s> { ?node a ?kind ; ?p ?o VALUES ?kind { mks:RetaliationClaim mks:ClaimedEvent } } }
""" % SUMMARY_GRAPH


def test_each_claim_of_retaliation_has_its_certainty_quotes_and_dated_incidents(store):
    claims = _nodes(store, _CLAIMS)
    boura = claims["claim/boura-retaliation"]
    assert (boura["claim"], boura["certainty"], boura["accordingTo"], boura["quotedIn"]) == (
        ["claim/boura-retaliation"], ["https://w3id.org/malikg/vocab#apparent"], ["source/hrw-wr2025-mali"],
        ["source/hrw-wr2025-mali"])
    assert any("whom the Dozo accuse of collaborating with the JNIM" in quote for quote in boura["quote"])
    # "In January 2024": the month, from its first to its last day.
    told = claims["claim/boura-retaliation/2024-01-boura"]
    assert (told["claim"], told["event"], told["start"], told["end"], told["datePrecision"]) == (
        ["claim/boura-retaliation"], ["event/2024-01-boura"], ["2024-01-01"], ["2024-01-31"],
        ["https://w3id.org/malikg/vocab#month"])
    # Every claim whose motive is retaliation, and no other.
    retaliations = {row[0].value.split("/id/", 1)[1] for row in store.query(
        "SELECT ?c WHERE { ?c mk:motive mkv:retaliation }", union=False)}
    assert {node for node, facts in claims.items() if "certainty" in facts or "quote" in facts} == retaliations
    assert len(retaliations) >= 5


def test_the_seeds_summary_is_the_same_bytes_in_any_process():
    # An in-memory store answers in an order of its own in each process, and Python's string
    # hashes change from one to the next: the summary's lines must not follow either.
    script = ("import hashlib, graph.summary as s; from graph.store import open_store\n"
              "with open_store() as store: data = s.compute(store.oxigraph)\n"
              "print(hashlib.sha256(data).hexdigest(), data.count(b'summary/perpetration/'))")
    digests = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1
    assert int(digests.pop().split()[1]) > 0  # fellow perpetrators, which came in changing orders


def test_claims_of_two_datasets_with_one_id_keep_apart():
    from graph import summary
    from graph.namespaces import MK, MKV, base_iri

    ours, theirs = f"{base_iri()}claim/kalala", "http://example.org/claims/kalala"
    store = ox.Store()
    for claim, certainty in ((ours, "stated"), (theirs, "alleged")):
        for p, o in ((MK.motive, MKV.retaliation), (MK.certainty, MKV[certainty])):
            store.add(ox.Quad(ox.NamedNode(claim), ox.NamedNode(str(p)), ox.NamedNode(str(o))))
    written = summary.compute(store).decode("utf-8")
    nodes = {}
    for line in written.splitlines():
        if "/summary/claim/" in line.split(" ", 1)[0]:
            subject, prop, value = line.rstrip(" .").split(" ", 2)
            nodes.setdefault(subject, {})[prop.rsplit("#", 1)[-1].rstrip(">")] = value.strip("<>")
    assert {(n["claim"], n["certainty"].rsplit("#", 1)[-1]) for n in nodes.values()} == {
        (ours, "stated"), (theirs, "alleged")}


# --- the network from them ---------------------------------------------------------------------

def test_the_summary_gives_the_ties_walking_every_incident_gives(store):
    summarised, walked = _both_ways(store)
    assert _edges(summarised) == _edges(walked)
    # Three documents tell the Tinzaouaten strike: 12 incidents in 14 accounts, the strike once.
    army = summarised.edges["malian-armed-forces", "civilians", "attack:malian-armed-forces>civilians"]
    assert (army["count"], army["accounts"]) == (12, 14)
    assert army["label"] == "attacks (12 incidents, told in 14 accounts, 2024-01-25 to 2024-10-08)"


def test_alliances_and_chains_read_no_incident_walk(store):
    recording = Recording(store)
    analysis.alliances(analysis.signed_network(recording, counts=False, events=False))
    light = analysis.signed_network(recording, counts=False, quotes=False, events=False)
    found = analysis.chains(light, store=recording)
    # The per-pair aggregate over every incident is the one question these no longer ask.
    assert recording.texts and not any("GROUP BY ?from ?to" in text for text in recording.texts)
    assert analysis.to_json(found) == analysis.to_json(analysis.chains(analysis.signed_network(store), store=store))


def test_chains_read_each_claim_from_the_summary_not_claim_by_claim(store):
    recording = Recording(store)
    light = analysis.signed_network(recording, counts=False, quotes=False, events=False)
    found = analysis.chains(light, store=recording)
    assert not any("mk:motive mkv:retaliation" in text for text in recording.texts)
    assert analysis.to_json(found) == analysis.to_json(
        analysis.chains(analysis.signed_network(store, summary=False), store=store))


def test_a_summary_without_claim_nodes_reads_the_claims_from_the_evidence():
    """A summary graph written before it held the claims: the network asks the evidence."""
    with open_store() as store:
        summarised = analysis.signed_network(store, counts=False, events=False)
        store.oxigraph.update("DELETE WHERE { GRAPH <%s> { ?node <https://w3id.org/malikg/summary#claim> ?c } }"
                              % SUMMARY_GRAPH)
        again = analysis.signed_network(store, counts=False, events=False)
    assert _edges(again) == _edges(summarised)
    assert sum(1 for *_, key in again.edges(keys=True) if key.startswith("retaliation:")) >= 5


def test_a_store_without_the_summary_graph_walks_the_incidents():
    with open_store() as store:
        summarised = analysis.signed_network(store, counts=False, events=False)
        store.oxigraph.remove_graph(ox.NamedNode(SUMMARY_GRAPH))
        walked = analysis.signed_network(store, counts=False, events=False)
    assert _edges(summarised) == _edges(walked)


def test_chains_of_a_network_without_incident_lists_need_the_store(store):
    light = analysis.signed_network(store, counts=False, quotes=False, events=False)
    with pytest.raises(MalikgError, match="give the store"):
        analysis.chains(light)


# --- on synthetic data -------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["answers named", "answers inferred"])
def synthetic_store(request, tmp_path_factory):
    """The seeds and 1,500 synthetic events; "answers inferred": without mk:respondsTo, so every
    retaliation is linked by the latest earlier act on its party (the per-day lookups)."""
    folder = tmp_path_factory.mktemp("pairs")
    path = folder / "events.nt"
    synthesize(1500, path, seed=5)
    if request.param == "answers inferred":
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(line for line in lines if b"#respondsTo>" not in line))
    with open_store() as store:
        store.load(path, "nt")
        yield request.param, store


def test_synthetic_ties_and_blocs_are_the_same_from_the_summary(synthetic_store):
    _, store = synthetic_store
    summarised, walked = _both_ways(store)
    assert _edges(summarised) == _edges(walked)
    assert sum(1 for *_, k in summarised.edges(keys=True) if k.startswith(("attack:", "clashes:"))) > 100
    assert analysis.to_json(analysis.alliances(summarised)) == analysis.to_json(analysis.alliances(walked))


def test_synthetic_chains_are_the_same_from_the_summary(synthetic_store):
    kind, store = synthetic_store
    listed = analysis.chains(analysis.signed_network(store, counts=False, quotes=False), store=store)
    light = analysis.chains(analysis.signed_network(store, counts=False, quotes=False, events=False), store=store)
    assert analysis.to_json(light) == analysis.to_json(listed)
    bases = {step["link"]["basis"] for chain in light for step in chain if step["link"]}
    acts = [step for chain in light for step in chain if step["kind"] == "act"]
    assert len(light) > 20 and acts
    inferred = sum(1 for chain in light for step in chain if step["link"] and step["link"]["basis"] != "responds-to")
    if kind == "answers inferred":  # only the seeds' own claims still name what they answer
        assert {"same-party", "belonging", "continues"} <= bases and inferred > 50
    else:
        assert "responds-to" in bases


def test_chains_refuse_a_summary_graph_whose_pairs_have_no_days():
    """A store summarised before the days moved onto the pairs: chains say so rather than
    silently losing the acts each retaliation answers."""
    with open_store() as store:
        light = analysis.signed_network(store, counts=False, quotes=False, events=False)
        assert analysis.chains(light, store=store)  # the same network reads its chains before
        store.oxigraph.update("DELETE WHERE { GRAPH <%s> { ?pair <https://w3id.org/malikg/summary#day> ?day } }"
                              % SUMMARY_GRAPH)
        with pytest.raises(MalikgError, match="summary graph gives no days for the actor pair .*older than this malikg"):
            analysis.chains(light, store=store)
