from django.urls import path

from . import reminder_views

app_name = "reminders"

urlpatterns = [
    path("paminnelser/", reminder_views.reminder_list, name="list"),
    path("paminnelser/last/", reminder_views.mark_read, name="mark_read"),
    path("paminnelser/val/", reminder_views.choose_channel, name="choose_channel"),
]
