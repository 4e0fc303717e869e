"""Reporting in the navigation: the dashboard, for team managers, organisation admins, case managers and the
lead's initiative admins."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Dashboard",
    "reporting:dashboard",
    order=112,
    shown=lambda user: any(
        has_perm(user, p)
        for p in (
            "reporting.view_team_dashboard",
            "reporting.view_organisation_dashboard",
            "reporting.view_initiative_dashboard",
        )
    ),
)

nav_register(
    "Client Level Data",
    "reporting:cld",
    order=113,
    shown=lambda user: has_perm(user, "reporting.export_cld"),
)
