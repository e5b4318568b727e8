"""The sysadmin's pages. Every section of the administration is a list, a form to add and a form to
change, declared once as a `Section`; the selectors and services of this package decide who may do what
and which records exist for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accesscontrol import policies
from accesscontrol.approvals import selectors as approval_selectors
from config import formatting
from config.forms import button_pressed, submitted

from . import forms, selectors, services


def yes_no(value) -> str:
    return _("Ja") if value else _("Nej")


def _tariff_price(tariff, cost) -> str:
    return f"{formatting.price(cost)} {tariff.get_price_unit_display()}"


@dataclass(frozen=True)
class Section:
    """One kind of record the sysadmin administers: its pages are `<name>_list`, `<name>_create` and
    `<name>_edit` (with the record's id in `<kwarg>`)."""

    name: str
    slug: str
    kwarg: str
    title: str
    add_label: str
    description: str
    scope: Callable  # selector(actor=...) -> the records this sysadmin administers
    form: type
    columns: tuple[tuple[str, Callable], ...]
    form_kwargs: Callable = field(default=lambda actor: {})
    create: Callable | None = None  # service(actor=..., form=...) for a new record; else save_record
    update: Callable | None = None  # service(actor=..., form=...) for a change; else save_record
    actions: tuple[tuple[str, str], ...] = ()  # (label, url name taking the record's id) on its page
    saved_note: Callable | None = None  # record -> what else to say once it is saved (or "")
    # Who may add and change the records (raises PermissionDenied); else the agreement's sysadmin. The list
    # is shown to whoever `scope` admits.
    editor: Callable = selectors.require_sysadmin
    read_only_note: str = ""  # shown on the list to those who may read but not change the records

    def may_edit(self, actor) -> bool:
        try:
            self.editor(actor)
        except PermissionDenied:
            return False
        return True

    def save(self, actor, form):
        service = self.create if form.instance.pk is None else self.update
        if service is not None:
            return service(actor=actor, form=form)
        return services.save_record(actor=actor, form=form, scope=self.scope)


def _create_user(*, actor, form):
    return services.create_user(actor=actor, **form.cleaned_data)


def _update_user(*, actor, form):
    return services.update_user(actor=actor, user=form.instance, **form.cleaned_data)


def _create_unit(*, actor, form):
    return services.add_unit(actor=actor, **form.cleaned_data)


def _users_form_kwargs(actor):
    return {
        "agreement": actor.agreement,
        "organisations": selectors.parties(actor),
        "units": selectors.units(actor=actor),
    }


def _roles_here(user) -> str:
    return ", ".join(str(m.get_role_display()) for m in user.roles_here) or "–"


def _waiting(user) -> str:
    return ", ".join(str(r.get_kind_display()) for r in user.pending_requests) or "–"


def _user_saved_note(user) -> str:
    if not approval_selectors.waits_for_approval(user):
        return ""
    return _(
        "Roller som ger åtkomst till personuppgifter och en ny e-postadress för den som har sådana roller "
        "gäller först när chefen har godkänt dem under Behörighetsbeslut. Ändringen väntar på beslut."
    )


SECTIONS = (
    Section(
        name="users",
        slug="anvandare",
        kwarg="user_id",
        title=gettext_lazy("Användare"),
        add_label=gettext_lazy("Lägg till användare"),
        description=gettext_lazy("Konton, enheter och roller i överenskommelsen; återställ en förlorad inloggning."),
        scope=selectors.users,
        form=forms.UserForm,
        columns=(
            (gettext_lazy("Användarnamn"), lambda u: u.username),
            (gettext_lazy("Namn"), lambda u: u.get_full_name()),
            (gettext_lazy("Organisation"), lambda u: u.organisation or "–"),
            (gettext_lazy("Roller"), _roles_here),
            (gettext_lazy("Enheter"), lambda u: ", ".join(unit.name for unit in u.units.all()) or "–"),
            (gettext_lazy("Tvåstegsinloggning"), lambda u: yes_no(u.has_app)),
            (gettext_lazy("Aktiv"), lambda u: yes_no(u.is_active)),
            (gettext_lazy("Väntar på beslut"), _waiting),
        ),
        form_kwargs=_users_form_kwargs,
        saved_note=_user_saved_note,
        create=_create_user,
        update=_update_user,
        actions=((gettext_lazy("Återställ inloggning"), "administration:users_reset"),),
    ),
    Section(
        name="units",
        slug="enheter",
        kwarg="unit_id",
        title=gettext_lazy("Enheter"),
        add_label=gettext_lazy("Lägg till enhet"),
        description=gettext_lazy("Enheter hos parterna; ett ärende tilldelas en enhet."),
        scope=selectors.units,
        form=forms.UnitForm,
        columns=(
            (gettext_lazy("Enhet"), lambda unit: unit.name),
            (gettext_lazy("Organisation"), lambda unit: unit.organisation.name),
        ),
        form_kwargs=lambda actor: {"organisations": selectors.parties(actor)},
        create=_create_unit,
    ),
    Section(
        name="organisations",
        slug="organisationer",
        kwarg="organisation_id",
        title=gettext_lazy("Organisationer"),
        add_label=gettext_lazy("Lägg till organisation"),
        description=gettext_lazy("Socialtjänster och lokalpolisområden som kan vara parter i en överenskommelse."),
        scope=selectors.organisations,
        form=forms.OrganisationForm,
        columns=(
            (gettext_lazy("Namn"), lambda org: org.name),
            (gettext_lazy("Typ"), lambda org: org.get_kind_display()),
        ),
    ),
    Section(
        name="targets",
        slug="mal",
        kwarg="target_id",
        title=gettext_lazy("Mål"),
        add_label=gettext_lazy("Lägg till mål"),
        description=gettext_lazy("Överenskommelsens mål, som målavstämningen följer upp."),
        scope=selectors.targets,
        form=forms.TargetForm,
        columns=(
            (gettext_lazy("Mått"), lambda t: t.get_metric_display()),
            (gettext_lazy("Målvärde"), lambda t: t.value),
            (gettext_lazy("Period"), lambda t: t.get_period_display()),
        ),
        form_kwargs=lambda actor: {"agreement": actor.agreement},
        actions=((gettext_lazy("Ta bort målet"), "administration:targets_delete"),),
    ),
    Section(
        name="catalogue",
        slug="insatser",
        kwarg="intervention_type_id",
        title=gettext_lazy("Insatskatalog"),
        add_label=gettext_lazy("Lägg till insats"),
        description=gettext_lazy("De dokumenterade insatser som kan erbjudas, hemmaplan eller institution."),
        scope=selectors.intervention_types,
        form=forms.InterventionTypeForm,
        columns=(
            (gettext_lazy("Insats"), lambda t: t.name),
            (gettext_lazy("Kod"), lambda t: t.code),
            (gettext_lazy("Typ"), lambda t: t.get_setting_display()),
            (gettext_lazy("Aktiv"), lambda t: yes_no(t.active)),
        ),
        form_kwargs=lambda actor: {"agreement": actor.agreement},
    ),
    Section(
        name="tariffs",
        slug="taxor",
        kwarg="tariff_id",
        title=gettext_lazy("Taxor"),
        add_label=gettext_lazy("Lägg till taxa"),
        description=gettext_lazy("Priser per insats och år, med källa, för kostnadsjämförelsen."),
        scope=selectors.tariffs,
        form=forms.TariffForm,
        columns=(
            (gettext_lazy("Insats"), lambda t: t.intervention_type.name),
            (gettext_lazy("År"), lambda t: t.year),
            (gettext_lazy("Kommunens kostnad"), lambda t: _tariff_price(t, t.municipal_cost)),
            (gettext_lazy("Samhällets kostnad"), lambda t: _tariff_price(t, t.societal_cost)),
        ),
        form_kwargs=lambda actor: {"intervention_types": selectors.intervention_types(actor=actor)},
    ),
    Section(
        name="areas",
        slug="omraden",
        kwarg="area_id",
        title=gettext_lazy("Områden"),
        add_label=gettext_lazy("Lägg till område"),
        description=gettext_lazy("Kommunens stadsdelar, för personer, platser och fältkontakter."),
        scope=selectors.areas,
        form=forms.AreaForm,
        columns=((gettext_lazy("Område"), lambda area: area.name),),
        form_kwargs=lambda actor: {"agreement": actor.agreement},
    ),
    Section(
        name="hot_spots",
        slug="platser",
        kwarg="hot_spot_id",
        title=gettext_lazy("Platser"),
        add_label=gettext_lazy("Lägg till plats"),
        description=gettext_lazy(
            "Skolor och offentliga platser med risk för rekrytering, som fältgruppen besöker. "
            "En plats som inte längre används inaktiveras."
        ),
        scope=selectors.hot_spots,
        form=forms.HotSpotForm,
        columns=(
            (gettext_lazy("Plats"), lambda spot: spot.name),
            (gettext_lazy("Typ"), lambda spot: spot.get_kind_display()),
            (gettext_lazy("Område"), lambda spot: spot.area or "–"),
            (gettext_lazy("Aktiv"), lambda spot: yes_no(spot.active)),
        ),
        form_kwargs=lambda actor: {"agreement": actor.agreement, "areas": selectors.areas(actor=actor)},
    ),
    Section(
        name="retention_rules",
        slug="gallringsregler",
        kwarg="retention_rule_id",
        title=gettext_lazy("Gallringsregler"),
        add_label=gettext_lazy("Lägg till gallringsregel"),
        description=gettext_lazy(
            "Hur länge uppgifter sparas, enligt vilket lagrum och när regeln gäller. En regel som har börjat "
            "gälla avslutas och ersätts av en ny."
        ),
        scope=selectors.retention_rules,
        form=forms.RetentionRuleForm,
        columns=(
            (gettext_lazy("Uppgifter"), lambda rule: rule.get_record_type_display()),
            (gettext_lazy("Gallras efter"), lambda rule: _("%(years)s år") % {"years": rule.years}),
            (gettext_lazy("Lagrum"), lambda rule: Truncator(rule.legal_reference).chars(80)),
            (gettext_lazy("Gäller"), lambda rule: f"{rule.valid_from:%Y-%m-%d} – {rule.valid_to or ''}"),
        ),
        form_kwargs=lambda actor: {"agreement": actor.agreement},
        create=services.save_retention_rule,
        update=services.save_retention_rule,
    ),
    Section(
        name="legal_bases",
        slug="rattsliga-grunder",
        kwarg="legal_basis_id",
        title=gettext_lazy("Rättsliga grunder"),
        add_label=gettext_lazy("Lägg till rättslig grund"),
        description=gettext_lazy(
            "Sekretessbrytande bestämmelser för utlämnanden, i versioner med giltighetstid. Gemensamma för alla "
            "överenskommelser. En ändrad regel blir en ny version från ett datum; ett utlämnande behåller den "
            "version det beslutades med."
        ),
        scope=selectors.legal_bases,
        form=forms.LegalBasisForm,
        create=services.save_legal_basis,
        update=services.save_legal_basis,
        editor=selectors.require_instance_admin,
        read_only_note=gettext_lazy(
            "Grunderna är gemensamma för alla överenskommelser och ändras bara av instansens förvaltare. "
            "Du kan läsa dem men inte ändra dem."
        ),
        columns=(
            (gettext_lazy("Benämning"), lambda b: b.label),
            (gettext_lazy("Lagrum"), lambda b: b.law_reference),
            (gettext_lazy("Gäller"), lambda b: f"{b.valid_from:%Y-%m-%d} – {b.valid_to or ''}"),
            (gettext_lazy("Åldersgräns"), lambda b: b.age_limit or "–"),
            (gettext_lazy("Kräver samtycke"), lambda b: yes_no(b.requires_consent)),
        ),
    ),
)
SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}


def _record(request, section, pk):
    record = section.scope(actor=request.actor).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _link(section) -> dict:
    return {
        "title": section.title,
        "description": section.description,
        "url": reverse(f"administration:{section.name}_list"),
    }


def _shared_links() -> list[dict]:
    """What every agreement shares, kept by the instance administrator."""
    return [
        _link(SECTIONS_BY_NAME["legal_bases"]),
        {
            "title": _("Kostnadsindex"),
            "description": _("Den gemensamma indexserien för kostnadsjämförelsen och överenskommelsens egen serie."),
            "url": reverse("reports:cost_indexes"),
        },
    ]


@require_http_methods(["GET"])
def index_view(request):
    if not policies.may(request.actor, policies.Action.ADMINISTER_AGREEMENT) and selectors.may_read_shared_data(
        request.actor
    ):
        # The instance administrator without a sysadmin role here: only what all agreements share.
        context = {"sections": _shared_links(), "agreement": None}
        return render(request, "casework/administration/index.html", context)
    selectors.require_sysadmin(request.actor)
    people = [_link(s) for s in SECTIONS if s.name in ("users", "units", "organisations")]
    agreement_data = [_link(s) for s in SECTIONS if s.name not in ("users", "units", "organisations")]
    agreement_pages = [
        {
            "title": _("Överenskommelsen"),
            "description": _("Namn, giltighet, kategoriernas benämningar, åldrar och uppföljningsfönstret."),
            "url": reverse("administration:agreement"),
        },
        {
            "title": _("Ny överenskommelse"),
            "description": _("Starta en ny överenskommelse med standardmål, insatskatalog och taxor."),
            "url": reverse("administration:agreement_create"),
        },
    ]
    context = {"sections": [*people, *agreement_pages, *agreement_data], "agreement": request.actor.agreement}
    return render(request, "casework/administration/index.html", context)


def list_view(section):
    @require_http_methods(["GET"])
    def view(request):
        records = section.scope(actor=request.actor)
        may_edit = section.may_edit(request.actor)
        rows = [
            {
                "cells": [getter(record) for _label, getter in section.columns],
                "url": reverse(f"administration:{section.name}_edit", kwargs={section.kwarg: record.pk})
                if may_edit
                else None,
            }
            for record in records
        ]
        context = {
            "section": section,
            "headers": [label for label, _getter in section.columns],
            "rows": rows,
            "create_url": reverse(f"administration:{section.name}_create"),
            "may_edit": may_edit,
        }
        return render(request, "casework/administration/list.html", context)

    return view


def form_view(section, *, editing: bool):
    @require_http_methods(["GET", "POST"])
    def view(request, **kwargs):
        section.editor(request.actor)
        record = _record(request, section, kwargs[section.kwarg]) if editing else None
        form = section.form(request.POST or None, instance=record, **section.form_kwargs(request.actor))
        saved = []
        if submitted(request, form, lambda: saved.append(section.save(request.actor, form))):
            messages.success(request, _("Ändringarna är sparade.") if editing else _("Posten är tillagd."))
            if section.saved_note and (note := section.saved_note(saved[0])):
                messages.info(request, note)
            return redirect(f"administration:{section.name}_list")
        context = {
            "section": section,
            "form": form,
            "record": record,
            "heading": str(record) if editing else section.add_label,
            "back_url": reverse(f"administration:{section.name}_list"),
            "actions": [
                {"label": label, "url": reverse(url_name, args=[record.pk])} for label, url_name in section.actions
            ]
            if editing
            else [],
        }
        return render(request, "casework/administration/form.html", context)

    return view


def _confirm(request, *, record, section, heading, text, button, action, done):
    if request.method == "POST":
        button_pressed(request, action, done=done)
        return redirect(f"administration:{section.name}_list")
    context = {
        "heading": heading,
        "text": text,
        "button": button,
        "record": record,
        "back_url": reverse(f"administration:{section.name}_list"),
    }
    return render(request, "casework/administration/confirm.html", context)


@require_http_methods(["GET", "POST"])
def reset_login_view(request, user_id):
    section = SECTIONS_BY_NAME["users"]
    user = _record(request, section, user_id)
    return _confirm(
        request,
        record=user,
        section=section,
        heading=_("Återställ inloggning för %(name)s") % {"name": user},
        text=_(
            "Lösenordet och alla engångskodsappar och reservkoder tas bort, en eventuell spärr hävs, och "
            "användaren får en ny länk till %(email)s för att välja lösenord och aktivera tvåstegsinloggning igen."
        )
        % {"email": user.email or _("(ingen e-postadress)")},
        button=_("Återställ inloggningen"),
        action=lambda: services.reset_login(actor=request.actor, user=user),
        done=lambda pending: (
            _("Återställningen väntar på chefens beslut under Behörighetsbeslut; inget är ändrat ännu.")
            if pending
            else _("Inloggningen är återställd och en ny länk är skickad.")
        ),
    )


@require_http_methods(["GET", "POST"])
def delete_target_view(request, target_id):
    section = SECTIONS_BY_NAME["targets"]
    target = _record(request, section, target_id)
    return _confirm(
        request,
        record=target,
        section=section,
        heading=_("Ta bort mål"),
        text=str(target),
        button=_("Ta bort"),
        action=lambda: services.remove_target(actor=request.actor, target=target),
        done=_("Målet är borttaget."),
    )


@require_http_methods(["GET", "POST"])
def agreement_view(request):
    agreement = selectors.agreements(actor=request.actor).get()
    form = forms.AgreementForm(request.POST or None, instance=agreement)
    scope = selectors.agreements
    if submitted(request, form, lambda: services.save_record(actor=request.actor, form=form, scope=scope)):
        messages.success(request, _("Ändringarna är sparade."))
        return redirect("administration:agreement")
    context = {"form": form, "heading": _("Överenskommelsen"), "back_url": reverse("administration:index")}
    return render(request, "casework/administration/form.html", context)


@require_http_methods(["GET", "POST"])
def new_agreement_view(request):
    organisations = selectors.organisations(actor=request.actor)
    form = forms.NewAgreementForm(request.POST or None, organisations=organisations)
    if submitted(request, form, lambda: services.start_agreement(actor=request.actor, **form.cleaned_data)):
        messages.success(request, _("Överenskommelsen är skapad. Byt till den under Mitt konto för att arbeta i den."))
        return redirect("administration:index")
    context = {"form": form, "heading": _("Ny överenskommelse"), "back_url": reverse("administration:index")}
    return render(request, "casework/administration/form.html", context)


def section_urls() -> list:
    patterns = []
    for section in SECTIONS:
        prefix = f"administration/{section.slug}/"
        patterns += [
            path(prefix, list_view(section), name=f"{section.name}_list"),
            path(f"{prefix}ny/", form_view(section, editing=False), name=f"{section.name}_create"),
            path(f"{prefix}<int:{section.kwarg}>/", form_view(section, editing=True), name=f"{section.name}_edit"),
        ]
    return patterns
