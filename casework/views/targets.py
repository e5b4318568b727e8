"""The agreement's target board: counts against the agreement's targets per quarter, tertial and year."""

from django.shortcuts import render
from django.utils import timezone

from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.selectors import targets as target_selectors


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year


def target_board_view(request):
    year = _year(request)
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
        "previous_year": year - 1,
        "next_year": year + 1 if year < timezone.localdate().year else None,
    }
    return render(request, "casework/target_board.html", context)
