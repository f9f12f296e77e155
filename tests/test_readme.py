"""The README's promises: CI runs its test command, its figures exist, its commands exist."""

import os
import re

import pytest

from lstmgan_tf import cli, config

ROOT = config.project_root()


def _read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()


def test_ci_runs_exactly_the_readme_test_command():
    readme = _read("README.md")
    command = re.search(r"^(make \w+)\s+# the whole test suite", readme, re.M).group(1)
    ci_lines = [line for line in _read(".ci", "run").splitlines() if line.strip() and not line.startswith("#")]
    assert ci_lines[-1].strip() == command


def test_every_figure_the_readme_shows_is_in_assets():
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", _read("README.md")):
        assert path.startswith("assets/") and os.path.isfile(os.path.join(ROOT, path)), path


def test_every_cli_command_the_readme_names_exists(capsys):
    named = set(re.findall(r"python -m lstmgan_tf ([a-z][a-z-]+)", _read("README.md")))
    assert len(named) >= 5
    for command in sorted(named):
        with pytest.raises(SystemExit) as stopped:  # --help exits 0; an unknown command exits 2.
            cli.build_parser().parse_args([command, "--help"])
        assert stopped.value.code == 0, command
    capsys.readouterr()
