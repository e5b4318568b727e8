"""GOV.UK Frontend classes for Django form widgets, so every form renders with one set of templates
(templates/includes/field.html, form_errors.html)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import pretty_name
from django.utils.translation import gettext_lazy as _

from config.text_limits import TextLimitValidator

_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.FileInput: "govuk-file-upload",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GovukBoundField(forms.BoundField):
    """Marks a field in error when it is rendered, not when the form is built, so that errors a view
    adds after validation (a service's refusal) show too, and subclasses can still set querysets and
    choices in their own __init__ before anything is validated."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            css = widget.attrs.get("class", "")
            base = css.split()[0] if css else ""
            if base in ("govuk-input", "govuk-textarea", "govuk-select"):
                attrs["class"] = f"{css} {base}--error"
            described = widget.attrs.get("aria-describedby", "").split()
            attrs["aria-describedby"] = " ".join([*described, f"{self.html_name}-error"])
        return attrs


DJANGO_BLANK = "---------"


def _name_the_blank_choice(field) -> None:
    """Django offers "---------" as the empty choice of a drop-down; a reader gets "Välj" instead."""
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == DJANGO_BLANK:
        field.empty_label = _("Välj")
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if any(label == DJANGO_BLANK for _value, label in choices):
            field.choices = [(value, _("Välj") if label == DJANGO_BLANK else label) for value, label in choices]


def _name_the_limit(field, name) -> None:
    """A text's limit (config.text_limits) is refused with a message naming the field and the limit,
    not Django's "Säkerställ att detta värde har högst …"."""
    if isinstance(field, forms.CharField) and field.max_length is not None:
        field.validators = [
            # The label is read when the text is checked, so a form that relabels a field in its own
            # __init__ (after this one) is named right.
            TextLimitValidator(v.limit_value, label=lambda: field.label or pretty_name(name))
            if type(v) is MaxLengthValidator
            else v
            for v in field.validators
        ]


class GovukFormMixin:
    """Adds GOV.UK classes to widgets (error states at render, see GovukBoundField); dates use the
    browser's date input; the empty choice of a drop-down reads "Välj"; a text too long is refused
    naming the field and its limit."""

    bound_field_class = GovukBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            _name_the_blank_choice(field)
            _name_the_limit(field, name)
            widget = field.widget
            if isinstance(field, forms.DateField) and not isinstance(widget, forms.HiddenInput):
                field.widget = widget = DateInput(attrs=widget.attrs)
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            if isinstance(widget, forms.SelectMultiple) and not isinstance(widget, forms.CheckboxSelectMultiple):
                css = "govuk-select"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{css} {existing}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self.add_prefix(name)}-hint"


class Form(GovukFormMixin, forms.Form):
    """A plain form rendered in the GOV.UK Frontend style with hints linked for screen readers."""


class ModelForm(GovukFormMixin, forms.ModelForm):
    """A model form rendered in the GOV.UK Frontend style with hints linked for screen readers."""


def error_summary(form) -> list[dict]:
    """The entries of a form's error summary (templates/includes/form_errors.html, the GOV.UK pattern):
    the form's own errors first, without a link; then each field's errors as "Label: message", linked
    to the field (its first option for radios and checkboxes). A message that names its field already
    (a text too long, config.text_limits) is not named twice. A hidden field's error has no field to go
    to, so it is listed without a link."""
    entries = [{"href": None, "text": str(error)} for error in form.non_field_errors()]
    for field in form:
        if not field.errors:
            continue
        label = str(field.label or "")
        href = None
        if not field.is_hidden and field.auto_id:
            several = field.widget_type in ("radioselect", "checkboxselectmultiple")
            href = f"#{field.auto_id}_0" if several else f"#{field.auto_id}"
        for error in field.errors:
            text = str(error)
            if label and label.casefold() not in text.casefold():
                # "Skäl för förslaget: Det här fältet är obligatoriskt."; a question keeps its mark.
                text = f"{label} {text}" if label.endswith("?") else f"{label.rstrip(':')}: {text}"
            entries.append({"href": href, "text": text})
    return entries


def submitted(request, form, action) -> bool:
    """True for a POST whose form is valid and whose service call `action()` went through. The service's
    ValidationErrors become errors on the form: on the field they name if the form has it, otherwise on
    the form as a whole, so a refusal is always shown and never a 500."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action()
    except ValidationError as error:
        by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        for name, errors in by_field.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


def button_pressed(request, action, *, done) -> bool:
    """A button without a form (withdraw, remove, approve): run the service call `action()`; its refusal
    becomes an error message above the next page, success the `done` message (a text, or a function of
    what the service returned). True when it went through."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if done:
        messages.success(request, done(result) if callable(done) else done)
    return True
