from django import forms
from django.utils.translation import gettext_lazy as _

from .base import ServiceForm


class ImportUploadForm(ServiceForm):
    file = forms.FileField(
        label=_("Lista att importera"),
        help_text=_("Excel (.xlsx) eller CSV (semikolon eller komma, UTF-8), högst 5 MB. Använd gärna mallen."),
    )
