"""The ``malikg`` command, run from a checkout (``python cli.py build``).

The command itself is ``graph.cli``, inside the package, so that installing malikg puts nothing
at the top level of site-packages but ``graph``: a researcher's own ``cli.py`` can neither
replace it nor be replaced by it.
"""
from graph.cli import main, run

if __name__ == "__main__":
    run()
