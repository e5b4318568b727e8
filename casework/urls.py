from django.urls import path

from .views import care, cases

app_name = "casework"

urlpatterns = [
    path("arenden/", cases.case_list_view, name="case_list"),
    path("arenden/<uuid:case_id>/", cases.case_detail_view, name="case_detail"),
    path("arenden/<uuid:case_id>/polisens-bedomning/", cases.police_assessment_view, name="police_assessment"),
    path("arenden/<uuid:case_id>/socialtjanstens-bedomning/", cases.social_assessment_view, name="social_assessment"),
    path("arenden/<uuid:case_id>/kategori/", cases.change_category_view, name="change_category"),
    path("arenden/<uuid:case_id>/avsluta/", cases.close_case_view, name="close_case"),
    path("arenden/<uuid:case_id>/ateroppna/", cases.reopen_case_view, name="reopen_case"),
    path("arenden/<uuid:case_id>/insatser/ny/", care.offer_intervention_view, name="offer_intervention"),
    path(
        "arenden/<uuid:case_id>/insatser/<uuid:intervention_id>/",
        care.intervention_response_view,
        name="intervention_response",
    ),
    path("arenden/<uuid:case_id>/uppfoljning/", care.follow_up_view, name="follow_up"),
    path("forslag/ny/", cases.propose_view, name="propose"),
]
