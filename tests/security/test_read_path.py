"""Issue 14: pages and API endpoints read people, cases and what hangs off them only through their app's
`*_get_for_user` / `*_list_for_user` selectors (which scope the read and write its access event). No view or
API module touches those models' managers, and none writes an access event itself. What still does is in an
allow-list with the reason; an entry that no longer matches fails, so the list only shrinks."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASEWORK = ROOT / "casework"

# The sensitive models, by the module that defines them.
SENSITIVE = {
    "casework.cases.models": {"Case"},
    "casework.people.models": {"Person"},
    "casework.safeguarding.models": {"SafeguardingConcern"},
    "casework.assessments.models": {"Assessment"},
    "casework.letters.models": {"Letter"},
    "casework.contacts.models": {"ContactEvent"},
    "casework.waiting_list.models": {"WaitingListEntry"},
}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}

# (module, what it does) -> why it still may.
DIRECT_READS: dict[tuple[str, str], str] = {}
ACCESS_EVENTS: dict[str, str] = {}


def _view_modules() -> list[Path]:
    modules = []
    for path in sorted(CASEWORK.rglob("*.py")):
        relative = path.relative_to(CASEWORK)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        if path.stem in ("views", "api") or path.parent.name in ("views", "api"):
            modules.append(path)
    return modules


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _sensitive_names(tree: ast.AST) -> dict[str, str]:
    """The names under which the module (anywhere in it) imports a sensitive model: alias -> model."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in SENSITIVE:
            for alias in node.names:
                if alias.name in SENSITIVE[node.module]:
                    names[alias.asname or alias.name] = alias.name
    return names


def _direct_reads(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = _sensitive_names(tree)
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            found.add(f"{names[node.value.id]}.{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SHORTCUTS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name) and first.id in names:
                found.add(f"{node.func.id}({names[first.id]})")
    return found


def _writes_access_event(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name == "access_record":
                return True
    return False


def test_the_scan_sees_the_view_and_api_modules():
    names = {_name(path) for path in _view_modules()}
    assert {"casework/people/views.py", "casework/cases/api.py", "casework/safeguarding/views.py"} <= names


def test_no_view_or_api_reads_a_person_or_case_but_through_a_selector():
    found = {(_name(path), read) for path in _view_modules() for read in _direct_reads(path)}
    unexplained = sorted(found - set(DIRECT_READS))
    assert unexplained == [], (
        "read these through their app's *_get_for_user / *_list_for_user selector (or add to DIRECT_READS "
        f"with the reason): {unexplained}"
    )
    stale = sorted(set(DIRECT_READS) - found)
    assert stale == [], f"DIRECT_READS entries that no longer match: remove them: {stale}"


def test_no_view_or_api_writes_an_access_event_itself():
    found = {_name(path) for path in _view_modules() if _writes_access_event(path)}
    unexplained = sorted(found - set(ACCESS_EVENTS))
    assert unexplained == [], (
        f"move the access event into the selector that reads the records (or add to ACCESS_EVENTS): "
        f"{unexplained}"
    )
    stale = sorted(set(ACCESS_EVENTS) - found)
    assert stale == [], f"ACCESS_EVENTS entries that no longer match: remove them: {stale}"


def test_the_scan_finds_what_it_looks_for(tmp_path):
    """The scan itself: an aliased import, a manager and a shortcut are each found."""
    module = tmp_path / "views.py"
    module.write_text(
        "from django.shortcuts import get_object_or_404\n"
        "def page(request, pk):\n"
        "    from casework.cases.models import Case as CaseModel\n"
        "    from casework.people.models import Person\n"
        "    from casework.audit.services import access_record\n"
        "    access_record(user=request.user, verb='x')\n"
        "    return CaseModel.objects.get(pk=pk), get_object_or_404(Person, pk=pk)\n"
    )
    assert _direct_reads(module) == {"Case.objects", "get_object_or_404(Person)"}
    assert _writes_access_event(module)
