"""Every page of every role passes axe (WCAG 2.1 AA): the role signs in for real and opens each HTML page
the URL × role matrix gives it (tests/accesscontrol/url_matrix.py), so a new page is checked as soon as it
is in the matrix. The sysadmin's pages are walked in test_access_pages.py."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accesscontrol.url_matrix import MATRIX, project_patterns
from tests.e2e.conftest import sign_in
from tests.e2e.test_access_pages import PASSWORD, visit_all

pytestmark = pytest.mark.django_db(transaction=True)

# Answers that are not pages: files, JSON, the health check.
NOT_PAGES = {
    "healthz",
    "casework:minutes_pdf",
    "casework:meeting_invitation",
    "casework:register_extract",
    "casework:attachment",
    "casework:import_template",
    "casework:import_status",
    "audit:access_log_export",
    "audit:verification_status",
    "reports:job_status",
    "reports:job_file",
    "reports:statistics_file",
    "reports:case_summary",
}


@pytest.fixture
def world(url_world):
    return url_world()


@pytest.mark.parametrize("role", ["social_manager", "caseworker", "field_worker", "police", "management", "auditor"])
def test_every_page_of_the_role_is_accessible(page, world, role):
    user = getattr(world.people, {"social_manager": "manager", "field_worker": "field_worker"}.get(role, role))
    TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    patterns = [
        pattern
        for pattern in project_patterns()
        if MATRIX[pattern.key][role] == 200
        and pattern.key not in NOT_PAGES
        and not pattern.key.startswith(("api_", "accesscontrol:login", "accesscontrol:set_password"))
    ]
    assert len(patterns) >= 5, role
    sign_in(page, user, PASSWORD)
    visit_all(page, world, patterns)
