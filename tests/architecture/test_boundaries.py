"""Issue 14: the floors between apps, read from the source (no import is run).

- core imports no domain app: it is what every app stands on.
- No app imports another app's private names (a leading underscore): what an app offers others is public.
- No app writes another app's models: it calls that app's services (the demo and scale-data builder, which
  makes the whole world at once, and tests are exempt).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import casework

ROOT = Path(casework.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
WRITES = {"create", "bulk_create", "update", "get_or_create", "update_or_create", "bulk_update", "delete"}
# Building the demo and the scale data writes every app's tables by design.
WRITERS_OF_EVERYTHING = {"demo"}


def _modules() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or len(parts) < 2:
            continue
        yield parts[0], path, ast.parse(path.read_text(), filename=str(path))


def _imports(tree: ast.Module) -> Iterator[tuple[int, str, list[str]]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "casework" and parts[1] in APPS else None


def test_the_walk_finds_the_apps():
    assert {"core", "accounts", "people", "cases", "contacts"} <= set(APPS)
    assert sum(1 for _ in _modules()) > 100


def test_core_imports_no_domain_app():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for app, path, tree in _modules()
        if app == "core"
        for line, module, _names in _imports(tree)
        if _app_of(module) not in (None, "core")
    ]
    assert found == []


def test_no_app_imports_another_apps_private_names():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}.{name}"
        for app, path, tree in _modules()
        for line, module, names in _imports(tree)
        if _app_of(module) not in (None, app)
        for name in names
        if name.startswith("_")
    ]
    assert found == []


def _manager_model(node: ast.AST) -> str | None:
    """The model name at the root of `Model.objects....` (through filters and other calls), if any."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name):
            return node.value.id
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def _model_writes(tree: ast.Module, models: set[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        # Model.objects.create(...), Model.objects.filter(...).update(...) and friends
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            model = _manager_model(node.func.value)
            if model in models:
                yield node.lineno, f"{model}.objects….{node.func.attr}"


def test_no_app_writes_another_apps_models():
    found = []
    for app, path, tree in _modules():
        if app in WRITERS_OF_EVERYTHING:
            continue
        foreign = {
            alias
            for _line, module, names in _imports(tree)
            if module.endswith(".models") and _app_of(module) not in (None, app)
            for alias in names
        }
        found += [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in _model_writes(tree, foreign)]
    assert found == []


def test_the_write_check_finds_a_foreign_write():
    tree = ast.parse(
        "from casework.cases.models import Case\n"
        "Case.objects.create(reference='x')\n"
        "Case.objects.filter(pk=1).exclude(pk=2).update(stage='x')\n"
        "Case.objects.filter(pk=1).count()\n"
    )
    assert list(_model_writes(tree, {"Case"})) == [(2, "Case.objects….create"), (3, "Case.objects….update")]


def test_demo_and_scale_data_live_in_the_demo_app():
    """Building the demo and the scale data is the demo app's: no domain app carries that code."""
    found = [
        str(path.relative_to(ROOT))
        for app, path, _tree in _modules()
        if app != "demo" and ("demo" in path.stem or "scale" in path.stem)
    ]
    assert found == []


def _module_name(path: Path) -> str:
    parts = ("casework", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Each module's imports of casework modules, function-local ones included (a local import that closes a
    cycle only hides it): `from casework.x import y` counts as importing casework.x.y when that is a
    module."""
    modules = {_module_name(path): tree for _app, path, tree in _modules()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for _line, module, names in _imports(tree):
            if not module.startswith("casework."):
                continue
            targets = {f"{module}.{n}" for n in names if f"{module}.{n}" in modules} or {module}
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_between_modules():
    assert _cycles(_import_graph()) == []


# Function-local imports hide a module's dependencies (and, before, three import cycles). Only these stay:
# an AppConfig.ready() (it runs once the registry is ready: that is its purpose), and libraries heavy enough
# to slow every start for the one place that needs them.
LOCAL_IMPORTS_ALLOWED_FOR = {"weasyprint", "splink", "duckdb", "pyarrow", "playwright"}


def _function_local_imports(tree: ast.Module) -> Iterator[tuple[str, int, str]]:
    def walk(node: ast.AST, function: str | None) -> Iterator[tuple[str, int, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(child, child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function is not None:
                module = child.module if isinstance(child, ast.ImportFrom) else child.names[0].name
                yield function, child.lineno, module or ""
            else:
                yield from walk(child, function)

    yield from walk(tree, None)


def test_no_function_local_imports():
    found = [
        f"{path.relative_to(ROOT)}:{line} {function}() imports {module}"
        for _app, path, tree in _modules()
        for function, line, module in _function_local_imports(tree)
        if not (path.name == "apps.py" and function == "ready")
        and module.split(".")[0] not in LOCAL_IMPORTS_ALLOWED_FOR
    ]
    assert found == [], "import at the top of the module:\n" + "\n".join(found)


def test_the_local_import_check_finds_one():
    tree = ast.parse("import os\n\ndef f():\n    from casework.cases import services\n    return services\n")
    assert list(_function_local_imports(tree)) == [("f", 4, "casework.cases")]


def _dispose_calls(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name and name.endswith("_dispose") and not name.startswith(("record_", "run_")):
                yield node.lineno, name


def test_only_retention_calls_the_apps_dispose_services():
    """Each app's `*_dispose` deletes a case's or a person's records with no permission check and no audit
    event of its own: retention checks the permission, the appraisal and the holds, and audits (ADR 23)."""
    found = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for app, path, tree in _modules()
        if app != "retention"
        for line, name in _dispose_calls(tree)
    ]
    assert found == []
    retention = ast.parse((ROOT / "retention" / "services.py").read_text())
    called = {name for _line, name in _dispose_calls(retention)}
    defined = {
        node.name
        for _app, _path, tree in _modules()
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_dispose")
        and not node.name.startswith(("record_", "run_"))
    }  # fmt: skip
    assert called == defined and len(defined) >= 14


def test_the_dispose_check_finds_a_call():
    tree = ast.parse("from casework.plans.services import plans_dispose\nplans_dispose(case_id=1)\n")
    assert list(_dispose_calls(tree)) == [(2, "plans_dispose")]
