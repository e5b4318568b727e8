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
    """Adds GOV.UK classes and error states to widgets; dates use the browser's date input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(field, forms.DateField) and not isinstance(widget, forms.HiddenInput):
                field.widget = widget = DateInput(attrs=widget.attrs)
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            if isinstance(widget, forms.SelectMultiple) and not isinstance(widget, forms.CheckboxSelectMultiple):
                css = "govuk-select"
            if self.is_bound and name in self.errors and css in ("govuk-input", "govuk-textarea", "govuk-select"):
                css += f" {css}--error"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{css} {existing}".strip()
            described = [f"{self.add_prefix(name)}-hint"] if field.help_text else []
            if self.is_bound and name in self.errors:
                described.append(f"{self.add_prefix(name)}-error")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)


class Form(GovukFormMixin, forms.Form):
    pass


class ModelForm(GovukFormMixin, forms.ModelForm):
    pass
