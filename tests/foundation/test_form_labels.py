"""Every form a user fills in is labelled from the translation catalogue, and no drop-down offers
Django's "---------" (config.forms)."""

import importlib
import pkgutil

import pytest
from django import forms
from django.utils.functional import Promise

from casework.administration.forms import TariffForm
from casework.models import InterventionType
from config.forms import GovukFormMixin

PACKAGES = ("casework", "accesscontrol", "audit", "reports")


def _all_forms():
    """Every form of Samsyn's packages (forms the tests define for themselves are not the interface)."""
    for package in PACKAGES:
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {form for form in subclasses(GovukFormMixin) if form.__module__.split(".")[0] in PACKAGES}


def test_every_visible_field_of_every_form_has_a_translated_label():
    untranslated = [
        f"{form.__module__}.{form.__name__}.{name}: {field.label!r}"
        for form in _all_forms()
        for name, field in form.base_fields.items()
        if not isinstance(field.widget, forms.HiddenInput) and not isinstance(field.label, Promise)
    ]
    assert untranslated == []


@pytest.mark.django_db
def test_the_tariff_form_reads_in_swedish_and_its_drop_downs_say_valj(people):
    form = TariffForm(intervention_types=InterventionType.objects.filter(agreement=people.agreement))
    html = str(form)
    assert "---------" not in html
    assert '<option value="" selected>Välj</option>' in html
    assert "Insats" in html and "Intervention type" not in html
