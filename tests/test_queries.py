"""The queries/ library: each named research question answered on the bundled seeds, as the
chapter tells it; every query through the CLI in every format; the report; the notebook API."""
from __future__ import annotations

import csv
import io
import json
import sys
import types

import pytest
from click.testing import CliRunner

import cli
from graph import resources
from graph.build import build
from graph.errors import MalikgError
from graph.queries import list_queries, run_named
from graph.report import SECTIONS, render_report
from graph.store import RemoteStore, open_store

NAMES = [q.name for q in list_queries()]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "store"
    open_store(path, create=True).close()
    return path


def ask(store, name, **params):
    """The answer as a list of dicts of plain values."""
    return run_named(store, name, {k: str(v) for k, v in params.items()}).to_python()


def chapter_ids():
    """The ids of the events, claims and relations the World Report 2025 chapter itself tells."""
    import yaml
    from pathlib import Path
    folder = Path(__file__).resolve().parent.parent / "seeds/sources/hrw-wr2025-mali"
    ids = set()
    for name in ("events.yaml", "claims.yaml", "relations.yaml"):
        for item in yaml.safe_load((folder / name).read_text(encoding="utf-8")) or []:
            ids.add(item["id"])
    return ids


def chapter_rows(rows, key="event"):
    """Only the rows about the chapter's own accounts (the other bundled documents left out)."""
    ids = chapter_ids()
    kept = [row for row in rows if row[key] in ids]
    assert kept, "the chapter tells some of these"
    return kept


def chap(store, name, key="event", **params):
    """The answer on the bundled seeds, kept to the rows about the chapter's own accounts."""
    return chapter_rows(ask(store, name, **params), key)


def column(rows, *names):
    return [tuple(row[n] for n in names) if len(names) > 1 else row[names[0]] for row in rows]


def malikg(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------------------
# The library itself
# ---------------------------------------------------------------------------

def test_the_library_has_a_documented_query_for_each_research_question():
    assert len(NAMES) >= 20
    for query in list_queries():
        assert query.title and query.question and query.example, query.name
        assert query.example.startswith(f"malikg query {query.name}"), query.name
        assert all(not p.required for p in query.params), f"{query.name} must run with no -p"
        assert "ORDER BY" in query.text, f"{query.name} must give its rows in a fixed order"


def test_queries_command_lists_every_query_with_its_parameters():
    result = malikg("queries")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for query in list_queries():
        line = next(line for line in lines if line.split()[0] == query.name)
        assert query.title in line
        for param in query.params:
            assert f"{param.name}:{param.type}={param.default}" in line


# ---------------------------------------------------------------------------
# Each question, answered as the chapter tells it
# ---------------------------------------------------------------------------

def test_incidents_by_perpetrator(store):
    # "Malian armed forces and Wagner fighters" at Attara; "Wagner fighters, with at least one
    # Malian soldier" at Dakka Sebbe; Barikoro; Ala and Dounkala; Ndorgolle.
    rows = chapter_rows(ask(store, "incidents-by-perpetrator"))
    assert column(rows, "date", "place", "role", "with", "withRole") == [
        ("2024-01-25", "Attara", "co-perpetrator", "Malian armed forces", "perpetrator"),
        ("2024-01-25", "Dakka Sebbe", "perpetrator", "Malian armed forces", "co-perpetrator"),
        ("2024-05-03", "Barikoro", "co-perpetrator", "Malian armed forces", "perpetrator"),
        ("2024-08-09", "Ala", "co-perpetrator", "Malian armed forces", "perpetrator"),
        ("2024-08-16", "Dounkala", "co-perpetrator", "Malian armed forces", "perpetrator"),
        ("2024-10-08", "Ndorgolle", "co-perpetrator", "Malian armed forces", "perpetrator"),
    ]
    assert set(column(rows, "region")) == {"Timbuktu", "Segou"}
    # "alleged Islamic State in the Greater Sahara (ISGS) fighters attacked a camp"
    isgs = ask(store, "incidents-by-perpetrator", actor="isgs")
    assert column(isgs, "event", "certainty", "with") == [("2024-07-19-dawsahak-camp", "alleged", None)]
    jnim = chapter_rows(ask(store, "incidents-by-perpetrator", actor="jnim"))
    assert len(jnim) == 15 and jnim[0]["event"] == "2023-late-jnim-attacks-on-bambara"


def test_people_killed_by_actor(store):
    rows = {row["slug"]: row for row in ask(store, "people-killed-by-actor", source="hrw-wr2025-mali")}
    # The chapter's own account. Malian armed forces: Attara 7; Ouro Fero 25 (4 children); Konokassi 5 men + 2 boys, twice;
    # N'Dola 6; Barikoro 2 men + 1 boy; Dounkala 1; Tinzaouaten 5 children + 2 men; Ndorgolle 2.
    army = [7, 25, 7, 7, 6, 3, 1, 7, 2]
    assert rows["malian-armed-forces"] == {"actor": "Malian armed forces", "events": len(army),
                                           "killedLow": sum(army), "killedBest": sum(army),
                                           "children": 4 + 2 + 2 + 1 + 5, "slug": "malian-armed-forces"}
    # JNIM: Ogota 28 (3 children), Ouémbé 4, Tegourou 2, Djiguibombo at least 10, Pel Kanda 1,
    # Songo 4 + 1, Danibombo 2 five; Bamako "several" counts as an event with no figure.
    jnim = [28, 4, 2, 10, 1, 5, 5]
    assert column([rows["jnim"]], "events", "killedBest", "children") == [(len(jnim) + 1, sum(jnim), 3)]
    assert (rows["wagner"]["killedBest"], rows["wagner"]["children"]) == (7 + 3 + 1 + 2, 1)
    assert (rows["dozo"]["killedBest"], rows["dozo"]["children"]) == (13, 2)
    assert (rows["isgs"]["killedLow"], rows["isgs"]["children"]) == (7, 0)
    assert list(rows) == ["malian-armed-forces", "jnim", "dozo", "wagner", "isgs", ""]
    # The last row counts each death once: Wagner's 13 (Attara, Barikoro, Dounkala, Ndorgolle)
    # were all perpetrated with the Malian armed forces, whose 65 already hold them.
    total = rows[""]
    assert total["actor"] == "all actors (each death once)"
    assert total["killedBest"] == 65 + 55 + 13 + 13 + 7 - 13 == 140
    assert total["events"] == 9 + 8 + 1 + 4 + 1 - 4  # Wagner's 4 incidents were all the army's too
    # Only stated attributions: the Ouro Fero deaths (implied) and ISGS (alleged) drop out.
    stated = {row["slug"]: row for row in ask(store, "people-killed-by-actor", stated_only="true",
                                              source="hrw-wr2025-mali")}
    assert "isgs" not in stated
    assert column([stated["malian-armed-forces"]], "killedBest", "children") == [(65 - 25, 14 - 4)]
    # All bundled documents, each incident once. The army's 65, JNIM's 55 and the Dozo's 13 stay:
    # the news release's Ogota and Ouembé (32) and Kalala/Boura join the chapter's accounts, and
    # the Tinzaouaten drone strike counts once at the chapter's 7 (5 children and 2 men, the
    # most conservative against 21 and 21). Al Arabiya alleges Wagner co-perpetrated that strike
    # and says Burkina Faso operated the drone, so both gain it.
    combined = {row["slug"]: row for row in ask(store, "people-killed-by-actor")}
    assert column([combined[s] for s in ("malian-armed-forces", "jnim", "dozo")], "killedBest") == [65, 55, 13]
    assert (combined["dozo"]["events"], combined["dozo"]["children"]) == (2, 2)
    assert column([combined["wagner"]], "events", "killedBest", "children") == [(5, 13 + 7, 1 + 5)]
    assert column([combined["burkina-faso"]], "events", "killedBest", "children") == [(1, 7, 5)]
    assert combined[""]["killedBest"] == 140  # every death once, whichever documents tell it
    assert combined[""]["events"] == 20  # the Dozo's Kalala/Boura counts as two incidents


def test_children_harmed(store):
    rows = chap(store, "children-harmed")
    assert column(rows, "place", "what", "children", "group", "outOf") == [
        ("Kalala", "killed", "2", "children", "13 people"),
        ("Ouro Fero", "arrested", "4", "children", "25 people"),
        ("About four kilometers from Ouro Fero", "killed", "4", "children", "25 people"),
        ("Ogota", "killed", "3", "children", "28 villagers"),
        ("Konokassi", "killed", "2", "boys", ""),
        ("Konokassi cemetery", "killed", "2", "boys", ""),
        ("Barikoro", "killed", "1", "boys", ""),
        ("Tinzaouaten", "killed", "at least 5", "children", ""),
    ]


def test_drone_strikes(store):
    rows = chap(store, "drone-strikes")
    assert column(rows, "date", "place", "region", "perpetrator", "killed", "children") == [
        ("2024-02-16", "Konokassi", "Segou", "Malian armed forces", 7, 2),
        ("2024-02-17", "Konokassi cemetery", "Segou", "Malian armed forces", 7, 2),
        ("2024-08-25", "Tinzaouaten", "Kidal", "Malian armed forces", 7, 5),
    ]
    assert column(chap(store, "drone-strikes", since="2024-02-17"), "event") == [
        "2024-02-17-konokassi-cemetery", "2024-08-25-tinzaouaten"]


def test_villages_attacked(store):
    rows = chap(store, "villages-attacked")
    # "on June 25 ... Tegourou; on July 1 ... Djiguibombo; on August 24 ... Tilé; on September 29
    # ... Pel Kanda, Songo, Ndiombo, and Antaba; on October 13 and 14 ... Danibombo 2 and Danibombo 1"
    assert column(rows, "date", "village") == [
        ("2024-06-25", "Tegourou"), ("2024-07-01", "Djiguibombo"), ("2024-08-24", "Tilé"),
        ("2024-09-29", "Antaba"), ("2024-09-29", "Ndiombo"), ("2024-09-29", "Pel Kanda"),
        ("2024-09-29", "Songo"), ("2024-10-13", "Danibombo 2"), ("2024-10-14", "Danibombo 1")]
    army = chap(store, "villages-attacked", actor="malian-armed-forces", region="segou",
               since="2024-01-01", until="2024-12-31")
    assert column(army, "village") == ["Dakka Sebbe", "Konokassi", "Konokassi", "N’Dola", "Barikoro",
                                      "N’Dola", "Ala", "Dounkala", "Ndorgolle"]


def test_places_attacked_repeatedly(store):
    rows = ask(store, "places-attacked-repeatedly")
    answer = [(place, n, str(first), str(last))
              for place, n, first, last in column(rows, "place", "incidents", "first", "last")]
    assert answer == [
        ("Konokassi", 2, "2024-02-16", "2024-02-17"), ("N’Dola", 2, "2024-05-02", "2024-05-09"),
        ("Ogota", 2, "2024-01-27", "2024-02-01"), ("Ouémbé", 2, "2024-01-27", "2024-02-01"),
        # Al Arabiya's and Wikipedia's July battle joins the chapter's August drone strike there;
        # the four accounts of the strike count as one incident.
        ("Tinzaouaten", 2, "2024-07-01", "2024-08-25")]
    assert ask(store, "places-attacked-repeatedly", min_attacks=3) == []


def test_detentions_and_disappearances(store):
    rows = chap(store, "detentions-and-disappearances")
    assert column(rows, "place", "perpetrator", "with", "what", "figure", "victims", "children") == [
        ("Boura", "Dozo", None, "abducted", "24", "people", None),
        ("Mali", "Malian authorities", None, "arrested", "unspecified", "journalists", None),
        ("Mali", "Malian authorities", None, "disappeared", "at least 1", "whistleblowers", None),
        ("Ouro Fero", "Malian armed forces", None, "arrested", "25", "people", 4),
        ("N’Dola", "Malian armed forces", None, "arrested", "8", "men", None),
        ("Ala", "Malian armed forces", "Wagner Group", "disappeared", "2", "men", None),
        ("Dounkala", "Malian armed forces", "Wagner Group", "disappeared", "2", "men", None),
        ("Ndorgolle", "Malian armed forces", "Wagner Group", "arrested", "3", "men", None),
    ]


def test_property_destruction(store):
    rows = chap(store, "property-destruction")
    assert len(rows) == 20
    assert ("2024-08-24-tile", "homes burned", "over 500", "incident") in column(rows, "event", "what", "figure", "scope")
    assert ("2024-06-jnim-bandiagara-campaign", "livestock looted", "over 3500", "campaign total") in column(
        rows, "event", "what", "figure", "scope")
    assert ("2024-05-09-ndola", "homes burned", "up to 100") in column(rows, "event", "what", "figure")


def test_property_destruction_totals(store):
    rows = {(row["slug"], row["what"]): row for row in ask(store, "property-destruction-totals",
                                                                      source="hrw-wr2025-mali")}
    # JNIM: at least 150 in Ogota and 130 in Ouémbé, then "the remaining homes" (no figure) twice;
    # "over 1,000 homes" for the June-November campaign covers its villages' own figures.
    homes = rows["jnim", "homes burned"]
    assert column([homes], "events", "lowTotal", "highTotal", "withoutFigure") == [(5, 150 + 130 + 1001, None, 2)]
    assert rows["jnim", "livestock looted"]["lowTotal"] == 3501
    assert rows["jnim", "health facility burned"]["bestTotal"] == 1
    # N'Dola: "burned down up to 100 homes".
    assert column([rows["malian-armed-forces", "homes burned"]], "lowTotal", "highTotal") == [(0, 100)]
    assert set(rows) == {("dozo", "homes looted"), ("dozo", "livestock looted"), ("jnim", "health facility burned"),
                         ("jnim", "homes burned"), ("jnim", "livestock looted"), ("malian-armed-forces", "homes burned"),
                         ("malian-armed-forces", "property looted"), ("wagner", "property looted")}


def test_communities_targeted(store):
    rows = ask(store, "communities-targeted")
    assert column(rows, "actorSlug", "communitySlug", "events") == [
        ("dozo", "fulani", 2), ("isgs", "dawsahak", 1), ("jnim", "bambara", 1),
        ("jnim", "local-communities-bandiagara", 1), ("malian-armed-forces", "fulani", 1), ("wagner", "fulani", 1)]
    assert ("civilians" in column(ask(store, "communities-targeted", exclude="fulani"), "communitySlug"))


def test_retaliation_claims(store):
    rows = chap(store, "retaliation-claims", key="claim")
    assert column(rows, "attack", "by", "against", "saysSo", "certainty") == [
        ("Dozo abduct 24 people in Boura", "Dozo", "Fulani", "Human Rights Watch", "apparent"),
        ("Dozo attack on Kalala", "Dozo", "Fulani", "Human Rights Watch", "apparent"),
        ("JNIM attack on Ogota", "JNIM", "Dan Na Ambassagou", "Villagers of Ogota and Ouémbé", "believed"),
        ("JNIM attack on Ouémbé", "JNIM", "Dan Na Ambassagou", "Villagers of Ogota and Ouémbé", "believed"),
        ("JNIM's campaign against villages of the Doucombo and Pignari Bana district areas", "JNIM",
         "Local communities of the Doucombo and Pignari Bana areas", "Witnesses of the JNIM attacks in Bandiagara region", "stated"),
        ("Alleged ISGS attack on a camp for displaced Dawsahak", "ISGS", "Dawsahak", "Human Rights Watch", "apparent"),
    ]
    by_attack = {row["attack"]: row for row in rows}
    assert by_attack["Dozo attack on Kalala"]["answering"] == (
        "JNIM attacks against ethnic Bambara in villages surrounding Kalala")
    assert column([by_attack["Dozo abduct 24 people in Boura"]], "accusation", "linkedTo") == [("collaboration", "JNIM")]
    assert by_attack["Alleged ISGS attack on a camp for displaced Dawsahak"]["linkedTo"] == "MSA-D"


def test_claimed_motives(store):
    rows = chap(store, "claimed-motives", key="claim")
    assert len(rows) == 11  # Dakka Sebbe's suspicion is both the Wagner fighters' and the Malian soldier's
    assert ("Malian drone strikes kill civilians in Tinzaouaten", "counterterrorism", "Malian armed forces", "claimed") in column(
        rows, "what", "motive", "saysSo", "certainty")
    assert ("Decree suspending the activities of political parties and associations",
            "response to dissent") in column(rows, "what", "motive")


def test_actor_relations(store):
    rows = chap(store, "actor-relations", key="rel")
    assert column(rows, "subject", "relation", "object", "since", "until", "status", "certainty") == [
        ("Dozo", "alleged proxy", "Malian armed forces", None, None, "current", "alleged"),
        ("Malian armed forces", "alliance", "Foreign fighters allied with the Malian armed forces", None, None, "current", "stated"),
        ("Malian armed forces", "clashes", "CSP", "2024-08", "2024-08", "ended", "stated"),
        ("Malian armed forces", "membership", "Malian security forces and allied forces", None, None, "current", "stated"),
        ("Malian armed forces", "partnership", "Wagner Group", None, None, "current", "stated"),
        ("Malian armed forces", "peace agreement", "CSP", None, "2024-01", "ended", "stated"),
    ]
    dozo = chap(store, "actor-relations", key="rel", actor="dozo")
    assert ("active in", "Segou", "about 2014") in column(dozo, "relation", "object", "since")


def test_ethnic_composition(store):
    rows = chap(store, "ethnic-composition", key="rel")
    assert column(rows, "group", "community", "hedge") == [
        ("CSP", "Tuareg", "mostly"), ("Dan Na Ambassagou", "Dogon", "to protect the Dogon country"),
        ("Dozo", "Bambara", "mainly")]


def test_actor_timeline(store):
    rows = chap(store, "actor-timeline")
    assert len(rows) == 19
    assert rows[0]["date"] == "2023-09-01/2023-12-31" and rows[0]["dateText"] == "in late 2023"
    assert ("2024-09-29-four-villages", "Antaba and 3 more") in column(rows, "event", "places")
    dozo = chap(store, "actor-timeline", actor="dozo")
    assert column(dozo, "event", "role") == [("2024-01-boura", "perpetrator"), ("2024-01-kalala", "perpetrator")]


def test_region_timeline(store):
    rows = chap(store, "region-timeline")
    # The villages around Kalala are only "surrounding Kalala": they count in Kalala's region.
    assert column(rows, "place") == ["Villages surrounding Kalala (near Kalala)", "Boura", "Kalala", "Dakka Sebbe", "Konokassi", "Konokassi cemetery", "N’Dola",
                                     "Barikoro", "N’Dola", "Ala", "Dounkala", "Ndorgolle"]
    assert column(chap(store, "region-timeline", region="kidal"), "event") == ["2024-08-25-tinzaouaten"]
    # The 25 bodies were found "about four kilometers from Ouro Fero": in Nara, near it.
    assert column(chap(store, "region-timeline", region="nara"), "place", "event") == [
        ("Ouro Fero", "2024-01-26-ouro-fero-arrests"),
        ("About four kilometers from Ouro Fero (near Ouro Fero)", "2024-01-26-ouro-fero-bodies")]
    # Co-perpetrators stand beside the perpetrator: Wagner at Barikoro, the soldier at Dakka Sebbe.
    by_event = {row["event"]: row["perpetrator"] for row in rows}
    assert by_event["2024-05-03-barikoro"] == "Malian armed forces; Wagner Group (co-perpetrator)"
    assert by_event["2024-01-25-dakka-sebbe"] == "Wagner Group; Malian armed forces (co-perpetrator)"


def test_incidents_in_date_range(store):
    rows = chap(store, "incidents-in-date-range")
    assert column([r for r in rows if r["fits"] == "certainly"], "event") == [
        "2024-01-25-attara", "2024-01-25-dakka-sebbe", "2024-01-26-ouro-fero-arrests",
        "2024-01-26-ouro-fero-bodies", "2024-01-27-ogota", "2024-01-27-ouembe"]
    assert column([r for r in rows if r["fits"] == "possibly"], "event", "precision") == [
        ("2024-01-boura", "month"), ("2024-01-kalala", "month"),
        ("2024-journalists-arrested", "year"), ("2024-whistleblower-disappeared", "year")]
    one_day = chap(store, "incidents-in-date-range", since="2024-08-25", until="2024-08-25")
    assert [r["event"] for r in one_day if r["fits"] == "certainly"] == ["2024-08-25-tinzaouaten"]


def test_events_per_region(store):
    rows = ask(store, "events-per-region")
    # Segou and Nara each gain an incident placed only near a village of theirs (the villages
    # surrounding Kalala; the bodies found four kilometres from Ouro Fero); the last row holds
    # the events no place puts in a region (national measures, Bamako's own events...).
    assert column(rows, "region", "events", "incidents", "nearOnly") == [
        ("Bandiagara", 12, 9, 0), ("Segou", 12, 12, 1), ("Mopti", 5, 4, 0),
        # Kidal: the drone strike (four accounts, one incident), the July battle at Tinzaouaten
        # (Wikipedia's and Al Arabiya's accounts, one incident) and Al Arabiya's July airstrikes.
        ("Kidal", 3, 3, 1), ("Nara", 2, 2, 1), ("Timbuktu", 1, 1, 0),
        # The other documents' background events (the 2012 rebellion, the 2021 coup...).
        ("(no region given)", 24, 5, 0)]
    events = {row["event"] for row in ask(store, "search-events", words="")}
    # The column adds up, each incident once: five accounts retell another's incident (the
    # drone strike by Africanews and Al Arabiya, the battle by Al Arabiya, and the May 2024
    # release's joint Ogota/Ouemb\u00e9 and Kalala/Boura accounts).
    retold = {"africanews-2024-08-25-tinzaouaten", "alarabiya-2024-08-25-tinzaouaten",
              "alarabiya-2024-07-tinzaouaten-battle", "hrw-2024-05-08-ogota-ouembe", "hrw-2024-05-08-kalala-boura"}
    assert retold <= events
    assert sum(row["events"] for row in rows) == len(events - retold)


def test_uncertain_dates(store):
    rows = {row["event"]: row for row in chap(store, "uncertain-dates")}
    assert len(rows) == 28
    assert rows["msa-d-attacks-on-isgs"]["precision"] == "unknown date"
    assert rows["2024-02-17-konokassi-cemetery"]["note"] == "counted from: Malian drone strike on a wedding in Konokassi"
    assert rows["2024-08-09-ala"]["basis"] == "inferred date"
    assert "2024-02-16-konokassi" not in rows


def test_uncertain_dates_names_every_other_precision_and_basis():
    """The query starts from the precisions and bases other than a stated day, listed in its
    text: every concept of the two schemes but mkv:day and mkv:stated-date, no more."""
    import re

    from graph.vocabulary import vocabulary

    schemes = vocabulary().schemes
    text = (resources.queries_dir() / "uncertain-dates.rq").read_text(encoding="utf-8")

    def listed(variable: str) -> set[str]:
        block = re.search(r"VALUES \?%s \{([^}]*)\}" % variable, text).group(1)
        return set(re.findall(r"mkv:([\w-]+)", block))

    assert listed("precisionType") == schemes["DatePrecisions"] - {"day"}
    assert listed("basisType") == schemes["DateBases"] - {"stated-date"}


def test_uncertain_attributions(store):
    rows = chap(store, "uncertain-attributions")
    assert column(rows, "event", "actor", "role", "certainty") == [
        ("2024-01-kalala", "Fulani", "victim community", "implied"),
        ("2024-01-26-ouro-fero-bodies", "Malian armed forces", "perpetrator", "implied"),
        ("2024-07-19-dawsahak-camp", "ISGS", "perpetrator", "alleged")]


def test_civic_space_crackdown(store):
    rows = chap(store, "civic-space-crackdown")
    assert column(rows, "event")[-3:] == ["2024-03-31-call-for-elections", "2024-04-10-decree", "2024-07-ban-lifted"]
    assert ("2024-04-10", "Council of Ministers", "Political parties and associations") in column(rows, "date", "by", "concerning")
    assert len(rows) == 8  # the three dissolutions, without an umbrella event over them


def test_accountability(store):
    rows = chap(store, "accountability")
    assert column(rows, "date", "court", "link", "group", "status") == [
        ("2024-06-01/2024-06-30", "International Criminal Court", "membership", "Al-Qaida in Islamic Maghreb", "former"),
        ("2024-06-21", "International Criminal Court", "leadership", "Ansar Dine", "former")]


def test_acled_statistics(store):
    rows = ask(store, "acled-statistics")
    assert column(rows, "about", "measure", "best") == [
        ("Islamist armed groups", "attacks on civilians", 326), ("Islamist armed groups", "people killed", 478),
        ("Malian security forces and allied forces", "operations against civilians", 184), ("Malian security forces and allied forces", "operations against civilians", 239),
        ("Malian security forces and allied forces", "people killed", 632), ("Malian security forces and allied forces", "people killed", 1021)]
    hrw = {row["statistic"]: row for row in ask(store, "acled-statistics", reporter="hrw")}
    assert hrw["2024-displaced-malians"]["figure"] == "over 600000"


def test_acled_comparison(store):
    rows = ask(store, "acled-comparison")
    assert column(rows, "measure", "count", "earlierCount", "change", "percentChange") == [
        ("operations against civilians", 239, 184, 55, 29.9), ("people killed", 1021, 632, 389, 61.6)]


def test_event_evidence_quotes_stand_at_their_offsets_in_the_source(store):
    text = (resources.seeds_dir() / "sources" / "hrw-wr2025-mali" / "hrw-world-report-2025-mali.txt").read_text(encoding="utf-8")
    rows = ask(store, "event-evidence")
    assert column(rows, "supports", "fact") == [
        ("event", "JNIM attack on Ogota"), ("harm", "killed: 28 villagers"), ("harm", "killed: 3 children"),
        ("harm", "homes burned: at least 150"), ("claimed motive", "retaliation, according to Villagers of Ogota and Ouémbé")]
    for event in ("2024-01-27-ogota", "2024-02-16-konokassi", "2024-01-kalala", "2024-07-19-dawsahak-camp"):
        rows = ask(store, "event-evidence", event=event)
        assert rows
        for row in rows:
            assert text[row["start"]:row["end"]] == row["quote"]


def test_search_events_and_injection_attempts_match_nothing(store):
    assert column(chap(store, "search-events"), "event") == [
        "2024-02-16-konokassi", "2024-02-17-konokassi-cemetery", "2024-08-25-tinzaouaten"]
    assert len(chap(store, "search-events", words="WAGNER")) == 6
    before = store.triple_count()
    for value in ['"} ; DROP ALL', "> . ?s ?p ?o", "') } ; DELETE WHERE { ?s ?p ?o } #", '" || true || "']:
        assert ask(store, "search-events", words=value) == []
    assert store.triple_count() == before


def test_injection_into_a_typed_parameter_is_an_error_naming_it(store_dir):
    for value in ['"} ; DROP ALL', "> . ?s ?p ?o"]:
        result = malikg("query", "incidents-by-perpetrator", "-p", f"actor={value}", "--store", store_dir)
        assert result.exit_code != 0
        assert "parameter 'actor'" in result.stderr
    result = malikg("query", "drone-strikes", "-p", "since=February", "--store", store_dir)
    assert result.exit_code != 0 and "parameter 'since' must be a date" in result.stderr


# ---------------------------------------------------------------------------
# Every query through the CLI, in every format, and on another backend
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_from_the_cli_in_every_format(name, store_dir, store):
    expected = run_named(store, name)
    table = malikg("query", name, "--store", store_dir)
    assert table.exit_code == 0, table.stderr
    lines = table.output.splitlines()
    assert lines[0].split() == expected.variables and set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(expected.rows)
    as_json = json.loads(malikg("query", name, "--format", "json", "--store", store_dir).output)
    assert as_json["head"]["vars"] == expected.variables
    assert len(as_json["results"]["bindings"]) == len(expected.rows)
    as_csv = list(csv.reader(io.StringIO(malikg("query", name, "--format", "csv", "--store", store_dir).output)))
    assert as_csv[0] == expected.variables and len(as_csv) == 1 + len(expected.rows)
    as_tsv = malikg("query", name, "--format", "tsv", "--store", store_dir).output.splitlines()
    assert as_tsv[0].split("\t") == [f"?{v}" for v in expected.variables] and len(as_tsv) == 1 + len(expected.rows)


@pytest.mark.server
def test_every_query_answers_the_same_from_a_remote_endpoint(store_dir, store, serve_store, tmp_path):
    import shutil

    location = tmp_path / "served"
    shutil.copytree(store_dir, location)
    endpoint = RemoteStore(serve_store(location) + "/query")
    for name in NAMES:
        assert run_named(endpoint, name).to_python() == run_named(store, name).to_python(), name


# ---------------------------------------------------------------------------
# The report and the notebook API
# ---------------------------------------------------------------------------

def test_build_writes_a_report_answering_every_question(tmp_path):
    first = build(tmp_path / "a")
    report = (tmp_path / "a" / "report.md").read_text(encoding="utf-8")
    assert tmp_path / "a" / "report.md" in first.files
    for query in list_queries():
        assert f"### {query.title}" in report and query.example in report
    assert "| 2024-08-25 | Tinzaouaten | Kidal | Malian armed forces | stated | 7 | 5 | 2024-08-25-tinzaouaten |" in report
    # Every bundled document is cited, the chapter among them.
    coded = next(line for line in report.splitlines() if line.startswith("Coded from "))
    assert 'Human Rights Watch, "World Report 2025: Mali", published January 2025' in coded
    assert coded.endswith(".") and coded.count("; ") == 4
    build(tmp_path / "b")
    assert (tmp_path / "b" / "report.md").read_bytes() == report.encode("utf-8")


def test_report_sections_name_only_queries_that_exist():
    assert {name for _, names in SECTIONS for name in names} == set(NAMES)


def test_report_escapes_markdown_in_cells(store, tmp_path):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "odd.rq").write_text(
        '# title: Odd cells\n# question: Do pipes survive?\n'
        'SELECT ?text WHERE { VALUES ?text { "a | b" "line\\nbreak" "*star*" } } ORDER BY ?text\n', encoding="utf-8")
    report = render_report(store, list_queries(folder))
    assert "| \\*star\\* |" in report and "| a \\| b |" in report and "| line break |" in report
    assert "## Other questions" in report


def test_notebook_api_gives_rows_and_a_dataframe(store, monkeypatch):
    result = run_named(store, "drone-strikes", {"since": "2024-08-01"})
    assert [str(term.value) for term in result.rows[0][:2]] == ["2024-08-25", "Tinzaouaten"]
    assert result.to_python()[0]["killed"] == 7

    class FakePandas(types.ModuleType):
        @staticmethod
        def DataFrame(rows, columns):
            return {"rows": rows, "columns": columns}

    monkeypatch.setitem(sys.modules, "pandas", FakePandas("pandas"))
    frame = result.to_dataframe()
    assert frame["columns"] == result.variables and frame["rows"][0]["place"] == "Tinzaouaten"


def test_dataframe_with_real_pandas(store):
    pandas = pytest.importorskip("pandas")
    frame = run_named(store, "people-killed-by-actor").to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert frame.set_index("slug").loc["malian-armed-forces", "killedBest"] == 65


def test_unknown_query_and_undeclared_parameter_are_clear_errors(store):
    with pytest.raises(MalikgError, match="did you mean drone-strikes"):
        run_named(store, "drone-strike")
    with pytest.raises(MalikgError, match="parameter 'actor' is not declared"):
        run_named(store, "drone-strikes", {"actor": "jnim"})


# ---------------------------------------------------------------------------
# Several documents about the same incidents (tests/two_sources.py)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_sources():
    import rdflib

    from two_sources import turtle
    with open_store(seed_graph=rdflib.Graph().parse(data=turtle(), format="turtle")) as store:
        yield store


def test_each_incident_counts_once_with_the_most_conservative_figure(two_sources):
    # Ogota + Ouembe: A says 28 + 4 = 32, B's joint total "at least 30" covers both: 30, from B.
    # Tegourou: A says 2, B 5: 2, from A. JNIM: 30 + 2, not 69 in 5 accounts; Ogota + Ouembe
    # counts as the two incidents A (the finer document) tells, Tegourou as one: 3 incidents.
    rows = ask(two_sources, "people-killed-by-actor")
    assert column(rows, "slug", "events", "killedBest") == [("jnim", 3, 32), ("", 3, 32)]
    # Each document's own account, whatever the other says.
    assert column(ask(two_sources, "people-killed-by-actor", source="doc-a"), "slug", "events", "killedBest",
                  "children") == [("jnim", 3, 34, 3), ("", 3, 34, 3)]
    assert column(ask(two_sources, "people-killed-by-actor", source="doc-b"), "slug", "events", "killedBest") == [
        ("jnim", 2, 35), ("", 2, 35)]
    # B calls JNIM's part "alleged", but A states it: a part one document states counts as
    # stated, so with stated attributions only the joint 30 stays beside Tegourou's 2.
    assert column(ask(two_sources, "people-killed-by-actor", stated_only="true"), "slug", "killedBest") == [
        ("jnim", 32), ("", 32)]
    # B's own account, where JNIM's part in the joint total is only alleged, drops it.
    assert column(ask(two_sources, "people-killed-by-actor", source="doc-b", stated_only="true"),
                  "slug", "killedBest") == [("jnim", 5), ("", 5)]


def test_disagreements_list_each_documents_figure_words_and_document(two_sources):
    rows = ask(two_sources, "disagreements")
    said = {(r["group"], r["aspect"], r["document"]): (r["says"], r["words"]) for r in rows}
    assert said[("a-ogota", "killed", "doc-a")][0] == "32"
    assert said[("a-ogota", "killed", "doc-b")] == ("at least 30", "JNIM attacks on Ogota and Ouembe: 30 killed")
    assert said[("a-ogota", "date", "doc-b")][0] == "2024-01-28"
    assert said[("a-ogota", "perpetrator", "doc-b")][0] == "JNIM, alleged"
    assert said[("a-ogota", "motive", "doc-b")] == ("retaliation", "in retaliation")
    assert said[("a-ogota", "motive", "doc-a")] == ("no motive stated", None)
    assert said[("a-tegourou", "killed", "doc-b")][0] == "5"
    # Both tell Tegourou on the same date by the same stated perpetrator: no such rows.
    assert {aspect for group, aspect, _ in said if group == "a-tegourou"} == {"killed"}
    assert len(rows) == len(said)


def test_no_disagreements_in_one_document(tmp_path):
    from conftest import one_document_corpus
    from graph.emit import build_graph
    root = one_document_corpus(tmp_path / "corpus")
    graph = build_graph(root)
    with open_store(seed_graph=graph) as one:
        assert ask(one, "incidents-by-perpetrator")  # the chapter's events are there
        assert ask(one, "disagreements") == []


def test_disagreements_on_the_bundled_seeds_are_about_incidents_several_documents_tell(store):
    rows = ask(store, "disagreements")
    assert rows
    for group in {row["group"] for row in rows}:
        assert len({row["document"] for row in rows if row["group"] == group}) >= 2, group


def test_in_the_summary_graph_mks_account_is_only_an_account_nodes_own(store):
    """A disagreement names its account with mks:inAccount: were it mks:account too, a question
    finding an account's node from the account would meet the disagreement as a second node (a
    second row for each told-differently incident once the lookup is nested)."""
    summary = "GRAPH <https://w3id.org/malikg/graph/summary>"
    holders = store.oxigraph.query(f"""PREFIX mks: <https://w3id.org/malikg/summary#>
        SELECT ?node ?group WHERE {{ {summary} {{ ?node mks:account ?e OPTIONAL {{ ?node mks:incident ?group }} }} }}""")
    holders = list(holders)
    assert holders and all(row["group"] is not None for row in holders)
    told = store.oxigraph.query(f"""PREFIX mks: <https://w3id.org/malikg/summary#>
        SELECT ?d ?a WHERE {{ {summary} {{ ?d a mks:Disagreement ; mks:inAccount ?a }} }}""")
    assert {row["a"].value.rsplit("/", 1)[-1] for row in told} >= {"alarabiya-2024-08-25-tinzaouaten",
                                                                   "africanews-2024-08-25-tinzaouaten"}


def test_lists_come_in_pages_with_the_total_and_aggregates_in_full():
    result = malikg("query", "actor-timeline", "--limit", "3", "--offset", "2")
    lines = result.output.splitlines()
    full = [row["event"] for row in ask(open_store(), "actor-timeline")]
    assert lines[-1] == f"rows 3-5 of {len(full)}; --offset 5 for the next (--limit 0: every row)"
    assert [line.split()[-1] for line in lines[2:-1]] == full[2:5]
    # Machine formats keep the note off standard output.
    csv_out = CliRunner().invoke(cli.main, ["query", "actor-timeline", "--limit", "2", "--format", "csv"])
    assert len(csv_out.stdout.splitlines()) == 3 and "rows 1-2 of" in csv_out.stderr
    # Aggregates answer in full whatever --limit would say, since they have no page.
    assert len(malikg("query", "people-killed-by-actor").output.splitlines()) == 2 + 7


@pytest.mark.parametrize("name", ["actor-timeline", "region-timeline", "search-events", "uncertain-attributions",
                                  "detentions-and-disappearances", "civic-space-crackdown"])
def test_a_page_of_a_list_is_the_whole_answer_sliced_and_counted(name):
    from graph.queries import get_query, run_query

    query = get_query(name)
    with open_store() as store:
        whole = run_query(store, query)
        assert whole.total is None or whole.total == len(whole.rows)
        for offset, limit in ((0, 3), (2, 5), (len(whole.rows) - 1, 4), (len(whole.rows) + 3, 2), (0, 0)):
            page = run_query(store, query, limit=limit, offset=offset)
            assert page.total == len(whole.rows), (name, offset, limit)
            assert page.rows == whole.rows[offset:offset + limit], (name, offset, limit)


def test_report_reads_as_prose_for_people(tmp_path):
    result = build(tmp_path / "out")
    report = (result.out_dir / "report.md").read_text(encoding="utf-8")
    assert "| actor | events | killed (low) | killed (best) | children | id |" in report
    assert "killedLow" not in report and "saysSo" not in report
    assert "| January 2024 | Kalala | Dozo |" in report and "2024-01-01/2024-01-31" not in report
    assert "| (no region given) | 24 | 5 |" in report
    # Under each table, the command that gives that very table; variants are named as such.
    section = report.split('<a id="q-drone-strikes"></a>')[1].split("<a id=")[0]
    assert "```\nmalikg query drone-strikes\n```" in section
    assert "Another way to ask it:\n\n```\nmalikg query drone-strikes -p since=2024-02-17\n```" in section
    assert '<a id="q-disagreements"></a>' in report
