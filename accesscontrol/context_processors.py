from .navigation import navigation_for


def navigation(request):
    actor = getattr(request, "actor", None)
    return {"actor": actor, "navigation": navigation_for(actor, request.path)}
