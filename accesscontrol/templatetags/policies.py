"""The one way a template asks what the actor may do: `{% may_do page.subject as can %}`, then
`{% if can.close_case %}`. The answers come from accesscontrol.policies, the same rules the services
enforce, so a page offers an action exactly when the service would allow it."""

from django import template

from accesscontrol.policies import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may_do(context, subject=None) -> dict[str, bool]:
    request = context.get("request")
    return permissions(getattr(request, "actor", None), subject)
