"""The ``malikg`` command: a thin click layer over the ``graph`` library.

Each command is a short function whose docstring is its ``--help``. Logic lives in ``graph/``.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from graph import __version__, formats
from graph.errors import MalikgError


class _Registry(click.Choice):
    """The choices of a library registry (``module:NAME``), read when first needed so that the
    command starts without importing every module whose list it offers."""

    def __init__(self, where: str):
        self._where = where
        super().__init__(())

    @property
    def choices(self):
        module, name = self._where.split(":")
        return tuple(getattr(importlib.import_module(module), name))

    @choices.setter
    def choices(self, value):
        pass


class _Group(click.Group):
    """Turns a MalikgError anywhere below into one line on stderr and a non-zero exit."""

    def invoke(self, ctx):
        try:
            _check_base()
            return super().invoke(ctx)
        except MalikgError as error:
            click.echo(f"malikg: {error.line()}", err=True)
            sys.exit(error.exit_code)


def _check_base() -> None:
    """MALIKG_BASE, if set, must be an absolute IRI that every minted IRI can extend."""
    import os

    base = os.environ.get("MALIKG_BASE")
    if base is None:
        return
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(base + "actor/x")
    except ValueError:
        raise MalikgError(f"MALIKG_BASE must be an absolute IRI such as https://example.org/id/, "
                          f"not {base!r}") from None
    if any(c.isspace() for c in base) or not base.split(":", 1)[0].isalpha():
        raise MalikgError(f"MALIKG_BASE must be an absolute IRI such as https://example.org/id/, "
                          f"not {base!r}")


def _seconds(ctx, param, value):
    """A time limit: a finite number of seconds, 0 for none (nan and inf are not durations)."""
    import math

    if value is None:
        return value
    if not math.isfinite(value) or value < 0:
        raise MalikgError(f"--timeout must be a number of seconds of at least 0 (0: no limit), not {value}")
    return value


#: Largest --file query read, in bytes.
MAX_QUERY_FILE = 1 << 20


def _query_file(ctx, param, value):
    """A .rq file: a regular file no larger than MAX_QUERY_FILE (not /dev/zero, not a FIFO)."""
    import stat

    if value is None:
        return value
    try:
        info = value.stat()
    except OSError as error:
        raise MalikgError(f"--file {value}: cannot read it: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise MalikgError(f"--file {value}: not a regular file (a device or FIFO cannot hold a query)")
    if info.st_size > MAX_QUERY_FILE:
        raise MalikgError(f"--file {value}: {info.st_size} bytes; a query file may have at most {MAX_QUERY_FILE}")
    return value


def store_options(command):
    """--store DIR / --endpoint URL (or MALIKG_STORE / MALIKG_ENDPOINT); neither means the bundled seeds in memory."""
    command = click.option(
        "--endpoint", envvar="MALIKG_ENDPOINT", metavar="URL",
        help="A SPARQL 1.1 endpoint to use instead of the in-memory seed graph.")(command)
    command = click.option(
        "--store", "store_dir", envvar="MALIKG_STORE", metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="An on-disk Oxigraph store to use instead of the in-memory seed graph.")(command)
    return command


def load_target_options(command):
    """--update-url / --graph-store-url: how to write to an --endpoint (SPARQL Update or the Graph Store Protocol)."""
    command = click.option(
        "--graph-store-url", envvar="MALIKG_GRAPH_STORE", metavar="URL",
        help="With --endpoint: the Graph Store Protocol URL to load through (one POST per file).")(command)
    command = click.option(
        "--update-url", envvar="MALIKG_UPDATE_ENDPOINT", metavar="URL",
        help="With --endpoint: the SPARQL 1.1 Update URL to load through.")(command)
    return command


def network_filters(command):
    """--actor, --since, --until, --region, --relation: which part of the actor network to take."""
    for option in reversed((
        click.option("--actor", metavar="ACTOR", help="Only this actor and the actors tied to it."),
        click.option("--since", metavar="DATE",
                     help="Only ties that last until DATE (YYYY-MM-DD) or later; undated ties stay."),
        click.option("--until", metavar="DATE",
                     help="Only ties that began by DATE (YYYY-MM-DD); undated ties stay."),
        click.option("--region", metavar="REGION",
                     help="Only incidents in this region (a place id or name such as mopti), and the "
                          "actors involved."),
        click.option("--relation", type=_Registry("graph.analysis.vocabulary:RELATION_FILTERS"),
                     default="all", show_default=True,
                     help="Which ties: alliance (positive), hostility (negative), retaliation, or all."),
    )):
        command = option(command)
    return command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="malikg")
def main():
    """malikg: the armed conflict in Mali as an evidence-linked knowledge graph.

    Every actor, place, event, claimed motive and relation is tied to the exact
    sentence of Human Rights Watch's World Report 2025 chapter on Mali it came from.

    \b
    Start with:
      malikg build            build, validate and write out/graph.ttl
      malikg queries          list the research questions
      malikg query drone-strikes
      malikg chains           retaliation chains in time order
    """


# ---------------------------------------------------------------------------
# Foundation: build, validate, stats
# ---------------------------------------------------------------------------


@main.command()
@click.option("--out", "out_dir", default="out", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder to write into.")
@click.option("--seeds", "seeds_folders", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A seed folder (a corpus, or one document's folder) to build instead of the "
                   "bundled one; repeat to build several as one corpus.")
@load_target_options
@store_options
def build(out_dir, seeds_folders, update_url, graph_store_url, store_dir, endpoint):
    """Build the graph from the seeds, validate it, and write DIR/graph.ttl.

    With --store or --endpoint, also load the built graph into that store (a new
    store gets the ontology and the built graph). The load adds: a fact deleted
    from the seeds stays in an existing store until the store is rebuilt.

    \b
    Examples:
      malikg build
      malikg build --out site/ --seeds my-seeds/
      malikg build --seeds seeds/ --seeds my-documents/new-report/
      malikg build --store data/mali.oxigraph
    """
    from graph.build import DOCUMENT_KINDS
    from graph.build import build as run_build

    result = run_build(out_dir, list(seeds_folders) or None, store_dir=store_dir, endpoint=endpoint,
                       update_url=update_url, data_url=graph_store_url)
    click.echo(f"built {result.triples} triples in {result.seconds:.2f} s "
               f"(SHACL-valid, every fact quoted)")
    for name, n in result.counts.items():
        click.echo(f"  {name:<22} {n:>6}")
    width = max([22, *map(len, result.per_document)])
    click.echo(f"  {'per document':<{width}}" + "".join(f" {name:>10}" for name in DOCUMENT_KINDS))
    for document, counts in result.per_document.items():
        click.echo(f"  {document:<{width}}" + "".join(f" {counts[name]:>10}" for name in DOCUMENT_KINDS))
    for path in result.files:
        click.echo(f"wrote {path}")
    if result.loaded_into:
        click.echo(f"loaded into {result.loaded_into}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--seeds", "seeds_folders", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Check these seed folders together as one corpus (repeat for several).")
def validate(paths, seeds_folders):
    """Check seed records or RDF files: integrity rules, then the SHACL shapes.

    With no PATH, checks the bundled seeds. A PATH may be a seed folder, a record
    file (events-extra.yaml, checked together with the bundled seeds) or an RDF file.
    Exits 1 when anything is wrong, naming each record and field.

    \b
    Examples:
      malikg validate
      malikg validate my-seeds/
      malikg validate seeds/sources/hrw-wr2025-mali/events.yaml out/graph.ttl
      malikg validate --seeds seeds/ --seeds my-documents/new-report/
    """
    from graph.validate_paths import validate_paths

    problems, checked = validate_paths(list(paths), list(seeds_folders))
    for line in problems:
        click.echo(line, err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"valid: {checked}")


@main.command()
@store_options
def stats(store_dir, endpoint):
    """Counts by class, perpetrator, region and year.

    \b
    Examples:
      malikg stats
      malikg stats --store data/mali.oxigraph
    """
    from graph.stats import render, statistics
    from graph.store import open_store

    with open_store(store_dir, endpoint) as store:
        click.echo(render(statistics(store)), nl=False)

# ---------------------------------------------------------------------------
# Research questions: queries, query
# ---------------------------------------------------------------------------

@main.command()
def queries():
    """List the named research questions and their parameters.

    \b
    Example:
      malikg queries
      malikg query drone-strikes -p since=2024-02-17
    """
    from graph.queries import describe_queries, list_queries

    click.echo(describe_queries(list_queries()), nl=False)


@main.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter; repeat for more.")
@click.option("--format", "fmt", type=_Registry("graph.sparql:FORMATS"), default="table",
              show_default=True, help="csv, tsv and json are the SPARQL 1.1 results formats.")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              callback=_query_file, help="Run the SPARQL query in this .rq file instead of a named one.")
@click.option("--sparql", metavar="QUERY", help="Run this SPARQL query text instead of a named one.")
@click.option("--allow-remote", is_flag=True, help="Allow SERVICE and FROM, which may reach the network.")
@click.option("--timeout", type=float, default=30.0, show_default=True, metavar="SECONDS", callback=_seconds,
              help="Give up on a query after this long (0: never).")
@click.option("--limit", type=click.IntRange(min=0), metavar="ROWS",
              help="Rows of a list to show (default: its page, 200 for most; 0: every row).")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="ROWS",
              help="Skip this many rows of a list first.")
@store_options
def query(name, params, fmt, file, sparql, allow_remote, timeout, limit, offset, store_dir, endpoint):
    """Answer a research question: a named query, a .rq file or SPARQL text.

    Queries are read-only: updates are refused, and so are SERVICE and FROM unless
    --allow-remote. malikg's prefixes (mk:, mkv:, sem:, rdfs:, actor:, event:, place:, ...)
    are predeclared. An ASK query prints true or false and exits 0 or 1.

    \b
    Examples:
      malikg query drone-strikes -p since=2024-02-17
      malikg query --file my.rq --format csv
      malikg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?e a mk:Incident }'
      malikg query actor-timeline -p actor=jnim --limit 50 --offset 100

    Lists (timelines, searches, per-event lists) show one page and the total count;
    aggregates always answer in full.
    """
    from graph.queries import check_query, chosen_query, parse_params, run_query
    from graph.sparql import format_result
    from graph.store import open_store

    chosen, values = chosen_query(name, file, sparql), parse_params(params)
    check_query(chosen, values, allow_remote=allow_remote)  # refuse before touching any store
    with open_store(store_dir, endpoint) as store:
        rows = chosen.page if limit is None else (limit or None)
        result = run_query(store, chosen, values, allow_remote=allow_remote, timeout=timeout,
                           limit=rows, offset=offset)
    output = format_result(result, fmt)
    if sys.stdout.isatty():  # a label's escape sequence must not reach the terminal raw
        from graph.table import visible

        output = visible(output.decode("utf-8"), keep="\n\r\t").encode("utf-8")
    click.echo(output, nl=not output.endswith(b"\n"))
    shown = len(result.rows)
    if result.form == "SELECT" and (shown < (result.total or 0) or offset):
        # Beside a table on standard output; on standard error for the machine formats.
        more = f"; --offset {offset + shown} for the next" if offset + shown < result.total else ""
        note = (f"rows {offset + 1:,}-{offset + shown:,} of {result.total:,}{more} (--limit 0: every row)"
                if shown else f"no rows from {offset:,} on: {result.total:,} in all")
        click.echo(note, err=fmt != "table")
    if result.form == "ASK" and not result.boolean:
        sys.exit(1)

# ---------------------------------------------------------------------------
# Retaliation chains and alliances: chains, alliances, export-network
# ---------------------------------------------------------------------------

@main.command()
@click.option("--actor", metavar="ACTOR", help="Only chains with this actor (slug, label or alias) in a step.")
@click.option("--max-length", type=click.IntRange(min=1), default=4, show_default=True,
              help="Longest chain, in steps.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@store_options
def chains(actor, max_length, fmt, store_dir, endpoint):
    """Retaliation chains and cycles in time order, with who says so and the quote.

    Each step gives the date, the actor, the target, the stated reason, who says so
    (with how surely) and the evidence. A response never precedes what it answers;
    links with an undated side are marked as such. JSON: a list of chains, each a
    list of steps.

    \b
    Examples:
      malikg chains
      malikg chains --actor jnim --max-length 3
      malikg chains --format json > chains.json
    """
    from graph.analysis import chains as find_chains, render_chains, signed_network, to_json
    from graph.store import open_store

    with open_store(store_dir, endpoint) as store:
        network = signed_network(store, counts=False, quotes=False, events=False)
        found = find_chains(network, actor=actor, max_length=max_length, store=store)
    click.echo(to_json(found) if fmt == "json" else render_chains(found), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@store_options
def alliances(fmt, store_dir, endpoint):
    """Alliance blocs, enmities between them, structural balance and centrality.

    Every figure comes with a one-line explanation, every tie with who asserts it
    and the quote. JSON: an object with "blocs" and "enmities" lists (and balance,
    centrality, accusation_links, former_ties, contested_ties).

    \b
    Examples:
      malikg alliances
      malikg alliances --format json > alliances.json
    """
    from graph.analysis import alliances as find_alliances, render_alliances, signed_network, to_json
    from graph.store import open_store

    with open_store(store_dir, endpoint) as store:
        report = find_alliances(signed_network(store, counts=False, events=False))
    click.echo(to_json(report) if fmt == "json" else render_alliances(report), nl=False)


@main.command("export-network")
@click.option("--format", "fmt", type=_Registry("graph.analysis.gephi:EXPORT_FORMATS"), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
@network_filters
@store_options
def export_network(fmt, output, actor, since, until, region, relation, store_dir, endpoint):
    """Write the signed actor network for Gephi: GraphML, or GEXF with dates as time spells.

    GEXF gives a spell per dated incident of a tie. List attributes (evidence
    quotes, event slugs, documents) are joined with " | "; what the sources do
    not give is left out, not written as 0 or "".

    \b
    Examples:
      malikg export-network --format gexf -o network.gexf
      malikg export-network --format graphml -o jnim.graphml --actor jnim
    """
    from graph.analysis import export_network as write_network, signed_network
    from graph.store import open_store

    with open_store(store_dir, endpoint) as store:
        network = signed_network(store, actor=actor, since=since, until=until, region=region, relation=relation)
    write_network(network, output, fmt)
    click.echo(f"wrote {output} ({network.number_of_nodes()} actors, {network.number_of_edges()} ties)")


# ---------------------------------------------------------------------------
# Network page: network
# ---------------------------------------------------------------------------

@main.command()
@click.option("-o", "--output", default="actors.html", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The page to write.")
@network_filters
@click.option("--size-by", type=_Registry("graph.html:SIZE_BY"), default="incidents",
              show_default=True, help="What a node's size shows.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser afterwards.")
@store_options
def network(output, actor, since, until, region, relation, size_by, open_page, store_dir, endpoint):
    """Write the actor network as one interactive HTML page that works offline.

    Nodes are actors, coloured by ACLED actor type and sized by incidents (or
    victims); ties are alliances, alleged proxies, affiliations, attacks and
    claimed retaliation, with direction. Hover shows dates, counts, certainty,
    the document and the source's words; click an actor for its aliases,
    incidents and ties; the search box finds an actor by name or alias; the
    page filters ties by kind, dates and region. The layout is the same every
    time. The page is one file with everything inlined: it loads nothing from
    the network.

    \b
    Examples:
      malikg network -o actors.html --open
      malikg network --actor wagner --since 2024-06-01 -o wagner.html
      malikg network --relation retaliation --region mopti -o mopti.html
    """
    from graph.html import write_network_page
    from graph.store import open_store

    with open_store(store_dir, endpoint) as store:
        path = write_network_page(store, output, actor=actor, since=since, until=until,
                                  region=region, relation=relation, size_by=size_by)
    click.echo(f"wrote {path}")
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@main.command()
@click.option("-o", "--output", default="timeline.html", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The page to write.")
@store_options
def timeline(output, store_dir, endpoint):
    """Write the events as one timeline page (with a map where coordinates are known) that works offline.

    Each event sits at its date as precisely as the source gives it (a day, a
    week, part of a month, a month, an interval), in lanes by region or by
    actor; political and civic-space events have their own band. Each mark links
    to the event's toll, perpetrators and their certainty, quote and document.
    Events with coordinates (ACLED imports) are also drawn on a plain map.

    \b
    Examples:
      malikg timeline -o timeline.html
      malikg timeline --store data/mali.oxigraph -o mali-timeline.html
    """
    from graph.store import open_store
    from graph.timeline import write_timeline_page

    with open_store(store_dir, endpoint) as store:
        path = write_timeline_page(store, output)
    click.echo(f"wrote {path}")


# ---------------------------------------------------------------------------
# Linked data: export, serve
# ---------------------------------------------------------------------------

@main.command()
@click.option("--format", "fmt", type=_Registry("graph.export:FORMATS"),
              help="Default: from the file's extension ("
                   + " ".join(f.suffixes[0] for f in formats.RDF_FORMATS) + "), else turtle.")
@click.option("--with-ontology", is_flag=True,
              help="Include the ontology and vocabularies (a named graph in nq and trig).")
@click.option("--with-summaries", is_flag=True,
              help="Include the derived summary graph the named queries read (a named graph in nq and trig).")
@click.option("-o", "--output", required=True, metavar="FILE",
              help="File to write (atomically), or - for standard output.")
@click.option("--download-url", metavar="URL",
              help="Where the file will be published, for the description (default: {base}dataset.EXT).")
@click.option("--sparql-endpoint", metavar="URL",
              help="The SPARQL endpoint that will serve it, for the description (void:sparqlEndpoint).")
@click.option("--acled-layout", type=click.Choice(["current", "hdx", "pre-2022", "dyadic"]), default="current",
              show_default=True, help="With acled-csv: which of ACLED's layouts to write.")
@click.option("--aliases", "alias_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With acled-csv: an alias table of your own, read after seeds/acled-aliases.csv.")
@store_options
def export(fmt, with_ontology, with_summaries, output, download_url, sparql_endpoint, acled_layout, alias_files,
           store_dir, endpoint):
    """Write the graph as RDF for linked-data partners, headed by a VoID/DCAT description.

    Lossless and deterministic: the same graph always gives the same bytes, with
    sorted prefixes. The description (VoID and DCAT) gives title, licence (CC BY 4.0),
    publisher, contact point, Mali and the period covered, the source documents, version,
    triple count, vocabularies, example resources and this file as a distribution. JSON-LD
    uses the short keys of ontology/context.jsonld, inlined. acled-csv writes ACLED's
    column layout instead (--acled-layout, --aliases); spreadsheet-formula cells are
    neutralised with a leading apostrophe.

    \b
    Examples:
      malikg export -o mali.ttl
      malikg export --format jsonld -o mali.jsonld
      malikg export --format trig --with-ontology -o mali.trig
      malikg export --format nq --with-ontology --with-summaries -o mali.nq
      malikg export --format nt -o - --store data/mali.oxigraph | wc -l
      malikg export -o mali.nq --with-ontology --download-url https://example.org/mali.nq
      malikg export --format acled-csv --acled-layout pre-2022 -o mali.csv --aliases mine.csv
    """
    from graph.export import export as write_export
    from graph.store import open_store

    if fmt == "acled-csv" and (alias_files or acled_layout != "current"):
        from graph.acled import export_csv, read_aliases

        with open_store(store_dir, endpoint) as store:
            result = export_csv(store, Path(output), aliases=read_aliases(*alias_files), layout=acled_layout)
        click.echo(f"wrote {output} (acled-csv, {acled_layout} layout: {result.rows} events)", err=True)
        return

    target = sys.stdout.buffer if output == "-" else Path(output)
    with open_store(store_dir, endpoint) as store:
        result = write_export(store, target, fmt, with_ontology=with_ontology, with_summaries=with_summaries,
                              download_url=download_url, sparql_endpoint=sparql_endpoint)
    if output == "-":
        target.flush()
    elif result.triples is None:
        click.echo(f"wrote {output} ({result.format})", err=True)
    else:
        click.echo(f"wrote {output} ({result.format}: {result.triples} triples "
                   f"+ {result.description} describing the dataset)", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the endpoint to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--timeout", type=float, default=30.0, show_default=True, metavar="SECONDS", callback=_seconds,
              help="Give up on a query after this long (503); 0: never.")
@click.option("--max-rows", type=click.IntRange(1, 1_000_000), default=10000, show_default=True,
              help="Refuse answers with more rows (or triples) than this (413): page with LIMIT/OFFSET.")
@click.option("--max-memory", type=click.IntRange(256, 1 << 20), default=2048, show_default=True, metavar="MB",
              help="Memory limit of each query worker process; a query needing more gets 503.")
@store_options
def serve(host, port, timeout, max_rows, max_memory, store_dir, endpoint):
    """Serve the graph as a read-only SPARQL 1.1 endpoint until Ctrl-C.

    GET and POST per the SPARQL 1.1 Protocol; answers by Accept: SPARQL JSON
    (default), XML, CSV, TSV; Turtle (default), N-Triples, RDF/XML or JSON-LD for
    CONSTRUCT and DESCRIBE. Updates, SERVICE, FROM and graph parameters are refused
    (403). malikg's prefixes (mk:, actor:, event:, ...) are predeclared.

    \b
    Examples:
      malikg serve
      malikg serve --port 8000 --store data/mali.oxigraph
      curl -H 'Accept: text/csv' --data-urlencode \\
        'query=SELECT ?e WHERE { ?e mk:perpetrator actor:jnim }' http://127.0.0.1:7878/sparql
    """
    from graph.serve import is_loopback, serve as run_server
    from graph.store import open_store

    def announce(line):
        click.echo(line)
        sys.stdout.flush()  # a script waiting for the URL reads it at once, even through a pipe

    if not is_loopback(host):
        click.echo(f"malikg: warning: listening on {host}: anyone who can reach it can query the graph",
                   err=True)
    with open_store(store_dir, endpoint) as store:
        run_server(store, host, port, timeout=timeout, max_rows=max_rows, max_memory_mb=max_memory,
                   announce=announce)

# ---------------------------------------------------------------------------
# Scale: load, synth
# ---------------------------------------------------------------------------

def _progress_bar(description: str, unit: str):
    """A rich progress bar on stderr when it is a terminal; None otherwise (pipes and logs stay clean).

    Returns (context manager, callback(done, total)) or (nullcontext, None).
    """
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, MofNCompleteColumn, Progress,
                               TimeRemainingColumn, TransferSpeedColumn)

    amount = (DownloadColumn(), TransferSpeedColumn()) if unit == "bytes" else (MofNCompleteColumn(),)
    bar = Progress("{task.description}", BarColumn(), *amount, TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task(description, total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--no-seed", is_flag=True,
              help="A store created by this load holds only the ontology, not the bundled seed graph.")
@click.option("--seeds", "seeds_folders", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Seed folders to load as one corpus (with any record FILE); repeat for several.")
@click.option("--replace", is_flag=True,
              help="Replace nodes the store holds with different content, instead of refusing the load.")
@load_target_options
@store_options
def load(files, no_seed, seeds_folders, replace, update_url, graph_store_url, store_dir, endpoint):
    """Bulk-load RDF files and seed record files into a store, all or nothing.

    FILE may be Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML (by its
    suffix), a seed record file (events-2025.yaml: checked with the bundled seeds
    it refers to) or a seed folder. A store that does not exist yet is created
    with the ontology and the bundled seed graph (unless --no-seed), so new data
    resolves to the seed's actors and places. On --store every FILE goes in one
    staged load: killed or failing halfway, the store stays as it was.

    Nothing is merged silently: a node (event, harm, actor...) the store already
    holds with different content is refused, naming both places, unless --replace.
    The store as it will be is checked with build's SHACL shapes first (up to
    100,000 triples); seed records always are. Reloading what the store holds adds
    nothing.

    \b
    Examples:
      malikg synth --events 100000 -o events.nt
      malikg load events.nt --store data/mali.oxigraph
      malikg load reports/*.ttl events-2025.yaml --store data/mali.oxigraph
      malikg load --seeds seeds/ --seeds new-report/ --store data/mali.oxigraph
      malikg load events.nt --endpoint http://localhost:7878/query \\
          --graph-store-url http://localhost:7878/store
    """
    from graph.loading import load_into

    bar, progress = _progress_bar("loading", "bytes")
    with bar:
        result = load_into(store_dir, endpoint, list(seeds_folders) + list(files), seed=not no_seed,
                           replace=replace, update_url=update_url, data_url=graph_store_url,
                           progress=progress)
    click.echo(f"loaded {len(result.files)} file(s), {result.bytes / 1e6:.1f} MB in {result.seconds:.1f} s; "
               f"{result.added} triples added, the store holds {result.store_triples} triples")
    if result.already_held or result.replaced:
        click.echo(f"  {result.already_held} node(s) already held as loaded; {result.replaced} replaced")
    for line in result.checked:
        click.echo(f"  {line}")


@main.command()
@click.option("-n", "--events", required=True, type=click.IntRange(min=1), help="How many events.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The N-Triples file to write (FILE.nt).")
@click.option("--seed", default=0, show_default=True, help="Random seed: same seed, same bytes.")
@click.option("--texts", "texts_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the synthetic source documents' texts into this folder.")
def synth(events, output, seed, texts_dir):
    """Write a synthetic graph of N events (ACLED-like mix) as N-Triples, for benchmarks.

    The events reuse the seed's actors and places plus synthetic villages and
    groups (labelled "(synthetic)"), with participations, harms, retaliation
    claims, relations and evidence quoting synthetic reports. Loaded into a
    seeded store, the graph passes the SHACL shapes.

    \b
    Examples:
      malikg synth --events 10000 -o benchmarks/data/synth-10000.nt
      malikg synth -n 1000000 -o big.nt --seed 7 && malikg load big.nt --store big.oxigraph
    """
    from graph.synth import synthesize

    bar, progress = _progress_bar("synthesizing", "events")
    with bar:
        result = synthesize(events, output, seed=seed, texts_dir=texts_dir, progress=progress)
    click.echo(f"wrote {result.triples} triples ({result.bytes / 1e6:.1f} MB) for {result.events} "
               f"events to {result.path} in {result.seconds:.1f} s")
    for name, n in result.counts.items():
        click.echo(f"  {name:<15} {n:>9}")


# ---------------------------------------------------------------------------
# Coding a new document: draft
# ---------------------------------------------------------------------------

@main.command()
@click.argument("text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "source_id", metavar="ID",
              help="The document's id in seeds/sources/ (its publisher becomes the claims' claimant).")
@click.option("-o", "--output", default="events-draft.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The events file to write; claims-*.yaml and places-*.yaml go beside it.")
def draft(text, source_id, output):
    """Propose seed records for a new document TEXT, each marked as a draft to review.

    Incidents (date, place, actors), harms (type, count, qualifier, groups) and
    claimed motives, each field with its exact quote, unique in the document. A
    field the text does not ground is left out. Proposals that match an incident
    already coded say so. Offline and deterministic; TEXT is UTF-8, at most 10 MB.
    Review each record, remove its draft marks, then run malikg validate.

    \b
    Examples:
      malikg draft report.txt --source amnesty-2024-mali -o events-amnesty.yaml
      malikg validate events-amnesty.yaml claims-amnesty.yaml places-amnesty.yaml
    """
    from graph.draft import draft as propose, read_text, write_draft

    result = propose(read_text(text), source_id)
    if result.document:
        click.echo(f"note: this text is already in the seeds ({result.document}), coded in "
                   + ", ".join(result.covered_by), err=True)
    for path in write_draft(result, output):
        click.echo(f"wrote {path}")
    click.echo(f"proposed {len(result.events)} events, {len(result.claims)} claims, "
               f"{len(result.places)} places (all drafts)")


# ---------------------------------------------------------------------------
# ACLED: import-acled
# ---------------------------------------------------------------------------

@main.command("import-acled")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Any bad row fails the whole import: nothing is loaded.")
@click.option("--aliases", "alias_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An alias table of your own (kind,acled_name,malikg_id), read after "
                   "seeds/acled-aliases.csv and winning over it; repeat for more.")
@load_target_options
@store_options
def import_acled(csv_file, strict, alias_files, update_url, graph_store_url, store_dir, endpoint):
    """Import an ACLED export, resolving its actors and places to the graph's own.

    Reads ACLED's current layout, the pre-2022 one, HDX copies (second header line
    of HXL tags) and dyadic files (one row per actor); dates as 2024-01-27 or
    27 January 2024. ACLED's names ("JNIM: Group for Support of Islam and Muslims",
    "Civilians (Mali)", "Segou") are matched to the graph's actors and places through
    seeds/acled-aliases.csv and the graph's labels; the others become new actors and
    places. Prints what matched, what did not, and each actor's events. An event
    already in the store is replaced whole by a row with a newer timestamp, left
    alone otherwise (the report counts added, replaced, unchanged and skipped).
    Bad rows are listed by line (line 1 = the header) and skipped; the exit status
    is then 1. Importing a file again adds nothing. A --store that does not exist
    is created with the bundled seeds; with no --store or --endpoint the file is
    checked and the report printed, but nothing kept.

    \b
    Examples:
      malikg import-acled acled-mali.csv --store data/mali.oxigraph
      malikg import-acled hdx-mali.csv --store data/mali.oxigraph --strict
      malikg import-acled acled-mali.csv --aliases my-aliases.csv --store data/mali.oxigraph
      malikg export --format acled-csv -o mali-acled.csv --store data/mali.oxigraph
    """
    from graph.acled import AcledImportFailed, import_csv, read_aliases
    from graph.store import open_store

    aliases = read_aliases(*alias_files)
    bar, progress = _progress_bar(f"importing {csv_file.name}", "bytes")
    with open_store(store_dir, endpoint, create=True, update_url=update_url,
                    data_url=graph_store_url) as store:
        try:
            with bar:
                report = import_csv(store, csv_file, strict=strict, aliases=aliases, progress=progress)
        except AcledImportFailed as failure:
            for bad in failure.report.bad_rows:
                click.echo(f"{csv_file}: {bad.text()}", err=True)
            click.echo(f"malikg: {csv_file}: {len(failure.report.bad_rows)} bad row(s), listed above; "
                       "--strict: nothing was loaded", err=True)
            sys.exit(failure.exit_code)
    click.echo(report.render(), nl=False)
    if store_dir is None and not endpoint:
        click.echo("(no --store or --endpoint: checked against the bundled seeds in memory; nothing was kept)")
    if report.bad_rows:
        click.echo(f"malikg: {len(report.bad_rows)} bad row(s) of {csv_file} skipped (listed above)", err=True)
        sys.exit(1)


@main.command("link-acled")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="File to write the proposed links to (atomically), or - for standard output.")
@store_options
def link_acled(output, store_dir, endpoint):
    """Propose links between imported ACLED events and the graph's coded incidents.

    A pair is proposed when ACLED's place names the incident's place (or one
    within or around it, never just the country), the dates overlap and the two
    share an actor other than a community. The proposals are `links` records
    (id, account, same_incident, note) for the coder to review and keep.

    \b
    Examples:
      malikg link-acled --store data/mali.oxigraph
      malikg link-acled --store data/mali.oxigraph -o proposed-links.yaml
    """
    from graph.acled.links import propose_links, render_links
    from graph.files import write_atomic
    from graph.store import open_store

    with open_store(store_dir, endpoint) as store:
        proposals = propose_links(store)
    text = render_links(proposals)
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(Path(output), text)
        click.echo(f"wrote {output} ({len(proposals)} proposed links)", err=True)


def run() -> None:
    """The ``malikg`` command as installed: ``main``, then an exit without the last collection.

    Why: as the interpreter ends it walks every object the command made for cycles to collect
    (0.15-0.25 s after a build); the command has written and closed everything by then, so
    freezing them first ends the process without that walk.
    """
    import gc

    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
