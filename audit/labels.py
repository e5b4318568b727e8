"""What the log pages call things: the reader sees "Ärendesidan", "Ändrade", "Händelse i ärendet" and
"inträffade", never the route name `casework:case_detail`, auditlog's "create" or a model's English name.

The access log stores the page's route name (stable, what the hash chain seals); this module names it.
The change log names a model and its fields by their Swedish verbose names where the model declares them,
and by the names below where it does not. tests/audit/test_log_labels.py proves that every route, every
page name the code logs and every field the change log follows has a name here or in the model.
"""

from auditlog.models import LogEntry
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Skapade"),
    LogEntry.Action.UPDATE: _("Ändrade"),
    LogEntry.Action.DELETE: _("Tog bort"),
    LogEntry.Action.ACCESS: _("Läste"),
}

PAGE_LABELS = {
    "healthz": _("Driftstatus"),
    "metrics": _("Driftmått"),
    "set_language": _("Byt språk"),
    "accesscontrol:start": _("Startsidan"),
    "accesscontrol:login": _("Inloggning"),
    "accesscontrol:second_factor": _("Inloggning, engångskod"),
    "accesscontrol:enrol": _("Aktivera engångskoder"),
    "accesscontrol:set_password": _("Välj lösenord"),
    "accesscontrol:logout": _("Utloggning"),
    "accesscontrol:account": _("Mitt konto"),
    "accesscontrol:choose_agreement": _("Välj överenskommelse"),
    "casework:case_list": _("Ärendelistan"),
    "casework:case_detail": _("Ärendesidan"),
    "casework:police_assessment": _("Polisens bedömning"),
    "casework:social_assessment": _("Socialtjänstens bedömning"),
    "casework:change_category": _("Ändra kategori"),
    "casework:close_case": _("Avsluta ärende"),
    "casework:reopen_case": _("Återöppna ärende"),
    "casework:legal_hold": _("Spärr mot gallring"),
    "casework:reassign": _("Ansvar för ärendet"),
    "casework:offer_intervention": _("Erbjud insats"),
    "casework:intervention_response": _("Svar på insats"),
    "casework:follow_up": _("Uppföljning av ärende"),
    "casework:propose": _("Föreslå ungdom"),
    "casework:meeting_list": _("Möten"),
    "casework:schedule_meeting": _("Planera möte"),
    "casework:meeting_detail": _("Mötessidan"),
    "casework:minutes_pdf": _("Protokoll (PDF)"),
    "casework:meeting_participants": _("Mötesdeltagare"),
    "casework:remove_participant": _("Ta bort mötesdeltagare"),
    "casework:identify": _("Identifiering vid mötet"),
    "casework:meeting_reasoning": _("Mötets resonemang"),
    "casework:add_decision": _("Nytt beslut"),
    "casework:decision_done": _("Beslut genomfört"),
    "casework:refresh_agenda": _("Uppdatera dagordningen"),
    "casework:approve_minutes": _("Justera protokollet"),
    "casework:withdraw_approval": _("Återkalla justering"),
    "casework:add_addendum": _("Tillägg till protokollet"),
    "casework:field_home": _("Fältarbete"),
    "casework:new_contact": _("Ny fältkontakt"),
    "casework:concern_follow_up": _("Uppföljning av orossamtal"),
    "casework:new_visit": _("Ny tillsyn"),
    "casework:target_board": _("Måluppföljning"),
    "disclosures": _("Utlämnanden och samtycken"),
    "disclosures:index": _("Utlämnanden och samtycken"),
    "disclosures:disclose": _("Nytt utlämnande"),
    "disclosures:withdraw": _("Återkalla utlämnande"),
    "disclosures:record_consent": _("Nytt samtycke"),
    "disclosures:withdraw_consent": _("Återkalla samtycke"),
    "administration:index": _("Administration"),
    "administration:agreement": _("Överenskommelsen"),
    "administration:agreement_create": _("Ny överenskommelse"),
    "administration:users_reset": _("Återställ inloggning"),
    "administration:targets_delete": _("Ta bort mål"),
    "administration:users_list": _("Användare"),
    "administration:users_create": _("Ny användare"),
    "administration:users_edit": _("Ändra användare"),
    "administration:units_list": _("Enheter"),
    "administration:units_create": _("Ny enhet"),
    "administration:units_edit": _("Ändra enhet"),
    "administration:organisations_list": _("Organisationer"),
    "administration:organisations_create": _("Ny organisation"),
    "administration:organisations_edit": _("Ändra organisation"),
    "administration:targets_list": _("Mål"),
    "administration:targets_create": _("Nytt mål"),
    "administration:targets_edit": _("Ändra mål"),
    "administration:catalogue_list": _("Insatskatalog"),
    "administration:catalogue_create": _("Ny insats"),
    "administration:catalogue_edit": _("Ändra insats"),
    "administration:tariffs_list": _("Taxor"),
    "administration:tariffs_create": _("Ny taxa"),
    "administration:tariffs_edit": _("Ändra taxa"),
    "administration:areas_list": _("Områden"),
    "administration:areas_create": _("Nytt område"),
    "administration:areas_edit": _("Ändra område"),
    "administration:hot_spots_list": _("Platser"),
    "administration:hot_spots_create": _("Ny plats"),
    "administration:hot_spots_edit": _("Ändra plats"),
    "administration:retention_rules_list": _("Gallringsregler"),
    "administration:retention_rules_create": _("Ny gallringsregel"),
    "administration:retention_rules_edit": _("Ändra gallringsregel"),
    "administration:legal_bases_list": _("Rättsliga grunder"),
    "administration:legal_bases_create": _("Ny rättslig grund"),
    "administration:legal_bases_edit": _("Ändra rättslig grund"),
    "approvals:list": _("Behörighetsbeslut"),
    "approvals:decide": _("Besluta om behörighet"),
    "audit:access_log": _("Åtkomstlogg"),
    "audit:access_log_export": _("Åtkomstlogg (CSV)"),
    "audit:change_log": _("Ändringslogg"),
    "audit:verifications": _("Loggkontroll"),
    "reports:follow_up_start": _("Uppföljning av överenskommelsen"),
    "reports:follow_up": _("Uppföljning av överenskommelsen"),
    "reports:follow_up_cases": _("Ärendena bakom en siffra"),
    "reports:disclosure_cases": _("Ärendena bakom utlämnanden"),
    "reports:follow_up_qualitative": _("Kvalitativ uppföljning"),
    "reports:case_summary": _("Ärendesammanfattning (PDF)"),
    "reports:costs_start": _("Kostnadsjämförelse"),
    "reports:costs": _("Kostnadsjämförelse"),
    "reports:cost_indexes": _("Kostnadsindex"),
    "reports:cost_index_delete": _("Ta bort indexvärde"),
    "reports:jobs": _("Långa rapporter"),
    "reports:job": _("Lång rapport"),
    "reports:job_status": _("Lång rapport, status"),
    "reports:job_file": _("Lång rapport, fil"),
    "reports:statistics": _("Statistik"),
    "reports:statistics_method": _("Statistikens metod"),
    "reports:statistics_register": _("Register över publicerade tabeller"),
    "reports:api_token": _("Nyckel till statistik-API:t"),
    "reports:statistics_table": _("Statistiktabell"),
    "reports:statistics_file": _("Statistiktabell (fil)"),
    "api_schema": _("Statistik-API:ts beskrivning"),
    "api_statistics_agreements": _("Statistik-API: överenskommelser"),
    "api_statistics_catalogue": _("Statistik-API: katalog"),
    "api_statistics_table": _("Statistik-API: tabell"),
    "api:statistics_agreements": _("Statistik-API: överenskommelser"),
    "api:statistics_catalogue": _("Statistik-API: katalog"),
    "api:statistics_table": _("Statistik-API: tabell"),
    "reminders:list": _("Påminnelser"),
    "reminders:mark_read": _("Markera påminnelser som lästa"),
    "reminders:choose_channel": _("Val av påminnelsesätt"),
}

# Models that declare no Swedish verbose name of their own.
MODEL_LABELS = {
    "casework.caseevent": _("händelse i ärendet"),
    "casework.meetingparticipant": _("mötesdeltagare"),
    "casework.meetingitem": _("punkt på dagordningen"),
    "casework.minutesapproval": _("justering av protokoll"),
    "casework.minutesaddendum": _("tillägg till protokoll"),
    "casework.concerntalkfollowup": _("uppföljning av orossamtal"),
    "casework.notification": _("påminnelse"),
    "casework.purgerecord": _("gallring"),
    "casework.historiccount": _("bevarad räkning"),
    "accesscontrol.keyinuse": _("nyckel i bruk"),
    "accesscontrol.rotationcheckpoint": _("nyckelbyte"),
}

# Fields that declare no Swedish verbose name of their own, by field name (the same name means the same
# thing in every model).
FIELD_LABELS = {
    "agreement": _("överenskommelse"),
    "approved_at": _("justerad"),
    "as_chair": _("som ordförande"),
    "as_police": _("för polisen"),
    "author": _("skribent"),
    "by": _("av"),
    "case": _("ärende"),
    "confirmed": _("bekräftad"),
    "consent": _("samtycke"),
    "contact": _("kontakt"),
    "content_object": _("post"),
    "count": _("antal"),
    "counts": _("antal"),
    "created_at": _("skapad"),
    "data": _("uppgifter"),
    "decided_at": _("beslutad"),
    "decided_by": _("beslutad av"),
    "dimension": _("dimension"),
    "email_wanted": _("vill ha e-post"),
    "emailed_at": _("e-post skickad"),
    "first_used_at": _("först använd"),
    "group": _("grupp"),
    "id": _("id"),
    "intervention_type": _("insats"),
    "key": _("nyckel"),
    "key_check": _("nyckelkontroll"),
    "key_id": _("nyckelns id"),
    "kind": _("slag"),
    "last_pk": _("senaste rad"),
    "measure": _("mått"),
    "meeting": _("möte"),
    "minutes_status": _("protokollets status"),
    "model": _("tabell"),
    "name": _("namn"),
    "name_index": _("namnindex"),
    "note": _("anteckning"),
    "notice_due_since": _("påminnelse väntar sedan"),
    "occurred_on": _("inträffade"),
    "organisation": _("organisation"),
    "password_link_due_since": _("lösenordslänk väntar sedan"),
    "permission": _("behörighet"),
    "person": _("person"),
    "personal_number_index": _("personnummerindex"),
    "proposed_by": _("föreslagen av"),
    "purged_at": _("gallrad"),
    "purpose": _("syfte"),
    "quarter": _("kvartal"),
    "read_at": _("läst"),
    "recorded_at": _("registrerad"),
    "recorded_by": _("registrerad av"),
    "rule": _("regel"),
    "run_on": _("körd"),
    "started_at": _("påbörjad"),
    "statistics_key": _("statistiknyckel"),
    "text": _("text"),
    "updated_at": _("ändrad"),
    "url": _("adress"),
    "user": _("användare"),
    "withdrawn_at": _("återkallad"),
    "withdrawn_by": _("återkallad av"),
    "year": _("år"),
}


def page_label(page: str) -> str:
    """The page's name for a reader. A route since removed keeps a generic name, never its code name."""
    return str(PAGE_LABELS.get(page, _("Sida som inte längre finns")))


def action_label(action: int) -> str:
    return str(ACTION_LABELS.get(action, _("Okänd händelse")))


def model_label(model) -> str:
    """The model's Swedish name, starting with a capital: "Ärende", "Händelse i ärendet"."""
    name = model._meta.verbose_name
    if not isinstance(name, Promise):
        name = MODEL_LABELS.get(model._meta.label_lower, name)
    return capfirst(str(name))


def field_label(field) -> str:
    """A field's Swedish name: its own verbose name where translated, otherwise the one above."""
    name = field.verbose_name
    if not isinstance(name, Promise):
        name = FIELD_LABELS.get(field.name, name)
    return str(name)
