from django.urls import path

from . import api

urlpatterns = [
    path("schema/", api.SchemaView.as_view(), name="api_schema"),
    path("statistik/", api.AgreementsView.as_view(), name="api_statistics_agreements"),
    path("statistik/<int:agreement>/", api.CatalogueView.as_view(), name="api_statistics_catalogue"),
    path("statistik/<int:agreement>/<slug:table>/<str:period>/", api.TableView.as_view(), name="api_statistics_table"),
]
