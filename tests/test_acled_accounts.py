"""ACLED exports as researchers download them: period names, the admin chain, revised exports,
dyadic files in any order, a faithful round trip, hostile cells, battles, links to coded incidents.

Every fixture in tests/fixtures/acled/ is rows written for these tests in ACLED's layouts (ACLED's
terms forbid committing its rows); see the README there.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import cli
from graph.acled import export_csv, import_csv, read_aliases
from graph.acled.codebook import MAX_FATALITIES, MAX_FIELD
from graph.acled.links import propose_links
from graph.acled.roundtrip import compare
from graph.store import open_store
from test_acled import BASE, FIXTURES, event, imported, seed_graph  # noqa: F401 - shared fixtures
from test_acled import values as rows

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LAYOUTS = {"current": "current", "pre2022": "pre-2022", "hdx": "hdx", "dyadic": "dyadic"}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def participants(store, acled_id: str) -> set[tuple[str, str, str]]:
    return {(a.rsplit("/", 1)[1], r.rsplit("#", 1)[1], n) for a, r, n in rows(store, f"""
        SELECT ?a ?r ?n WHERE {{ {event(acled_id)} mk:participation ?p . ?p mk:participant ?a ;
          sem:roleType ?r ; mk:nameInSource ?n }}""")}


def in_place(store, place_id: str) -> set[str]:
    """ACLED event ids whose place lies within the graph's place ``place_id``."""
    return {i for (i,) in rows(store, f"""SELECT ?id WHERE {{ ?e mk:acledEventId ?id ;
        sem:hasPlace/(mk:within|mk:near)* <{BASE}place/{place_id}> }}""")}


def killed(store, acled_id: str) -> list[int]:
    return sorted(int(n) for _, n in rows(store, f"""SELECT ?h ?n WHERE {{ {event(acled_id)} mk:harm ?h .
        ?h mk:harmType mkv:killed ; mk:count ?n }}"""))


def total_killed(store) -> int:
    """Deaths over every ACLED account in the store."""
    return sum(int(n) for _, n in rows(store, """SELECT ?h ?n WHERE { ?e mk:acledEventId ?id ; mk:harm ?h .
        ?h mk:harmType mkv:killed ; mk:count ?n }"""))


# ---------------------------------------------------------------------------
# 1. ACLED's names across its periods and spellings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("acled_id, name, actor", [
    ("MLI91002", "Military Forces of Mali (2013-2020)", "malian-armed-forces"),
    ("MLI91008", "Military Forces of Mali (2012-2013)", "malian-armed-forces"),
    ("MLI91009", "Military Forces of Mali (2002-2012)", "malian-armed-forces"),
    ("MLI91010", "Military Forces of Mali (2013-)", "malian-armed-forces"),
    ("MLI93002", "Military Forces of Mali (2020-2021)", "malian-armed-forces"),
    ("MLI91011", "Dozo Militia", "dozo"),
    ("MLI91012", "Government of Mali (2013-2020)", "malian-government"),
    ("MLI92008", "Government of Mali (2021-)", "malian-government"),
    ("MLI90019", "Islamic State Sahel", "isgs"),
    ("MLI92007", "Islamic State (Sahel)", "isgs"),
    ("MLI91015", "Islamic State (Greater Sahara)", "isgs"),
    ("MLI91015", "Police Forces of Mali (2013-2020)", "acled-police-forces-of-mali"),
    ("MLI90020", "Police Forces of Mali (2021-)", "acled-police-forces-of-mali"),
])
def test_period_names_and_spellings_are_the_graphs_actors_under_acleds_names(imported, acled_id, name, actor):
    store, _ = imported
    assert any(p[0] == actor and p[2] == name for p in participants(store, acled_id)), participants(store, acled_id)


def test_acled_names_stay_acleds_not_aliases_of_the_graphs_actors(imported):
    store, _ = imported
    names = {n for (n,) in rows(store, f"SELECT ?n WHERE {{ <{BASE}actor/malian-armed-forces> skos:altLabel|rdfs:label ?n }}")}
    seed = next(a for a in yaml.safe_load((SEEDS / "actors.yaml").read_text(encoding="utf-8"))
                if a["id"] == "malian-armed-forces")
    # exactly the seed record's label and aliases: none of ACLED's names for the army was added
    assert names == {seed["label"], *seed["aliases"]}
    assert {"Malian armed forces", "Malian army", "Malian security forces", "Malian soldiers"} <= names
    assert not names & {"Military Forces of Mali", "Military Forces of Mali (2013-)", "Military Forces of Mali (2021-)",
                        "Military Forces of Mali (2020-2021)"}
    # the police's period names are one actor of ACLED's, named without the period
    assert rows(store, f"SELECT ?l WHERE {{ <{BASE}actor/acled-police-forces-of-mali> rdfs:label ?l }}") == {
        ("Police Forces of Mali",)}
    # the army's ACLED events: every period of the pre-2022 file
    army = {i for (i,) in rows(store, f"""SELECT ?id WHERE {{ ?e mk:acledEventId ?id ;
        mk:participation/mk:participant <{BASE}actor/malian-armed-forces> }}""")}
    assert {"MLI91002", "MLI91005", "MLI91008", "MLI91009", "MLI91010"} <= army


def test_affiliates_and_successors_are_actors_of_their_own_tied_by_a_relation(imported):
    store, reports = imported
    assert ("acled-katiba-macina", "co-perpetrator", "Katiba Macina") in participants(store, "MLI90018")
    assert ("jnim", "perpetrator", "JNIM: Group for Support of Islam and Muslims") in participants(store, "MLI90018")
    ties = rows(store, """SELECT ?from ?type ?to ?quote WHERE { ?r a mk:Relation ; mk:source ?from ;
        mk:relationType ?type ; mk:relatedTo ?to ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote }""")
    found = {(a.rsplit("/", 1)[1], t.rsplit("#", 1)[1], b.rsplit("/", 1)[1]): q for a, t, b, q in ties}
    assert found[("acled-katiba-macina", "affiliation", "jnim")].startswith("actor,Katiba Macina,jnim,affiliate,")
    assert ("acled-katiba-serma", "affiliation", "jnim") in found
    assert ("acled-africa-corps", "association", "wagner") in found
    # the quote is the alias table's own line, verbatim
    table = (Path(cli.__file__).parent / "seeds" / "acled-aliases.csv").read_text(encoding="utf-8")
    assert found[("acled-katiba-macina", "affiliation", "jnim")] in table.splitlines()


def test_the_alias_table_is_complete_and_documented():
    table = list(read_aliases())
    names = {a.acled_name for a in table}
    for period in ("(2021-)", "(2020-2021)", "(2013-2020)", "(2013-)", "(2012-2013)", "(2002-2012)"):
        for force in ("Military Forces of Mali", "Police Forces of Mali", "Government of Mali"):
            assert f"{force} {period}" in names
    assert {"Dozo Militia", "Dozo Communal Militia (Mali)", "Dan Na Ambassagou", "Katiba Macina", "Wagner Group",
            "Africa Corps", "Islamic State (Sahel)", "Islamic State Sahel", "Islamic State (Greater Sahara)",
            "Islamic State (West Africa) - Greater Sahara Faction", "Doucoumbo", "Doucoumbou"} <= names
    assert "Military Forces of Mali (2012-2020)" not in names  # a period ACLED never wrote
    regions = {a.acled_name.casefold() for a in table if a.kind == "admin1"}
    for alias in table:
        assert set(alias.formed_from) <= regions, alias
        assert set(alias.within) <= regions, alias
        if alias.start and alias.end:
            assert alias.start < alias.end, alias
    # each period of the army follows the one before it, without a gap
    army = sorted((a for a in table if a.malikg_id == "malian-armed-forces" and a.acled_name != "Military Forces of Mali (2013-)"),
                  key=lambda a: a.start)
    assert all(a.end == b.start for a, b in zip(army, army[1:]))
    assert all(a.note for a in table if a.link != "same" or a.formed_from)


# ---------------------------------------------------------------------------
# 2-5. Places along ACLED's admin chain
# ---------------------------------------------------------------------------

def test_districts_named_like_regions_stay_in_the_region_acled_gives(imported):
    store, _ = imported
    mopti, bandiagara = in_place(store, "mopti"), in_place(store, "bandiagara")
    # admin2 Bandiagara (the cercle, before 2023) is in Mopti, not in the 2023 Bandiagara region
    assert {"MLI90001", "MLI90002", "MLI90011", "MLI91004", "MLI91014"} <= mopti
    assert not {"MLI90001", "MLI90011", "MLI91004", "MLI91014"} & bandiagara
    # admin1 Bandiagara (2024) is the region
    assert "MLI90012" in bandiagara and "MLI90012" not in mopti
    # admin2 Nara (before 2023) is a cercle of Koulikoro, not the graph's Nara region
    assert "MLI91013" not in in_place(store, "nara") and "MLI91013" in in_place(store, "acled-mali-koulikoro")


def test_new_regions_are_related_to_the_regions_they_came_from(imported):
    store, _ = imported
    formed = {(a.rsplit("/", 1)[1], b.rsplit("/", 1)[1]) for a, b in rows(store, "SELECT ?a ?b WHERE { ?a mk:formedFrom ?b }")}
    assert {("acled-mali-douentza", "mopti"), ("acled-mali-koutiala", "acled-mali-sikasso"),
            ("acled-mali-menaka", "acled-mali-gao")} <= formed
    # a place the graph puts in Bandiagara region matches ACLED's place in Mopti's cercle before 2023,
    # and in Bandiagara region after
    assert rows(store, f"SELECT ?g WHERE {{ {event('MLI91014')} sem:hasPlace/mk:samePlaceAs ?g }}") == {(f"{BASE}place/songo",)}
    assert rows(store, f"SELECT ?g WHERE {{ {event('MLI90012')} sem:hasPlace/mk:samePlaceAs ?g }}") == {(f"{BASE}place/tile",)}
    # Nara region (2023) came out of Koulikoro: Ouro Fero of ACLED's Koulikoro is the graph's
    assert rows(store, f"SELECT ?g WHERE {{ {event('MLI91013')} sem:hasPlace/mk:samePlaceAs ?g }}") == {(f"{BASE}place/ouro-fero",)}


def test_a_place_of_another_region_is_never_the_graphs(imported):
    store, reports = imported
    same = lambda acled_id: rows(store, f"SELECT ?g WHERE {{ {event(acled_id)} sem:hasPlace/mk:samePlaceAs ?g }}")  # noqa: E731
    assert same("MLI90005") == {(f"{BASE}place/boura",)}      # Boura of Segou, the chapter's
    assert same("MLI90014") == set()                          # Boura of Koutiala (Sikasso): another place
    assert "MLI90014" not in in_place(store, "segou")
    found = {(n.kind, n.acled_name, n.malikg_id, n.how) for n in reports["current"].names}
    assert {("location", "Boura", "boura", "label"),
            ("location", "Boura", "acled-mali-koutiala-yorosso-boura-boura", "new")} <= found


def test_a_matched_place_keeps_acleds_chain_coordinates_and_precision(imported):
    store, _ = imported
    chain = rows(store, f"""SELECT ?level ?label WHERE {{ {event('MLI90007')} sem:hasPlace/mk:within* ?p .
        ?p mk:adminLevel ?level ; rdfs:label ?label }}""")
    assert chain == {("0", "Mali"), ("1", "Bamako"), ("2", "Bamako"), ("3", "Bamako - Commune VI")}
    assert rows(store, f"""SELECT ?lat ?long ?geo ?g WHERE {{ {event('MLI90007')} sem:hasPlace ?p .
        ?p geo:lat ?lat ; geo:long ?long ; mk:geoPrecision ?geo ; mk:samePlaceAs ?g }}""") == {
        ("12.6392", "-8.0029", "1", f"{BASE}place/bamako")}


def test_one_name_under_one_commune_far_apart_is_two_places(imported):
    store, _ = imported
    places = rows(store, f"""SELECT ?id ?p ?lat ?long WHERE {{ VALUES ?e {{ {event('MLI90015')} {event('MLI90016')} }}
        ?e mk:acledEventId ?id ; sem:hasPlace ?p . ?p geo:lat ?lat ; geo:long ?long }}""")
    assert {(i, lat, long) for i, _, lat, long in places} == {("MLI90015", "15.9", "-1.3"), ("MLI90016", "15.35", "-2.1")}
    assert len({p for _, p, _, _ in places}) == 2
    # and one name at one point is one place: the two Ogossagou attacks share it
    same = rows(store, f"""SELECT DISTINCT ?p WHERE {{ VALUES ?e {{ {event('MLI91001')} {event('MLI91003')} }} ?e sem:hasPlace ?p }}""")
    assert len(same) == 1


# ---------------------------------------------------------------------------
# 6. A revised export replaces the account whole
# ---------------------------------------------------------------------------

def test_a_newer_timestamp_replaces_the_account_whole(seed_graph):
    with open_store(seed_graph=seed_graph) as store:
        import_csv(store, FIXTURES / "current.csv")
        before = total_killed(store)
        report = import_csv(store, FIXTURES / "revised.csv")
        assert (report.added, report.replaced, report.unchanged) == (1, 1, 1)
        assert report.skipped == [("MLI90003", "older than the store's account (timestamp 1700000000 < 1710460800)")]
        assert killed(store, "MLI90001") == [35]
        assert killed(store, "MLI90003") == [7]       # the older version did not replace it
        assert total_killed(store) == before - 28 + 35 + 2          # MLI90021 is new, with 2 killed
        notes = rows(store, f"SELECT ?t WHERE {{ {event('MLI90001')} prov:wasDerivedFrom/oa:hasSelector/oa:exact ?t }}")
        assert len(notes) == 1 and "revised after survivors' accounts" in next(iter(notes))[0]
        assert len(rows(store, f"SELECT ?d WHERE {{ {event('MLI90001')} mk:accordingTo/dcterms:modified ?d }}")) == 1
        text = report.render()
        assert "1 added, 1 replaced (newer timestamp), 1 unchanged, 1 skipped" in text
        assert "MLI90003: older than the store's account" in text


def test_another_layout_of_the_same_accounts_adds_nothing(seed_graph, tmp_path):
    with open_store(seed_graph=seed_graph) as store:
        import_csv(store, FIXTURES / "current.csv")
        export_csv(store, tmp_path / "pre.csv", layout="pre-2022")
        before = store.triple_count()
        report = import_csv(store, tmp_path / "pre.csv")
        assert report.unchanged == 20 and report.added == 0 and store.triple_count() == before
        assert len(rows(store, f"SELECT ?t WHERE {{ {event('MLI90004')} sem:eventType ?t }}")) == 1


# ---------------------------------------------------------------------------
# 7. Dyadic files in any order
# ---------------------------------------------------------------------------

def test_dyadic_rows_are_grouped_by_event_whatever_their_order(seed_graph, tmp_path):
    lines = (FIXTURES / "dyadic.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    orders = {"as given (sorted by actor)": lines,
              "reversed": lines[:1] + lines[:0:-1],
              "by id then actor": lines[:1] + sorted(lines[1:])}
    seen = []
    for name, order in orders.items():
        path = tmp_path / f"{name}.csv"
        path.write_text("".join(order), encoding="utf-8")
        with open_store(seed_graph=seed_graph) as store:
            report = import_csv(store, path)
            assert report.bad_rows == [] and report.events == 7, name
            seen.append({i: participants(store, i) for i in ("MLI93001", "MLI93002", "MLI93004", "MLI93006")})
    assert seen[0] == seen[1] == seen[2]
    # civilians are the target in the one-sided events, never the perpetrator
    assert ("civilians", "target", "Civilians (Mali)") in seen[0]["MLI93004"]
    assert ("dozo", "perpetrator", "Dozo Communal Militia (Mali)") in seen[0]["MLI93004"]
    assert ("malian-armed-forces", "perpetrator", "Military Forces of Mali (2020-2021)") in seen[0]["MLI93006"]


def test_dyadic_rows_that_disagree_are_reported_and_the_exit_is_not_zero(tmp_path):
    result = CliRunner().invoke(cli.main, ["import-acled", str(FIXTURES / "dyadic-conflicts.csv")])
    assert result.exit_code == 1
    assert "line 3 [MLI97001]: the rows of one event disagree on fatalities (lines 2 and 3): event skipped" in result.stdout
    assert "[MLI97003]: 3 actor rows for one event (lines 6, 7, 8)" in result.stdout
    assert "[MLI97002]: the two rows' inter codes (2, 1) do not tell actor1 from actor2" in result.stdout
    assert "2 bad row(s)" in result.stderr and "Traceback" not in result.output


# ---------------------------------------------------------------------------
# 8. The export gives the file back
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", LAYOUTS)
def test_round_trip_gives_back_99_percent_of_each_layouts_cells(seed_graph, tmp_path, name):
    with open_store(seed_graph=seed_graph) as store:
        import_csv(store, FIXTURES / f"{name}.csv")
        export_csv(store, tmp_path / "out.csv", layout=LAYOUTS[name])
    result = compare(FIXTURES / f"{name}.csv", tmp_path / "out.csv")
    assert result.missing_rows == []
    assert result.share() >= 0.99, result.render()
    for column in ("event_date", "actor1", "actor2", "assoc_actor_1", "inter1", "interaction", "latitude",
                   "longitude", "geo_precision", "notes", "fatalities", "timestamp", "admin2", "admin3", "location"):
        if column in result.total:
            assert result.share(column) == 1.0, result.render()


def test_export_keeps_month_dates_names_and_codes_as_the_layout_writes_them(imported, tmp_path):
    store, _ = imported
    export_csv(store, tmp_path / "current.csv")
    export_csv(store, tmp_path / "pre.csv", layout="pre-2022")
    current = {r["event_id_cnty"]: r for r in csv.DictReader(open(tmp_path / "current.csv", encoding="utf-8"))}
    pre = {r["event_id_cnty"]: r for r in csv.DictReader(open(tmp_path / "pre.csv", encoding="utf-8"))}
    assert (current["MLI90005"]["event_date"], current["MLI90005"]["time_precision"]) == ("2024-01-15", "3")
    assert (pre["MLI91010"]["event_date"], pre["MLI91010"]["actor1"]) == ("15 May 2018", "Military Forces of Mali (2013-)")
    assert (current["MLI91002"]["inter2"], current["MLI91002"]["interaction"]) == ("State forces", "State forces-Rebel group")
    assert (pre["MLI90004"]["inter1"], pre["MLI90004"]["interaction"], pre["MLI90004"]["data_id"]) == ("2", "12", "")
    assert (pre["MLI91001"]["data_id"], pre["MLI91001"]["iso3"]) == ("9100001", "MLI")
    assert (current["MLI90007"]["admin1"], current["MLI90007"]["latitude"]) == ("Bamako", "12.6392")
    # the graph's own incidents: the names ACLED used at their date
    assert current["MKG-2024-02-16-konokassi"]["actor1"] == "Military Forces of Mali (2021-)"


def test_export_aliases_option_names_the_graphs_actors(tmp_path):
    table = tmp_path / "mine.csv"
    table.write_text("kind,acled_name,malikg_id\nactor,Jama'at Nusrat al-Islam wal-Muslimin,jnim\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli.main, ["export", "--format", "acled-csv", "-o", str(out), "--aliases", str(table)])
    assert result.exit_code == 0, result.output
    exported = {r["event_id_cnty"]: r for r in csv.DictReader(open(out, encoding="utf-8"))}
    assert exported["MKG-2024-01-27-ogota"]["actor1"] == "Jama'at Nusrat al-Islam wal-Muslimin"


def test_formula_cells_are_neutralised_but_negative_numbers_stay_numbers(seed_graph, tmp_path):
    with open_store(seed_graph=seed_graph) as store:
        import_csv(store, FIXTURES / "formula-cells.csv")
        export_csv(store, tmp_path / "out.csv")
    exported = {r["event_id_cnty"]: r for r in csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8"))}
    row = exported["MLI96001"]
    assert row["notes"].startswith("'=HYPERLINK(") and row["source"] == "'@Local Source"
    assert row["tags"] == "'+crowd size=no report"
    assert exported["MLI96002"]["notes"].startswith("'-At least 10 homes")
    assert row["longitude"] == "-3.6100" and row["latitude"] == "14.3500"
    for r in exported.values():
        for column, cell in r.items():
            assert not cell.startswith(("=", "+", "@")) and (not cell.startswith("-") or
                                                             cell.replace("-", "", 1).replace(".", "", 1).isdigit()), (column, cell)


# ---------------------------------------------------------------------------
# 9. Edge cases: one clear line each
# ---------------------------------------------------------------------------

def test_edge_cases_are_bad_rows_named_by_line(seed_graph):
    with open_store(seed_graph=seed_graph) as store:
        report = import_csv(store, FIXTURES / "edge-cases.csv")
        assert rows(store, "SELECT ?q WHERE { ?q oa:exact \"\" }") == set()
    reasons = {bad.event_id: bad.reason for bad in report.bad_rows}
    assert report.events == 1
    assert reasons["MLI95002"].startswith("empty notes")
    assert reasons["MLI95003"] == f"fatalities 100000000000000000000000000 is over the limit of {MAX_FATALITIES:,} for one event"
    assert "'5²'" in reasons["MLI95004"] and "'¹'" in reasons["MLI95005"] and "'²'" in reasons["MLI95006"]


def test_a_field_over_the_limit_is_one_bad_row(seed_graph, tmp_path):
    lines = (FIXTURES / "current.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(csv.reader([lines[2]]))
    row[27] = "x" * (MAX_FIELD + 10)
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(lines[0] + lines[1])
        csv.writer(out, lineterminator="\n").writerow(row)
        out.write(lines[3])
    result = CliRunner().invoke(cli.main, ["import-acled", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"line 3 [MLI90002]: a cell is longer than {MAX_FIELD:,} characters, the limit" in result.stdout
    assert "2 events: 2 added" in result.stdout


def test_a_latin1_file_is_named_at_its_own_line():
    result = CliRunner().invoke(cli.main, ["import-acled", str(FIXTURES / "latin1.csv")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip() == (f"malikg: {FIXTURES / 'latin1.csv'}: line 3 is not UTF-8 text (byte 0xe9 at "
                                     "character 277; a Latin-1 or Windows file? save it as UTF-8)")


@pytest.mark.parametrize("name, delimiter", [("semicolon.csv", "semicolon"), ("tab.tsv", "tab")])
def test_semicolon_and_tab_delimited_files_are_read(seed_graph, name, delimiter):
    with open_store(seed_graph=seed_graph) as store:
        report = import_csv(store, FIXTURES / name)
        assert report.bad_rows == [] and report.events == 2 and report.delimiter == delimiter
        assert rows(store, f"SELECT ?lat WHERE {{ {event('MLI90003')} sem:hasPlace/geo:lat ?lat }}") == {("13.9642",)}


# ---------------------------------------------------------------------------
# 10. Battles: deaths in events an actor took part in, deaths it caused
# ---------------------------------------------------------------------------

TOOK_PART = """SELECT ?a (SUM(?n) AS ?deaths) WHERE { { SELECT DISTINCT ?e ?a WHERE {
    ?e mk:acledEventId ?id ; mk:participation/mk:participant ?a } } ?e mk:harm ?h . ?h mk:harmType mkv:killed ; mk:count ?n }
    GROUP BY ?a"""
CAUSED = """SELECT ?a (SUM(?n) AS ?deaths) WHERE { { SELECT DISTINCT ?e ?a WHERE {
    ?e mk:acledEventId ?id ; mk:perpetrator ?a } } ?e mk:harm ?h . ?h mk:harmType mkv:killed ; mk:count ?n }
    GROUP BY ?a"""


def test_battle_deaths_count_for_every_side_but_are_caused_by_no_one(seed_graph):
    with open_store(seed_graph=seed_graph) as store:
        import_csv(store, FIXTURES / "current.csv")
        took_part = {a.rsplit("/", 1)[1]: int(n) for a, n in rows(store, TOOK_PART)}
        caused = {a.rsplit("/", 1)[1]: int(n) for a, n in rows(store, CAUSED)}
        roles = {r.rsplit("#", 1)[1] for (r,) in rows(store, f"SELECT ?r WHERE {{ {event('MLI90004')} mk:participation/sem:roleType ?r }}")}
    # JNIM's events: one-sided attacks (28+4+2+3+0+2) and battles (5+12+9+14)
    assert caused["jnim"] == 28 + 4 + 2 + 3 + 2
    assert took_part["jnim"] == caused["jnim"] + 5 + 12 + 9 + 14
    # the army: its two drone strikes (7, 21) caused; the battles' deaths only taken part in
    assert caused["malian-armed-forces"] == 7 + 21
    assert took_part["malian-armed-forces"] == 7 + 21 + 5 + 12 + 9 + 14
    assert "wagner" not in caused and took_part["wagner"] == 5
    assert roles == {"side-a", "side-b"}


# ---------------------------------------------------------------------------
# ACLED's accounts and the coder's links (issue 12 item 9)
# ---------------------------------------------------------------------------

def test_an_acled_event_is_acleds_account(imported):
    store, _ = imported
    assert rows(store, f"""SELECT ?kind ?title ?quote ?author WHERE {{ {event('MLI90003')} mk:accordingTo ?doc ;
        prov:wasAttributedTo ?author ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote .
        ?doc mk:documentKind ?kind ; dcterms:title ?title ; rdf:value ?quote }}""") == {(
        "https://w3id.org/malikg/vocab#dataset-record", "ACLED event MLI90003",
        "On 16 February 2024, a drone of the Malian armed forces struck a wedding celebration in Konokassi "
        "(Macina, Segou), killing at least 5 men and 2 boys.", f"{BASE}actor/acled")}


def test_link_acled_proposes_the_chapters_incidents_for_the_coder(tmp_path):
    store = tmp_path / "mali.oxigraph"
    runner = CliRunner()
    assert runner.invoke(cli.main, ["import-acled", str(FIXTURES / "current.csv"), "--store", str(store)]).exit_code == 0
    out = tmp_path / "links.yaml"
    result = runner.invoke(cli.main, ["link-acled", "--store", str(store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = yaml.safe_load(out.read_text(encoding="utf-8"))
    pairs = {(r["account"], r["same_incident"]) for r in records}
    assert pairs == {("acled-mli90001", "2024-01-27-ogota"), ("acled-mli90002", "2024-01-27-ouembe"),
                     ("acled-mli90003", "2024-02-16-konokassi"), ("acled-mli90005", "2024-01-boura"),
                     ("acled-mli90007", "2024-09-18-bamako"), ("acled-mli90009", "2024-06-25-tegourou"),
                     ("acled-mli90010", "2024-08-25-tinzaouaten")}
    ogota = next(r for r in records if r["account"] == "acled-mli90001")
    assert ogota == {"id": "link-acled-mli90001-2024-01-27-ogota", "account": "acled-mli90001",
                     "same_incident": "2024-01-27-ogota",
                     "note": "proposed: same place (Ogota), dates overlap (2024-01-27), shared actors (jnim)"}
    # Tinzaouaten is told by the chapter, Al Arabiya and Africanews (same_incident): one proposal,
    # naming the chapter's (canonical) account and the others of its group
    tinzaouaten = [r for r in records if r["account"] == "acled-mli90010"]
    assert len(tinzaouaten) == 1 and tinzaouaten[0]["same_incident"] == "2024-08-25-tinzaouaten"
    assert tinzaouaten[0]["note"].endswith(
        "; also told by africanews-2024-08-25-tinzaouaten, alarabiya-2024-08-25-tinzaouaten")


def test_no_link_across_regions_dates_or_actors(imported):
    store, _ = imported
    pairs = {(p.account, p.incident) for p in propose_links(store)}
    # the Koutiala Boura is not the chapter's; the 2019 Ogossagou attacks are not the 2024 incidents
    assert not {a for a, _ in pairs} & {"acled-mli90014", "acled-mli91001", "acled-mli91003"}


def test_a_store_with_replaced_accounts_and_every_fixture_passes_the_shapes(seed_graph, tmp_path):
    from rdflib import Graph

    from graph.export import export
    from graph.validate import shacl_violations

    with open_store(seed_graph=seed_graph) as store:
        for name in ("current", "revised", "pre2022", "hdx", "dyadic", "formula-cells", "semicolon"):
            import_csv(store, FIXTURES / (name if "." in name else f"{name}.csv"))
        export(store, tmp_path / "all.nt", "nt")  # as linked-data partners get it
    graph = Graph().parse(tmp_path / "all.nt", format="nt")
    assert shacl_violations(graph) == []
    # no place or actor is left over from the replaced account without evidence
    assert not list(graph.query("""PREFIX mk: <https://w3id.org/malikg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?n WHERE { { ?n a mk:Place } UNION { ?n a mk:Actor }
        FILTER NOT EXISTS { ?n prov:wasDerivedFrom ?e } }"""))


def test_strict_names_each_bad_row_once():
    result = CliRunner().invoke(cli.main, ["import-acled", str(FIXTURES / "bad-rows.csv"), "--strict"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.count("[MLI94002]: missing event_date") == 1
    assert result.stderr.splitlines()[-1].endswith("6 bad row(s), listed above; --strict: nothing was loaded")
