"""The error summary of every form (templates/includes/form_errors.html, config.forms.error_summary), the
GOV.UK pattern: it names each field with its message and links to it; the form's own errors come first,
without a link."""

from django import forms
from django.template.loader import render_to_string

from config.forms import Form, error_summary


class _Example(Form):
    name = forms.CharField(label="Namn", max_length=20)
    choice = forms.ChoiceField(label="Utfall", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    why = forms.CharField(label="Varför ändras kategorin?", max_length=20)
    hidden = forms.CharField(widget=forms.HiddenInput, max_length=5)

    def clean(self):
        self.add_error(None, "Ärendet har redan den enheten och handläggaren.")
        return self.cleaned_data


def test_each_entry_names_its_field_and_links_to_it_and_the_forms_own_error_has_no_link():
    form = _Example(data={"name": "x" * 25, "hidden": "for long"})
    assert not form.is_valid()
    assert error_summary(form) == [
        {"href": None, "text": "Ärendet har redan den enheten och handläggaren."},
        {"href": "#id_name", "text": "”Namn” får vara högst 20 tecken (nu 25)."},
        {"href": "#id_choice_0", "text": "Utfall: Det här fältet är obligatoriskt."},
        {"href": "#id_why", "text": "Varför ändras kategorin? Det här fältet är obligatoriskt."},
        # A hidden field has nothing to go to: listed without a link.
        {"href": None, "text": "”Hidden” får vara högst 5 tecken (nu 8)."},
    ]


def test_the_summary_is_an_alert_that_takes_the_focus_with_a_heading_and_the_field_beside_its_error():
    form = _Example(data={"name": ""})
    form.is_valid()
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert 'data-module="govuk-error-summary" tabindex="-1"' in html
    assert '<div role="alert">' in html
    assert "Det finns ett problem" in html
    assert '<a href="#id_name">Namn: Det här fältet är obligatoriskt.</a>' in html
    assert "<li>Ärendet har redan den enheten och handläggaren.</li>" in html
    field = render_to_string("includes/field.html", {"field": form["name"]})
    assert 'id="name-error"' in field and "Det här fältet är obligatoriskt." in field
