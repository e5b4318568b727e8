"""GOV.UK Frontend classes for Django form widgets, so every form renders with one set of templates
(templates/includes/field.html, form_errors.html)."""

from django import forms

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


class GovukFormMixin:
    """Adds GOV.UK classes and error states to widgets; dates use the browser's date input.

    Error states are set in `add_error`, which both the form's own validation and a service's refusal go
    through; `__init__` does not validate, so a subclass can still set querysets and choices after it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
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

    def add_error(self, field, error):
        super().add_error(field, error)
        if field is None:
            names = error.keys() if isinstance(error, dict) else getattr(error, "error_dict", {}).keys()
        else:
            names = [field]
        for name in names:
            if name in self.fields:
                self._mark_error(name)

    def _mark_error(self, name):
        widget = self.fields[name].widget
        classes = widget.attrs.get("class", "").split()
        for base in ("govuk-input", "govuk-textarea", "govuk-select"):
            if base in classes and f"{base}--error" not in classes:
                classes.append(f"{base}--error")
        widget.attrs["class"] = " ".join(classes)
        described = widget.attrs.get("aria-describedby", "").split()
        error_id = f"{self.add_prefix(name)}-error"
        if error_id not in described:
            widget.attrs["aria-describedby"] = " ".join([*described, error_id])


class Form(GovukFormMixin, forms.Form):
    pass


class ModelForm(GovukFormMixin, forms.ModelForm):
    pass
