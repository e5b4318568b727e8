from django.urls import path

from .views import attachments, care, cases, corrections, fieldwork, imports, meetings, targets

app_name = "casework"

urlpatterns = [
    path("arenden/", cases.case_list_view, name="case_list"),
    path("arenden/<uuid:case_id>/", cases.case_detail_view, name="case_detail"),
    path("arenden/<uuid:case_id>/polisens-bedomning/", cases.police_assessment_view, name="police_assessment"),
    path("arenden/<uuid:case_id>/socialtjanstens-bedomning/", cases.social_assessment_view, name="social_assessment"),
    path("arenden/<uuid:case_id>/kategori/", cases.change_category_view, name="change_category"),
    path("arenden/<uuid:case_id>/avsluta/", cases.close_case_view, name="close_case"),
    path("arenden/<uuid:case_id>/ateroppna/", cases.reopen_case_view, name="reopen_case"),
    path("arenden/<uuid:case_id>/sparr-mot-gallring/", cases.legal_hold_view, name="legal_hold"),
    path("arenden/<uuid:case_id>/ansvar/", cases.reassign_view, name="reassign"),
    path("arenden/<uuid:case_id>/tillfallig-atkomst/", cases.access_grant_view, name="access_grant"),
    path(
        "arenden/<uuid:case_id>/tillfallig-atkomst/<uuid:grant_id>/aterkalla/",
        cases.withdraw_access_grant_view,
        name="withdraw_access_grant",
    ),
    path("arenden/<uuid:case_id>/bilagor/ny/", attachments.add_attachment_view, name="add_attachment"),
    path("arenden/<uuid:case_id>/bilagor/<uuid:attachment_id>/", attachments.attachment_view, name="attachment"),
    path("arenden/<uuid:case_id>/registerutdrag.pdf", cases.register_extract_view, name="register_extract"),
    path("arenden/<uuid:case_id>/insatser/ny/", care.offer_intervention_view, name="offer_intervention"),
    path(
        "arenden/<uuid:case_id>/insatser/<uuid:intervention_id>/",
        care.intervention_response_view,
        name="intervention_response",
    ),
    path("arenden/<uuid:case_id>/uppfoljning/", care.follow_up_view, name="follow_up"),
    # Corrections of what was saved: the earlier version stays in the case's history, marked as corrected.
    path(
        "arenden/<uuid:case_id>/uppfoljning/<uuid:follow_up_id>/ratta/",
        corrections.correct_follow_up_view,
        name="correct_follow_up",
    ),
    path(
        "arenden/<uuid:case_id>/socialtjanstens-bedomning/ratta/",
        corrections.correct_social_assessment_view,
        name="correct_social_assessment",
    ),
    path(
        "arenden/<uuid:case_id>/polisens-bedomning/ratta/",
        corrections.correct_police_assessment_view,
        name="correct_police_assessment",
    ),
    path(
        "arenden/<uuid:case_id>/kontakter/<uuid:contact_id>/ratta/",
        corrections.correct_contact_view,
        name="correct_contact",
    ),
    path("forslag/ny/", cases.propose_view, name="propose"),
    path("moten/", meetings.meeting_list_view, name="meeting_list"),
    path("moten/nytt/", meetings.schedule_meeting_view, name="schedule_meeting"),
    path("moten/<uuid:meeting_id>/", meetings.meeting_detail_view, name="meeting_detail"),
    path("moten/<uuid:meeting_id>/protokoll.pdf", meetings.minutes_pdf_view, name="minutes_pdf"),
    path("moten/<uuid:meeting_id>/deltagare/", meetings.participants_view, name="meeting_participants"),
    path(
        "moten/<uuid:meeting_id>/deltagare/<uuid:participant_id>/ta-bort/",
        meetings.remove_participant_view,
        name="remove_participant",
    ),
    path("moten/<uuid:meeting_id>/forslag/<uuid:case_id>/", meetings.identify_view, name="identify"),
    path("moten/<uuid:meeting_id>/resonemang/", meetings.reasoning_view, name="meeting_reasoning"),
    path("moten/<uuid:meeting_id>/beslut/nytt/", meetings.add_decision_view, name="add_decision"),
    path(
        "moten/<uuid:meeting_id>/beslut/<uuid:decision_id>/klart/",
        meetings.decision_done_view,
        name="decision_done",
    ),
    path("moten/<uuid:meeting_id>/dagordning/", meetings.refresh_agenda_view, name="refresh_agenda"),
    path("moten/<uuid:meeting_id>/justera/", meetings.approve_minutes_view, name="approve_minutes"),
    path("moten/<uuid:meeting_id>/justera/aterkalla/", meetings.withdraw_approval_view, name="withdraw_approval"),
    path("moten/<uuid:meeting_id>/tillagg/", meetings.addendum_view, name="add_addendum"),
    path("falt/", fieldwork.field_home_view, name="field_home"),
    path("falt/siffror/", fieldwork.field_figures_view, name="field_figures"),
    path("falt/kontakt/ny/", fieldwork.new_contact_view, name="new_contact"),
    path("falt/kontakt/<uuid:contact_id>/uppfoljning/", fieldwork.concern_follow_up_view, name="concern_follow_up"),
    path("falt/tillsyn/ny/", fieldwork.new_visit_view, name="new_visit"),
    path("mal/", targets.target_board_view, name="target_board"),
    path("import/", imports.import_list_view, name="imports"),
    path("import/mall.xlsx", imports.import_template_view, name="import_template"),
    path("import/<uuid:import_id>/", imports.import_detail_view, name="import_detail"),
    path("import/<uuid:import_id>/status/", imports.import_status_view, name="import_status"),
    path("import/<uuid:import_id>/bekrafta/", imports.import_confirm_view, name="import_confirm"),
    path("import/<uuid:import_id>/avbryt/", imports.import_cancel_view, name="import_cancel"),
]
