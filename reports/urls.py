from django.urls import path

from .views import statistics

app_name = "reports"

urlpatterns = [
    path("statistik/", statistics.statistics_index, name="statistics"),
    path("statistik/metod/", statistics.method, name="statistics_method"),
    path("statistik/register/", statistics.register, name="statistics_register"),
    path("statistik/api-nyckel/", statistics.api_token, name="api_token"),
    path("statistik/<slug:table>/<str:period>/", statistics.statistics_table, name="statistics_table"),
    path("statistik/<slug:table>/<str:period>/<slug:file_type>/", statistics.statistics_file, name="statistics_file"),
]
