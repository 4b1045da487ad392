"""The bundled queries' read-only check, done ahead of time: current, equal to a fresh parse, and
never used for a text it was not made from."""
from __future__ import annotations

import json

import pytest

from graph import sparql
from graph.errors import MalikgError
from graph.queries import CHECKS_FILE, bundled_checks, list_queries, remember_bundled_checks


def test_the_shipped_checks_are_those_of_the_bundled_queries():
    shipped = json.loads(CHECKS_FILE.read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(bundled_checks())), (
        "queries/ changed: run  python -c 'from graph.queries import write_bundled_checks as w; w()'")


def test_a_remembered_check_says_what_parsing_says():
    remember_bundled_checks()
    for query in list_queries():
        assert sparql.CHECKED[query.text] == sparql.analyse_text(query.text), query.name


def test_a_changed_text_is_parsed_and_checked_again():
    remember_bundled_checks()
    text = list_queries()[0].text
    changed = text.rstrip() + "\nSERVICE"  # not a bundled text any more, and not valid SPARQL
    assert changed not in sparql.CHECKED
    with pytest.raises(MalikgError):
        sparql.inspect_query(changed)


def _verdict(info: sparql.QueryInfo) -> tuple:
    return info.form, info.services, info.datasets


def test_a_page_and_its_count_read_as_the_checked_query_does():
    # The engine runs the checked text with LIMIT/OFFSET appended, and a COUNT around it; a
    # fresh parse of both finds what the check of the original found, and the page's limits.
    remember_bundled_checks()
    lists = [query for query in list_queries() if query.page]
    assert len(lists) >= 10
    for query in lists:
        info = sparql.analyse(query.text)
        assert sparql.pageable(info), query.name
        bound = sparql.with_values(info.text, sparql.bind({}, query.declared))
        page, count = sparql.paged(info, bound, 7, 3)
        assert page.startswith(bound) and count.endswith("\n}\n")
        parsed_page, parsed_count = sparql.analyse_text(page), sparql.analyse_text(count)
        assert _verdict(parsed_page) == _verdict(info) == ("SELECT", (), ()), query.name
        assert (parsed_page.limit, parsed_page.offset) == (7, 3)
        assert _verdict(parsed_count) == _verdict(info) and parsed_count.variables == ("total",)
        # What the library remembered of the derived texts is what parsing them says.
        for text, parsed in ((page, parsed_page), (count, parsed_count)):
            assert sparql.analyse(text) == parsed, query.name


def test_a_query_with_its_own_limit_or_trailing_values_is_not_paged_by_the_engine():
    for text in ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5",
                 "SELECT ?s WHERE { ?s ?p ?o } OFFSET 5",
                 "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <urn:a> }",
                 "ASK { ?s ?p ?o }"):
        assert not sparql.pageable(sparql.analyse_text(text)), text
    with pytest.raises(ValueError):
        sparql.paged(sparql.analyse_text("ASK { ?s ?p ?o }"), "ASK { ?s ?p ?o }", 1)


def test_a_comment_at_the_end_does_not_swallow_the_page():
    text = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s # the end"
    info = sparql.analyse_text(text)
    page, count = sparql.paged(info, info.text, 2)
    assert sparql.analyse_text(page).limit == 2
    assert sparql.analyse_text(count).variables == ("total",)


def test_the_page_asked_of_an_endpoint_is_the_page_of_the_whole_answer():
    # What an endpoint is sent (LIMIT/OFFSET appended, a COUNT around it) answers, on a local
    # engine, as the whole answer sliced.
    from graph.queries import get_query
    from graph.store import open_store

    query = get_query("actor-timeline")
    with open_store() as store:
        target = store.oxigraph
        whole = sparql.run(store, query.text, declared=query.declared, timeout=None)
        for offset, limit in ((0, 4), (3, 5), (len(whole.rows) + 1, 2)):
            info = sparql.analyse(query.text)
            page, count = sparql.paged(info, sparql.with_values(info.text, sparql.bind({}, query.declared)),
                                       limit, offset)
            rows = [tuple(s) for s in target.query(page, use_default_graph_as_union=False)]
            assert rows == whole.rows[offset:offset + limit]
            counted = next(iter(target.query(count, use_default_graph_as_union=False)))
            assert int(counted[0].value) == len(whole.rows)
