"""The actor-network page: self-contained, deterministic, filtered, safe, and working in Chromium."""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from browser import Browser, chromium_missing
from pages import start_tags
from cli import main
from graph.analysis import signed_network
from graph.html import actor_network_page, network_page, script_json, source_citation
from graph.emit import build_graph
from graph.namespaces import OA, base_iri
from graph.store import open_store

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
READY = "document.body.dataset.state === 'ready'"

HOSTILE = {
    "jnim": "<img src=x onerror=window.__pwned=1>",
    "wagner": "</script><script>window.__pwned=2</script>",
    "russia": "<a href=javascript:window.__pwned=3>Russia</a>",
}
HOSTILE_QUOTE = "<img src=y onerror=window.__pwned=4> \u2028 & <!-- </script>"


def page_data(page: str) -> dict:
    """The nodes, edges and options the page hands to vis-network."""
    block = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', page, re.S)
    return json.loads(block[1])


def write_page(runner: CliRunner, path: str, *options: str) -> str:
    result = runner.invoke(main, ["network", "-o", path, *options])
    assert result.exit_code == 0, result.output + result.stderr
    return Path(path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "actors.html"
    write_page(CliRunner(), str(path))
    return path


@pytest.fixture(scope="module")
def hostile_store():
    graph = build_graph()
    for slug, name in HOSTILE.items():
        graph.set((URIRef(f"{base_iri()}actor/{slug}"), RDFS.label, Literal(name)))
    quote = next(graph.subjects(OA.exact, Literal("the Russia-linked Wagner Group")))
    graph.set((quote, OA.exact, Literal(HOSTILE_QUOTE)))
    with open_store(seed_graph=graph) as store:
        yield store


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory, hostile_store):
    path = tmp_path_factory.mktemp("hostile") / "hostile.html"
    path.write_text(actor_network_page(hostile_store), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    with Browser() as chromium:
        yield chromium


# ---------------------------------------------------------------------------
# The file itself
# ---------------------------------------------------------------------------

def test_page_is_one_file_that_loads_nothing_and_writes_no_lib_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = write_page(CliRunner(), "actors.html")
    assert sorted(os.listdir(tmp_path)) == ["actors.html"]  # pyvis's local mode would add lib/
    tags = start_tags(page)
    names = {tag for tag, _ in tags}
    assert not names & {"link", "img", "iframe", "object", "embed", "base", "frame", "audio", "video"}
    for tag, attrs in tags:
        assert not set(attrs) & {"src", "href", "srcset", "action", "formaction", "poster"}, (tag, attrs)
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page)
    assert "@import" not in page
    policy = next(attrs["content"] for tag, attrs in tags
                  if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    # vis-network is inlined with its licence header.
    assert "@license" in page and "vis.js is dual licensed" in page


def test_same_graph_same_bytes_and_build_writes_the_same_page(tmp_path, seed_page):
    again = write_page(CliRunner(), str(tmp_path / "again.html"))
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'site' / 'actors.html'}" in result.output
    built = (tmp_path / "site" / "actors.html").read_text(encoding="utf-8")
    assert again == seed_page.read_text(encoding="utf-8") == built


def test_the_page_is_the_same_whatever_the_hash_seed(tmp_path, seed_page):
    # Sets of actor ids iterate in an order Python's hash seed picks for each process; the
    # layout must not follow it (the seeds' small components were drawn mirrored by some seeds).
    import subprocess
    import sys

    pages = []
    for hash_seed in ("1", "3"):
        path = tmp_path / f"seed-{hash_seed}.html"
        subprocess.run([sys.executable, "-m", "graph.cli", "network", "-o", str(path)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        pages.append(path.read_bytes())
    assert pages[0] == pages[1] == seed_page.read_bytes()


def test_page_shows_the_signed_network_with_title_source_and_dates(store, seed_page):
    page = seed_page.read_text(encoding="utf-8")
    data = page_data(page)
    network = signed_network(store)
    assert sorted(node["id"] for node in data["nodes"]) == sorted(network.nodes)
    assert sorted(edge["id"] for edge in data["edges"]) == sorted(key for _, _, key in network.edges(keys=True))
    assert data["options"]["layout"]["randomSeed"]
    citation = source_citation(store)
    # One citation per bundled source document, sorted, the World Report chapter among them.
    documents = sorted((Path(__file__).resolve().parents[1] / "seeds" / "sources").iterdir())
    assert len(citation.split("; ")) == len([d for d in documents if d.is_dir()]) > 1
    assert 'Human Rights Watch, "World Report 2025: Mali"' in citation
    assert f"Source: {html.escape(citation)}" in page
    assert "<h1>Mali actor network</h1>" in page
    dated = sorted(d[name] for _, _, d in network.edges(data=True) for name in ("start", "end") if d[name])
    assert f"dates shown: {dated[0]} to {dated[-1]}" in page
    assert f"{network.number_of_nodes()} actors, {network.number_of_edges()} ties" in page
    nodes = {node["id"]: node for node in data["nodes"]}
    # JNIM has the most incidents in the chapter, so it is drawn largest.
    assert max(nodes.values(), key=lambda node: node["size"])["id"] == "jnim"
    assert nodes["jnim"]["label"] == "JNIM" and "15 incident(s)" in nodes["jnim"]["title"]
    edges = {edge["id"]: edge for edge in data["edges"]}
    proxy = edges["relation:dozo-alleged-proxy-malian-armed-forces"]
    assert proxy["dashes"] and "certainty: alleged" in proxy["title"]
    assert "“allegations that Dozo and other self-defense groups have acted as Malian army proxies”" \
        in proxy["title"]
    ogota = edges["retaliation:ogota-ouembe-retaliation"]
    assert "when: 2024-01-27" in ogota["title"] and "according to: Villagers of Ogota" in ogota["title"]


def test_nodes_can_be_sized_by_victims(store):
    network = signed_network(store)
    data = page_data(network_page(network, size_by="victims"))
    most = max(network.nodes, key=lambda node: network.nodes[node]["victims"])
    assert max(data["nodes"], key=lambda node: node["size"])["id"] == most


def test_filters_change_the_actors_and_ties_shown(tmp_path, seed_page):
    runner = CliRunner()
    everything = page_data(seed_page.read_text(encoding="utf-8"))
    wagner_page = write_page(runner, str(tmp_path / "wagner.html"), "--actor", "Wagner")
    since = page_data(write_page(runner, str(tmp_path / "since.html"), "--since", "2024-06-01"))
    hostile = page_data(write_page(runner, str(tmp_path / "hostility.html"), "--relation", "hostility"))
    neighbours = {"wagner"} | {edge["to"] for edge in everything["edges"] if edge["from"] == "wagner"} \
        | {edge["from"] for edge in everything["edges"] if edge["to"] == "wagner"}
    wagner = page_data(wagner_page)
    assert {node["id"] for node in wagner["nodes"]} == neighbours
    assert {"malian-armed-forces", "russia", "foreign-fighters"} <= neighbours
    assert "jnim" in neighbours  # they fought at Tinzaouaten (July 2024)
    assert "dozo" not in neighbours
    assert "<h1>Mali actor network around Wagner Group</h1>" in wagner_page
    # The chapter's retaliation claims: Ogota and Ouembe (January 27), Boura and Kalala (January),
    # the Bandiagara campaign (June to November), the Dawsahak camp (July 19).
    retaliation = {edge["id"] for edge in since["edges"] if edge["id"].startswith("retaliation:")}
    assert retaliation == {"retaliation:bandiagara-campaign-retaliation", "retaliation:dawsahak-camp-retaliation"}
    assert len(since["nodes"]) < len(everything["nodes"])
    # The window drops the actors left with no tie in it (ACLED, the ICC, ...).
    since_tied = {edge["from"] for edge in since["edges"]} | {edge["to"] for edge in since["edges"]}
    assert {node["id"] for node in since["nodes"]} == since_tied and "acled" not in since_tied
    assert all("(negative)" in edge["title"] for edge in hostile["edges"])
    assert {node["id"] for node in hostile["nodes"]} < {node["id"] for node in everything["nodes"]}


def test_bad_filters_fail_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["network", "-o", str(tmp_path / "x.html"), "--actor", "nobody-at-all"])
    assert result.exit_code != 0 and "nobody-at-all" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert os.listdir(tmp_path) == []


def test_hostile_names_are_escaped_in_the_file(hostile_store, hostile_page):
    page = hostile_page.read_text(encoding="utf-8")
    for name in [*HOSTILE.values(), HOSTILE_QUOTE]:
        assert name not in page
    data = page_data(page)
    labels = {node["id"]: node["label"] for node in data["nodes"]}
    assert {slug: labels[slug] for slug in HOSTILE} == HOSTILE
    assert any(HOSTILE_QUOTE in edge["title"] for edge in data["edges"])
    around = actor_network_page(hostile_store, actor="jnim")
    assert "<h1>Mali actor network around &lt;img src=x onerror=window.__pwned=1&gt;</h1>" in around
    assert "<title>Mali actor network around &lt;img src=x" in around


def test_script_json_cannot_close_its_script_element():
    text = script_json({"name": "</script><!-- \u2028 & \u2029 -->"})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"name": "</script><!-- \u2028 & \u2029 -->"}


# ---------------------------------------------------------------------------
# In a real, offline Chromium
# ---------------------------------------------------------------------------

def _centre_of(page, node: str) -> tuple[float, float]:
    return tuple(page.evaluate(f"""(function () {{
        var at = network.canvasToDOM(network.getPositions([{json.dumps(node)}])[{json.dumps(node)}]);
        var box = document.getElementById("network").getBoundingClientRect();
        return [at.x + box.left, at.y + box.top];
    }})()"""))


def _on_edge(page, edge: str, t: float = 0.35) -> tuple[float, float]:
    """A point on the drawn ``edge`` (curved or not), a fraction ``t`` of the way along, in page pixels."""
    return tuple(page.evaluate(f"""(function () {{
        var drawn = network.body.edges[{json.dumps(edge)}];
        var at = network.canvasToDOM(drawn.edgeType.getPoint({t}));
        var box = document.getElementById("network").getBoundingClientRect();
        return [at.x + box.left, at.y + box.top];
    }})()"""))


def _tooltip_after_hover(page, x: float, y: float) -> str:
    page.hover(1, 1)
    page.hover(x, y)
    page.wait_until("document.querySelector('div.vis-tooltip') && "
                    "document.querySelector('div.vis-tooltip').style.visibility === 'visible'")
    return page.evaluate("document.querySelector('div.vis-tooltip').textContent")


@pytest.mark.browser
def test_seed_page_works_offline_in_chromium(browser, store, seed_page):
    page = browser.open(seed_page)
    try:
        page.wait_until(READY)
        network = signed_network(store)
        assert page.evaluate("network.body.data.nodes.length") == network.number_of_nodes()
        assert page.evaluate("network.body.data.edges.length") == network.number_of_edges()
        # Physics ran with the fixed seed, settled, and was switched off.
        assert page.evaluate("network.physics.physicsEnabled") is False
        assert page.evaluate("document.title") == "Mali actor network"
        legend = page.evaluate("Array.from(document.querySelectorAll('ul.legend li')).map(li => li.textContent)")
        assert {"Rebel group", "State forces", "Attack", "Retaliation (as claimed)", "Alleged proxy"} <= set(legend)

        tooltip = _tooltip_after_hover(page, *_centre_of(page, "jnim"))
        assert tooltip.startswith("JNIM") and "incident(s)" in tooltip
        # Three documents tie Wagner to Russia; hover the chapter's edge itself, clear of other actors.
        tooltip = _tooltip_after_hover(page, *_on_edge(page, "relation:wagner-affiliation-russia"))
        assert "Wagner Group → Russia" in tooltip and "“the Russia-linked Wagner Group”" in tooltip
        page.screenshot(ARTIFACTS / "actors.png")

        options = page.evaluate("Array.from(document.querySelectorAll('#actor-names option')).map(o => o.value)")
        assert len(options) == network.number_of_nodes() and "Wagner Group" in options
        page.evaluate("""(function () {
            var input = document.getElementById('search');
            input.value = 'wagner gr';
            input.dispatchEvent(new Event('change'));
        })()""")
        assert page.evaluate("network.getSelectedNodes()") == ["wagner"]

        assert page.problems() == {"console_errors": [], "outside_requests": []}
    finally:
        page.close()


@pytest.mark.browser
def test_hostile_names_render_as_text_and_run_nothing(browser, hostile_page):
    page = browser.open(hostile_page)
    try:
        page.wait_until(READY)
        for slug, name in HOSTILE.items():
            assert page.evaluate(f"network.body.data.nodes.get({json.dumps(slug)}).label") == name
        tooltip = _tooltip_after_hover(page, *_centre_of(page, "jnim"))
        assert tooltip.startswith(HOSTILE["jnim"])
        # Three documents tie Wagner to Russia; hover the chapter's edge itself, clear of other actors.
        tooltip = _tooltip_after_hover(page, *_on_edge(page, "relation:wagner-affiliation-russia"))
        assert f"{HOSTILE['wagner']} → {HOSTILE['russia']}" in tooltip and HOSTILE_QUOTE in tooltip
        options = page.evaluate("Array.from(document.querySelectorAll('#actor-names option')).map(o => o.value)")
        assert set(HOSTILE.values()) <= set(options)
        assert page.evaluate("document.querySelectorAll('img, a, iframe').length") == 0
        assert page.evaluate("document.scripts.length") == 3  # the data block, vis-network, the page's own
        assert page.evaluate("typeof window.__pwned") == "undefined"
        page.screenshot(ARTIFACTS / "actors-hostile.png")
        page.drain()
        assert page.report.console_errors == []
    finally:
        page.close()


# ---------------------------------------------------------------------------
# Layout, panel and filters: in the file
# ---------------------------------------------------------------------------

def _boxes_overlap(a: dict, b: dict) -> bool:
    from graph.html import _box

    (aw, ah, ao), (bw, bh, bo) = _box(a), _box(b)
    return abs(a["x"] - b["x"]) < (aw + bw) / 2 - 1 and abs((a["y"] + ao) - (b["y"] + bo)) < (ah + bh) / 2 - 1


def test_layout_sets_lone_actors_apart_and_keeps_labels_from_overlapping(store, seed_page):
    data = page_data(seed_page.read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in data["nodes"]}
    assert all(isinstance(node["x"], int) and isinstance(node["y"], int) for node in nodes.values())
    assert data["options"]["physics"]["enabled"] is False
    tied = {edge["from"] for edge in data["edges"]} | {edge["to"] for edge in data["edges"]}
    lonely = set(nodes) - tied
    # The documents name actors with no tie (ACLED, the ICC, Spain, the outlets themselves...).
    network = signed_network(store)
    assert len(nodes) == network.number_of_nodes() > len(lonely) > 0
    assert lonely == {node for node in network.nodes if network.degree(node) == 0}
    assert {"acled", "icc", "spain", "wikipedia"} <= lonely
    assert data["groups"] == [{"label": "No tie in this view", "x": data["groups"][0]["x"],
                               "y": data["groups"][0]["y"]}]
    # The lone actors form one block that no tied actor's position falls inside.
    xs, ys = [nodes[n]["x"] for n in lonely], [nodes[n]["y"] for n in lonely]
    assert not [n for n in tied if min(xs) <= nodes[n]["x"] <= max(xs) and min(ys) <= nodes[n]["y"] <= max(ys)]
    overlapping = [(a, b) for a in sorted(nodes) for b in sorted(nodes) if a < b and _boxes_overlap(nodes[a], nodes[b])]
    assert overlapping == []
    # The dense cluster is spread: JNIM, the army, Wagner and the Dozo are each well apart.
    cluster = ["jnim", "malian-armed-forces", "wagner", "dozo"]
    assert min(((nodes[a]["x"] - nodes[b]["x"]) ** 2 + (nodes[a]["y"] - nodes[b]["y"]) ** 2) ** 0.5
               for a in cluster for b in cluster if a < b) > 60


def test_panels_hold_aliases_incidents_and_ties_with_their_documents(seed_page):
    data = page_data(seed_page.read_text(encoding="utf-8"))
    panels = dict(data["panel"])
    isgs = panels["isgs"]
    assert isgs["aliases"] == ["Islamic State in the Greater Sahara"]
    camp = next(i for i in isgs["incidents"] if i["id"] == "2024-07-19-dawsahak-camp")
    assert (camp["when"], camp["toll"], camp["role"], camp["certainty"]) == \
        ("2024-07-19 (day)", "killed: at least 7 (men)", "perpetrator", "alleged")
    assert camp["documents"] == ["World Report 2025: Mali (2025-01)"]
    tie = next(t for t in isgs["ties"] if t["edge"] == "attack:isgs>dawsahak")
    assert tie["documents"] == ["World Report 2025: Mali (2025-01)"] and tie["claimant"] == "Human Rights Watch"
    assert any("alleged Islamic State in the Greater Sahara (ISGS) fighters" in q for q in tie["quotes"])
    kalala = next(i for i in panels["dozo"]["incidents"] if i["id"] == "2024-01-kalala")
    assert (kalala["when"], kalala["toll"]) == ("2024-01 (month)", "killed: 13 (people)")
    edges = {edge["id"]: edge for edge in data["edges"]}
    assert "in: World Report 2025: Mali (2025-01)" in edges["retaliation:kalala-retaliation"]["title"]
    assert edges["retaliation:kalala-retaliation"]["regions"] == ["Segou"]
    assert edges["relation:msa-d-hostility-isgs"]["spans"] == [["", ""]]
    assert len(edges["attack:jnim>civilians"]["spans"]) == 8  # 13 incidents on 8 dates


# ---------------------------------------------------------------------------
# Layout, panel and filters: in Chromium
# ---------------------------------------------------------------------------

def _search(page, text: str) -> None:
    page.evaluate(f"""(function () {{
        var input = document.getElementById('search');
        input.value = {json.dumps(text)};
        input.dispatchEvent(new Event('change'));
    }})()""")


def _panel(page) -> dict:
    return page.evaluate("""({
        hidden: document.getElementById('panel').hidden,
        name: document.getElementById('panel-name').textContent,
        aliases: document.getElementById('panel-aliases').textContent,
        incidents: Array.from(document.querySelectorAll('#panel-incidents li')).map(li => li.textContent),
        ties: Array.from(document.querySelectorAll('#panel-ties li')).map(li => li.textContent)
    })""")


def _visible_edges(page) -> set[str]:
    return set(page.evaluate("network.body.data.edges.get({filter: e => !e.hidden}).map(e => e.id)"))


@pytest.mark.browser
def test_search_by_alias_opens_the_panel_and_a_failed_search_clears_it(browser, seed_page):
    page = browser.open(seed_page)
    try:
        page.wait_until(READY)
        _search(page, "Islamic State")
        assert page.evaluate("network.getSelectedNodes()") == ["isgs"]
        panel = _panel(page)
        assert not panel["hidden"] and panel["name"] == "ISGS"
        assert panel["aliases"] == "Also called: Islamic State in the Greater Sahara"
        camp = next(text for text in panel["incidents"] if "displaced Dawsahak" in text)
        assert "2024-07-19 (day)" in camp and "killed: at least 7 (men)" in camp and "perpetrator (alleged)" in camp
        assert any("in World Report 2025: Mali (2025-01)" in tie and "Dawsahak" in tie for tie in panel["ties"])
        page.screenshot(ARTIFACTS / "actors-search-alias.png")
        for missing in ("nobody at all", "constructor", "__proto__", "toString"):
            _search(page, missing)
            assert page.evaluate("network.getSelectedNodes()") == [], missing
            assert _panel(page)["hidden"] is True
            assert page.evaluate("document.getElementById('search-status').textContent") == \
                "No actor by that name or alias in this view."
        page.drain()
        assert page.report.console_errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_clicking_an_actor_opens_its_panel(browser, seed_page):
    page = browser.open(seed_page)
    try:
        page.wait_until(READY)
        x, y = _centre_of(page, "dozo")
        for kind in ("mousePressed", "mouseReleased"):
            page.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})
        page.wait_until("!document.getElementById('panel').hidden")
        panel = _panel(page)
        assert panel["name"] == "Dozo"
        assert any("Dozo attack on Kalala" in text and "killed: 13 (people)" in text for text in panel["incidents"])
        assert any("is alleged" in tie or "alleged proxy" in tie for tie in panel["ties"])
        page.screenshot(ARTIFACTS / "actors-panel.png")
    finally:
        page.close()


@pytest.mark.browser
def test_names_such_as_constructor_are_just_names(browser, tmp_path):
    graph = build_graph()
    for slug, name in (("jnim", "constructor"), ("wagner", "__proto__")):
        graph.set((URIRef(f"{base_iri()}actor/{slug}"), RDFS.label, Literal(name)))
    with open_store(seed_graph=graph) as odd:
        path = tmp_path / "odd.html"
        path.write_text(actor_network_page(odd), encoding="utf-8")
    page = browser.open(path)
    try:
        page.wait_until(READY)
        for name, slug in (("constructor", "jnim"), ("__proto__", "wagner")):
            _search(page, name)
            assert page.evaluate("network.getSelectedNodes()") == [slug]
            assert _panel(page)["name"] == name
        page.drain()
        assert page.report.console_errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_filters_by_relation_time_and_region_match_the_command_line(browser, store, seed_page, tmp_path):
    runner = CliRunner()
    page = browser.open(seed_page)
    try:
        page.wait_until(READY)
        everything = _visible_edges(page)
        assert everything == {key for _, _, key in signed_network(store).edges(keys=True)}
        page.evaluate("""Array.from(document.querySelectorAll('#relation-filter input')).forEach(function (box) {
            if (box.value !== 'retaliation') { box.click(); }
        })""")
        retaliation = {e["id"] for e in page_data(write_page(runner, str(tmp_path / "r.html"),
                                                             "--relation", "retaliation"))["edges"]}
        assert _visible_edges(page) == retaliation
        # From 2024-06-01 on: the Bandiagara campaign and the Dawsahak camp, as --since says.
        page.evaluate("""(function () {
            var from = document.getElementById('time-from');
            var days = network.body.data.edges.get().flatMap(e => e.spans.flat()).filter(d => d);
            days = Array.from(new Set(days)).sort();
            from.value = String(days.findIndex(d => d >= '2024-06-01'));
            from.dispatchEvent(new Event('input'));
        })()""")
        assert _visible_edges(page) == {"retaliation:bandiagara-campaign-retaliation",
                                        "retaliation:dawsahak-camp-retaliation"}
        assert page.evaluate("document.getElementById('time-window').textContent").startswith("2024-06-")
        page.screenshot(ARTIFACTS / "actors-filtered.png")
        # Back to every tie and date, then one region: the same ties as --region segou.
        page.evaluate("""(function () {
            Array.from(document.querySelectorAll('#relation-filter input')).forEach(function (box) {
                if (!box.checked) { box.click(); }
            });
            var from = document.getElementById('time-from');
            from.value = '0';
            from.dispatchEvent(new Event('input'));
        })()""")
        assert _visible_edges(page) == everything
        page.evaluate("""(function () {
            var region = document.getElementById('region-filter');
            region.value = 'Segou';
            region.dispatchEvent(new Event('change'));
        })()""")
        segou = {e["id"] for e in page_data(write_page(runner, str(tmp_path / "s.html"), "--region", "segou"))["edges"]}
        assert _visible_edges(page) == segou
        shown = set(page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
        assert shown == {e["from"] for e in page_data((tmp_path / "s.html").read_text())["edges"]} | \
            {e["to"] for e in page_data((tmp_path / "s.html").read_text())["edges"]}
        page.screenshot(ARTIFACTS / "actors-segou.png")
        assert page.problems() == {"console_errors": [], "outside_requests": []}
    finally:
        page.close()
