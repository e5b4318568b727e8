"""Settings for bench/access_scoping.py only: the project's settings with django-guardian installed, so that
the scoping can be compared with guardian's `get_objects_for_user` over the same cases. The product does not
depend on guardian (it is the `bench` extra in pyproject.toml)."""

from config.settings import *  # noqa: F403
from config.settings import AUTHENTICATION_BACKENDS, INSTALLED_APPS

# guardian_direct: its per-case permission rows with a real foreign key (guardian's "direct foreign keys").
INSTALLED_APPS = [*INSTALLED_APPS, "guardian", "bench.guardian_direct"]
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "guardian.backends.ObjectPermissionBackend"]
# No anonymous user row: guardian would create one after migrating, a user the project's model does not expect.
ANONYMOUS_USER_NAME = None
