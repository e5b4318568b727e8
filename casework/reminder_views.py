"""The user's reminders, and the choice between e-mail and in-app only."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accesscontrol.changes import update_logged
from accesscontrol.models import User
from config.forms import ModelForm
from config.paging import paginate

from .models import Notification


class ReminderChannelForm(ModelForm):
    class Meta:
        model = User
        fields = ["reminder_channel"]
        widgets = {"reminder_channel": forms.RadioSelect}
        labels = {"reminder_channel": gettext_lazy("Hur vill du få påminnelser?")}
        help_texts = {
            "reminder_channel": gettext_lazy(
                "E-postmeddelanden innehåller bara antal och en länk, aldrig namn eller ärendenummer."
            )
        }


def _page(request, form):
    """The user's reminders, newest first, a page at a time (config.paging), with the channel form."""
    paging = paginate(request, Notification.objects.filter(user=request.user).order_by("-created_at", "-pk"))
    context = {"notifications": paging.object_list, "paging": paging, "form": form}
    return render(request, "casework/reminders/list.html", context)


def reminder_list(request):
    return _page(request, ReminderChannelForm(instance=request.user))


@require_POST
def mark_read(request):
    update_logged(Notification.objects.filter(user=request.user, read_at__isnull=True), read_at=timezone.now())
    messages.success(request, _("Påminnelserna är markerade som lästa."))
    return redirect("reminders:list")


@require_POST
def choose_channel(request):
    form = ReminderChannelForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Ditt val är sparat."))
        return redirect("reminders:list")
    return _page(request, form)
