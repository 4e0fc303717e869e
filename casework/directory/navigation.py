"""The directory of services in the navigation: for everyone signed in."""

from casework.core.navigation import nav_register

nav_register("Find a service", "directory:service_search", order=60, shown=lambda user: True)
