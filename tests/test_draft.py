"""``malikg draft``: proposals from the chapter's own sentences, each field with its unique quote."""
from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from graph import draft as drafting
from graph.draft import draft
from graph.resources import seeds_dir

CHAPTER = seeds_dir() / "sources" / "hrw-wr2025-mali" / "hrw-world-report-2025-mali.txt"
TEXT = CHAPTER.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chapter():
    return draft(TEXT)


def at(result, place, date):
    [event] = [e for e in result.events if e["place"] == place and e["date"] == date]
    return event


def harms(event):
    return [(h["type"], h.get("count"), h.get("qualifier", "exact" if "count" in h else "unspecified"),
             h.get("group")) for h in event.get("harms", [])]


def test_ogota_on_january_27_with_28_killed_including_3_children(chapter):
    ogota = at(chapter, "ogota", "2024-01-27")
    assert ogota["draft"] is True and ogota["draft_notes"]
    assert ogota["date_text"] == "On January 27"
    assert ogota["actors"] == [{"actor": "jnim", "role": "perpetrator"}]
    killed = ogota["harms"][0]
    assert (killed["type"], killed["count"], killed["group"]) == ("killed", 28, "villagers")
    assert killed["includes"] == [{"count": 3, "group": "children"}]
    assert killed["evidence"] == "killed 28 villagers in Ogota, including 3 children"
    assert ("homes-burned", 150, "at-least", None) in harms(ogota)
    assert [s["event"] for s in ogota["draft_same_incident"]] == ["2024-01-27-ogota"]


def test_every_quote_is_unique_in_the_document(chapter):
    quotes = [q for e in chapter.events for q in e["evidence"]]
    quotes += [h["evidence"] for e in chapter.events for h in e.get("harms", [])]
    quotes += [q for c in chapter.claims for q in c["evidence"]]
    assert len(quotes) > 80
    for quote in quotes:
        assert TEXT.count(quote) == 1, quote
    for event in chapter.events:
        if "date_text" in event:
            assert event["date_text"] in TEXT


def test_relative_dates_say_what_they_count_from(chapter):
    attara = at(chapter, "attara", "2024-01-25")
    dakka = at(chapter, "dakka-sebbe", "2024-01-25")
    assert (dakka["date_text"], dakka["date_basis"], dakka["relative_to"]) == ("The same day", "relative", attara["id"])
    arrests = at(chapter, "ouro-fero", "2024-01-26")
    assert (arrests["date_text"], arrests["relative_to"]) == ("The following day", dakka["id"])
    assert ("arrested", 25, "exact", "people") in harms(arrests)
    boura = at(chapter, "boura", "2024-01")
    assert (boura["date_text"], boura["relative_to"]) == ("In the same month", at(chapter, "kalala", "2024-01")["id"])
    cemetery = at(chapter, "konokassi-cemetery", "2024-02-17")
    assert cemetery["relative_to"] == at(chapter, "konokassi", "2024-02-16")["id"]


def test_an_interval_with_its_joint_figures_is_a_campaign(chapter):
    campaign = at(chapter, ["doucombo", "pignari-bana"], "2024-06..2024-11")
    assert campaign["kind"] == "campaign" and campaign["date_text"] == "Between June and November"
    assert harms(campaign) == [("homes-burned", 1000, "over", None), ("livestock-looted", 3500, "over", "livestock")]


def test_two_dates_for_two_places_pair_in_order_and_say_so(chapter):
    ala, dounkala = at(chapter, "ala", "2024-08-09"), at(chapter, "dounkala", "2024-08-16")
    assert ala["date_basis"] == dounkala["date_basis"] == "inferred" and "order" in ala["date_note"]
    assert harms(dounkala) == [("disappeared", 2, "exact", "men"), ("killed", 1, "exact", "men")]
    danibombo_1 = at(chapter, "danibombo-1", "2024-10-14")  # "respectively": stated
    assert "date_basis" not in danibombo_1 and harms(danibombo_1) == [("injured", 6, "exact", "men")]


def test_qualifiers_come_from_the_words_before_the_count(chapter):
    assert ("killed", 10, "at-least", "people") in harms(at(chapter, "djiguibombo", "2024-07-01"))
    assert harms(at(chapter, "ndola", "2024-05-09")) == [("homes-burned", 100, "up-to", None)]
    assert harms(at(chapter, "tile", "2024-08-24")) == [("homes-burned", 500, "over", None)]
    assert ("homes-burned", None, "several", None) in harms(at(chapter, "djiguibombo", "2024-07-01"))
    assert ("homes-burned", 150, "at-least", None) in harms(at(chapter, "pel-kanda", "2024-09-29"))


def test_co_perpetrators_and_hedges_come_from_the_sentence(chapter):
    assert at(chapter, "dakka-sebbe", "2024-01-25")["actors"] == [
        {"actor": "wagner", "role": "perpetrator"}, {"actor": "malian-armed-forces", "role": "co-perpetrator"}]
    camp = [e for e in chapter.events if e["date"] == "2024-07-19"][0]
    assert camp["actors"] == [{"actor": "isgs", "role": "perpetrator", "certainty": "alleged"}]


def test_an_unknown_place_is_proposed_as_a_new_record(chapter):
    [camp] = chapter.places
    assert (camp["id"], camp["type"], camp["evidence"]) == (
        "camp-for-displaced-persons", "camp", ["a camp for displaced persons"])


def test_claimed_motives_with_accusation_and_hedge(chapter):
    by_motive = {(c["motive"], c.get("actor") if isinstance(c.get("actor"), str) else tuple(c["actor"])): c
                 for c in chapter.claims}
    boura = [c for c in chapter.claims if c["about"] == [at(chapter, "boura", "2024-01")["id"]]][0]
    assert {k: boura[k] for k in ("motive", "actor", "against", "accusation", "accused", "linked_to",
                                  "accuser", "certainty")} == {
        "motive": "retaliation", "actor": "dozo", "against": "fulani", "accusation": "collaboration",
        "accused": "fulani", "linked_to": "jnim", "accuser": "dozo", "certainty": "apparent"}
    suspicion = by_motive[("suspected-collaboration", ("wagner", "malian-armed-forces"))]
    assert suspicion["linked_to"] == "islamist-armed-groups" and suspicion["certainty"] == "suspected"
    dawsahak = by_motive[("retaliation", "isgs")]
    assert (dawsahak["accusation"], dawsahak["linked_to"]) == ("membership", "msa-d")


def test_another_account_of_a_coded_incident_names_the_figures_that_differ():
    account = ("In January 2024, Dozo militiamen attacked Kalala village, Segou region, "
               "and killed at least 13 people, including 2 children.")
    [kalala] = draft(account).events
    [same] = kalala["draft_same_incident"]
    assert same["event"] == "2024-01-kalala"
    assert same["differs"] == ["killed people: here at-least 13, there exact 13"]
    assert kalala["id"] == "2024-01-kalala-draft"  # never the id of the record it may duplicate


def test_a_passive_sentence_dated_by_weekday_is_another_account_of_tinzaouaten():
    account = ("At least 21 people, including 11 children, were killed by drone strikes on Sunday on the "
               "town of Tinzaouaten in north Mali, near where the army suffered a heavy blow last month.")
    [strike] = draft(account, issued="2024-08-26").events
    assert (strike["place"], strike["date"], strike["date_text"], strike["date_basis"]) == (
        "tinzaouaten", "2024-08-25", "on Sunday", "inferred")
    assert "2024-08-26" in strike["date_note"] and strike["type"] == "air-drone-strike"
    assert strike["harms"] == [{"type": "killed", "count": 21, "qualifier": "at-least", "group": "people",
                                "includes": [{"count": 11, "group": "children"}],
                                "evidence": "At least 21 people, including 11 children, were killed"}]
    # Every account already coded of that strike is offered: the chapter's and the two news reports'.
    same = {s["event"]: s for s in strike["draft_same_incident"]}
    assert {"2024-08-25-tinzaouaten", "alarabiya-2024-08-25-tinzaouaten",
            "africanews-2024-08-25-tinzaouaten"} <= set(same)
    assert same["2024-08-25-tinzaouaten"]["differs"] == ["killed people: here at-least 21, not coded there"]


def test_state_forces_named_by_their_adjective_and_claims_of_the_army(chapter):
    [konokassi] = at(chapter, "konokassi", "2024-02-16")["actors"]
    assert konokassi == {"actor": "malian-armed-forces", "role": "perpetrator", "note": "read from 'Malian drone'"}
    tinzaouaten = at(chapter, "tinzaouaten", "2024-08-25")["id"]
    [claim] = [c for c in chapter.claims if c["about"] == [tinzaouaten]]
    assert (claim["motive"], claim["claimant"], claim["certainty"]) == ("counterterrorism", "malian-armed-forces", "claimed")


def test_draft_is_deterministic(chapter):
    assert drafting._dump(draft(TEXT).events) == drafting._dump(chapter.events)


# --- the command ------------------------------------------------------------------------------


def test_a_draft_validates_once_its_marks_are_removed(tmp_path):
    runner = CliRunner()
    out = tmp_path / "events-chapter.yaml"
    result = runner.invoke(main, ["draft", str(CHAPTER), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "already in the seeds" in result.stderr and "events.yaml (54)" in result.stderr
    files = [out, tmp_path / "claims-chapter.yaml", tmp_path / "places-chapter.yaml"]
    assert all(path.exists() for path in files)
    refused = runner.invoke(main, ["validate", *map(str, files)])
    assert refused.exit_code == 1
    assert f"{out}, record '2024-01-27-ogota-hrw-wr2025-mali', field 'draft': still marked as a draft" in refused.stderr
    for path in files:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        for record in records:
            for key in [k for k in record if k.startswith("draft")]:
                del record[key]
        path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    accepted = runner.invoke(main, ["validate", *map(str, files)])
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.stdout.startswith("valid: bundled seeds + ")


@pytest.mark.parametrize("content, message", [
    (b"", "empty text: nothing to draft"),
    (b" \n\t\n", "empty text: nothing to draft"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
    ("On January 27, JNIM attacked Ogota.".encode("latin-1") + b"\xe9\xe9", "not UTF-8 text (byte 35)"),
])
def test_bad_text_is_one_line_and_writes_nothing(tmp_path, content, message):
    text = tmp_path / "report.txt"
    text.write_bytes(content)
    out = tmp_path / "events-draft.yaml"
    result = CliRunner().invoke(main, ["draft", str(text), "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"malikg: {text}: {message}")
    assert "Traceback" not in result.output and not out.exists()


def test_an_oversized_text_is_refused_past_the_documented_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(drafting, "MAX_BYTES", 1000)
    text = tmp_path / "report.txt"
    text.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", str(text), "-o", str(tmp_path / "events-draft.yaml")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"malikg: {text}: text too large to draft (9,874 bytes; the limit is 1,000)"


@pytest.mark.parametrize("name, message", [("draft.yaml", "must start with events"),
                                           ("events.yaml", "stands for the bundled one")])
def test_the_output_must_be_an_events_file_of_its_own(tmp_path, name, message):
    result = CliRunner().invoke(main, ["draft", str(CHAPTER), "-o", str(tmp_path / name)])
    assert result.exit_code == 2 and message in result.stderr and not (tmp_path / name).exists()
