"""The house rules a reviewer would otherwise check by hand (docs/architecture.md): module-level
imports form no cycle, no product file grows past 400 lines, no app keeps more than 15 modules
at its top level, and each app has at most one module that imports its actors lazily."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("apps", "streamsite", "media_pipeline")
MAX_LINES = 400
MAX_TOP_MODULES = 15


def _product_files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module_level_imports(path: Path, known: set[str]) -> set[str]:
    """Project modules imported when this module is imported (not inside functions)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from a import b` imports a, and a.b when b is a module.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def test_module_level_imports_have_no_cycle():
    files = {_module_name(path): path for path in _product_files()}
    known = set(files)
    graph = {name: _module_level_imports(path, known) for name, path in files.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_product_file_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _product_files()
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_app_has_more_than_15_top_level_modules():
    crowded = {
        app.name: count
        for app in (ROOT / "apps").iterdir()
        if app.is_dir() and (count := len(list(app.glob("*.py")))) > MAX_TOP_MODULES
    }
    assert crowded == {}


def test_one_module_per_app_imports_its_actors_lazily():
    lazy: dict[str, list[str]] = {}
    for path in _product_files():
        tree = ast.parse(path.read_text("utf-8"))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if id(node) in top or not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(name.endswith(".actors") for name in names):
                app = ".".join(_module_name(path).split(".")[:2])
                lazy.setdefault(app, []).append(_module_name(path))
    assert {app: mods for app, mods in lazy.items() if len(set(mods)) > 1} == {}
    assert lazy.get("apps.videos") == ["apps.videos.pipeline.jobs"]
