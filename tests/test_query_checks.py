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
