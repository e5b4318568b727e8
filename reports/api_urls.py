from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import api

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(
            authentication_classes=api.StatisticsView.authentication_classes,
            permission_classes=api.StatisticsView.permission_classes,
        ),
        name="api_schema",
    ),
    path("statistik/", api.AgreementsView.as_view(), name="api_statistics_agreements"),
    path("statistik/<int:agreement>/", api.CatalogueView.as_view(), name="api_statistics_catalogue"),
    path("statistik/<int:agreement>/<slug:table>/<str:period>/", api.TableView.as_view(), name="api_statistics_table"),
]
