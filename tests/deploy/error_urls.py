"""A URLconf for the logging tests: Samsyn's URLs plus a view that fails while handling personal data."""

from django import forms
from django.http import HttpResponse
from django.urls import include, path

from config.forms import Form


class PersonSearchForm(Form):
    personal_number = forms.CharField()
    name = forms.CharField(required=False)


def failing_view(request):
    form = PersonSearchForm(request.POST or request.GET)
    form.is_valid()
    # The kind of bug that quotes its input in the exception message.
    return HttpResponse(int(form.cleaned_data["personal_number"]))


urlpatterns = [
    path("fel/", failing_view),
    path("", include("config.urls")),
]
