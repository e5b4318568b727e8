"""django-guardian's "direct foreign keys" for cases, for bench/access_scoping.py only: a guardian-based
design's per-case permissions as guardian advises holding them (a real foreign key to the case, so that
get_objects_for_user joins instead of casting a generic object_pk), the strongest guardian to compare with.
Installed by bench/settings_guardian.py; its table is made with the throw-away test database."""

from django.db import models
from guardian.models import UserObjectPermissionBase


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="guardian_permissions")
