"""Every coded number and date against its own quote, and the seed codings a reader corrected."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from cli import main
from conftest import CHAPTER
from graph import quantities as q
from graph.coding_checks import problems
from graph.emit import build_graph
from graph.namespaces import MK, MKV, SEM, base_iri
from graph.seeds import read_seeds


def edit(folder, name, old, new):
    path = folder / CHAPTER / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def apply(folder, change):
    """Make one change to the copied seeds; return the file changed and the message expected."""
    file, old, new, message = change
    edit(folder, file, old, new)
    return folder / CHAPTER / file, message


def validate(folder):
    return CliRunner().invoke(main, ["validate", str(folder)])


# --- reading numbers and dates ----------------------------------------------------------------


@pytest.mark.parametrize("text, value, qualifier", [
    ("ten", 10, "exact"), ("twenty-eight", 28, "exact"), ("1,000", 1000, "exact"), ("three", 3, "exact"),
    ("at least ten people", 10, "at-least"), ("over 1,000 homes", 1000, "over"),
    ("more than 80 political parties", 80, "over"), ("about 100", 100, "about"),
    ("around two hundred", 200, "about"), ("up to 100 homes", 100, "up-to"), ("over 600,000", 600000, "over"),
])
def test_counts_from_digits_and_words_with_their_qualifier(text, value, qualifier):
    read = q.quantities(text)
    assert (read[0].value, read[0].qualifier) == (value, qualifier)


def test_counts_are_read_for_the_group_they_count():
    quote = "killed 13 people, including 3 older men, one of them blind, an older woman, and 2 children"
    assert [n.value for n in q.group_counts(quote, "older-women")] == [1]  # "an older woman"
    assert [n.value for n in q.group_counts(quote, "children")] == [2]
    assert [n.value for n in q.group_counts("injured six other men in Danibombo 1", "men")] == [6]
    assert [n.value for n in q.group_counts("They tortured three ethnic-Fulani men", "men")] == [3]


@pytest.mark.parametrize("text, year, span", [
    ("On January 27", 2024, ("2024-01-27", "2024-01-27")),
    ("On February 16, 2024", None, ("2024-02-16", "2024-02-16")),
    ("late August", 2024, ("2024-08-21", "2024-08-31")),
    ("early 2024", None, ("2024-01-01", "2024-04-30")),
    ("Between June and November", 2024, ("2024-06-01", "2024-11-30")),
    ("In September 2023", None, ("2023-09-01", "2023-09-30")),
    ("between January 1 and October 31", 2024, ("2024-01-01", "2024-10-31")),
])
def test_dates_absolute_parts_and_intervals(text, year, span):
    first, last = q.read_date(text).bounds(year)[0]
    assert (first.isoformat(), last.isoformat()) == span


def test_relative_dates_count_from_their_anchor():
    attara = (dt.date(2024, 1, 25), dt.date(2024, 1, 25))
    assert q.read_date("The same day").bounds(anchor=attara) == [attara]
    assert q.read_date("The following day").bounds(anchor=attara) == [(dt.date(2024, 1, 26),) * 2]
    kalala = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert q.read_date("In the same month").bounds(anchor=kalala)[0] == kalala
    both = q.read_date("On August 9 and 16")
    assert both.days == (9, 16) and (dt.date(2024, 8, 16),) * 2 in both.bounds(2024)
    assert q.read_date("In May, participants").month == 5 and q.read_date("you may go") is None
    # a news item of Monday 26 August 2024 on drone strikes "on Sunday": the chapter's August 25
    sunday = q.read_date("were killed by drone strikes on Sunday")
    assert sunday.bounds(anchor=(dt.date(2024, 8, 26),) * 2) == [(dt.date(2024, 8, 25),) * 2]


def test_day_ranges_and_open_figures():
    first, last = q.read_date("25–27 July 2024").bounds()[0]
    assert (first, last) == (dt.date(2024, 7, 25), dt.date(2024, 7, 27))
    assert [(n.value, n.qualifier) for n in q.quantities("20+ rebels killed")] == [(20, "at-least")]
    assert [(n.value, n.qualifier) for n in q.quantities("25–82+ killed")] == [(25, "at-least"), (82, "at-least")]
    assert [(n.value, n.qualifier) for n in q.quantities("from 10 to 20 people")] == [(10, "at-least"), (20, "up-to")]


# --- the bundled seeds pass; the four changes a test suite missed do not ----------------------------


def test_the_bundled_seeds_agree_with_their_quotes():
    assert problems(read_seeds()) == []


FOUR_CHANGES = {
    "Djiguibombo's at least ten coded exactly ten": (
        "events.yaml", "      count: 10\n      qualifier: at-least\n      group: people\n",
        "      count: 10\n      group: people\n",
        "record '2024-07-01-djiguibombo', field 'harms[3].qualifier': qualifier exact, but its quote "
        "'at least ten people in Djiguibombo' reads 'at least ten' (at-least 10)"),
    "Danibombo 1's six injured coded as seven": (
        "events.yaml", "      count: 6\n      group: men\n      evidence: \"injured six other men",
        "      count: 7\n      group: men\n      evidence: \"injured six other men",
        "record '2024-10-14-danibombo-1', field 'harms[1].count': count 7 is not in its quote "
        "'injured six other men in Danibombo 1' (reads 6 for men)"),
    "Kalala's older woman coded as two": (
        "events.yaml", "{group: older-women, count: 1}", "{group: older-women, count: 2}",
        "record '2024-01-kalala', field 'harms[1].includes[2].count': count 2 is not in its quote "
        "'killed 13 people, including 3 older men, one of them blind, an older woman, and 2 children' "
        "(reads 1 for older-women)"),
    "Dakka Sebbe's three tortured men coded as four": (
        "events.yaml", "      count: 3\n      group: men\n      community: fulani\n",
        "      count: 4\n      group: men\n      community: fulani\n",
        "record '2024-01-25-dakka-sebbe', field 'harms[1].count': count 4 is not in its quote "
        "'They tortured three ethnic-Fulani men' (reads 3 for men)"),
}


@pytest.mark.parametrize("name", FOUR_CHANGES)
def test_a_count_that_disagrees_with_its_quote_fails_validation(seeds, name):
    path, message = apply(seeds, FOUR_CHANGES[name])
    result = validate(seeds)
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if "problem(s)" not in line] == [f"{path}, {message}"]


MORE_CHANGES = {
    "a date against its date_text": (
        "events.yaml", "  date: 2024-01-27\n  date_text: On January 27\n  place: ogota",
        "  date: 2024-01-28\n  date_text: On January 27\n  place: ogota",
        "record '2024-01-27-ogota', field 'date': date 2024-01-28 disagrees with date_text 'On January 27' "
        "(reads 2024-01-27)"),
    "a relative date against what it counts from": (
        "events.yaml", "  date: 2024-01-26\n  date_text: The following day",
        "  date: 2024-01-27\n  date_text: The following day",
        "record '2024-01-26-ouro-fero-arrests', field 'date': date 2024-01-27 disagrees with date_text "
        "'The following day' (reads 2024-01-26)"),
    "parts beyond their total": (
        "events.yaml", "      count: 28\n      group: villagers\n      includes:\n        - {group: children, count: 3}",
        "      count: 28\n      group: villagers\n      includes:\n        - {group: children, count: 3}\n"
        "        - {group: people, count: 28}",
        "record '2024-01-27-ogota', field 'harms[1].includes': the parts (3 children + 28 people = 31) exceed "
        "the total of 28 in its quote 'They killed 28 villagers in Ogota, including 3 children'"),
    "up to 100 with a best estimate of 0": (
        "events.yaml", "      count: 100\n      qualifier: up-to\n", "      count: 100\n      qualifier: up-to\n      best: 0\n",
        "record '2024-05-09-ndola', field 'harms[1].best': 'up to 100' gives a range of at most 100, "
        "not a best estimate of 0"),
    "a qualifier whose words are not in the quote": (
        "statistics.yaml", "  count: 326\n", "  count: 326\n  qualifier: about\n",
        "record 'acled-2024-islamist-attacks-on-civilians', field 'qualifier': qualifier about, but no "
        "'about / around / approximately / roughly / some / an estimated / nearly / almost' in its quote "
        "'The non-governmental organization ACLED reported that Islamist armed groups carried out 326 attacks "
        "against civilians, resulting in 478 people killed between January 1 and October 31.' (reads 326)"),
    "an unknown date coded as stated": (
        "events.yaml", "  date: unknown\n  date_basis: unstated\n", "  date: unknown\n",
        "record 'msa-d-attacks-on-isgs', field 'date_basis': date unknown, so the source states no date: "
        "use date_basis unstated"),
}


@pytest.mark.parametrize("name", MORE_CHANGES)
def test_other_disagreements_are_one_line_each(seeds, name):
    _, message = apply(seeds, MORE_CHANGES[name])
    found = [line.split(", ", 1)[1] for line in problems(read_seeds(seeds))]
    assert message in found
    # one line per disagreement: only a relative date also moves what counts from it
    assert len(found) == (2 if "relative" in name else 1)


def test_build_refuses_a_count_its_quote_does_not_give_and_writes_nothing(seeds, tmp_path):
    _, message = apply(seeds, FOUR_CHANGES["Dakka Sebbe's three tortured men coded as four"])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists()


# --- the codings a reader corrected --------------------------------------------------------------


@pytest.fixture(scope="module")
def graph():
    return build_graph()


def node(kind, slug):
    return URIRef(f"{base_iri()}{kind}/{slug}")


def test_acled_figures_count_the_security_forces_and_allied_forces_together(graph):
    joint = node("actor", "malian-security-and-allied-forces")
    for statistic in ("acled-2024-state-operations-against-civilians", "acled-2024-state-people-killed",
                      "acled-2023-state-operations-against-civilians", "acled-2023-state-people-killed"):
        assert set(graph.objects(node("statistic", statistic), MK.subjectActor)) == {joint}
    membership = node("relation", "malian-armed-forces-member-of-state-and-allied-forces")
    assert graph.value(membership, MK.source) == node("actor", "malian-armed-forces")
    assert graph.value(membership, MK.relatedTo) == joint


def test_the_displaced_are_a_stock_at_late_august_not_a_ten_day_period(graph):
    displaced = node("statistic", "2024-displaced-malians")
    assert graph.value(displaced, MK.periodStart) is None and graph.value(displaced, MK.periodEnd) is None
    assert graph.value(displaced, MK.asOfEarliest) == Literal(dt.date(2024, 8, 21), datatype=XSD.date)
    assert graph.value(displaced, MK.asOfLatest) == Literal(dt.date(2024, 8, 31), datatype=XSD.date)
    assert graph.value(displaced, MK.best) == Literal(600001, datatype=XSD.integer)


def test_dakka_sebbe_suspicion_is_of_three_men_by_wagner_and_the_soldier(graph):
    claim = node("claim", "dakka-sebbe-suspected-collaboration")
    assert set(graph.objects(claim, MK.claimedActor)) == {node("actor", "wagner"), node("actor", "malian-armed-forces")}
    assert set(graph.objects(claim, MK.accuser)) == {node("actor", "wagner"), node("actor", "malian-armed-forces")}
    assert set(graph.objects(claim, MK.accusedParty)) == {node("actor", "dakka-sebbe-fulani-men")}
    fulani = node("actor", "fulani")
    accusations = {graph.value(r, MK.relatedTo) for r in graph.subjects(MK.source, fulani)
                   if graph.value(r, MK.relationType) == MKV["accused-collaboration"]}
    assert accusations == {node("actor", "jnim")}  # the Dozo's accusation at Boura, and no other


@pytest.mark.parametrize("harm, subject", [
    ("2024-01-27-ouembe-homes-burned", "Ogota"), ("2024-02-16-konokassi-killed-boys", "men"),
    ("2024-08-25-tinzaouaten-killed-men", "children"), ("2024-09-29-songo-homes-burned", "Pel Kanda")])
def test_figures_an_earlier_at_least_may_cover_say_so(graph, harm, subject):
    note = str(graph.value(node("harm", harm), MK.victimDescription))
    assert "\"at least\"" in note and subject in note and "coded as written" in note


def test_the_august_clashes_ended(graph):
    for relation in ("malian-armed-forces-clashes-csp", "foreign-fighters-clashes-csp"):
        assert graph.value(node("relation", relation), MK.status) == MKV.ended


def test_msa_d_attacks_on_isgs_are_an_undated_series(graph):
    attacks = node("event", "msa-d-attacks-on-isgs")
    assert (attacks, RDF.type, MK.Campaign) in graph and (attacks, RDF.type, MK.Incident) not in graph
    assert graph.value(attacks, MK.dateBasis) == MKV["unstated-date"]


def test_the_three_dissolutions_stand_without_an_umbrella_event(graph):
    for event in ("2024-aeem-dissolved", "2024-cmas-dissolved", "2024-kaoural-renewal-dissolved"):
        assert graph.value(node("event", event), SEM.subEventOf) is None
    assert (node("event", "2024-associations-dissolved"), RDF.type, MK.Event) not in graph
    count = node("statistic", "2024-associations-dissolved-count")
    assert graph.value(count, MK["count"]) == Literal(3, datatype=XSD.integer)
