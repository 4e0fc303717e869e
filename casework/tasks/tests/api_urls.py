"""A throwaway API root for the tasks router, with the real root's auth and error handlers, in front of the
project's URLs: the tests run the same whether or not config/api.py mounts the router yet."""

from django.http import Http404
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from casework.core.errors import DomainError, PermissionRefused
from casework.tasks.api import router
from config import api as root
from config.urls import urlpatterns as project_urlpatterns

api = NinjaAPI(
    title="Tasks (tests)",
    version="test",
    auth=[root.BearerToken(), root.SignedInSession()],
    urls_namespace="tasks-api-test",
    docs_url=None,
)
for exc_class, handler in (
    (DomainError, root.domain_error),
    (PermissionRefused, root.permission_refused),
    (Http404, root.not_found),
    (AuthenticationError, root.unauthenticated),
    (NinjaValidationError, root.invalid_input),
):
    api.add_exception_handler(exc_class, handler)
api.add_router("/tasks", router)

urlpatterns = [path("api/v1/", api.urls), *project_urlpatterns]
