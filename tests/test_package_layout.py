"""The package map of DEVELOPING.md, checked: what each part may not import."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "lstmgan_tf"

# Part of the package -> the parts it must never import (at the top or inside a function).
FORBIDDEN = {
    "checks.py": ("lstmgan_tf",),
    "files.py": ("lstmgan_tf",),
    "config.py": ("lstmgan_tf",),
    "data": ("lstmgan_tf.layers", "lstmgan_tf.text", "lstmgan_tf.models", "lstmgan_tf.training",
             "lstmgan_tf.experiments", "lstmgan_tf.cli"),
    "layers": ("lstmgan_tf.text", "lstmgan_tf.models", "lstmgan_tf.training", "lstmgan_tf.experiments",
               "lstmgan_tf.cli"),
    "text": ("lstmgan_tf.models", "lstmgan_tf.training", "lstmgan_tf.experiments", "lstmgan_tf.cli"),
    "models": ("lstmgan_tf.training", "lstmgan_tf.experiments", "lstmgan_tf.cli", "lstmgan_tf.generate",
               "lstmgan_tf.metrics"),
    "metrics": ("lstmgan_tf.training", "lstmgan_tf.experiments", "lstmgan_tf.cli"),
    "training": ("lstmgan_tf.experiments", "lstmgan_tf.generate", "lstmgan_tf.main_job"),
}
# A package's ``commands.py`` is its CLI side (DEVELOPING.md, "CLI"): it may use the CLI's helpers.
COMMAND_MODULE = "commands.py"


def imported_modules(path: pathlib.Path) -> set[str]:
    """Every ``lstmgan_tf`` module a file imports, wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("lstmgan_tf")}


def _files(part: str) -> list[pathlib.Path]:
    path = PACKAGE / part
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_each_part_imports_only_what_is_below_it(part):
    files = _files(part)
    assert files, f"lstmgan_tf/{part} holds no Python file: update FORBIDDEN and DEVELOPING.md's map."
    breaches = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path))
        if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[part])
        and not (path.name == COMMAND_MODULE and name.startswith("lstmgan_tf.cli"))
    ]
    assert not breaches, "\n".join(breaches)


def test_the_checker_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from lstmgan_tf.training import registry\n", encoding="utf-8")
    assert "lstmgan_tf.training.registry" in imported_modules(module)


def test_every_module_is_on_the_map():
    developing = (PACKAGE.parent / "DEVELOPING.md").read_text(encoding="utf-8")
    map_section = developing.split("## Map of the package", 1)[1].split("\n## ", 1)[0]
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if path.name in ("__init__.py", "__main__.py"):
            continue
        top = relative.parts[0]
        named = (f"`{top}/`" in map_section or f"`{relative.as_posix()}`" in map_section
                 or f"`{path.stem}`" in map_section or f"{path.name}`" in map_section
                 or f"`{relative.parent.as_posix()}/`" in map_section)
        if not named:
            missing.append(relative.as_posix())
    assert not missing, f"modules missing from DEVELOPING.md's map: {missing}"


MAX_MODULE_LINES = 600


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {path.relative_to(PACKAGE).as_posix(): count for path in sorted(PACKAGE.rglob("*.py"))
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by concept): {long}"
