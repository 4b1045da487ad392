"""Bad seed input: one clear line naming file, record and field; non-zero exit; nothing written."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from conftest import edit, seed_file


CASES = {
    "yaml syntax error": ("events.yaml", "- id: 2024-01-27-ogota\n", "- id: [2024-01-27-ogota\n",
                          ["events.yaml", "YAML syntax error", "line"]),
    "missing field": ("events.yaml", "  label: JNIM attack on Ogota\n", "",
                      ["events.yaml", "'2024-01-27-ogota'", "'label'", "missing field"]),
    "unknown reference": ("events.yaml", "  place: ogota\n  part_of", "  place: ogotta\n  part_of",
                          ["events.yaml", "'2024-01-27-ogota'", "'place'", "unknown place 'ogotta'"]),
    "bad date": ("events.yaml", "  date: 2024-01-27\n  date_text: On January 27\n  place: ogota",
                 "  date: 2024-02-30\n  date_text: On January 27\n  place: ogota",
                 ["events.yaml", "'2024-01-27-ogota'", "'date'", "not a calendar date"]),
    "quote not in source": ("events.yaml", '"They killed 28 villagers in Ogota, including 3 children"',
                            '"They killed 29 villagers in Ogota, including 3 children"',
                            ["events.yaml", "'2024-01-27-ogota'", "harms[1].evidence", "quote not found verbatim"]),
    "duplicate id": ("actors.yaml", "- id: isgs\n", "- id: jnim\n",
                     ["actors.yaml", "'jnim'", "'id'", "duplicate id"]),
    "negative count": ("events.yaml", "      count: 28\n", "      count: -28\n",
                       ["events.yaml", "'2024-01-27-ogota'", "harms[1].count", "cannot be negative"]),
    "low greater than high": ("events.yaml", "      count: 28\n", "      count: 28\n      low: 30\n      high: 20\n",
                              ["events.yaml", "'2024-01-27-ogota'", "harms[1].low", "out of order"]),
    "unknown type": ("events.yaml", "  type: air-drone-strike\n", "  type: drone-attack\n",
                     ["events.yaml", "'2024-02-16-konokassi'", "'type'", "unknown event type 'drone-attack'"]),
    "unknown field": ("places.yaml", "  type: village\n  within: mopti\n", "  type: village\n  witin: mopti\n",
                      ["places.yaml", "'ogota'", "'witin'", "unknown field"]),
    "alias not in source": ("actors.yaml", "    - Islamic State in the Greater Sahara\n",
                            "    - Islamic State Sahel Province\n",
                            ["actors.yaml", "'isgs'", "'aliases'", "alias not found"]),
    "end before start": ("events.yaml", "  date: 2024-06..2024-11\n", "  date: 2024-11..2024-06\n",
                         ["events.yaml", "'2024-06-jnim-bandiagara-campaign'", "'date'", "ends before it starts"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_seed_gives_one_clear_line_and_no_output(case, seeds, tmp_path):
    file, old, new, expected = CASES[case]
    edit(seed_file(seeds, file), old, new)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)])
    assert result.exit_code != 0
    message = result.stderr if hasattr(result, "stderr") else result.output
    lines = [line for line in message.splitlines() if line.strip()]
    assert len(lines) == 1, message
    assert "Traceback" not in message
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])
    assert not out.exists()


def test_wrong_encoding_names_the_file(seeds, tmp_path):
    path = seeds / "places.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)])
    assert result.exit_code != 0
    assert "places.yaml" in result.stderr and "not UTF-8" in result.stderr
    assert not out.exists()


def test_a_failed_build_leaves_an_earlier_build_untouched(seeds, tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)]).exit_code == 0
    before = (out / "graph.ttl").read_bytes()
    edit(seed_file(seeds, "events.yaml"), "  type: air-drone-strike\n", "  type: drone-attack\n")
    assert CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out)]).exit_code != 0
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_validate_names_the_broken_record(seeds):
    edit(seed_file(seeds, "claims.yaml"), "  motive: retaliation\n  actor: isgs\n", "  motive: revenge\n  actor: isgs\n")
    result = CliRunner().invoke(main, ["validate", str(seeds)])
    assert result.exit_code == 1
    assert "claims.yaml" in result.stderr and "'dawsahak-camp-retaliation'" in result.stderr
    assert "unknown motive 'revenge'" in result.stderr
