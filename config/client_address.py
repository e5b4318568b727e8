"""The address of the client behind Samsyn's reverse proxies, in one place: the access log, the change log
and the login lockout all use it.

Behind Caddy or an ingress, REMOTE_ADDR is the proxy's address, the same for every user: the logs would
say nothing, and a handful of failed logins by anyone would lock everyone out together. Each proxy in
front appends the address it saw to X-Forwarded-For, so with SAMSYN_PROXY_HOPS proxies in front the client
is that many entries from the right. Entries further left are whatever the client sent and are never
trusted. Without proxies (the default) only REMOTE_ADDR counts.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    candidate = request.META.get("REMOTE_ADDR", "")
    if hops := settings.SAMSYN_PROXY_HOPS:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
