"""The actor-network page: self-contained, deterministic, filtered, safe, and working in Chromium."""
from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from browser import Browser, chromium_missing
from cli import main
from graph.analysis import signed_network
from graph.html import actor_network_page, network_page, script_json, source_citation
from graph.load import build_graph
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

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_is_one_file_that_loads_nothing_and_writes_no_lib_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = write_page(CliRunner(), "actors.html")
    assert sorted(os.listdir(tmp_path)) == ["actors.html"]  # pyvis's local mode would add lib/
    parser = _Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"link", "img", "iframe", "object", "embed", "base", "frame", "audio", "video"}
    for tag, attrs in parser.tags:
        assert not set(attrs) & {"src", "href", "srcset", "action", "formaction", "poster"}, (tag, attrs)
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page)
    assert "@import" not in page
    policy = next(attrs["content"] for tag, attrs in parser.tags
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


def test_page_shows_the_signed_network_with_title_source_and_dates(store, seed_page):
    page = seed_page.read_text(encoding="utf-8")
    data = page_data(page)
    network = signed_network(store)
    assert sorted(node["id"] for node in data["nodes"]) == sorted(network.nodes)
    assert sorted(edge["id"] for edge in data["edges"]) == sorted(key for _, _, key in network.edges(keys=True))
    assert data["options"]["layout"]["randomSeed"]
    citation = source_citation(store)
    assert citation.startswith("Human Rights Watch") and "World Report 2025" in citation
    assert f"Source: {citation.replace(chr(34), '&quot;')}" in page
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
    assert "jnim" not in neighbours
    assert "<h1>Mali actor network around Wagner Group</h1>" in wagner_page
    # The chapter's retaliation claims: Ogota and Ouembe (January 27), Boura and Kalala (January),
    # the Bandiagara campaign (June to November), the Dawsahak camp (July 19).
    retaliation = {edge["id"] for edge in since["edges"] if edge["id"].startswith("retaliation:")}
    assert retaliation == {"retaliation:bandiagara-campaign-retaliation", "retaliation:dawsahak-camp-retaliation"}
    assert len(since["nodes"]) < len(everything["nodes"])
    assert "hrw" not in {node["id"] for node in since["nodes"]}  # no tie left in the window
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
        wagner, russia = _centre_of(page, "wagner"), _centre_of(page, "russia")
        tooltip = _tooltip_after_hover(page, (wagner[0] + russia[0]) / 2, (wagner[1] + russia[1]) / 2)
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

        page.drain()
        assert page.report.console_errors == []
        assert [url for url in page.report.requests if not url.startswith(("file:", "data:"))] == []
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
        wagner, russia = _centre_of(page, "wagner"), _centre_of(page, "russia")
        tooltip = _tooltip_after_hover(page, (wagner[0] + russia[0]) / 2, (wagner[1] + russia[1]) / 2)
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
