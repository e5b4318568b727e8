"""Every free text has a limit (config.text_limits), held by the form, the service and the model field on
save, with a Swedish message that names the field and the limit (issue 16: a 2 MB "Skäl för förslaget"
was saved, and every page showing it took 3–4 s)."""

import functools
import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from config import formatting, text_limits
from config.text_limits import LimitedTextField, check_text_limits, too_long_message
from encryption.fields import EncryptedDateField, EncryptedFieldMixin, EncryptedJSONField, Sealed

PACKAGES = ("casework", "accesscontrol", "audit", "reports", "encryption")

# Text columns that are no free text: a file sealed whole (its size is bounded where it is uploaded), a
# date stored as text, lists of ids and names the code writes.
NOT_FREE_TEXT = {
    "casework.CaseImport.sealed_file",
    "reports.ReportJob.sealed_file",
}

TWO_MB = "x" * (2 * 1024 * 1024)


def _text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PACKAGES:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.TextField) or isinstance(field, EncryptedDateField):
                continue
            if type(field).__name__ == "StringListField":  # audit's lists of ids, written by the code
                continue
            yield f"{model._meta.label}.{field.name}", model, field


TEXT_FIELDS = list(_text_fields())
LIMITED = [(name, model, field) for name, model, field in TEXT_FIELDS if name not in NOT_FREE_TEXT]


def test_the_enumeration_finds_the_free_texts():
    """The test below can fail: it sees the texts of the issue, encrypted and plain."""
    names = {name for name, _model, _field in TEXT_FIELDS}
    assert {
        "casework.Case.proposal_reason",
        "casework.FollowUp.youth_view",
        "casework.Meeting.reasoning",
        "accesscontrol.CaseAccessGrant.reason",
        "reports.CostIndex.source",
        "casework.InterventionType.description",
    } <= names
    assert names >= NOT_FREE_TEXT


@pytest.mark.parametrize("name", [name for name, _model, _field in TEXT_FIELDS])
def test_every_text_field_of_every_model_has_a_limit(name):
    _name, _model, field = next(entry for entry in TEXT_FIELDS if entry[0] == name)
    if name in NOT_FREE_TEXT:
        return
    assert text_limits.text_limit(field), f"{name} has no limit: give it max_length=text_limits.<SIZE>"
    assert isinstance(field, EncryptedFieldMixin | LimitedTextField), (
        f"{name} is a plain TextField: its limit would hold only in forms. Use config.text_limits.LimitedTextField."
    )


def _too_long_value(field):
    limit = field.max_length
    if isinstance(field, EncryptedJSONField):
        return {"text": "x" * limit}, {"text": "x" * (limit - 20)}
    return "x" * (limit + 1), "x" * limit


@pytest.mark.parametrize("name", [name for name, _model, _field in LIMITED])
def test_the_model_field_refuses_a_text_over_its_limit_on_save_naming_the_field(name):
    """The backstop every write passes (save, bulk_create): the limit of each field, tested."""
    _name, model, field = next(entry for entry in LIMITED if entry[0] == name)
    too_long, longest = _too_long_value(field)
    instance = model()
    setattr(instance, field.attname, too_long)
    with pytest.raises(ValidationError) as refusal:
        field.pre_save(instance, add=True)
    message = refusal.value.message_dict[field.name][0]
    assert f"”{capfirst(str(field.verbose_name))}”" in message
    assert f"högst {formatting.number(field.max_length)} tecken" in message
    setattr(instance, field.attname, longest)
    stored = field.pre_save(instance, add=True)
    assert stored is not None
    if isinstance(field, EncryptedFieldMixin):
        assert isinstance(stored, Sealed)


def test_the_sizes_are_named_by_use_and_ordered():
    assert text_limits.SHORT < text_limits.NOTE < text_limits.DECISION < text_limits.REASONING
    assert len(TWO_MB) >= text_limits.REASONING * 200


def test_the_message_names_the_field_the_limit_and_the_length():
    assert too_long_message("skäl för förslaget", 10_000, 2_097_152) == (
        "”Skäl för förslaget” får vara högst 10\u00a0000 tecken (nu 2\u00a0097\u00a0152)."
    )


def test_the_service_check_names_the_field_and_the_services_own_name_for_it():
    from casework.models import Case, FollowUp

    with pytest.raises(ValidationError) as refusal:
        check_text_limits(Case, names={"proposal_reason": "reason"}, proposal_reason=TWO_MB)
    assert list(refusal.value.message_dict) == ["reason"]
    assert "”Skäl för förslaget” får vara högst 10\u00a0000 tecken" in refusal.value.message_dict["reason"][0]
    with pytest.raises(ValidationError) as both:
        check_text_limits(FollowUp, youth_view=TWO_MB, social_view="kort", helped=TWO_MB)
    assert sorted(both.value.message_dict) == ["helped", "youth_view"]
    check_text_limits(Case, proposal_reason="x" * text_limits.REASONING)  # at the limit: accepted


# --- Forms -------------------------------------------------------------------------------------------------


@functools.cache
def _forms():
    for package in ("casework", "accesscontrol", "audit", "reports", "config"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in module.name or module.name in ("config.wsgi", "config.asgi", "config.celery"):
                continue
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return tuple(
        sorted(
            {cls for cls in subclasses(forms.BaseForm) if cls.__module__.split(".")[0] in PACKAGES + ("config",)},
            key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
        )
    )


def test_every_text_field_of_every_form_has_a_limit():
    """A password is no free text: it is hashed, never stored or shown (Django's auth forms)."""
    missing = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in _forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.HiddenInput | forms.PasswordInput)
        and field.max_length is None
    ]
    assert len(_forms()) > 30  # the walk found the forms
    assert missing == []


def test_a_form_refuses_a_text_over_its_limit_naming_the_field():
    from casework.forms.care import FollowUpForm

    form = FollowUpForm(
        data={"written_on": "2026-01-01", "youth_view": TWO_MB, "social_view": "Bättre.", "outcome": "unchanged"}
    )
    assert not form.is_valid()
    assert form.errors["youth_view"] == [
        "”Ungdomens egen bild (och föräldrarnas)” får vara högst 4\u00a0000 tecken (nu 2\u00a0097\u00a0152)."
    ]
    assert form.fields["youth_view"].widget.attrs["maxlength"] == "4000"


def test_the_message_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert too_long_message("Reason for the proposal", 10_000, 10_001) == (
            "“Reason for the proposal” may be at most 10,000 characters (now 10,001)."
        )
