"""The form for adding an attachment to a case. The file's size and type are the service's to judge
(casework.services.attachments), by its content; the form only offers the choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import CaseAttachment

from .base import ServiceForm


class AttachmentForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Typ av handling"), choices=CaseAttachment.Kind.choices, widget=forms.RadioSelect)
    field_class = forms.ChoiceField(
        label=_("Vilka uppgifter handlingen hör till"),
        help_text=_(
            "Avgör vem som får läsa handlingen. Polisen ser den bara genom ett utlämnande av just de uppgifterna."
        ),
        widget=forms.RadioSelect,
    )
    # Not required here: a file too large never arrives (casework.uploads), and the service says which it was.
    file = forms.FileField(label=_("Fil"), required=False, help_text=_("PDF, PNG eller JPEG. Filen lagras krypterad."))

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_class"].choices = classes
