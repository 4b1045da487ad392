"""ACLED interoperability: import ACLED's CSV exports into the graph, export incidents in ACLED's layout.

Import (``import_csv``) reads every ACLED layout by its header: the current columns, the
pre-2022 ones (no disorder_type, civilian_targeting or tags), HDX copies (a second header line
of HXL tags) and "dyadic" files (one row per actor of an event, no actor2 column). Rows are
streamed one by one, checked, and written as N-Triples to a temporary file that the store then
bulk-loads in one all-or-nothing load. ACLED's actor and place names are resolved to the
graph's own through the alias table ``seeds/acled-aliases.csv`` and the graph's labels; other
names become new actors and places. Every IRI is minted from ``event_id_cnty`` and the names, so
importing a file again adds nothing.

Export (``export_csv``) writes every ``mk:Incident`` as one row of ACLED's current layout.

The model is that of docs/model.md; the ACLED wording of event types and actor types comes from
the ``acled:`` mirror concepts of ontology/vocabulary.ttl, not from a table here.

Modules, one job each: ``codebook`` (columns, layouts, ACLED's terms from the vocabulary),
``names`` (comparing names, slugs), ``aliases`` (the alias table), ``reader`` (CSV records and
checked rows), ``resolve`` (names to the graph's actors and places), ``triples`` (which column
says what, written through graph/triples.py), ``importer`` (import_csv, write_triples),
``report`` (the import report), ``export`` (export_csv).
"""
from __future__ import annotations

from .aliases import Alias, AliasTable, read_aliases
from .codebook import CURRENT_COLUMNS, REQUIRED_COLUMNS, Codebook, codebook
from .export import ExportResult, export_csv
from .importer import import_csv, write_triples
from .names import slugify
from .report import AcledImportFailed, BadRow, ImportReport, NameMatch

__all__ = ["import_csv", "write_triples", "export_csv", "read_aliases", "codebook", "ImportReport", "NameMatch",
           "BadRow", "AcledImportFailed", "ExportResult", "AliasTable", "Alias", "Codebook", "CURRENT_COLUMNS",
           "REQUIRED_COLUMNS", "slugify"]
