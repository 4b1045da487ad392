"""Reading SELECT answers as plain Python values, for the import and the export."""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib.namespace import XSD


def _select(store, body: str) -> list[tuple]:
    """A SELECT's rows as tuples of plain values (IRIs and literals as strings, None unbound)."""
    result = store.query(body)
    rows = [tuple(_value(term) for term in solution) for solution in result]
    del result  # a DiskStore load needs every result released
    return rows


def _value(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value == str(XSD.boolean):
            return term.value in ("true", "1")
        return term.value
    return term.value


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]
