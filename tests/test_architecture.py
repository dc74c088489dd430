"""The import rules of docs/architecture.md, checked on the source: which part may import
which, no import cycle between the app's modules, function-local imports of the app's
own modules only where a reason is named here, and modules and functions of a size a
reader can hold."""

import ast
from collections import defaultdict
from pathlib import Path

import annotations

ROOT = Path(annotations.__file__).parent.parent
APP = ROOT / "annotations"

# part -> the parts of the app it must not import (at any depth of the module).
FORBIDDEN = {
    "annotations.text": ("annotations.", "django"),
    "annotations.importers": ("annotations.models", "annotations.permissions", "django"),
    "annotations.outbound": ("annotations.", "django"),
    "annotations.webhooks": (
        "annotations.web",
        "annotations.api",
        "annotations.services",
        "annotations.jobs",
    ),
    "annotations.models": (
        "annotations.web",
        "annotations.api",
        "annotations.exports",
        "annotations.search",
        "annotations.matching",
        "annotations.services",
        "annotations.jobs",
    ),
    "annotations.permissions": (
        "annotations.web",
        "annotations.api",
        "annotations.exports",
        "annotations.search",
        "annotations.matching",
        "annotations.services",
    ),
    "annotations.exports": ("annotations.web", "annotations.api", "annotations.services"),
    "annotations.live": (
        "annotations.web",
        "annotations.api",
        "annotations.exports",
        "annotations.services",
    ),
    "annotations.search": ("annotations.web", "annotations.api", "annotations.exports"),
    "annotations.matching": ("annotations.web", "annotations.api", "annotations.exports"),
    "annotations.api": ("annotations.web",),
    "annotations.web": ("annotations.api",),
}

# Function-local imports of the app's own modules, each with the reason it is local.
LOCAL_IMPORTS = {
    ("annotations.models", "annotations.permissions"): (
        "permissions is built on the models; the workflow methods ask it at call time"
    ),
    ("annotations.apps", "annotations"): (
        "AppConfig.ready(): the app's modules may be imported only once the registry is ready"
    ),
}

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield _module_name(path), path, ast.parse(path.read_text(), str(path))


def _imports(module: str, tree) -> list[tuple[str, bool]]:
    """(imported module, at top level?) for every import in the module."""
    found = []
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.rsplit(".", node.level)[0]
                base = f"{package}.{node.module}" if node.module else package
            else:
                base = node.module or ""
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.extend((name, id(node) in top) for name in names)
    return found


def _part(module: str) -> str | None:
    for part in FORBIDDEN:
        if module == part or module.startswith(part + "."):
            return part
    return None


def _belongs(name: str, prefix: str) -> bool:
    if prefix.endswith("."):
        return name.startswith(prefix)
    return name == prefix or name.startswith(prefix + ".")


def test_each_part_imports_only_what_it_may():
    broken = []
    for module, _, tree in _modules():
        part = _part(module)
        if part is None:
            continue
        for name, _ in _imports(module, tree):
            for forbidden in FORBIDDEN[part]:
                if forbidden == "annotations." and name.startswith("annotations.text"):
                    continue  # text modules use each other
                if _belongs(name, forbidden):
                    broken.append(f"{module} imports {name}")
    assert sorted(set(broken)) == []


def _app_modules() -> set[str]:
    return {module for module, _, _ in _modules()}


def _resolve(name: str, known: set[str]) -> str | None:
    """The app module an imported name lives in (a name may be a module or an object)."""
    while name:
        if name in known:
            return name
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return None


def test_no_function_local_import_of_the_apps_modules_without_a_reason():
    known = _app_modules()
    local = set()
    for module, _, tree in _modules():
        for name, at_top in _imports(module, tree):
            target = _resolve(name, known)
            if not at_top and target and target != module and target != "annotations":
                local.add((module, target))
    unexplained = [
        (module, target)
        for module, target in local
        if not any(
            _belongs(module, where) and _belongs(target, what) for where, what in LOCAL_IMPORTS
        )
    ]
    assert sorted(unexplained) == []


def test_no_import_cycle_between_the_apps_modules():
    known = _app_modules()
    graph = defaultdict(set)
    for module, _, tree in _modules():
        for name, at_top in _imports(module, tree):
            target = _resolve(name, known)
            # A package's __init__ importing its own submodules is how packages re-export.
            if at_top and target and target != module and not target.startswith(module + "."):
                if target != "annotations":
                    graph[module].add(target)
    cycles = []
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


# Longer on purpose, each with its reason.
LONG_TEST_MODULES = {
    "tests/api/test_matrix.py": "one table: every API route for every role, read at a glance",
}


def _test_modules():
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        yield relative, path, ast.parse(path.read_text(), relative)


def test_modules_and_functions_stay_small():
    too_long = []
    for module, path, tree in [*_modules(), *_test_modules()]:
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES and module not in LONG_TEST_MODULES:
            too_long.append(f"{module}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{module}.{node.name}: {length} lines")
    assert too_long == []
