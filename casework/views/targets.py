"""The agreement's target board: counts against the agreement's targets per quarter, tertial and year."""

from django.shortcuts import render

from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.periods import PeriodKind, agreement_last_period, agreement_years
from casework.selectors import targets as target_selectors


def year_asked_for(request, years: list[int]) -> int:
    """The year asked for, if it is one of the agreement's; else the agreement's last (an agreement that
    has ended opens on its own last year, not on this one). The board and the field team's figures ask alike."""
    default = agreement_last_period(request.actor.agreement, PeriodKind.YEAR).year
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if year in years else default


def target_board_view(request):
    years = agreement_years(request.actor.agreement)
    year = year_asked_for(request, years)
    board = target_selectors.board_page(actor=request.actor, year=year)
    if board.gaps:
        shows(
            request,
            cases=board.gaps,
            persons=[case.person for case in board.gaps],
            field_classes={FieldClass.IDENTITY, FieldClass.CASE_FRAME, FieldClass.INTERVENTIONS},
        )
    context = {
        "board": board,
        "target_rule": target_selectors.TARGET_RULE,
        "previous_year": year - 1 if year - 1 in years else None,
        "next_year": year + 1 if year + 1 in years else None,
    }
    return render(request, "casework/target_board.html", context)
