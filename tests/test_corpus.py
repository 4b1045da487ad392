"""The bundled corpus: the documents beside the World Report chapter, their accounts and links.

Every figure asserted here is read by hand from the documents' texts (seeds/sources/*/*.txt);
the comments quote the words it comes from.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from graph.namespaces import DEFAULT_BASE, PREFIXES
from graph.sparql import run

SOURCES = Path(__file__).resolve().parent.parent / "seeds" / "sources"
CHAPTER = "hrw-wr2025-mali"
RELEASE = "hrw-2024-05-08-mali-atrocities"
ARABIYA = "alarabiya-2024-08-26-tinzaouaten"
AFRICANEWS = "africanews-2024-08-26-tinzaouaten"
WIKIPEDIA = "wikipedia-battle-of-tinzaouaten-2024"
NEW_DOCUMENTS = {  # id: (kind, publisher)
    RELEASE: ("news-release", "hrw"),
    ARABIYA: ("news-article", "al-arabiya"),
    AFRICANEWS: ("news-article", "africanews"),
    WIKIPEDIA: ("encyclopaedia-article", "wikipedia"),
}
HEADER = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))


def select(store, body: str) -> list[dict]:
    return run(store, HEADER + body).to_python()


def slug(iri: str | None) -> str | None:
    return None if iri is None else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def text_of(document: str) -> str:
    (path,) = [p for p in (SOURCES / document).iterdir() if p.suffix == ".txt"]
    return path.read_bytes().decode("utf-8")


def harms(store, event: str) -> list[tuple]:
    """(type, low, best, high, qualifier, group, children included) of an account's harms."""
    rows = select(store, f"""
        SELECT ?h ?type ?low ?best ?high ?qualifier ?group ?kids WHERE {{
          <{DEFAULT_BASE}event/{event}> mk:harm ?h .
          ?h mk:harmType ?type ; mk:countQualifier ?qualifier .
          OPTIONAL {{ ?h mk:low ?low }} OPTIONAL {{ ?h mk:best ?best }} OPTIONAL {{ ?h mk:high ?high }}
          OPTIONAL {{ ?h mk:victimGroup ?group }}
          OPTIONAL {{ ?h mk:includes ?part . ?part mk:victimGroup mkv:children ; mk:best ?kids }}
        }}""")
    return sorted((slug(r["type"]), r["low"], r["best"], r["high"], slug(r["qualifier"]),
                   slug(r["group"]), r["kids"]) for r in rows)


def links(store, event: str, prop: str) -> set[str]:
    rows = select(store, f"SELECT ?o WHERE {{ <{DEFAULT_BASE}event/{event}> mk:{prop} ?o }}")
    return {slug(r["o"]) for r in rows}


def according_to(store, event: str) -> tuple[str, str]:
    (row,) = select(store, f"""
        SELECT ?doc ?who WHERE {{ <{DEFAULT_BASE}event/{event}> mk:accordingTo ?doc ;
                                                              prov:wasAttributedTo ?who }}""")
    return slug(row["doc"]), slug(row["who"])


def parts(store, event: str) -> set[tuple]:
    rows = select(store, f"""
        SELECT ?actor ?role ?certainty WHERE {{
          <{DEFAULT_BASE}event/{event}> mk:participation ?p .
          ?p mk:participant ?actor ; sem:roleType ?role ; mk:certainty ?certainty }}""")
    return {(slug(r["actor"]), slug(r["role"]), slug(r["certainty"])) for r in rows}


def statistics_about(store, event: str) -> set[tuple]:
    rows = select(store, f"""
        SELECT ?by ?count ?qualifier WHERE {{
          ?s a mk:Statistic ; mk:aboutEvent <{DEFAULT_BASE}event/{event}> ; mk:reportedBy ?by ;
             mk:count ?count ; mk:countQualifier ?qualifier }}""")
    return {(slug(r["by"]), r["count"], slug(r["qualifier"])) for r in rows}


# ---------------------------------------------------------------------------
# The documents
# ---------------------------------------------------------------------------

def test_the_corpus_holds_each_document_with_its_metadata(store):
    rows = select(store, """
        SELECT ?id ?kind ?publisher ?excerpt ?chars ?sha ?licence ?url WHERE {
          ?doc a mk:SourceDocument ; dcterms:identifier ?id ; mk:documentKind ?kind ;
               dcterms:publisher ?publisher ; mk:excerpt ?excerpt ; mk:characterCount ?chars ;
               mk:sha256 ?sha ; dcterms:license ?licence ; dcterms:source ?url }""")
    found = {r["id"]: r for r in rows}
    assert set(NEW_DOCUMENTS) <= set(found)
    for document, (kind, publisher) in NEW_DOCUMENTS.items():
        row, text = found[document], text_of(document)
        assert (slug(row["kind"]), slug(row["publisher"]), row["excerpt"]) == (kind, publisher, True)
        assert row["chars"] == len(text)
        assert row["sha"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert found[WIKIPEDIA]["licence"] == "CC BY-SA 4.0"
    assert found[WIKIPEDIA]["url"] == "https://en.wikipedia.org/wiki/Battle_of_Tinzaouaten_(2024)"
    assert found[ARABIYA]["url"].startswith("https://english.alarabiya.net/News/world/2024/08/26/")


def test_every_quote_of_the_new_documents_is_verbatim_where_its_selector_points(store):
    rows = select(store, """
        SELECT ?id ?exact ?start ?end WHERE {
          ?ev oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
          ?doc dcterms:identifier ?id .
          ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end }""")
    texts = {d: text_of(d) for d in NEW_DOCUMENTS}
    checked = defaultdict(int)
    for r in rows:
        if r["id"] in texts:
            assert texts[r["id"]][r["start"]:r["end"]] == r["exact"]
            checked[r["id"]] += 1
    # Shared actors quote these documents too (the CSP-DPA's name, the infobox's commanders).
    assert all(checked[d] >= 10 for d in NEW_DOCUMENTS), dict(checked)
    names = select(store, f"""SELECT ?name WHERE {{ <{DEFAULT_BASE}actor/csp> skos:altLabel ?name }}""")
    assert {"Strategic Framework for the Defense of the People of Azawad", "CSP-DPA"} <= {
        r["name"] for r in names}


# ---------------------------------------------------------------------------
# HRW's release of 8 May 2024 and the chapter
# ---------------------------------------------------------------------------

def test_the_releases_ogota_and_ouembe_toll_covers_the_chapters_two_accounts(store):
    account = "hrw-2024-05-08-ogota-ouembe"
    assert according_to(store, account) == (RELEASE, "hrw")
    assert links(store, account, "covers") == {"2024-01-27-ogota", "2024-01-27-ouembe"}
    # "killed at least 32 civilians, including 3 children, and set fire to over 350 homes"
    assert harms(store, account) == [("homes-burned", 351, 351, None, "over", None, None),
                                     ("killed", 32, 32, None, "at-least", "civilians", 3)]
    # The chapter: "They killed 28 villagers in Ogota, including 3 children ... and 4 villagers
    # in Ouémbé"; "at least 150 homes in Ogota and 130 homes in Ouémbé" — 280 homes, not 350.
    assert according_to(store, "2024-01-27-ogota") == (CHAPTER, "hrw")
    assert harms(store, "2024-01-27-ogota") == [("homes-burned", 150, 150, None, "at-least", None, None),
                                                ("killed", 28, 28, 28, "exact", "villagers", 3)]
    assert harms(store, "2024-01-27-ouembe") == [("homes-burned", 130, 130, 130, "exact", None, None),
                                                 ("killed", 4, 4, 4, "exact", "villagers", None)]
    kinds = select(store, f"""SELECT ?kind WHERE {{ <{DEFAULT_BASE}event/{account}> mk:basedOn ?b .
                                                   ?b mk:evidenceKind ?kind }}""")
    assert {slug(r["kind"]) for r in kinds} == {"interviews", "witness-accounts", "satellite-imagery"}
    # "forcing about 2,000 villagers to flee"
    assert statistics_about(store, account) == {("hrw", 2000, "about")}


def test_the_releases_dozo_toll_hedges_what_the_chapter_states_exactly(store):
    account = "hrw-2024-05-08-kalala-boura"
    assert links(store, account, "covers") == {"2024-01-kalala", "2024-01-boura"}
    # "killed at least 13 civilians, including 2 children, abducted 24 other civilians, and
    # looted property and livestock"
    assert harms(store, account) == [
        ("abducted", 24, 24, 24, "exact", "civilians", None),
        ("killed", 13, 13, None, "at-least", "civilians", 2),
        ("livestock-looted", None, None, None, "unspecified", "livestock", None),
        ("property-looted", None, None, None, "unspecified", "property", None)]
    # The chapter: "killed 13 people", no hedge; and "In January" against "in early January".
    assert [h[:5] for h in harms(store, "2024-01-kalala")] == [("killed", 13, 13, 13, "exact")]
    dates = select(store, f"""SELECT ?id ?text WHERE {{
        VALUES ?e {{ <{DEFAULT_BASE}event/{account}> <{DEFAULT_BASE}event/2024-01-kalala> }}
        ?e dcterms:identifier ?id ; mk:dateText ?text }}""")
    assert {(r["id"], r["text"]) for r in dates} == {(account, "in early January"),
                                                     ("2024-01-kalala", "In January")}


# ---------------------------------------------------------------------------
# Tinzaouaten: the drone strikes of 25 August and the battle of late July
# ---------------------------------------------------------------------------

def test_the_drone_strike_accounts_disagree_on_the_toll_and_on_who_struck(store):
    chapter, arabiya, africanews = ("2024-08-25-tinzaouaten", "alarabiya-2024-08-25-tinzaouaten",
                                    "africanews-2024-08-25-tinzaouaten")
    assert links(store, arabiya, "sameIncidentAs") == links(store, africanews, "sameIncidentAs") == {chapter}
    assert according_to(store, arabiya) == (ARABIYA, "al-arabiya")
    assert according_to(store, africanews) == (AFRICANEWS, "africanews")
    killed = {e: [h for h in harms(store, e) if h[0] == "killed"] for e in (chapter, arabiya, africanews)}
    # The chapter: "killed at least five children and two men".
    assert killed[chapter] == [("killed", 2, 2, 2, "exact", "men", None),
                               ("killed", 5, 5, None, "at-least", "children", None)]
    # Al Arabiya: "At least 21 people, including 11 children"; Africanews: "killed 21 civilians,
    # including 11 children" — both the CSP-DPA's "provisional" toll.
    assert killed[arabiya] == [("killed", 21, 21, None, "at-least", "people", 11)]
    assert killed[africanews] == [("killed", 21, 21, 21, "exact", "civilians", 11)]
    assert statistics_about(store, arabiya) == statistics_about(store, africanews) == {("csp", 21, "exact")}
    # Al Arabiya: "The CSP-DPA blamed Mali's army and Wagner mercenaries, and said neighboring
    # Burkina Faso operated the drone"; Africanews: "Mali's armed forces confirmed the strikes".
    perpetrators = {e: {p for p in parts(store, e) if p[1] != "target"} for e in (chapter, arabiya, africanews)}
    assert perpetrators[arabiya] == {("malian-armed-forces", "perpetrator", "alleged"),
                                     ("wagner", "co-perpetrator", "alleged"),
                                     ("burkina-faso", "co-perpetrator", "alleged")}
    assert perpetrators[chapter] == perpetrators[africanews] == {("malian-armed-forces", "perpetrator", "stated")}
    claims = select(store, f"""SELECT ?about ?text WHERE {{
        ?c a mk:Claim ; mk:motive mkv:counterterrorism ; mk:claimant <{DEFAULT_BASE}actor/malian-armed-forces> ;
           mk:certainty mkv:claimed ; mk:claimAbout ?about ; mk:claimText ?text }}""")
    assert {(slug(r["about"]), r["text"]) for r in claims} >= {
        (chapter, "which the Malian armed forces claimed targeted armed group members"),
        (africanews, "These precision strikes targeted terrorists")}


def test_the_battle_of_tinzaouaten_keeps_each_partys_toll_apart(store):
    wikipedia, arabiya = "wikipedia-2024-07-25-tinzaouaten-battle", "alarabiya-2024-07-tinzaouaten-battle"
    assert links(store, arabiya, "sameIncidentAs") == {wikipedia}
    # The infobox and lead: "Per CSP:, 9 CSP killed"; "Per Mali:, 20+ rebels killed"; "Per NYT:,
    # 18 CSP killed"; "Per Russian sources:, 25–82+ killed"; "around 84 Wagner mercenaries and 47
    # Malian soldiers"; "Per JNIM:, 50 killed, 10 killed"; "Per NYT:, 46+ killed, ..., 24+ killed".
    assert statistics_about(store, wikipedia) == {
        ("csp", 9, "exact"), ("malian-armed-forces", 20, "at-least"), ("nyt", 18, "exact"),
        ("russian-sources", 25, "at-least"), ("csp", 84, "about"), ("csp", 47, "exact"),
        ("jnim", 50, "exact"), ("jnim", 10, "exact"), ("nyt", 46, "at-least"), ("nyt", 24, "at-least")}
    # Al Arabiya: "at least 84 Wagner mercenaries and 47 Malian soldiers" (the Tuareg rebels);
    # "50 Wagner mercenaries and 10 Malian soldiers" (an al-Qaeda affiliate).
    assert statistics_about(store, arabiya) == {("csp", 84, "at-least"), ("csp", 47, "exact"),
                                                ("jnim", 50, "exact"), ("jnim", 10, "exact")}
    # JNIM's part: its own claim in Wikipedia ("the CSP denied their involvement"), implied in
    # Al Arabiya ("Tuareg and extremist fighters"); neither document gives a toll of its own.
    assert ("jnim", "side-a", "claimed") in parts(store, wikipedia)
    assert ("jnim", "side-a", "implied") in parts(store, arabiya)
    assert all(h[1] is None for h in harms(store, wikipedia) + harms(store, arabiya))


# ---------------------------------------------------------------------------
# Counting once, worked out by hand
# ---------------------------------------------------------------------------

def killed_counted_once_by_plain_sparql(store) -> tuple[dict, dict]:
    """Killed per perpetrator, each incident group once (the smallest document low figure), and
    the same summed over every account as if no link existed. Groups: accounts joined by
    mk:sameIncidentAs and mk:covers; a document's figure for a group is the sum of its accounts."""
    accounts = select(store, """
        SELECT ?e ?doc ?harm ?low WHERE {
          ?e mk:accordingTo ?doc ; mk:harm ?harm . ?harm mk:harmType mkv:killed .
          OPTIONAL { ?harm mk:low ?low } }""")
    doers = select(store, """
        SELECT ?e ?who WHERE { ?e mk:participation ?p . ?p mk:participant ?who ; sem:roleType ?r .
                               FILTER (?r IN (mkv:perpetrator, mkv:co-perpetrator)) }""")
    joined = select(store, "SELECT ?a ?b WHERE { { ?a mk:sameIncidentAs ?b } UNION { ?a mk:covers ?b } }")
    root = {}

    def find(x):
        while root.get(x, x) != x:
            x = root[x]
        return x
    for r in joined:
        a, b = find(r["a"]), find(r["b"])
        root[max(a, b)] = min(a, b)
    per_group_doc = defaultdict(lambda: defaultdict(int))
    naive = defaultdict(int)
    by_event = defaultdict(set)
    for r in doers:
        by_event[r["e"]].add(slug(r["who"]))
    group_actors = defaultdict(set)
    for r in accounts:
        per_group_doc[find(r["e"])][r["doc"]] += r["low"] or 0
        for who in by_event[r["e"]]:
            naive[who] += r["low"] or 0
    for e, actors in by_event.items():
        group_actors[find(e)] |= actors
    once = defaultdict(int)
    for group, figures in per_group_doc.items():
        for who in group_actors[group]:
            once[who] += min(figures.values())
    return once, naive


def test_combined_totals_counted_once_by_hand_with_plain_sparql(store):
    once, naive = killed_counted_once_by_plain_sparql(store)
    # JNIM. The chapter: Ogota 28 + Ouémbé 4 + Tegourou 2 + Djiguibombo 10 + Pel Kanda 1 +
    # Songo 5 + Danibombo 2 5 = 55. The release's "at least 32" covers Ogota + Ouémbé (28 + 4 =
    # 32): min(32, 32) = 32, so 32 + 23 = 55 once; added blindly, 55 + 32 = 87.
    assert (once["jnim"], naive["jnim"]) == (55, 87)
    # Malian armed forces. The chapter: Attara 7 + Ouro Fero 25 + Konokassi 7 + cemetery 7 +
    # N'Dola 6 + Barikoro 3 + Dounkala 1 + Tinzaouaten 7 + Ndorgolle 2 = 65. Tinzaouaten's
    # group: chapter 5 + 2 = 7, Al Arabiya 21, Africanews 21: min = 7, so 65 once; blindly 107.
    assert (once["malian-armed-forces"], naive["malian-armed-forces"]) == (65, 65 + 21 + 21)
    # Dozo. Kalala 13 (chapter) and the release's "at least 13" for Kalala + Boura: 13; blindly 26.
    assert (once["dozo"], naive["dozo"]) == (13, 26)
    # Wagner: the chapter's 7 + 3 + 1 + 2 = 13, plus Tinzaouaten's 7 now that Al Arabiya reports
    # the CSP-DPA blaming Wagner; Burkina Faso only through that allegation.
    assert (once["wagner"], once["burkina-faso"]) == (13 + 7, 7)
