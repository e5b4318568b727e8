from django.urls import path

from .views import case_summary, costs, follow_up, jobs, statistics

app_name = "reports"

urlpatterns = [
    path("rapporter/uppfoljning/", follow_up.follow_up_start, name="follow_up_start"),
    path("rapporter/uppfoljning/<int:year>/<slug:kind>/", follow_up.follow_up, name="follow_up"),
    path(
        "rapporter/uppfoljning/arenden/<str:period>/<slug:metric>/", follow_up.follow_up_cases, name="follow_up_cases"
    ),
    path(
        "rapporter/uppfoljning/utlamnanden/<str:period>/<slug:what>/<slug:basis>/",
        follow_up.disclosure_cases,
        name="disclosure_cases",
    ),
    path(
        "rapporter/uppfoljning/kvalitativ/<str:period>/", follow_up.follow_up_qualitative, name="follow_up_qualitative"
    ),
    path("rapporter/arenden/<uuid:case_id>/sammanfattning.pdf", case_summary.case_summary_pdf, name="case_summary"),
    path("rapporter/kostnader/", costs.costs_start, name="costs_start"),
    path("rapporter/kostnader/<int:year>/", costs.cost_comparison, name="costs"),
    path("rapporter/kostnadsindex/", costs.cost_indexes, name="cost_indexes"),
    path("rapporter/kostnadsindex/<int:index>/ta-bort/", costs.cost_index_delete, name="cost_index_delete"),
    path("rapporter/langa/", jobs.jobs, name="jobs"),
    path("rapporter/langa/<uuid:job>/", jobs.job, name="job"),
    path("rapporter/langa/<uuid:job>/status/", jobs.job_status, name="job_status"),
    path("rapporter/langa/<uuid:job>/fil/", jobs.job_file, name="job_file"),
    path("statistik/", statistics.statistics_index, name="statistics"),
    path("statistik/metod/", statistics.method, name="statistics_method"),
    path("statistik/register/", statistics.register, name="statistics_register"),
    path(
        "statistik/register/<slug:table>/<str:period>/<int:revision>/",
        statistics.register_revision,
        name="statistics_revision",
    ),
    path("statistik/api-nyckel/", statistics.api_token, name="api_token"),
    path("statistik/<slug:table>/<str:period>/", statistics.statistics_table, name="statistics_table"),
    path("statistik/<slug:table>/<str:period>/<slug:file_type>/", statistics.statistics_file, name="statistics_file"),
]
