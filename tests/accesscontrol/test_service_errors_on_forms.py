"""A service's refusal always reaches the form (config.forms.submitted): on the field it names when the
form has that field, otherwise on the form as a whole; never as an exception."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from config.forms import Form, submitted


class NameForm(Form):
    name = forms.CharField()


def refuse(error):
    def action():
        raise error

    return action


@pytest.mark.parametrize(
    "error, field",
    [
        (ValidationError({"name": "Namnet är upptaget."}), "name"),
        (ValidationError({"something_else": "Namnet är upptaget."}), "__all__"),
        (ValidationError("Namnet är upptaget."), "__all__"),
    ],
    ids=["named-field", "field-not-on-the-form", "no-field"],
)
def test_a_refusal_becomes_a_form_error(error, field):
    form = NameForm({"name": "X"})
    assert not submitted(RequestFactory().post("/"), form, refuse(error))
    assert form.errors[field] == ["Namnet är upptaget."]


def test_an_accepted_post_is_submitted_and_a_get_is_not():
    done = []
    assert submitted(RequestFactory().post("/"), NameForm({"name": "X"}), lambda: done.append(1))
    assert not submitted(RequestFactory().get("/"), NameForm(), lambda: done.append(2))
    assert done == [1]
