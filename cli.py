"""The ``malikg`` command: a thin click layer over the ``graph`` library.

Each command is a short function whose docstring is its ``--help``. Logic lives in ``graph/``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from graph import __version__
from graph.errors import MalikgError


class _Group(click.Group):
    """Turns a MalikgError anywhere below into one line on stderr and a non-zero exit."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MalikgError as error:
            click.echo(f"malikg: {error.line()}", err=True)
            sys.exit(error.exit_code)


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

# ---------------------------------------------------------------------------
# Research questions: queries, query
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Retaliation chains and alliances: chains, alliances, export-network
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Network page: network
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Linked data: export, serve
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Scale: load, synth
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# ACLED: import-acled
# ---------------------------------------------------------------------------


if __name__ == "__main__":
    main()
