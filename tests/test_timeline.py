"""The timeline page: every event at its date and precision, bands, lanes, the map, offline, in Chromium."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import Browser, chromium_missing
from pages import start_tags
from cli import main
from graph.acled import import_csv
from graph.store import open_store
from graph.timeline import read_events, timeline_page

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ACLED = Path(__file__).resolve().parent / "fixtures" / "acled" / "current.csv"


@pytest.fixture(scope="module")
def events(store):
    return {event.id: event for event in read_events(store)}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("timeline") / "timeline.html"
    result = CliRunner().invoke(main, ["timeline", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {path}\n"
    return path


@pytest.fixture(scope="module")
def acled_page(tmp_path_factory):
    with open_store() as store:
        import_csv(store, ACLED)
        text = timeline_page(store)
        located = {event.id: event for event in read_events(store) if event.points}
    path = tmp_path_factory.mktemp("acled") / "timeline.html"
    path.write_text(text, encoding="utf-8")
    return path, located


def entry(page_text: str, event_id: str) -> str:
    found = re.search(rf'<li id="e-{re.escape(event_id)}">(.*?)</li>', page_text, re.S)
    assert found, event_id
    return re.sub(r"<[^>]+>", " ", found[1])


# --- what the page says ------------------------------------------------------------------------

def test_each_event_at_its_date_with_its_precision(events, page):
    assert events["2024-01-27-ogota"].when() == "2024-01-27 (day)"
    assert events["2024-01-kalala"].when() == "2024-01 (month)"
    assert events["2015-peace-agreement"].when() == "2015 (year)"
    assert events["2024-06-jnim-bandiagara-campaign"].when() == "2024-06-01 to 2024-11-30 (interval)"
    late = next(e for e in events.values() if e.precision == "part-of-year")
    assert late.when() == "2023-09-01 to 2023-12-31 (part of a year)" and late.date_text == "in late 2023"
    text = page.read_text(encoding="utf-8")
    ogota = entry(text, "2024-01-27-ogota")
    assert "2024-01-27 (day) — “On January 27”" in ogota
    # The chapter: 28 villagers killed in Ogota, at least 150 homes burned, by JNIM.
    assert "killed: 28 (villagers)" in ogota and "homes burned: at least 150" in ogota
    assert "JNIM (stated)" in ogota and "World Report 2025: Mali (2025-01)" in ogota
    assert "Mopti" in ogota
    dawsahak = entry(text, "2024-07-19-dawsahak-camp")
    assert "ISGS (alleged)" in dawsahak and "killed: at least 7 (men)" in dawsahak
    assert "alleged Islamic State in the Greater Sahara (ISGS) fighters attacked a camp" in dawsahak
    # A day is a dot; a month, an interval or a year a bar over its days.
    assert re.search(r'data-event="2024-01-27-ogota"><circle ', text)
    assert re.search(r'data-event="2024-01-kalala"><rect ', text)
    assert 'class="mark conflict p-month"' in text and 'class="mark political p-year"' in text


def test_political_and_civic_space_events_have_their_own_band(events, page):
    political = {e.id for e in events.values() if e.political}
    assert {"2024-aeem-dissolved", "2024-journalists-arrested", "2024-06-icc-conviction",
            "2023-09-election-postponed", "2024-01-ecowas-withdrawal"} <= political
    assert not {"2024-01-27-ogota", "2024-01-kalala", "2024-06-jnim-bandiagara-campaign"} & political
    text = page.read_text(encoding="utf-8")
    for event in political:
        assert f'class="mark political' in text.split(f'data-event="{event}"')[0].rsplit("<a ", 1)[1]
    assert f"Political and civic space ({len(political)})" in text
    assert f"Armed conflict ({len(events) - len(political)})" in text


def test_lanes_group_by_region_and_by_actor(page):
    text = page.read_text(encoding="utf-8")
    by_region = text.split('<div class="view-region">')[1].split('<div class="view-actor">')[0]
    by_actor = text.split('<div class="view-actor">')[1].split("</div>")[0]
    lanes = lambda svg: re.findall(r'<text class="lane-name"[^>]*>[^<]*<title>([^<]*)</title>', svg)
    assert {"Mopti", "Segou", "Bandiagara", "Timbuktu", "Region not stated"} <= set(lanes(by_region))
    assert {"JNIM", "Dozo", "Wagner Group", "Military junta", "ISGS"} <= set(lanes(by_actor))
    # Ogota is one mark by region (Mopti), and one per actor (JNIM and Civilians) by actor.
    assert by_region.count('data-event="2024-01-27-ogota"') == 1
    assert by_actor.count('data-event="2024-01-27-ogota"') == 2


def test_no_map_without_coordinates_and_none_invented(page):
    text = page.read_text(encoding="utf-8")
    assert 'id="no-map"' in text and '<svg class="map"' not in text


def test_map_draws_only_the_coordinates_the_imports_give(acled_page):
    path, located = acled_page
    text = path.read_text(encoding="utf-8")
    svg = text.split('<svg class="map"')[1].split("</svg>")[0]
    # ACLED gives Inekar 15.95 N 3.15 E (MLI90006, the Dawsahak camp) and Dinangourou 14.44 N 2.23 W.
    assert located["acled-mli90006"].points == [(15.95, 3.15, "Inekar")]
    assert located["acled-mli90004"].points == [(14.44, -2.23, "Near Dinangourou")]
    assert svg.count("<circle ") == sum(len(e.points) for e in located.values())
    assert "Inekar (15.95, 3.15)" in svg and "3°E" in svg and "15°N" in svg
    # Seeded events have no coordinates of their own and stay off the map.
    assert 'data-event="2024-01-27-ogota"' not in svg
    assert "2024-03-09 to 2024-03-15 (week)" in entry(text, "acled-mli90004")


# --- the file itself ---------------------------------------------------------------------------

def test_page_is_self_contained_runs_no_script_and_is_deterministic(page, tmp_path, store):
    text = page.read_text(encoding="utf-8")
    tags = start_tags(text)
    assert not {tag for tag, _ in tags} & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for tag, attrs in tags:
        assert not set(attrs) & {"src", "srcset", "action", "formaction", "poster"}, (tag, attrs)
        assert attrs.get("href", "#").startswith("#"), (tag, attrs)
    policy = next(attrs["content"] for tag, attrs in tags if attrs.get("http-equiv") == "Content-Security-Policy")
    assert policy.startswith("default-src 'none'") and "script-src" not in policy
    assert timeline_page(store) == text
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "timeline.html").read_text(encoding="utf-8") == text


def test_hostile_labels_are_text(tmp_path):
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    from graph.emit import build_graph
    from graph.namespaces import base_iri

    graph = build_graph()
    graph.set((URIRef(f"{base_iri()}event/2024-01-27-ogota"), RDFS.label,
               Literal("<script>window.__pwned=1</script>")))
    with open_store(seed_graph=graph) as store:
        text = timeline_page(store)
    assert "<script>" not in text and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text


# --- in Chromium -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    with Browser(height=1300) as chromium:
        yield chromium


@pytest.mark.browser
def test_timeline_renders_offline_and_switches_lanes(browser, page, events):
    tab = browser.open(page)
    try:
        marks = "document.querySelectorAll('.view-region a.mark').length"
        dated = sum(1 for e in events.values() if e.start or e.end)
        assert tab.evaluate(marks) == dated
        assert tab.evaluate("getComputedStyle(document.querySelector('.view-actor')).display") == "none"
        box = tab.evaluate("""(function () {
            var r = document.querySelector('.view-region a[data-event="2024-01-27-ogota"] circle').getBoundingClientRect();
            return [r.width, r.height, r.left];
        })()""")
        assert box[0] > 5 and box[1] > 5 and box[2] > 200
        tab.screenshot(ARTIFACTS / "timeline.png")
        tab.evaluate("document.getElementById('by-actor').click()")
        assert tab.evaluate("getComputedStyle(document.querySelector('.view-region')).display") == "none"
        assert tab.evaluate("document.querySelector('.view-actor svg').getBoundingClientRect().height") > 300
        tab.screenshot(ARTIFACTS / "timeline-by-actor.png")
        # A mark leads to the event's entry, in the page.
        tab.evaluate("document.querySelector('.view-actor a[data-event=\"2024-07-19-dawsahak-camp\"]')"
                     ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        assert tab.evaluate("location.hash") == "#e-2024-07-19-dawsahak-camp"
        assert tab.evaluate("document.querySelector(':target h4').textContent") == \
            events["2024-07-19-dawsahak-camp"].label
        assert tab.problems() == {"console_errors": [], "outside_requests": []}
    finally:
        tab.close()


@pytest.mark.browser
def test_map_renders_offline(browser, acled_page):
    path, located = acled_page
    tab = browser.open(path)
    try:
        assert tab.evaluate("document.querySelectorAll('svg.map circle').length") == \
            sum(len(e.points) for e in located.values())
        tab.evaluate("document.getElementById('map').scrollIntoView()")
        tab.screenshot(ARTIFACTS / "timeline-map.png")
        assert tab.problems() == {"console_errors": [], "outside_requests": []}
    finally:
        tab.close()


def test_timeline_reads_an_on_disk_store(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["synth", "-n", "40", "-o", str(tmp_path / "s.nt")]).exit_code == 0
    loaded = runner.invoke(main, ["load", str(tmp_path / "s.nt"), "--store", str(tmp_path / "store")])
    assert loaded.exit_code == 0, loaded.output + loaded.stderr
    result = runner.invoke(main, ["timeline", "--store", str(tmp_path / "store"), "-o", str(tmp_path / "t.html")])
    assert result.exit_code == 0, result.output + result.stderr
    text = (tmp_path / "t.html").read_text(encoding="utf-8")
    with open_store(tmp_path / "store") as store:
        events = read_events(store)
    # The bundled seeds' events (the dissolutions stand without an umbrella) and the 40 synthetic ones.
    with open_store() as seeds:
        seeded = read_events(seeds)
    assert len(seeded) > 54  # more than the World Report chapter alone gave
    assert len(events) == len(seeded) + 40
    assert len(re.findall(r'<li id="e-', text)) == len(events)
    assert text.count('<li id="e-syn-') == 40
