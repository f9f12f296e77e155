"""Notebook hygiene, nbval reference outputs and student editions."""

import json
import os

import nbformat
import pytest

from lstmgan_tf import notebook_tools as nt

NOTEBOOKS = nt.list_notebooks()
REQUIRED_HEADINGS = ("## Setup", "## Summary", "## Exercises", "## Next steps")


def _markdown(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_is_committed_clean(path):
    assert nt.dirty_cells(path) == []


def test_a_cell_without_an_id_is_reported_and_strip_gives_it_one(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    document = nbformat.writes(notebook)
    path = tmp_path / "no_id.ipynb"
    path.write_text(document.replace('"id": "' + notebook.cells[0].id + '",', ""))
    assert nt.dirty_cells(str(path)) == ["no_id.ipynb cell 0: has no id"]
    assert nt.strip_outputs(str(path)) and nt.dirty_cells(str(path)) == []


def test_nbval_markers_are_tags_and_a_marker_comment_is_reported(tmp_path):
    tagged = nbformat.v4.new_code_cell("print(1)", metadata={"tags": [nt.CHECK_TAG]})
    commented = nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nprint(2)")
    path = tmp_path / "markers.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[tagged, commented]), str(path))
    assert [nt.is_checked(cell) for cell in (tagged, commented)] == [True, False]
    assert nt.dirty_cells(str(path)) == [
        "markers.ipynb cell 1: has a '# NBVAL_' comment (use the cell tag 'nbval-check-output' or 'nbval-ignore-output')"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_opens_and_closes_like_a_tutorial(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# "), "the first cell is the title"
    text = _markdown(notebook)
    for heading in REQUIRED_HEADINGS:
        assert heading in text, f"{os.path.basename(path)} lacks {heading!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_every_checked_cell_has_a_recorded_output(path):
    with open(nt.default_expected_path(), encoding="utf-8") as handle:
        expected = json.load(handle)
    notebook = nbformat.read(path, as_version=4)
    checked = [c.id for c in notebook.cells if nt.is_checked(c)]
    recorded = expected.get(os.path.basename(path), {})
    assert sorted(recorded) == sorted(checked)


def test_strip_solutions_keeps_indentation_and_code_around():
    source = (
        "def forget_gate(x, h):\n"
        "    ### BEGIN SOLUTION\n"
        "    return sigmoid(x @ w + h @ u + b)\n"
        "    ### END SOLUTION\n"
        "\n"
        "check(forget_gate)"
    )
    student, count = nt.strip_solutions(source)
    assert count == 1
    assert student == (
        "def forget_gate(x, h):\n"
        f"    {nt.STUDENT_STUB}\n"
        "\n"
        "check(forget_gate)"
    )
    compile(student, "<student>", "exec")


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n### END SOLUTION\n", "without a BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "nested"),
    ],
)
def test_unbalanced_solution_markers_are_reported(source, message):
    with pytest.raises(ValueError, match=message):
        nt.strip_solutions(source, "demo.ipynb cell 3")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_student_edition_has_stubs_and_no_solution_code(path, tmp_path):
    out_path = tmp_path / os.path.basename(path)
    removed = nt.make_student_edition(path, str(out_path))
    assert removed >= 2, "each notebook has at least two code exercises"
    student = nbformat.read(str(out_path), as_version=4)
    nbformat.validate(student)
    reference = nbformat.read(path, as_version=4)
    solution_lines = set()
    for cell in reference.cells:
        inside = False
        for line in cell.source.splitlines():
            if nt.BEGIN_SOLUTION in line:
                inside = True
            elif nt.END_SOLUTION in line:
                inside = False
            elif inside and line.strip():
                solution_lines.add(line.strip())
    student_lines = {
        line.strip() for cell in student.cells for line in cell.source.splitlines()
    }
    leaked = {line for line in solution_lines & student_lines if len(line) > 12}
    assert not leaked, f"solution code left in the student edition: {sorted(leaked)[:3]}"
    assert sum(c.source.count(nt.STUDENT_STUB) for c in student.cells) == removed
    for cell in student.cells:
        if cell.cell_type == "code":
            # IPython magics and shell escapes are not Python; blank them out.
            python = "\n".join(
                "" if line.lstrip().startswith(("%", "!")) else line
                for line in cell.source.splitlines()
            )
            compile(python, path, "exec")


def test_measured_times_fill_the_readme_table_and_each_notebook_opening(tmp_path):
    notebooks = []
    for name in ("00_first.ipynb", "05_second.ipynb"):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {name}\n\nWhat it teaches.")])
        nbformat.write(notebook, tmp_path / name)
        notebooks.append(str(tmp_path / name))
    readme = tmp_path / "README.md"
    readme.write_text(f"# Kit\n\n{nt.TIMES_START}\nold table\n{nt.TIMES_END}\n\nMore.\n")
    with pytest.raises(ValueError, match="run `python -m lstmgan_tf notebooks execute` first"):
        nt.write_times(notebooks, str(tmp_path), str(readme))
    header = "notebook,profile,shipped_runs,seconds,host\n"
    host = '"CPU A, 2 cores"'
    (tmp_path / "timings_classroom.csv").write_text(
        f"{header}00_first.ipynb,classroom,yes,12.3,{host}\n05_second.ipynb,classroom,yes,150,{host}\n")
    (tmp_path / "timings_classroom_no_pretrained.csv").write_text(f"{header}05_second.ipynb,classroom,no,1500,{host}\n")

    nt.write_times(notebooks, str(tmp_path), str(readme))
    nt.write_times(notebooks, str(tmp_path), str(readme))  # Again: replaced, not added.
    text = readme.read_text()
    assert "old table" not in text and text.endswith("\n\nMore.\n") and text.count(nt.TIMES_START) == 1
    assert "| `05_second.ipynb` | 2 min 30 s | 25 min |" in text and "| all | 2 min 42 s | 25 min |" in text
    opening = nbformat.read(notebooks[1], as_version=4).cells[0].source
    assert opening.count(nt.RUN_TIME_PREFIX) == 1 and opening.startswith("# 05_second.ipynb\n\nWhat it teaches.")
    assert "2 min 30 s at `classroom` (shipped runs); 25 min at `classroom`, training everything" in opening


def test_the_notebooks_kernel_starts_tensorflow_with_onednn():
    """The notebooks import keras before lstmgan_tf, so the kernel itself must carry oneDNN's variable."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.env.get("TF_ENABLE_ONEDNN_OPTS") == "1", (
        f"kernel {spec.resource_dir} has env {spec.env}: run `make setup` (it installs the kernel with "
        "--env TF_ENABLE_ONEDNN_OPTS 1)"
    )
