"""The case workspace (issue 14): a case header on every section of a case, and a sub navigation of sections
that each app registers, each section its own page (ADR 16).

An app registers its section in its navigation.py (loaded by core/apps.py): a label, a path under
/cases/<id>/ (its URL name is "cases:case_<key>"), an order, who may see it (`shown`), whether the case's
work has reached it (`reached`, with `unlocks` saying what unlocks it), the stages at which the case opens
at it, the values it reads with the case (`values`, names of expressions registered with `value_register`)
and what it shows (`template`, rendered with what `context` returns). The case's URL, /cases/<id>/, shows
the section the case's stage opens at.

Each section's page reads the case once (cases.selectors.case_get_for_section: one AccessEvent naming the
section), with the values the header and the section need, then only what the section shows. htmx asks for
the section alone (hx-target "case-section"): the header stays, and the sub navigation is swapped out of band.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Expression
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers

from casework.accounts.models import User
from casework.cases import lifecycle
from casework.cases.header import header_context
from casework.cases.models import Case
from casework.cases.selectors import case_get_for_section

# The element a section's body is swapped into, and the htmx target that asks for a section alone.
SECTION_TARGET = "case-section"


def _always(*_args: Any) -> bool:
    return True


@dataclass(frozen=True)
class CaseSection:
    key: str
    label: str
    path: str
    order: int
    template: str
    context: Callable[[HttpRequest, Case, dict[str, Any]], dict[str, Any]]
    shown: Callable[[Any, Case], bool] = _always
    reached: Callable[[Case], bool] = _always
    unlocks: str = ""
    opens_at: frozenset[str] = frozenset()
    values: tuple[str, ...] = ()

    @property
    def url_name(self) -> str:
        return f"cases:case_{self.key}"

    def url(self, case: Case | int) -> str:
        return reverse(self.url_name, args=[case.pk if isinstance(case, Case) else case])


@dataclass(frozen=True)
class CaseValue:
    """A value read with the case, in the same query: an expression on the case's row given by an app."""

    name: str
    expression: Callable[[Any], Expression]
    header: bool = False


_SECTIONS: dict[str, CaseSection] = {}
_VALUES: dict[str, CaseValue] = {}


def section_register(
    key: str,
    label: str,
    *,
    path: str,
    order: int,
    template: str,
    context: Callable[[HttpRequest, Case, dict[str, Any]], dict[str, Any]],
    shown: Callable[[Any, Case], bool] = _always,
    reached: Callable[[Case], bool] = _always,
    unlocks: str = "",
    opens_at: Iterable[str] = (),
    values: Iterable[str] = (),
) -> None:
    """Register a section of the case workspace (see the module's docstring)."""
    _SECTIONS[key] = CaseSection(
        key=key,
        label=label,
        path=path,
        order=order,
        template=template,
        context=context,
        shown=shown,
        reached=reached,
        unlocks=unlocks,
        opens_at=frozenset(opens_at),
        values=tuple(values),
    )


def value_register(name: str, expression: Callable[[Any], Expression], *, header: bool = False) -> None:
    """Register a value the case is read with, given by `expression(user)`; `header`: the case header reads
    it on every section (a flag it shows), else a section names it in its `values`."""
    _VALUES[name] = CaseValue(name, expression, header)


def sections() -> list[CaseSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def section_get(key: str) -> CaseSection:
    return _SECTIONS[key]


def reached_from(stage: str) -> Callable[[Case], bool]:
    """A `reached` rule: the case is at `stage` or a later one, or its live progress has been (a case that
    went back to amend keeps the later sections it reached; restarting from a stage resets them)."""

    index = lifecycle.stage_index(stage)

    def reached(case: Case) -> bool:
        furthest = getattr(case, "stage_reached", None)
        return max(lifecycle.stage_index(case.stage), -1 if furthest is None else furthest) >= index

    return reached


def _values_for(user: Any, names: Iterable[str]) -> dict[str, Expression]:
    wanted = set(names) | {value.name for value in _VALUES.values() if value.header}
    return {name: _VALUES[name].expression(user) for name in sorted(wanted) if name in _VALUES}


def case_for_section(request: HttpRequest, case_id: int, section: CaseSection) -> Case:
    return case_get_for_section(
        user=cast(User, request.user),  # every page needs a sign-in (core middleware)
        case_id=case_id,
        section=section.key,
        also=_values_for(request.user, section.values),
    )


def opening_section(user: Any, case: Case) -> CaseSection:
    """The section the case opens at: the first the user may see that opens at the case's stage while the
    case is open; the first section (the overview) otherwise."""
    shown = [section for section in sections() if section.shown(user, case)]
    if case.is_open:
        for section in shown:
            if case.stage in section.opens_at:
                return section
    return shown[0]


def navigation_for(user: Any, case: Case, current: CaseSection) -> list[dict[str, Any]]:
    """The sub navigation: every section the user may see, the current one marked."""
    return [
        {
            "key": section.key,
            "label": section.label,
            "url": section.url(case),
            "active": section.key == current.key,
            "reached": section.reached(case),
        }
        for section in sections()
        if section.shown(user, case)
    ]


@dataclass
class Workspace:
    """What the case header and sub navigation show, worked out once for a request."""

    case: Case
    section: CaseSection
    navigation: list[dict[str, Any]]
    reached: bool
    header: dict[str, Any] = field(default_factory=dict)


def _is_section_request(request: HttpRequest) -> bool:
    # A history restore (the back button after hx-push-url, cache missed) wants the whole page.
    return (
        bool(request.headers.get("HX-Request"))
        and request.headers.get("HX-Target") == SECTION_TARGET
        and not request.headers.get("HX-History-Restore-Request")
    )


def section_response(request: HttpRequest, case: Case, section: CaseSection) -> HttpResponse:
    """The section's page: the case header, the sub navigation and the section; only the section (and the
    sub navigation, out of band) when htmx asks for it."""

    user = request.user
    if not section.shown(user, case):
        raise Http404("No such section of the case")
    partial = _is_section_request(request)
    workspace = Workspace(
        case=case,
        section=section,
        navigation=navigation_for(user, case, section),
        reached=section.reached(case),
    )
    # The header reads the case's workers (which also tell the policies the user's roles on the case).
    workspace.header = header_context(request, case)
    context = section.context(request, case, workspace.header)
    response = render(
        request,
        "cases/workspace/_section_swap.html" if partial else "cases/workspace/section.html",
        {"case": case, "workspace": workspace, "section": section, "is_htmx": partial, **context},
    )
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def section_view(request: HttpRequest, case_id: int, *, key: str) -> HttpResponse:
    section = section_get(key)
    return section_response(request, case_for_section(request, case_id, section), section)


def case_workspace(request: HttpRequest, case_id: int) -> HttpResponse:
    """/cases/<id>/: the section the case's stage opens at, read with every section's values (the stage is
    known only once the case is read)."""

    everything = {name for section in sections() for name in section.values}
    opened: list[CaseSection] = []

    def opens_at(case: Case) -> str:
        opened.append(opening_section(request.user, case))
        return opened[0].key

    case = case_get_for_section(
        user=cast(User, request.user),  # every page needs a sign-in (core middleware)
        case_id=case_id,
        section=opens_at,
        also=_values_for(request.user, everything),
    )
    return section_response(request, case, opened[0])


def section_urlpatterns() -> list[URLPattern]:
    """A URL for each registered section, /cases/<id>/<path>, named "cases:case_<key>" (cases/urls.py)."""
    return [
        path(f"<id:case_id>/{section.path}", section_view, {"key": section.key}, name=f"case_{section.key}")
        for section in sections()
    ]
