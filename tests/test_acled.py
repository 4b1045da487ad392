"""ACLED interoperability: every export layout imports with entity resolution; incidents export
in ACLED's layout and re-import to the same events; bad rows are named by line.

The fixtures in tests/fixtures/acled/ are rows written for these tests in ACLED's column layouts
(ACLED's terms forbid redistributing its own rows).
"""
from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph

import cli
from graph.acled import (CURRENT_COLUMNS, AcledImportFailed, export_csv, import_csv, read_aliases,
                         write_triples)
from graph.emit import build_graph
from graph.queries import run_named
from graph.store import open_store
from graph.validate import shacl_violations

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "acled"
LAYOUTS = ("current", "pre2022", "hdx", "dyadic")
BASE = "https://w3id.org/malikg/id/"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def imported(seed_graph):
    """The seed graph plus every layout's fixture, with each import's report."""
    with open_store(seed_graph=seed_graph) as store:
        reports = {name: import_csv(store, FIXTURES / f"{name}.csv") for name in LAYOUTS}
        yield store, reports


def fixture_rows(name: str) -> dict[str, list[dict]]:
    """The fixture's rows by event_id_cnty (the HXL tag line dropped)."""
    with open(FIXTURES / f"{name}.csv", encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if not r["event_id_cnty"].startswith("#")]
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row["event_id_cnty"], []).append(row)
    return found


def one(store, sparql: str):
    rows = [tuple(t.value if t is not None else None for t in row) for row in store.query(sparql)]
    assert len(rows) == 1, rows
    return rows[0]


def values(store, sparql: str) -> set:
    return {tuple(t.value if t is not None else None for t in row) for row in store.query(sparql)}


def event(acled_id: str) -> str:
    return f"<{BASE}event/acled-{acled_id.lower()}>"


def participants(store, acled_id: str) -> set[tuple[str, str, str | None]]:
    return {(actor.rsplit("/", 1)[1], role.rsplit("#", 1)[1], note) for actor, role, note in values(store, f"""
        SELECT ?a ?r ?note WHERE {{ {event(acled_id)} mk:participation ?p .
          ?p mk:participant ?a ; sem:roleType ?r . OPTIONAL {{ ?p mk:participantNote ?note }} }}""")}


def dates(store, acled_id: str) -> tuple:
    return one(store, f"""SELECT ?precision ?earliest ?latest ?ts WHERE {{
        {event(acled_id)} mk:datePrecision ?precision ; sem:hasEarliestBeginTimeStamp ?earliest ;
                          sem:hasLatestEndTimeStamp ?latest . OPTIONAL {{ {event(acled_id)} sem:hasTimeStamp ?ts }} }}""")


def place_chain(store, acled_id: str) -> list[tuple[str, str | None]]:
    """(label, admin level) of the event's place and each place it lies within, innermost first."""
    start = one(store, f"SELECT ?p WHERE {{ {event(acled_id)} sem:hasPlace ?p }}")[0]
    chain, node = [], start
    while node:
        label, level, parent = one(store, f"""SELECT ?label ?level ?parent WHERE {{ <{node}> rdfs:label ?label .
            OPTIONAL {{ <{node}> mk:adminLevel ?level }} OPTIONAL {{ <{node}> mk:within ?parent }} }}""")
        chain.append((label, level))
        node = parent
    return chain


# ---------------------------------------------------------------------------
# Each layout
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, layout", [
    ("current", "current"), ("pre2022", "pre-2022"), ("hdx", "HDX (current, HXL tag line)"),
    ("dyadic", "dyadic (pre-2022 columns)")])
def test_each_layout_imports_every_event(imported, name, layout):
    store, reports = imported
    report, expected = reports[name], fixture_rows(name)
    assert report.layout == layout
    assert report.bad_rows == []
    assert report.events == report.new_events == len(expected)
    assert report.rows == sum(len(rows) for rows in expected.values())
    found = {i for (i,) in values(store, "SELECT ?id WHERE { ?e a mk:Incident ; mk:acledEventId ?id }")}
    assert set(expected) <= found


def test_current_layout_maps_type_date_actors_fatalities_and_evidence(imported):
    store, _ = imported
    row = fixture_rows("current")["MLI90001"][0]
    assert one(store, f"SELECT ?t WHERE {{ {event('MLI90001')} sem:eventType ?t }}")[0].endswith("#attack")
    assert dates(store, "MLI90001") == (
        "https://w3id.org/malikg/vocab#day", row["event_date"], row["event_date"], row["event_date"])
    # Ogota is the seed's village: ACLED's place of its own names it, with ACLED's chain
    assert one(store, f"SELECT ?g WHERE {{ {event('MLI90001')} sem:hasPlace/mk:samePlaceAs ?g }}")[0] == \
        f"{BASE}place/ogota"
    assert participants(store, "MLI90001") == {
        ("jnim", "perpetrator", None), ("civilians", "target", None),
        ("dogon", "victim-community", "associated actor in ACLED")}
    qualifier, count, low, best, high = one(store, f"""SELECT ?q ?n ?low ?best ?high WHERE {{
        {event('MLI90001')} mk:harm ?h . ?h mk:harmType mkv:killed ; mk:countQualifier ?q ; mk:count ?n ;
        mk:low ?low ; mk:best ?best . OPTIONAL {{ ?h mk:high ?high }} }}""")
    assert qualifier.endswith("#most-conservative")
    assert count == low == best == row["fatalities"] == "28" and high is None
    exact, start, end, text = one(store, f"""SELECT ?exact ?start ?end ?text WHERE {{
        {event('MLI90001')} prov:wasDerivedFrom ?ev . ?ev oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
        ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end . ?doc rdf:value ?text }}""")
    assert exact == text == row["notes"] and (int(start), int(end)) == (0, len(row["notes"]))
    assert one(store, f"""SELECT ?c ?scale ?src ?inter WHERE {{ {event('MLI90001')} mk:civilianTargeting ?c ;
        mk:sourceScale ?scale ; mk:acledSource ?src ; mk:acledInteraction ?inter }}""") == (
        "true", row["source_scale"], row["source"], "27")
    # ACLED's account: its record is the document, ACLED the author
    kind, author = one(store, f"""SELECT ?kind ?author WHERE {{ {event('MLI90001')} mk:accordingTo ?doc ;
        prov:wasAttributedTo ?author . ?doc mk:documentKind ?kind ; dcterms:publisher ?author }}""")
    assert (kind.rsplit("#", 1)[1], author) == ("dataset-record", f"{BASE}actor/acled")


def test_week_and_month_precision_become_date_ranges(imported):
    store, _ = imported
    # time_precision 2: the week around the date ACLED gives; no single timestamp
    assert dates(store, "MLI90004") == ("https://w3id.org/malikg/vocab#week", "2024-03-09", "2024-03-15", None)
    # time_precision 3: the month
    assert dates(store, "MLI90005") == ("https://w3id.org/malikg/vocab#month", "2024-01-01", "2024-01-31", None)
    # a dyadic file's "15 February 2021" at precision 2
    assert dates(store, "MLI93004") == ("https://w3id.org/malikg/vocab#week", "2021-02-12", "2021-02-18", None)


def test_admin_levels_and_geo_precision_build_the_place_hierarchy(imported):
    store, _ = imported
    # geo_precision 2: the event lies near Dinangourou, in the commune, cercle and region ACLED names
    assert place_chain(store, "MLI90004") == [
        ("Near Dinangourou", None), ("Dinangourou", "3"), ("Koro", "2"), ("Mopti", "1"), ("Mali", "0")]
    # ACLED's coordinates are those of the town it names; the area near it has the precision
    near, lat, long, geo = one(store, f"""SELECT ?near ?lat ?long ?geo WHERE {{ {event('MLI90004')} sem:hasPlace ?p .
        ?p mk:near ?n ; mk:geoPrecision ?geo . ?n geo:lat ?lat ; geo:long ?long ; rdfs:label ?near }}""")
    row = fixture_rows("current")["MLI90004"][0]
    assert (near, float(lat), float(long), geo) == ("Dinangourou", float(row["latitude"]),
                                                    float(row["longitude"]), "2")
    # ACLED's admin2 "Bandiagara" (before 2023) is the cercle of Mopti, never the seed's Bandiagara region
    assert place_chain(store, "MLI90011") == [
        ("Bandiagara", None), ("Bandiagara", "3"), ("Bandiagara", "2"), ("Mopti", "1"), ("Mali", "0")]
    # "Ségou" with its accent is the seed's Segou region
    assert place_chain(store, "MLI90005")[-2:] == [("Segou", "1"), ("Mali", "0")]


def test_pre2022_dates_inter_numbers_and_actor_links(imported):
    store, reports = imported
    assert dates(store, "MLI91001")[1] == "2019-03-23"  # "23 March 2019"
    assert participants(store, "MLI91001") == {
        ("dan-na-ambassagou", "perpetrator", None), ("dozo", "co-perpetrator", "associated actor in ACLED"),
        ("civilians", "target", None), ("fulani", "victim-community", "associated actor in ACLED")}
    # no civilian_targeting column before 2022: nothing is said about it
    assert values(store, f"SELECT ?c WHERE {{ {event('MLI91001')} mk:civilianTargeting ?c }}") == set()
    assert reports["pre2022"].matched("actor")["Islamic State (Greater Sahara)"] == "isgs"
    assert reports["hdx"].matched("actor")["Islamic State (West Africa) - Greater Sahara Faction"] == "isgs"
    assert reports["current"].matched("actor")["Islamic State (Sahel)"] == "isgs"
    assert participants(store, "MLI91002") == {("isgs", "side-a", None), ("malian-armed-forces", "side-b", None)}


def test_unmatched_names_become_typed_actors(imported):
    store, reports = imported
    assert reports["pre2022"].unmatched("actor")["Rioters (Mali)"] == "acled-rioters-mali"
    label, actor_type, code = one(store, f"""SELECT ?label ?type ?code WHERE {{
        <{BASE}actor/acled-rioters-mali> rdfs:label ?label ; sem:actorType ?type ; mk:interCode ?code }}""")
    assert (label, actor_type.rsplit("#", 1)[1], code) == ("Rioters (Mali)", "rioters", "5")
    # inter codes written as names ("External/Other forces") and as numbers (8) alike
    assert one(store, f"SELECT ?code WHERE {{ <{BASE}actor/acled-military-forces-of-france> mk:interCode ?code }}") == ("8",)


def test_dyadic_rows_of_one_event_become_one_event_with_both_actors(imported):
    store, _ = imported
    assert participants(store, "MLI93001") == {
        ("acled-military-forces-of-france", "perpetrator", None), ("civilians", "target", None)}
    assert one(store, f"SELECT ?i WHERE {{ {event('MLI93001')} mk:acledInteraction ?i }}") == ("78",)
    # between sides, the lower inter code is actor1's side, whatever the rows' order
    assert participants(store, "MLI93002") == {("malian-armed-forces", "side-a", None), ("jnim", "side-b", None)}
    assert participants(store, "MLI93003") == {("acled-protesters-mali", "side-a", None)}
    # geo_precision 2 near the seed's Kalala
    assert one(store, f"SELECT ?n WHERE {{ {event('MLI93004')} sem:hasPlace/mk:near/mk:samePlaceAs ?n }}") == (
        f"{BASE}place/kalala",)


def test_report_lists_matches_misses_and_events_per_actor(imported):
    _, reports = imported
    report = reports["current"]
    assert report.matched("actor")["JNIM: Group for Support of Islam and Muslims"] == "jnim"
    assert report.matched("actor")["Military Forces of Mali (2021-)"] == "malian-armed-forces"
    assert report.matched("location")["Ouembe"] == "ouembe"       # the seed writes Ouémbé
    assert report.matched("admin1")["Ségou"] == "segou"
    assert "Unidentified Armed Group (Mali)" in report.unmatched("actor")
    jnim_rows = sum("JNIM" in r[0]["actor1"] + r[0]["actor2"] for r in fixture_rows("current").values())
    assert report.events_by_actor()["jnim"] == jnim_rows
    text = report.render()
    assert "JNIM: Group for Support of Islam and Muslims  -> jnim  by alias" in text
    assert report.missing_alias_targets == []


def test_bundled_alias_table_names_only_existing_ids(seed_graph):
    ids = {str(s)[len(BASE):] for s in seed_graph.subjects() if str(s).startswith(BASE)}
    for alias in read_aliases():
        kind = "actor" if alias.kind == "actor" else "place"
        assert alias.minted or f"{kind}/{alias.malikg_id}" in ids, alias


# ---------------------------------------------------------------------------
# One graph with the seed
# ---------------------------------------------------------------------------

def test_import_passes_the_shapes(seed_graph, tmp_path):
    # the triples each import loads (written, then loaded, as import_csv does), with the seed
    graph = Graph()
    graph += seed_graph
    with open_store(seed_graph=seed_graph) as store:
        for name in (*LAYOUTS, "bad-rows"):
            triples = tmp_path / f"{name}.nt"
            write_triples(store, FIXTURES / f"{name}.csv", triples)
            store.load(triples, "nt")
            graph.parse(triples, format="nt")
    assert shacl_violations(graph) == []


def test_seed_and_import_are_one_connected_graph(imported):
    store, _ = imported
    # links between events, actors, places, participations and harms; evidence links left out
    edges = values(store, f"""SELECT ?s ?o WHERE {{ ?s ?p ?o .
        FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{BASE}") && STRSTARTS(STR(?o), "{BASE}"))
        FILTER(?p NOT IN (prov:wasDerivedFrom, oa:hasSource, oa:hasSelector, dcterms:publisher)) }}""")
    graph = nx.Graph(list(edges))
    incidents = {e for (e,) in values(store, "SELECT ?e WHERE { ?e a mk:Incident }")}
    component = nx.node_connected_component(graph, f"{BASE}event/2024-01-27-ogota")
    assert incidents <= component


def test_named_query_returns_both_sources_events(imported):
    store, _ = imported
    result = run_named(store, "incidents-by-perpetrator", {"actor": "jnim"})
    events = {row["event"] for row in result.to_python()}
    assert {"2024-01-27-ogota", "2024-06-25-tegourou", "acled-mli90001", "acled-mli90009",
            "acled-mli92003"} <= events


def test_reimport_adds_nothing(imported):
    store, _ = imported
    before = store.triple_count()
    report = import_csv(store, FIXTURES / "current.csv")
    assert store.triple_count() == before and report.triples_added == 0
    assert report.new_events == 0 and report.events == len(fixture_rows("current"))


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def summary(store) -> tuple:
    return (
        values(store, """SELECT ?e ?type ?precision ?earliest ?latest ?ts ?place ?label WHERE {
            ?e a mk:Incident ; sem:eventType ?type ; mk:datePrecision ?precision ; sem:hasPlace ?place ;
               sem:hasEarliestBeginTimeStamp ?earliest ; sem:hasLatestEndTimeStamp ?latest ; rdfs:label ?label .
            OPTIONAL { ?e sem:hasTimeStamp ?ts } }"""),
        values(store, """SELECT ?e ?a ?r WHERE { ?e a mk:Incident ; mk:participation ?p .
            ?p mk:participant ?a ; sem:roleType ?r }"""),
        values(store, "SELECT ?e ?n WHERE { ?e a mk:Incident ; mk:harm ?h . ?h mk:harmType mkv:killed ; mk:low ?n }"),
        values(store, """SELECT ?p ?within ?near ?lat ?long WHERE { ?e a mk:Incident ; sem:hasPlace/(mk:within|mk:near)* ?p .
            OPTIONAL { ?p mk:within ?within } OPTIONAL { ?p mk:near ?near }
            OPTIONAL { ?p geo:lat ?lat ; geo:long ?long } }"""),
    )


def test_export_reimports_to_the_same_events(imported, seed_graph, tmp_path):
    store, _ = imported
    output = tmp_path / "mali-acled.csv"
    result = export_csv(store, output)
    with open(output, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames) == CURRENT_COLUMNS
        rows = list(reader)
    incidents = values(store, "SELECT ?e WHERE { ?e a mk:Incident }")
    assert len(rows) == result.rows == len(incidents) - len(result.skipped)
    assert result.skipped == []  # MSA-D's undated attacks on ISGS are a campaign, not an incident
    with open_store(seed_graph=seed_graph) as fresh:
        report = import_csv(fresh, output)
        assert report.bad_rows == []
        assert report.own_events == sum(r["event_id_cnty"].startswith("MKG-") for r in rows)
        assert summary(fresh) == summary(store)


def test_export_writes_acled_columns_for_imported_and_seed_incidents(imported, tmp_path):
    store, _ = imported
    export_csv(store, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as stream:
        rows = {r["event_id_cnty"]: r for r in csv.DictReader(stream)}
    ogota = rows["MLI90001"]
    assert (ogota["event_type"], ogota["sub_event_type"], ogota["actor1"], ogota["actor2"], ogota["assoc_actor_2"],
            ogota["inter1"], ogota["inter2"], ogota["interaction"], ogota["fatalities"], ogota["time_precision"]) == (
        "Violence against civilians", "Attack", "JNIM: Group for Support of Islam and Muslims", "Civilians (Mali)",
        "Dogon Ethnic Group (Mali)", "Rebel group", "Civilians", "Rebel group-Civilians", "28", "1")
    assert ogota["notes"] == fixture_rows("current")["MLI90001"][0]["notes"]
    # the seed's own incident: HRW's sentence as notes, 5 men and 2 boys killed, in Segou region
    konokassi = rows["MKG-2024-02-16-konokassi"]
    assert konokassi["notes"].startswith("On February 16, a Malian drone bombed a wedding celebration in Konokassi")
    assert (konokassi["fatalities"], konokassi["admin1"], konokassi["location"], konokassi["source"],
            konokassi["civilian_targeting"], konokassi["actor1"]) == (
        "7", "Segou", "Konokassi", "Human Rights Watch", "Civilian targeting", "Military Forces of Mali (2021-)")
    # a month-precision seed incident: time_precision 3, the middle of the month
    kalala = rows["MKG-2024-01-kalala"]
    assert (kalala["time_precision"], kalala["event_date"], kalala["fatalities"]) == ("3", "2024-01-16", "13")


# ---------------------------------------------------------------------------
# Bad rows
# ---------------------------------------------------------------------------

def test_bad_rows_are_reported_by_line_and_skipped(seed_graph):
    with open_store(seed_graph=seed_graph) as store:
        report = import_csv(store, FIXTURES / "bad-rows.csv")
    found = {bad.line: bad for bad in report.bad_rows}
    # line 2-3 is one good row whose note runs over two lines: from line 4 on, line = spreadsheet row + 1
    assert sorted(found) == [4, 5, 6, 7, 9, 10]
    assert all(bad.row == bad.line - 1 for bad in report.bad_rows)
    assert "missing event_date" in found[4].reason
    assert "impossible coordinates" in found[5].reason
    assert "unknown event_type 'Skirmishes'" in found[6].reason
    assert "broken quoting" in found[7].reason and found[7].event_id == "MLI94005"
    assert "time_precision" in found[9].reason
    assert "not a kind of 'Battles'" in found[10].reason
    assert report.events == 2


def test_strict_import_fails_whole_and_loads_nothing(seed_graph):
    with open_store(seed_graph=seed_graph) as store:
        before = store.triple_count()
        with pytest.raises(AcledImportFailed) as failure:
            import_csv(store, FIXTURES / "bad-rows.csv", strict=True)
        assert store.triple_count() == before
    assert [bad.line for bad in failure.value.report.bad_rows] == [4, 5, 6, 7, 9, 10]


def test_unclosed_quote_loses_only_its_own_row(seed_graph, tmp_path):
    lines = (FIXTURES / "current.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = lines[2][:lines[2].rindex('",')] + lines[2][lines[2].rindex('",') + 1:]  # drop the closing quote
    path = tmp_path / "unclosed.csv"
    path.write_text("".join(lines[:2] + [broken] + lines[3:]), encoding="utf-8")
    with open_store(seed_graph=seed_graph) as store:
        report = import_csv(store, path)
    assert [(bad.line, bad.event_id) for bad in report.bad_rows] == [(3, "MLI90002")]
    assert report.events == len(lines) - 2


def test_write_triples_matches_what_import_loads(seed_graph, tmp_path):
    with open_store(seed_graph=seed_graph) as store:
        report = write_triples(store, FIXTURES / "dyadic.csv", tmp_path / "dyadic.nt")
        before = store.triple_count()
        store.load(tmp_path / "dyadic.nt", "nt")
        assert report.events == 7 and store.triple_count() > before
        assert import_csv(store, FIXTURES / "dyadic.csv").triples_added == 0


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

def test_cli_imports_into_a_store_reports_and_exports(tmp_path):
    runner = CliRunner()
    store = tmp_path / "mali.oxigraph"
    first = runner.invoke(cli.main, ["import-acled", str(FIXTURES / "hdx.csv"), "--store", str(store)])
    assert first.exit_code == 0, first.output + first.stderr
    assert "layout: HDX (current, HXL tag line)" in first.stdout
    assert "Islamic State (West Africa) - Greater Sahara Faction  -> isgs  by alias" in first.stdout
    again = runner.invoke(cli.main, ["import-acled", str(FIXTURES / "hdx.csv"), "--store", str(store)])
    assert again.exit_code == 0 and "0 triples added" in again.stdout
    strict = runner.invoke(cli.main, ["import-acled", str(FIXTURES / "bad-rows.csv"), "--store", str(store),
                                      "--strict"])
    assert strict.exit_code != 0 and "line 4 (spreadsheet row 3) [MLI94002]: missing event_date" in strict.stderr
    assert "Traceback" not in strict.stderr
    out = tmp_path / "out.csv"
    exported = runner.invoke(cli.main, ["export", "--format", "acled-csv", "-o", str(out), "--store", str(store)])
    assert exported.exit_code == 0, exported.output + exported.stderr
    with open(out, encoding="utf-8", newline="") as stream:
        ids = {r["event_id_cnty"] for r in csv.DictReader(stream)}
    assert set(fixture_rows("hdx")) <= ids and "MKG-2024-01-27-ogota" in ids


def test_cli_names_a_file_that_is_not_an_acled_export(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,date\n1,2024-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["import-acled", str(path)])
    assert result.exit_code != 0 and "not an ACLED export: missing column(s)" in result.stderr
