"""Tools for the course notebooks: hygiene, nbval reference outputs, execution.

Notebooks are committed without outputs. The few cells whose printed output is
a check worth comparing carry nbval's cell tag ``nbval-check-output`` (cells whose
output varies: ``nbval-ignore-output``; tags, not ``# NBVAL_`` comments, so that a
student reads only code); their expected output
lives in ``tests/notebook_expected_outputs.json`` (written by
``python -m lstmgan_tf notebooks record``), and ``prepare`` copies the
notebooks to ``outputs/nbval/`` with those outputs filled in, so that
``pytest --nbval-lax`` really compares them.

Commands (``python -m lstmgan_tf notebooks ...``):

- ``check``: fail if a committed notebook has outputs or execution counts.
- ``strip``: remove outputs and execution counts in place.
- ``record``: run the notebooks at ``smoke`` and store the outputs of the
  checked cells.
- ``prepare``: write the nbval copies.
- ``execute``: run every notebook under a profile into ``outputs/notebooks/``
  and write how long each took, and on what host, to ``timings_<profile>.csv``
  there (``--no-pretrained``: without the shipped runs, ``timings_<profile>_no_pretrained.csv``).
- ``times``: write those times into the README's table and the line each
  notebook opens with.
- ``student``: write student editions to ``outputs/student/``: every block
  between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (the nbgrader
  convention) becomes ``raise NotImplementedError``, outputs are cleared.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import re
import sys
import time

from lstmgan_tf import files

CHECK_TAG = "nbval-check-output"
IGNORE_TAG = "nbval-ignore-output"
#: A code cell whose first line is such a comment shows the test harness to the student: use the tags.
_COMMENT_MARKER = re.compile(r"#\s*NBVAL_")
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STUDENT_STUB = "raise NotImplementedError(\"Your solution here.\")"


def _nbformat():
    import nbformat

    return nbformat


def default_notebooks_dir() -> str:
    from lstmgan_tf import config

    root = config.project_root() or os.getcwd()
    return os.path.join(root, "notebooks")


def default_expected_path() -> str:
    from lstmgan_tf import config

    root = config.project_root() or os.getcwd()
    return os.path.join(root, "tests", "notebook_expected_outputs.json")


def list_notebooks(folder: str | None = None) -> list[str]:
    """Returns the numbered notebooks (``NN_topic.ipynb``) of a folder, in order."""
    folder = folder or default_notebooks_dir()
    paths = sorted(glob.glob(os.path.join(folder, "[0-9][0-9]_*.ipynb")))
    if not paths:
        raise FileNotFoundError(f"no numbered notebooks (NN_topic.ipynb) in {folder}.")
    return paths


def is_checked(cell) -> bool:
    """Whether nbval compares this cell's output (its ``nbval-check-output`` tag)."""
    return cell.cell_type == "code" and CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def _cells_without_id(path: str) -> list[int]:
    # nbformat fills a missing id with a random one when it reads, so look at the file itself.
    with open(path, encoding="utf-8") as handle:
        return [index for index, cell in enumerate(json.load(handle)["cells"]) if "id" not in cell]


def dirty_cells(path: str) -> list[str]:
    """Returns a description of each cell of a notebook that carries outputs, lacks an id or shows nbval.

    Cell ids key the nbval reference outputs, so every cell must keep one; nbval's
    markers are cell tags, never a ``# NBVAL_...`` line the student reads.
    """
    notebook = _nbformat().read(path, as_version=4)
    problems = [f"{os.path.basename(path)} cell {index}: has no id" for index in _cells_without_id(path)]
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{os.path.basename(path)} cell {index}: has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{os.path.basename(path)} cell {index}: has an execution count")
        if any(_COMMENT_MARKER.match(line.strip()) for line in cell.source.splitlines()):
            problems.append(f"{os.path.basename(path)} cell {index}: has a '# NBVAL_' comment "
                            f"(use the cell tag {CHECK_TAG!r} or {IGNORE_TAG!r})")
    return problems


def strip_outputs(path: str) -> bool:
    """Removes outputs and execution counts and gives id-less cells an id, in place; returns whether it changed."""
    nbformat = _nbformat()
    changed = bool(_cells_without_id(path))
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs = []
            cell.execution_count = None
            changed = True
    if changed:
        nbformat.write(notebook, path)
    return changed


def execute_notebook(path: str, out_path: str, profile: str, timeout: int = 1800) -> float:
    """Executes a notebook under a profile, writes the executed copy, returns seconds."""
    from nbclient import NotebookClient

    nbformat = _nbformat()
    notebook = nbformat.read(path, as_version=4)
    previous = os.environ.get("LSTMGAN_PROFILE")
    os.environ["LSTMGAN_PROFILE"] = profile
    start = time.perf_counter()
    try:
        NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        ).execute()
    finally:
        seconds = time.perf_counter() - start
        if previous is None:
            os.environ.pop("LSTMGAN_PROFILE", None)
        else:
            os.environ["LSTMGAN_PROFILE"] = previous
        os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
        nbformat.write(notebook, out_path)
    return seconds


def _stream_outputs(cell) -> list[dict]:
    """The text outputs of a cell, the part nbval compares for checked cells."""
    kept = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            kept.append({"output_type": "stream", "name": "stdout", "text": output["text"]})
    return kept


def record_expected(notebooks: list[str], expected_path: str, work_dir: str) -> dict:
    """Runs notebooks at ``smoke`` and stores the stdout of their checked cells."""
    nbformat = _nbformat()
    expected = {}
    if os.path.exists(expected_path):
        with open(expected_path, encoding="utf-8") as handle:
            expected = json.load(handle)
    for path in notebooks:
        name = os.path.basename(path)
        executed_path = os.path.join(work_dir, name)
        seconds = execute_notebook(path, executed_path, profile="smoke")
        executed = nbformat.read(executed_path, as_version=4)
        expected[name] = {cell.id: _stream_outputs(cell) for cell in executed.cells if is_checked(cell)}
        print(f"{name}: {len(expected[name])} checked cells recorded ({seconds:.0f} s)")
    os.makedirs(os.path.dirname(expected_path), exist_ok=True)
    with open(expected_path, "w", encoding="utf-8") as handle:
        json.dump(expected, handle, indent=1, sort_keys=True)
        handle.write("\n")
    return expected


def prepare_for_nbval(notebooks: list[str], expected_path: str, out_dir: str) -> list[str]:
    """Copies notebooks to ``out_dir`` with the expected outputs of checked cells."""
    nbformat = _nbformat()
    expected = {}
    if os.path.exists(expected_path):
        with open(expected_path, encoding="utf-8") as handle:
            expected = json.load(handle)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for path in notebooks:
        name = os.path.basename(path)
        notebook = nbformat.read(path, as_version=4)
        recorded = expected.get(name, {})
        for cell in notebook.cells:
            if not is_checked(cell):
                continue
            if cell.id not in recorded:
                raise ValueError(
                    f"{name}: checked cell {cell.id!r} has no expected output in "
                    f"{expected_path}; run `python -m lstmgan_tf notebooks record`."
                )
            cell.outputs = [nbformat.from_dict(o) for o in recorded[cell.id]]
            # nbval compares only cells that look run; an unrun cell with outputs is an error.
            cell.execution_count = 1
        out_path = os.path.join(out_dir, name)
        nbformat.write(notebook, out_path)
        written.append(out_path)
    return written


def timings_path(out_dir: str, profile: str, pretrained: bool = True) -> str:
    """``timings_<profile>.csv`` (with the kit's shipped runs) or ``timings_<profile>_no_pretrained.csv``."""
    return os.path.join(out_dir, f"timings_{profile}{'' if pretrained else '_no_pretrained'}.csv")


def execute_all(notebooks: list[str], profile: str, out_dir: str, pretrained: bool = True) -> list[tuple[str, float]]:
    """Executes notebooks in order under a profile; writes `timings_path` (with the host).

    Args:
        pretrained: let the notebooks load the kit's shipped runs (``pretrained/``);
            `False` hides them, so the notebooks train everything themselves.
    """
    import tempfile

    from lstmgan_tf.config import PRETRAINED_ENV_VAR
    from lstmgan_tf.host import describe_host

    previous = os.environ.get(PRETRAINED_ENV_VAR)
    if not pretrained:
        os.environ[PRETRAINED_ENV_VAR] = tempfile.mkdtemp(prefix="no_pretrained_")
    timings = []
    try:
        for path in notebooks:
            name = os.path.basename(path)
            print(f"running {name} at {profile}{'' if pretrained else ' without the shipped runs'} ...", flush=True)
            seconds = execute_notebook(path, os.path.join(out_dir, name), profile=profile)
            timings.append((name, seconds))
            print(f"  done in {seconds:.0f} s -> {os.path.join(out_dir, name)}", flush=True)
    finally:
        if not pretrained and previous is None:
            os.environ.pop(PRETRAINED_ENV_VAR)
        elif not pretrained:
            os.environ[PRETRAINED_ENV_VAR] = previous
    host = describe_host()
    with open(timings_path(out_dir, profile, pretrained), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["notebook", "profile", "shipped_runs", "seconds", "host"])
        for name, seconds in timings:
            writer.writerow([name, profile, "yes" if pretrained else "no", f"{seconds:.1f}", host])
    return timings


TIMES_START = "<!-- notebook times: written by `python -m lstmgan_tf notebooks times` -->"
TIMES_END = "<!-- end of notebook times -->"
RUN_TIME_PREFIX = "*Run time"
#: The columns of the times table: (profile, with the shipped runs), heading.
_TIME_COLUMNS = ((("smoke", True), "`smoke`"), (("classroom", True), "`classroom` (shipped runs)"),
                 (("classroom", False), "`classroom`, training everything"))


def format_duration(seconds: float) -> str:
    """``8 s``, ``1 min 23 s``, ``14 min``: how the kit states a time.

    >>> format_duration(8.4), format_duration(83), format_duration(840), format_duration(817)
    ('8 s', '1 min 23 s', '14 min', '14 min')
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds >= 600:
        return f"{round(seconds / 60)} min"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"


def read_timings(out_dir: str) -> dict:
    """Every ``timings_*.csv`` of ``out_dir``: ``{(profile, shipped): {notebook: (seconds, host)}}``."""
    table = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "timings_*.csv"))):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if "host" not in row:  # Written before hosts were recorded: no use for a stated time.
                    break
                key = (row["profile"], row["shipped_runs"] == "yes")
                table.setdefault(key, {})[row["notebook"]] = (float(row["seconds"]), row["host"])
    return table


def times_table(timings: dict, notebooks: list[str]) -> str:
    """The README's table of notebook run times, with the total and the hosts that measured them."""
    columns = [(key, heading) for key, heading in _TIME_COLUMNS if key in timings]
    if not columns:
        raise ValueError("no timings to write: run `python -m lstmgan_tf notebooks execute` first.")
    names = [os.path.basename(path) for path in notebooks]
    lines = ["| notebook | " + " | ".join(h for _, h in columns) + " |", "|---|" + "---:|" * len(columns)]
    for name in names:
        cells = [format_duration(timings[key][name][0]) if name in timings[key] else "—" for key, _ in columns]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    totals = [format_duration(sum(seconds for seconds, _ in timings[key].values())) for key, _ in columns]
    lines.append("| all | " + " | ".join(totals) + " |")
    hosts = sorted({host for key, _ in columns for _, host in timings[key].values()})
    lines.append("")
    lines.append(f"Measured on {' and '.join(hosts)} from a fresh `outputs/` (datasets, word vectors and "
                 "encoders built on the way) by `make notebooks` (`notebooks execute --profile classroom`; "
                 "`--no-pretrained` hides the shipped runs; `--profile smoke` for the first column).")
    return "\n".join(lines)


def run_time_line(timings: dict, name: str) -> str | None:
    """The line a notebook opens with: how long it takes at each profile, measured."""
    parts = []
    for key, heading in _TIME_COLUMNS:
        if name in timings.get(key, {}):
            parts.append(f"{format_duration(timings[key][name][0])} at {heading}")
    if not parts:
        return None
    hosts = sorted({timings[key][name][1] for key, _ in _TIME_COLUMNS if name in timings.get(key, {})})
    return (f"{RUN_TIME_PREFIX} on {' and '.join(hosts)}: {'; '.join(parts)}; `paper` is for a GPU. "
            "Written by `python -m lstmgan_tf notebooks times` from measured runs.*")


def write_times(notebooks: list[str], out_dir: str, readme: str) -> None:
    """Writes the measured times into the README's times table and each notebook's opening cell."""
    timings = read_timings(out_dir)
    with open(readme, encoding="utf-8") as handle:
        text = handle.read()
    if TIMES_START not in text or TIMES_END not in text:
        raise ValueError(f"{readme!r} has no times table to fill ({TIMES_START!r} ... {TIMES_END!r}).")
    before, rest = text.split(TIMES_START, 1)
    after = rest.split(TIMES_END, 1)[1]
    table = times_table(timings, notebooks)  # Before the README is opened for writing: it may raise.
    files.write_text(readme, f"{before}{TIMES_START}\n{table}\n{TIMES_END}{after}")
    nbformat = _nbformat()
    for path in notebooks:
        line = run_time_line(timings, os.path.basename(path))
        if line is None:
            continue
        notebook = nbformat.read(path, as_version=4)
        title = notebook.cells[0]
        kept = [text for text in title.source.split("\n\n") if not text.startswith(RUN_TIME_PREFIX)]
        title.source = "\n\n".join(kept + [line])
        nbformat.write(notebook, path)
        print(f"{path}: {line}")


def strip_solutions(source: str, where: str = "cell") -> tuple[str, int]:
    """Replaces each solution block of a cell's source with a stub.

    The stub keeps the indentation of the ``### BEGIN SOLUTION`` line, so a
    solution inside a function body leaves a valid function behind.

    Args:
        source: the cell's source.
        where: names the cell in error messages.

    Returns:
        The new source and how many blocks were replaced.

    Raises:
        ValueError: if the markers are unbalanced or nested.
    """
    lines = source.splitlines()
    kept, replaced, inside = [], 0, False
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker.startswith(BEGIN_SOLUTION):
            if inside:
                raise ValueError(f"{where}, line {number}: nested {BEGIN_SOLUTION!r}.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}{STUDENT_STUB}")
            replaced += 1
        elif marker.startswith(END_SOLUTION):
            if not inside:
                raise ValueError(f"{where}, line {number}: {END_SOLUTION!r} without a BEGIN.")
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise ValueError(f"{where}: {BEGIN_SOLUTION!r} is never closed.")
    return "\n".join(kept), replaced


def make_student_edition(path: str, out_path: str) -> int:
    """Writes a notebook's student edition; returns how many solutions it removed."""
    nbformat = _nbformat()
    notebook = nbformat.read(path, as_version=4)
    total = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        cell.source, count = strip_solutions(cell.source, f"{os.path.basename(path)} cell {index}")
        total += count
        cell.outputs = []
        cell.execution_count = None
    nbformat.validate(notebook)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    nbformat.write(notebook, out_path)
    return total


def _run(args) -> int:
    from lstmgan_tf import config

    notebooks = list_notebooks(args.notebooks_dir)
    if getattr(args, "only", None) and args.action in ("record", "execute"):
        notebooks = [path for path in notebooks if os.path.basename(path)[:2] in args.only]
        if not notebooks:
            raise ValueError(f"--only {' '.join(args.only)} names no notebook of {args.notebooks_dir or 'notebooks/'}.")
    if args.action == "check":
        problems = [p for path in notebooks for p in dirty_cells(path)]
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("clear them with: python -m lstmgan_tf notebooks strip", file=sys.stderr)
            return 1
        print(f"{len(notebooks)} notebooks, no outputs committed.")
        return 0
    if args.action == "strip":
        for path in notebooks:
            if strip_outputs(path):
                print(f"stripped {path}")
        return 0
    if args.action == "record":
        record_expected(notebooks, args.expected, config.outputs_dir("nbval_record"))
        return 0
    if args.action == "prepare":
        out_dir = args.out or config.outputs_dir("nbval")
        for path in prepare_for_nbval(notebooks, args.expected, out_dir):
            print(path)
        return 0
    if args.action == "execute":
        profile = config.get_profile(args.profile).name
        out_dir = args.out or config.outputs_dir("notebooks")
        execute_all(notebooks, profile, out_dir, pretrained=not args.no_pretrained)
        return 0
    if args.action == "times":
        readme = os.path.join(config.project_root() or ".", "README.md")
        write_times(notebooks, args.out or config.outputs_dir("notebooks"), readme)
        return 0
    if args.action == "student":
        out_dir = args.out or config.outputs_dir("student")
        for path in notebooks:
            out_path = os.path.join(out_dir, os.path.basename(path))
            count = make_student_edition(path, out_path)
            print(f"{out_path}: {count} solutions replaced by stubs")
        return 0
    raise ValueError(f"unknown action {args.action!r}.")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "notebooks",
        help="check, strip, record, prepare, execute or make student editions of the notebooks",
    )
    parser.add_argument("action", choices=["check", "strip", "record", "prepare", "execute", "times", "student"])
    parser.add_argument("--notebooks-dir", default=None, help="default: notebooks/ of the checkout")
    parser.add_argument("--expected", default=None, help="expected outputs JSON for nbval")
    parser.add_argument("--out", default=None, help="output folder")
    parser.add_argument("--profile", default=None, help="profile for `execute`")
    parser.add_argument("--only", nargs="+", default=None, metavar="NN",
                        help="`execute` and `record` only these notebooks, by number (e.g. --only 03 05)")
    parser.add_argument("--no-pretrained", action="store_true",
                        help="`execute` without the kit's shipped runs (the notebooks train everything)")
    parser.set_defaults(func=_dispatch)


def _dispatch(args) -> int:
    args.expected = args.expected or default_expected_path()
    return _run(args)
