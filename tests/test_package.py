"""The wheel carries the ontology, queries and seeds, and malikg runs from it outside the repo."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("malikg-*.whl"))


@pytest.mark.slow
def test_wheel_ships_the_data_folders_and_the_command(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    # Nothing at the top level but the graph package (and the wheel's own metadata folder).
    top = {n.split("/", 1)[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"graph"}, top
    assert "graph/cli.py" in names
    for path in ("graph/_data/ontology/ontology.ttl", "graph/_data/ontology/shapes.ttl",
                 "graph/_data/seeds/sources/hrw-wr2025-mali/events.yaml",
                 "graph/_data/seeds/sources/hrw-wr2025-mali/hrw-world-report-2025-mali.txt"):
        assert path in names
    assert any(n.startswith("graph/_data/queries/") and n.endswith(".rq") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "malikg = graph.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_installed_wheel_builds_the_graph_away_from_the_repository(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target))
    probe = ("import graph, graph.resources as r; print(graph.__file__); "
             "print(r.seeds_dir()); print(r.queries_dir())")
    where = subprocess.run([sys.executable, "-c", probe], cwd=work, env=env, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    assert all(line.startswith(str(target)) for line in where), where
    result = subprocess.run([sys.executable, "-m", "graph.cli", "build", "--out", "out"],
                            cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "SHACL-valid" in result.stdout
    assert (work / "out" / "graph.ttl").read_bytes() == _repo_build(tmp_path)


def _repo_build(tmp_path):
    from click.testing import CliRunner

    from cli import main

    out = tmp_path / "repo-out"
    assert CliRunner().invoke(main, ["build", "--out", str(out)]).exit_code == 0
    return (out / "graph.ttl").read_bytes()
