"""The seed graph holds what the chapter says, each fact tied to its exact quote."""
from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from graph.emit import build_graph
from graph.namespaces import MK, MKV, OA, SEM, base_iri
from graph.resources import seeds_dir

SOURCE = (seeds_dir() / "sources" / "hrw-wr2025-mali" / "hrw-world-report-2025-mali.txt").read_text(encoding="utf-8")
#: Every document of the bundled corpus, by its IRI: a quote is checked against its own document.
TEXTS = {URIRef(f"{base_iri()}source/{p.parent.name}"): p.read_text(encoding="utf-8")
         for p in sorted((seeds_dir() / "sources").glob("*/*.txt"))}


@pytest.fixture(scope="module")
def g():
    return build_graph()


def node(kind, slug):
    return URIRef(f"{base_iri()}{kind}/{slug}")


def labels_of(g, cls):
    return {str(o) for s in g.subjects(RDF.type, cls) for o in g.objects(s, RDFS.label)}


def names_of(g, cls):
    return {str(o) for s in g.subjects(RDF.type, cls)
            for o in list(g.objects(s, RDFS.label)) + list(g.objects(s, SKOS.altLabel))}


# --- coverage ------------------------------------------------------------------------------

PLACES = ["Mali", "Bamako", "Ogota", "Ouémbé", "Mopti", "Doucombo", "Pignari Bana", "Bandiagara",
          "Tegourou", "Djiguibombo", "Tilé", "Pel Kanda", "Songo", "Ndiombo", "Antaba",
          "Danibombo 2", "Danibombo 1", "Attara", "Timbuktu", "Dakka Sebbe", "Segou", "Ouro Fero",
          "Nara", "Konokassi", "Konokassi cemetery", "N’Dola", "Barikoro", "Ala", "Dounkala",
          "Tinzaouaten", "Kidal", "Ndorgolle", "Kalala", "Boura", "Azawad", "Canary Islands", "Spain"]

ACTOR_NAMES = ["JNIM", "Jama'a Nusrat ul-Islam wa al-Muslimin", "ISGS",
               "Islamic State in the Greater Sahara", "Wagner Group", "associated foreign fighters",
               "Dozo", "traditional hunting societies", "Dan Na Ambassagou", "Malian armed forces",
               "CSP", "Permanent Strategic Framework", "Cadre Stratégique Permanent", "MSA-D",
               "National Movement for the Liberation of Azawad",
               "Mouvement pour le salut de l’Azawad", "Ansar Dine", "Al-Qaida in Islamic Maghreb",
               "Al Qaeda", "Military junta", "Council of Ministers", "Malian government",
               "Fulani", "Dogon", "Bambara", "Tuareg", "Dawsahak", "Bozo",
               "Association of Pupils and Students of Mali",
               "L’Association des élèves et étudiants du Mali",
               "Coordination of Movements, Associations, and Sympathizers of Imam Mahmoud Dicko",
               "Kaoural Renewal", "Kaoural Renouveau", "Political parties and associations",
               "ECOWAS", "Economic Community of West African States", "International Criminal Court",
               "ACLED", "Human Rights Watch", "Assimi Goita", "Abdoulaye Maiga", "Imam Mahmoud Dicko",
               "Mali", "Burkina Faso", "Niger", "Spain", "Russia"]


def test_every_named_place_is_in_the_graph(g):
    assert set(PLACES) <= labels_of(g, MK.Place)


def test_every_named_actor_is_in_the_graph_under_its_label_or_alias(g):
    missing = set(ACTOR_NAMES) - names_of(g, MK.Actor)
    assert not missing


def test_french_names_are_tagged_french(g):
    csp = node("actor", "csp")
    assert Literal("Cadre Stratégique Permanent", lang="fr") in set(g.objects(csp, SKOS.altLabel))


def test_no_alias_is_missing_from_the_source(g):
    for alias in g.objects(None, SKOS.altLabel):
        assert any(str(alias) in text for text in TEXTS.values()), alias


def test_about_forty_dated_incidents_and_developments(g):
    events = set(g.subjects(RDF.type, MK.Event))
    dated = {e for e in events if (e, MK.datePrecision, MKV["unknown-date"]) not in g}
    assert len(dated) >= 40
    days = {str(d) for d in g.objects(None, SEM.hasTimeStamp)}
    for day in ["2024-01-25", "2024-01-26", "2024-01-27", "2024-02-01", "2024-02-16", "2024-02-17",
                "2024-03-31", "2024-04-10", "2024-05-02", "2024-05-03", "2024-05-09", "2024-06-21",
                "2024-06-25", "2024-07-01", "2024-07-19", "2024-08-09", "2024-08-16", "2024-08-24",
                "2024-08-25", "2024-09-18", "2024-09-29", "2024-10-08", "2024-10-13", "2024-10-14"]:
        assert day in days, day


WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "ten": 10, "13": 13}


def test_every_count_in_the_text_is_a_number_in_the_graph(g):
    counts = {int(o) for o in g.objects(None, MK["count"])}
    counts |= {int(float(o)) for o in g.objects(None, MK.distanceKm)}
    # Figures written in digits, less years, days of the month and the names "Danibombo 1/2".
    text = re.sub(r"Danibombo \d", "", SOURCE)
    text = re.sub(r"(January|February|March|April|May|June|July|August|September|October|November|December) \d+( and \d+)?", "", text)
    digits = {int(n.replace(",", "")) for n in re.findall(r"\b\d[\d,]*\b", text)}
    figures = {n for n in digits if not 1990 <= n <= 2030}
    assert figures - counts == set()
    worded = {WORDS[w.lower()] for w in re.findall(r"\b(one|two|three|four|five|six|seven|eight|ten)\b", text, re.I)}
    assert worded - counts == set()


# --- provenance -------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [MK.Event, MK.Claim, MK.Relation, MK.Actor, MK.Place, MK.Harm, MK.Statistic])
def test_every_fact_has_evidence_that_slices_the_source_exactly(g, cls):
    subjects = set(g.subjects(RDF.type, cls))
    assert subjects
    for subject in subjects:
        evidence = list(g.objects(subject, PROV.wasDerivedFrom))
        assert evidence, subject
        for resource in evidence:
            selectors = list(g.objects(resource, OA.hasSelector))
            quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in g)
            position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g)
            start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
            exact = str(g.value(quote, OA.exact))
            text = TEXTS[g.value(resource, OA.hasSource)]
            assert text[start:end] == exact
            assert text[:start].endswith(str(g.value(quote, OA.prefix)))
            assert text[end:].startswith(str(g.value(quote, OA.suffix)))


def test_offsets_count_code_points_not_bytes(g):
    # "Ouémbé" has two accented letters: byte offsets would drift by two after it.
    resource = URIRef(f"{base_iri()}evidence/hrw-wr2025-mali/" + "{}-{}")
    quote = "and 130 homes in Ouémbé"
    start = SOURCE.index(quote)
    assert (None, PROV.wasDerivedFrom, URIRef(str(resource).format(start, start + len(quote)))) in g


# --- spot facts -------------------------------------------------------------------------------


def harms(g, event):
    out = []
    for harm in g.objects(node("event", event), MK.harm):
        parts = {str(g.value(p, MK.victimGroup)).rsplit("#", 1)[1]: int(g.value(p, MK["count"]))
                 for p in g.objects(harm, MK.includes)}
        count = g.value(harm, MK["count"])
        out.append((str(g.value(harm, MK.harmType)).rsplit("#", 1)[1],
                    int(count) if count is not None else None,
                    str(g.value(harm, MK.countQualifier)).rsplit("#", 1)[1], parts))
    return sorted(out, key=str)


def test_ogota(g):
    ogota = node("event", "2024-01-27-ogota")
    assert str(g.value(ogota, SEM.hasTimeStamp)) == "2024-01-27"
    assert g.value(ogota, MK.perpetrator) == node("actor", "jnim")
    assert g.value(ogota, SEM.hasPlace) == node("place", "ogota")
    assert g.value(node("place", "ogota"), MK.within) == node("place", "mopti")
    assert harms(g, "2024-01-27-ogota") == sorted([
        ("killed", 28, "exact", {"children": 3}),
        ("homes-burned", 150, "at-least", {}),
    ], key=str)
    claim = node("claim", "ogota-ouembe-retaliation")
    assert (claim, MK.claimAbout, ogota) in g
    assert g.value(claim, MK.motive) == MKV.retaliation
    assert g.value(claim, MK.retaliatedAgainst) == node("actor", "dan-na-ambassagou")
    assert g.value(claim, MK.accusation) == MKV["refusal-to-disarm"]
    assert g.value(claim, MK.claimant) == node("actor", "ogota-ouembe-villagers")
    assert g.value(claim, MK.certainty) == MKV.believed
    assert g.value(ogota, SEM.subEventOf) == node("event", "2024-01-27-ogota-ouembe")


def test_ouro_fero_arrested_then_found_dead(g):
    arrests = node("event", "2024-01-26-ouro-fero-arrests")
    assert str(g.value(arrests, SEM.hasTimeStamp)) == "2024-01-26"
    assert g.value(arrests, MK.dateBasis) == MKV["relative-date"]
    assert harms(g, "2024-01-26-ouro-fero-arrests") == [("arrested", 25, "exact", {"children": 4})]
    bodies = node("event", "2024-01-26-ouro-fero-bodies")
    assert harms(g, "2024-01-26-ouro-fero-bodies") == [("killed", 25, "exact", {"children": 4})]
    assert g.value(bodies, MK.relativeTo) == arrests
    participation = next(p for p in g.objects(bodies, MK.participation)
                         if g.value(p, MK.participant) == node("actor", "malian-armed-forces"))
    assert g.value(participation, MK.certainty) == MKV.implied
    site = g.value(bodies, SEM.hasPlace)
    assert g.value(site, MK.near) == node("place", "ouro-fero")
    assert float(g.value(site, MK.distanceKm)) == 4.0
    assert g.value(site, MK.distanceQualifier) == MKV.about


def test_konokassi_two_drone_strikes_on_consecutive_days(g):
    first, second = node("event", "2024-02-16-konokassi"), node("event", "2024-02-17-konokassi-cemetery")
    for event in (first, second):
        assert g.value(event, SEM.eventType) == MKV["air-drone-strike"]
    assert str(g.value(first, SEM.hasTimeStamp)) == "2024-02-16"
    assert str(g.value(second, SEM.hasTimeStamp)) == "2024-02-17"
    assert g.value(second, MK.relativeTo) == first
    cemetery = g.value(second, SEM.hasPlace)
    assert str(g.value(cemetery, RDFS.label)) == "Konokassi cemetery"
    assert g.value(cemetery, MK.within) == node("place", "konokassi")
    assert harms(g, "2024-02-16-konokassi") == sorted(
        [("killed", 5, "at-least", {}), ("killed", 2, "exact", {})], key=str)


def test_hedges_are_data(g):
    camp = node("event", "2024-07-19-dawsahak-camp")
    participation = next(p for p in g.objects(camp, MK.participation)
                         if g.value(p, MK.participant) == node("actor", "isgs"))
    assert g.value(participation, MK.certainty) == MKV.alleged
    relation = node("relation", "dozo-alleged-proxy-malian-armed-forces")
    assert g.value(relation, MK.certainty) == MKV.alleged
    assert g.value(node("relation", "foreign-fighters-association-wagner"), MK.certainty) == MKV.apparent


def test_counts_carry_low_best_high(g):
    campaign = node("event", "2024-06-jnim-bandiagara-campaign")
    homes = next(h for h in g.objects(campaign, MK.harm) if g.value(h, MK.harmType) == MKV["homes-burned"])
    assert (int(g.value(homes, MK["count"])), int(g.value(homes, MK.low))) == (1000, 1001)
    assert g.value(homes, MK.high) is None
    ndola = node("event", "2024-05-09-ndola")
    homes = g.value(ndola, MK.harm)
    assert int(g.value(homes, MK.high)) == 100 and g.value(homes, MK.low) is None


def test_campaign_hierarchy(g):
    campaign = node("event", "2024-06-jnim-bandiagara-campaign")
    children = set(g.subjects(SEM.subEventOf, campaign))
    assert node("event", "2024-09-29-four-villages") in children
    four = set(g.subjects(SEM.subEventOf, node("event", "2024-09-29-four-villages")))
    assert {str(g.value(e, RDFS.label)).rsplit(" ", 1)[-1] for e in four} == {"Kanda", "Songo", "Ndiombo", "Antaba"}


def test_relations_with_time_bounds(g):
    msa = node("relation", "msa-d-former-alliance-malian-government")
    assert str(g.value(msa, MK.startDate)) == "2015"
    assert g.value(msa, MK.status) == MKV.former
    deal = node("relation", "malian-armed-forces-peace-agreement-csp")
    assert str(g.value(deal, MK.endDate)) == "2024-01" and g.value(deal, MK.status) == MKV.ended
    dozo = node("relation", "dozo-active-in-segou")
    assert str(g.value(dozo, MK.startDate)) == "2014" and g.value(dozo, MK.startQualifier) == MKV.about


def test_uncertain_dates_keep_their_words(g):
    kalala = node("event", "2024-01-kalala")
    assert g.value(kalala, MK.datePrecision) == MKV.month
    assert str(g.value(kalala, MK.dateText)) == "In January"
    late = node("event", "2023-late-jnim-attacks-on-bambara")
    assert g.value(late, MK.datePrecision) == MKV["part-of-year"]
    assert (str(g.value(late, SEM.hasEarliestBeginTimeStamp)), str(g.value(late, SEM.hasLatestEndTimeStamp))) == ("2023-09-01", "2023-12-31")
    ala = node("event", "2024-08-09-ala")
    assert g.value(ala, MK.dateBasis) == MKV["inferred-date"] and g.value(ala, MK.dateNote)


def test_iris_are_readable_slugs(g):
    assert (node("actor", "jnim"), RDFS.label, Literal("JNIM")) in g
    assert (node("event", "2024-01-27-ogota"), RDF.type, MK.Incident) in g
    assert not any(isinstance(t, type(None)) for t in g)
    from rdflib import BNode
    assert not any(isinstance(term, BNode) for triple in g for term in triple)
