"""The formatting layer (config.formatting) as template filters, built into every template
(TEMPLATES' "builtins" in config/settings.py): `{{ total|amount }}`, `{{ share|percent }}`,
`{{ period|period_label }}`, `{{ value|number:2 }}`, `{{ day|day }}`. An empty value stays empty.
And `{{ form|error_summary }}`, the entries of a form's error summary (config.forms.error_summary)."""

from django import template

from . import formatting
from .forms import error_summary as _error_summary

register = template.Library()


def _empty(value) -> bool:
    return value is None or value == ""


@register.filter
def amount(value):
    return "" if _empty(value) else formatting.amount(value)


@register.filter
def price(value):
    return "" if _empty(value) else formatting.price(value)


@register.filter
def percent(value):
    return "" if _empty(value) else formatting.percent(value)


@register.filter
def period_label(value):
    return "" if _empty(value) else formatting.period(value)


@register.filter
def number(value, decimals=0):
    return "" if _empty(value) else formatting.number(value, int(decimals))


@register.filter
def day(value):
    return "" if _empty(value) else formatting.date(value)


@register.filter
def error_summary(form):
    """`{% for entry in form|error_summary %}`: the entries of the form's error summary (config.forms)."""
    return _error_summary(form)
