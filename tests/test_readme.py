"""The README and docs/: CI runs the README's test command, figures and links resolve,
commands exist, numbers stand beside their commands, and nothing reads like a lab diary."""

import glob
import os
import re

import nbformat
import pytest

from lstmgan_tf import cli, config

ROOT = config.project_root()
DOCS = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
PAGES = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "DEVELOPING.md"), *DOCS]
README_MAX_LINES = 200

#: Who did what when belongs in commit messages, not in what a reader meets.
DIARY = {
    "a work session": re.compile(r"\bsessions?\b", re.I),
    "an issue number": re.compile(r"\bissues? #?\d+", re.I),
    "a stop number": re.compile(r"\bstop \d+", re.I),
    "a commit hash": re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b"),
    "a recipe dated by 'then' or 'before'": re.compile(r"\bdefault then\b|\bthe kit before\b|\bbefore oneDNN\b", re.I),
}


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _name(path):
    return os.path.relpath(path, ROOT)


def _notebook_markdown(path):
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def diary_phrases(text: str) -> list[str]:
    """The diary language of a text: ``"<what>: <the words>"`` for each match."""
    return [f"{what}: {match.group(0)!r}" for what, pattern in DIARY.items() for match in pattern.finditer(text)]


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    heading = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return heading.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    return {_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def test_ci_runs_exactly_the_readme_test_command():
    readme = _read(os.path.join(ROOT, "README.md"))
    command = re.search(r"^(make \w+)\s+# the whole test suite", readme, re.M).group(1)
    ci_lines = [line for line in _read(os.path.join(ROOT, ".ci", "run")).splitlines()
                if line.strip() and not line.startswith("#")]
    assert ci_lines[-1].strip() == command


def test_the_readme_is_a_front_door_of_a_few_screens():
    lines = _read(os.path.join(ROOT, "README.md")).count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; findings go to docs/results.md"
    assert {"results.md", "differences.md"} <= {os.path.basename(path) for path in DOCS}


NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))


@pytest.mark.parametrize("path", PAGES + NOTEBOOKS, ids=_name)
def test_every_figure_and_local_link_resolves(path):
    text = _notebook_markdown(path) if path.endswith(".ipynb") else _read(path)
    folder = os.path.dirname(path)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = os.path.normpath(os.path.join(folder, file_part)) if file_part else path
        assert os.path.exists(linked), f"{_name(path)} links to {target}, which does not exist"
        if target.startswith("!") or not anchor:
            continue
        assert anchor in _anchors(_read(linked)), f"{_name(path)} links to {target}: no such heading"
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", "" if path.endswith(".ipynb") else text):
        assert os.path.relpath(os.path.normpath(os.path.join(folder, image)), ROOT).startswith("assets"), image


def test_every_cli_command_the_pages_name_exists(capsys):
    named = set()
    for path in PAGES:
        named |= set(re.findall(r"(?:python -m |`|^\s*)lstmgan_tf ([a-z][a-z-]+)", _read(path), re.M))
    assert len(named) >= 10, named
    for command in sorted(named):
        with pytest.raises(SystemExit) as stopped:  # --help exits 0; an unknown command exits 2.
            cli.build_parser().parse_args([command, "--help"])
        assert stopped.value.code == 0, command
    capsys.readouterr()


def test_every_table_of_the_results_stands_beside_its_command():
    sections = re.split(r"^#{2,3} ", _read(os.path.join(ROOT, "docs", "results.md")), flags=re.M)[1:]
    tables = 0
    for section in sections:
        if "|---" not in section:
            continue
        tables += 1
        heading = section.splitlines()[0]
        assert re.search(r"lstmgan_tf [a-z]|make run", section), f"section {heading!r} has a table but no command"
    assert tables >= 8


@pytest.mark.parametrize("path", PAGES + NOTEBOOKS, ids=_name)
def test_no_diary_language(path):
    text = _notebook_markdown(path) if path.endswith(".ipynb") else _read(path)
    assert diary_phrases(text) == []


def test_the_diary_check_finds_what_it_looks_for():
    text = "Measured by a later session (issue 42, commit d2ebe46); the `classroom` default then."
    assert len(diary_phrases(text)) == 4
    assert diary_phrases("Adam 2e-4, 1,024 images, sha256 of a file, 16.8 GFLOP, 60 epochs") == []
