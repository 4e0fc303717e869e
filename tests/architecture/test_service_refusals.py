"""Issue 14: a page turns a service's refusal (DomainError) into what the user sees in one place.

core/pages.py holds the two shapes: run_form_service (a form: the refusal on its field or in the GOV.UK error
summary, a refusal of the user a 403) and run_action_service (a button with no form: an error message on the
next page). A view module that catches DomainError itself has copied one of them, or has a shape that does
not fit; the second kind is named below, each with why.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import casework
from casework.core.errors import DomainError

ROOT = Path(casework.__file__).parent
SHARED = ROOT / "core" / "pages.py"

# "module:function" -> why run_form_service / run_action_service do not fit there.
ALLOWED = {
    "contacts/views.py:duty_call": "a refusal of the user (the case is another organisation's) goes on the "
    "form, where the duty officer can act on it, not on a 403 page",
    "people/views.py:person_create": "PossibleDuplicates is not a refusal: the page lists the likely matches "
    "and asks to confirm",
    # Owned by the branch renaming risk/: the lead trims it after merging.
    "risk/views.py:_act": "risk branch: a private run_action_service that returns the result",
}


def _routed_modules() -> set[str]:
    """The modules of every page the URLconf serves (the API's operations are django-ninja's, not here)."""
    found: set[str] = set()

    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "") or ""
                if module.startswith("casework."):
                    found.add(module)

    walk(get_resolver().url_patterns)
    return found


def _view_modules() -> list[Path]:
    """Every views.py, and every other module that serves a page."""
    paths = {path for path in ROOT.rglob("views.py") if "tests" not in path.relative_to(ROOT).parts} | {
        Path(importlib.import_module(name).__file__ or "") for name in _routed_modules()
    }
    return sorted(path for path in paths if path != SHARED)


def _imported_names(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """Each name the module binds by import, anywhere in it (function-local imports too): name -> (module,
    attribute), attribute None for a module."""
    names: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
    return names


def _resolve(node: ast.expr, names: dict[str, tuple[str, str | None]], module: object) -> object:
    """The object an except clause names, as far as the imports and the module say (None if unknown)."""
    if isinstance(node, ast.Name):
        if node.id in names:
            source, attribute = names[node.id]
            try:
                imported = importlib.import_module(source)
            except ImportError:
                return None
            return imported if attribute is None else getattr(imported, attribute, None)
        return getattr(module, node.id, None)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names, module)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _catches(tree: ast.Module, module: object) -> Iterator[tuple[int, str, str]]:
    """(line, enclosing function, exception) for each except clause that catches a DomainError (or one of
    its kinds)."""
    names = _imported_names(tree)

    def visit(node: ast.AST, function: str) -> Iterator[tuple[int, str, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, child.name if function == "<module>" else function)
                continue
            if isinstance(child, ast.ExceptHandler) and child.type is not None:
                caught = child.type.elts if isinstance(child.type, ast.Tuple) else [child.type]
                for expr in caught:
                    obj = _resolve(expr, names, module)
                    if isinstance(obj, type) and issubclass(obj, DomainError):
                        yield child.lineno, function, ast.unparse(expr)
            yield from visit(child, function)

    yield from visit(tree, "<module>")


def _found() -> list[tuple[str, str, int, str]]:
    found = []
    for path in _view_modules():
        relative = path.relative_to(ROOT)
        module = importlib.import_module(".".join(("casework", *relative.with_suffix("").parts)))
        tree = ast.parse(path.read_text(), filename=str(path))
        found += [(str(relative), function, line, name) for line, function, name in _catches(tree, module)]
    return found


def test_the_walk_finds_the_view_modules():
    modules = {str(path.relative_to(ROOT)) for path in _view_modules()}
    assert {"people/views.py", "contacts/views.py", "accounts/views.py", "cases/views.py"} <= modules
    assert "core/pages.py" not in modules


def test_the_check_finds_a_view_catching_a_domain_error():
    tree = ast.parse(
        "from casework.core.errors import DomainError, PermissionRefused\n"
        "from casework.people import errors\n"
        "def page(request):\n"
        "    try:\n"
        "        pass\n"
        "    except PermissionRefused:\n"
        "        pass\n"
        "    except (KeyError, errors.PossibleDuplicates):\n"
        "        pass\n"
        "    def inner():\n"
        "        try:\n"
        "            pass\n"
        "        except DomainError:\n"
        "            pass\n"
    )
    assert list(_catches(tree, object())) == [
        (8, "page", "errors.PossibleDuplicates"),
        (13, "page", "DomainError"),
    ]


def test_views_leave_service_refusals_to_core_pages():
    """A view calls run_form_service or run_action_service rather than catch DomainError itself."""
    found = [
        f"{path}:{line} {function} catches {name}"
        for path, function, line, name in _found()
        if f"{path}:{function}" not in ALLOWED
    ]
    assert found == []


def test_every_allowed_catch_is_still_there():
    """An allowed place that no longer catches DomainError comes off the list."""
    caught = {f"{path}:{function}" for path, function, _line, _name in _found()}
    assert sorted(set(ALLOWED) - caught) == []
