"""``malikg validate``: decide what each path is and check it."""
from __future__ import annotations

from pathlib import Path

from . import coding_checks, formats, validate
from .errors import MalikgError
from .emit import emit
from .seeds import RECORD_FILE_RULE, kind_of, read_seeds


def _check_graph(graph, label: str, problems: list[str]) -> None:
    for violation in validate.shacl_violations(graph):
        problems.append(f"{label}: {violation.line()}")


def validate_paths(paths: list[Path], corpus: list[Path] = ()) -> tuple[list[str], str]:
    """Problems found (one line each) and a description of what was checked.

    ``corpus``: seed folders checked together as one corpus (with any record files among
    ``paths``), instead of each folder of ``paths`` on its own.
    """
    problems: list[str] = []
    folders = [p for p in paths if p.is_dir()]
    records = [p for p in paths if p.is_file() and p.suffix in (".yaml", ".yml")]
    rdf_files = [p for p in paths if p.is_file() and formats.by_suffix(p)]
    unknown = [p for p in paths if p not in folders + records + rdf_files]
    for path in unknown:
        problems.append(f"{path}: not a seed folder, a record file (.yaml) or an RDF file")
    for path in records:
        if not kind_of(path):
            problems.append(f"{path}: {RECORD_FILE_RULE}")
    checked = []
    seed_runs = [(folder, []) for folder in folders] or ([(None, records)] if records or not paths else [])
    if folders and records:
        seed_runs = [(folder, records) for folder in folders]
    if corpus:
        seed_runs = [(list(corpus), records)] + [(folder, []) for folder in folders]
    for folder, extra in seed_runs:
        label = (" + ".join(map(str, folder)) if isinstance(folder, list) else str(folder) if folder
                 else "bundled seeds") + (f" + {', '.join(map(str, extra))}" if extra else "")
        try:
            seeds = read_seeds(folder, extra)
            if coding_checks.has_drafts(seeds):
                problems.extend(coding_checks.problems(seeds))
                continue
            graph = emit(seeds)
            problems.extend(coding_checks.problems(seeds))
        except MalikgError as error:
            problems.append(error.line())
            continue
        _check_graph(graph, label, problems)
        checked.append(f"{label} ({len(graph)} triples)")
    for path in rdf_files:
        try:
            graph = validate.read_rdf(path)
        except MalikgError as error:
            problems.append(error.line())
            continue
        _check_graph(graph, str(path), problems)
        checked.append(f"{path} ({len(graph)} triples)")
    return problems, "; ".join(checked)
