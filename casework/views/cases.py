"""Case pages: the list, one case, proposing a youth, and the case-level decisions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accesscontrol import policies
from accesscontrol.grants import selectors as grant_selectors
from accesscontrol.grants import services as grant_services
from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.forms import cases as case_forms
from casework.selectors import cases as case_selectors
from casework.selectors import persons as person_selectors
from casework.selectors.register_extract import register_extract
from casework.services import cases as case_services
from casework.services import persons as person_services
from config.forms import button_pressed
from config.paging import PAGE_PARAMETER, other_parameters, paginate
from config.pdf import PdfUnavailable, pdf_unavailable_response, render_pdf

from .access import case_form_page, refused_by_state, visible_case_or_404
from .forms import submit

SORT_LABELS = {
    "number": _lazy("Ärende"),
    "proposed_on": _lazy("Föreslagen"),
    "raised_on": _lazy("Aktualiserad"),
    "category": _lazy("Kategori"),
    "status": _lazy("Status"),
    "follow_up": _lazy("Uppföljning"),
    "unit": _lazy("Ansvarig enhet"),
    "caseworker": _lazy("Handläggare"),
}


def _sort_headers(request, filters, options) -> dict:
    """Each sortable column's header: its link (the other direction when it is the order now, ascending
    otherwise, from the first page, the filters kept) and its aria-sort."""
    current, descending = case_selectors.sort_key(filters.sort)
    query = other_parameters(request, without=(PAGE_PARAMETER, "sort"))
    headers = {}
    for key, label in SORT_LABELS.items():
        if key == "follow_up" and not options.follow_up:
            continue
        active = key == current
        sort = f"-{key}" if active and not descending else key
        headers[key] = {
            "label": label,
            "href": f"?{query}&sort={sort}" if query else f"?sort={sort}",
            "aria_sort": ("descending" if descending else "ascending") if active else "none",
        }
    return headers


def case_list_view(request):
    """The case list: filtered and sorted in the database by plain columns, paged, and only the page's
    cases loaded, decrypted and declared as read; or, after a search (posted), the cases it found."""
    actor = request.actor
    options = case_selectors.case_list_options(actor=actor)
    filter_form = case_forms.CaseListFilterForm(request.GET, agreement=actor.agreement, options=options)
    filters = filter_form.filters()
    search = case_forms.CaseSearchForm(request.POST or None)
    searched = request.method == "POST"
    paging = None
    if searched:
        found = search.cleaned_data["query"] if search.is_valid() else None
        rows = case_selectors.find_cases(actor=actor, search=found) if found else []
    else:
        paging = paginate(request, case_selectors.case_list_query(actor=actor, filters=filters))
        rows = case_selectors.case_rows(actor=actor, cases=paging.object_list)
    shown = [row for row in rows if FieldClass.IDENTITY in row.readable]
    shows(
        request,
        cases=[row.case for row in rows],
        persons=[row.case.person for row in shown],
        field_classes=set().union(*(row.readable & {FieldClass.IDENTITY, FieldClass.CASE_FRAME} for row in rows)),
    )
    context = {
        "rows": rows,
        "paging": paging,
        "total": paging.page.paginator.count if paging else len(rows),
        "search": search,
        "searched": searched,
        "filters": filter_form,
        "filtered": filter_form.active,
        "headers": _sort_headers(request, filters, options),
        "sort": filters.sort,
        "shows_badges": options.follow_up or any(row.badge for row in rows),
    }
    return render(request, "casework/case_list.html", context)


def case_detail_view(request, case_id):
    case = visible_case_or_404(request, case_id)
    page = case_selectors.case_page(actor=request.actor, case=case)
    shows(request, cases=[case], persons=page.persons, field_classes=page.readable)
    panels = case_selectors.case_page_panels(actor=request.actor, case=case, access_rows=request.GET.get("atkomster"))
    return render(request, "casework/case_detail.html", {"page": page, "case": case, **panels})


def propose_view(request):
    """Two steps on one address: the personal number first (found through the blind index, never put
    in a URL), then the proposal, with the person's details when they are new."""
    actor = request.actor
    if refused := refused_by_state(request, policies.Action.PROPOSE_CASE, back=reverse("casework:case_list")):
        return refused
    lookup = case_forms.PersonalNumberForm(request.POST or None)
    if not lookup.is_valid():
        return render(request, "casework/propose.html", {"lookup_form": lookup})
    match = person_selectors.find_person(actor=actor, number=lookup.cleaned_data["personal_number"])
    if match.open_case:
        lookup.add_error(None, case_services.OpenCaseExists(match.open_case))
        shows(request, cases=[match.open_case], persons=[match.person])
        return render(request, "casework/propose.html", {"lookup_form": lookup, "existing_case": match.open_case})
    form_class = case_forms.ProposeForm if match.person else case_forms.NewPersonProposeForm
    posted = request.POST if request.POST.get("step") == "details" else None
    initial = {"personal_number": lookup.cleaned_data["personal_number"].display}
    form = form_class(posted, agreement=actor.agreement, initial=initial)
    existing_case = None

    def propose(data):
        nonlocal existing_case
        try:
            return case_services.propose_case(
                actor=actor,
                personal_number=data["personal_number"].normalised,
                category=data["category"],
                reason=data["reason"],
                proposed_on=data["proposed_on"],
                person_details=form.person_details(),
                age_confirmed=bool(data.get("age_confirmed")),
            )
        except case_services.OpenCaseExists as exc:
            existing_case = exc.existing_case
            raise

    if posted is not None and (
        response := submit(
            request,
            form,
            propose,
            done=_("Förslaget är registrerat."),
            success_url=lambda case: reverse("casework:case_detail", args=[case.pk]),
        )
    ):
        return response
    if match.person:
        shows(request, persons=[match.person], field_classes=[FieldClass.IDENTITY])
    context = {"form": form, "person": match.person, "match_complete": match.complete, "existing_case": existing_case}
    return render(request, "casework/propose.html", context)


def police_assessment_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.ASSESS_POLICE,
        form_class=case_forms.PoliceAssessmentForm,
        form_kwargs=lambda case: {"initial": {"assessment": case.police_assessment, "priority": case.police_priority}},
        perform=lambda case, data: case_services.record_police_assessment(actor=actor, case=case, **data),
        title=_("Polisens bedömning"),
        submit_label=_("Spara bedömningen"),
        done=_("Polisens bedömning är sparad."),
        shown=(FieldClass.POLICE_ASSESSMENT,),
    )


def social_assessment_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.ASSESS_SOCIAL,
        form_class=case_forms.SocialAssessmentForm,
        form_kwargs=lambda case: {
            "initial": {
                "assessment": case.social_assessment,
                "realistic_alternative": case.realistic_alternative,
                "records_reference": case.records_reference,
            }
        },
        perform=lambda case, data: case_services.record_social_assessment(actor=actor, case=case, **data),
        title=_("Socialtjänstens bedömning"),
        submit_label=_("Spara bedömningen"),
        done=_("Socialtjänstens bedömning är sparad."),
        shown=(FieldClass.SOCIAL_ASSESSMENT,),
    )


def change_category_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.CHANGE_CATEGORY,
        form_class=case_forms.ChangeCategoryForm,
        form_kwargs=lambda case: {"case": case},
        perform=lambda case, data: case_services.change_category(actor=actor, case=case, **data),
        title=_("Ändra kategori"),
        submit_label=_("Ändra kategorin"),
        done=_("Kategorin är ändrad. Ändringen syns i ärendets historik."),
    )


def close_case_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.CLOSE_CASE,
        form_class=case_forms.CloseCaseForm,
        perform=lambda case, data: case_services.close_case(actor=actor, case=case, **data),
        title=_("Avsluta ärende"),
        submit_label=_("Avsluta ärendet"),
        done=_("Ärendet är avslutat."),
    )


def reassign_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.REASSIGN_CASE,
        form_class=case_forms.ReassignForm,
        form_kwargs=lambda case: {"case": case},
        perform=lambda case, data: case_services.reassign_case(actor=actor, case=case, **data),
        title=_("Ändra ansvar"),
        submit_label=_("Spara"),
        done=_("Ansvaret är ändrat. Ändringen syns i ärendets historik."),
    )


def reopen_case_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.REOPEN_CASE,
        form_class=case_forms.ReopenCaseForm,
        perform=lambda case, data: case_services.reopen_case(actor=actor, case=case, **data),
        title=_("Återöppna ärende"),
        submit_label=_("Återöppna ärendet"),
        done=_("Ärendet är återöppnat. Avslutet finns kvar i historiken."),
    )


def legal_hold_view(request, case_id):
    """Set the legal hold against purging, or lift it: whichever the case does not have now."""
    actor = request.actor

    def texts(case):
        if case.legal_hold:
            return _("Häv spärren mot gallring"), _("Häv spärren"), _("Spärren mot gallring är hävd.")
        return _("Spärra mot gallring"), _("Spärra ärendet"), _("Ärendet är spärrat mot gallring.")

    case = visible_case_or_404(request, case_id)
    title, submit_label, done = texts(case)
    return case_form_page(
        request,
        case_id,
        action=policies.Action.SET_LEGAL_HOLD,
        form_class=case_forms.LegalHoldForm,
        form_kwargs=lambda case: {"on": not case.legal_hold},
        perform=lambda case, data: case_services.set_legal_hold(actor=actor, case=case, **data),
        title=title,
        submit_label=submit_label,
        done=done,
        intro=lambda page: (
            _("När spärren hävs gallras ärendet enligt överenskommelsens gallringsregel.")
            if page.case.legal_hold
            else _(
                "Ett ärende som är spärrat mot gallring gallras inte, hur länge sedan det än avslutades, "
                "förrän spärren hävs."
            )
        ),
    )


def access_grant_view(request, case_id):
    """Give a caseworker temporary access to the case (the social manager)."""
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.GRANT_CASE_ACCESS,
        form_class=case_forms.AccessGrantForm,
        form_kwargs=lambda case: {"caseworkers": grant_selectors.caseworkers(actor=actor, case=case)},
        perform=lambda case, data: grant_services.grant_case_access(actor=actor, case=case, **data),
        title=_("Ge tillfällig åtkomst"),
        submit_label=_("Ge åtkomst"),
        done=_("Handläggaren har fått tillfällig åtkomst till ärendet."),
        intro=lambda page: _(
            "Handläggaren ser ärendet som om det var hens eget, från första till sista dagen. Åtkomsten upphör "
            "av sig själv och syns under Tillfällig åtkomst på ärendesidan."
        ),
    )


@require_POST
def withdraw_access_grant_view(request, case_id, grant_id):
    """End a temporary access before its last day (the social manager)."""
    case = visible_case_or_404(request, case_id)
    if not grant_selectors.may_grant(request.actor, case):
        raise PermissionDenied
    grant = grant_selectors.grant_of(actor=request.actor, case=case, grant_id=grant_id)
    if grant is None:
        raise Http404
    button_pressed(
        request,
        lambda: grant_services.withdraw_case_access(actor=request.actor, grant=grant),
        done=_("Den tillfälliga åtkomsten är återkallad."),
    )
    return redirect("casework:case_detail", case.pk)


def register_extract_view(request, case_id):
    """The register extract (GDPR article 15) of the case's person as PDF, for the social manager. Each
    agreement the extract covers gets one read in its own log, marked as an export."""
    case = visible_case_or_404(request, case_id)
    extract = register_extract(actor=request.actor, case=case)
    html = render_to_string("casework/print/register_extract.html", {"extract": extract}, request=request)
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        return pdf_unavailable_response(request)
    for part in extract.parts:
        shows(
            request,
            cases=[item.case for item in part.cases],
            persons=[part.person],
            field_classes=part.field_classes,
            export=True,
            actor=part.actor,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    # The case number names the file: never the person's name or personnummer.
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-{case.number}.pdf"'
    return response


def person_details_view(request, case_id):
    """The youth's contact details and guardians (whoever writes the identity of the case)."""
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.CHANGE_PERSON_DETAILS,
        form_class=case_forms.PersonDetailsForm,
        form_kwargs=lambda case: {"person": case.person},
        perform=lambda case, data: person_services.change_person_details(
            actor=actor, case=case, contact=case_forms.contact_of(data), guardians=case_forms.guardians_of(data)
        ),
        title=_("Ändra personuppgifter"),
        submit_label=_("Spara personuppgifterna"),
        done=_("Personuppgifterna är sparade. Ändringen syns i historiken för ungdomens ärenden."),
        shown=(FieldClass.IDENTITY,),
        intro=lambda page: _(
            "Kontaktuppgifterna och vårdnadshavarna gäller ungdomen i alla hens ärenden. Töm ett fält för att ta "
            "bort uppgiften."
        ),
    )


def replace_coordination_number_view(request, case_id):
    """The personnummer given later, in place of the youth's samordningsnummer."""
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.REPLACE_COORDINATION_NUMBER,
        form_class=case_forms.ReplaceCoordinationNumberForm,
        perform=lambda case, data: person_services.replace_coordination_number(
            actor=actor,
            case=case,
            personal_number=data["personal_number"],
            birth_date_confirmed=bool(data.get("birth_date_confirmed")),
        ),
        title=_("Ersätt samordningsnumret med personnummer"),
        submit_label=_("Spara personnumret"),
        done=_("Personnumret är sparat. Ungdomen hittas nu på personnumret, inte på samordningsnumret."),
        shown=(FieldClass.IDENTITY,),
        intro=lambda page: (
            _(
                "Ungdomen har samordningsnummer %(number)s. Skriv personnumret som Skatteverket har gett; det "
                "ersätter samordningsnumret i alla ungdomens ärenden."
            )
            % {"number": page.person.personal_number_display}
        ),
    )
