"""The client's address behind the reverse proxies we run: the proxy's X-Forwarded-For entry, never one
the client wrote, and only REMOTE_ADDR when no proxy is configured."""

import pytest
from django.test import RequestFactory

from config.client_address import client_address


def request(remote="10.0.0.2", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_only_the_peer_counts(settings):
    settings.SAMSYN_PROXY_HOPS = 0
    assert client_address(request(forwarded="203.0.113.66")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (1, "203.0.113.66", "203.0.113.66"),
        (1, "198.51.100.7, 203.0.113.66", "203.0.113.66"),  # the client wrote the left one
        (2, "203.0.113.66, 10.1.0.5", "203.0.113.66"),  # a load balancer, then the ingress
        (1, "2001:db8::1", "2001:db8::1"),
        (2, "203.0.113.66", "10.0.0.2"),  # fewer entries than proxies: not through them, the peer
        (1, "", "10.0.0.2"),
    ],
)
def test_behind_proxies_the_client_is_that_many_entries_from_the_right(settings, hops, forwarded, client):
    settings.SAMSYN_PROXY_HOPS = hops
    assert client_address(request(forwarded=forwarded)) == client


def test_something_that_is_not_an_address_is_no_address(settings):
    settings.SAMSYN_PROXY_HOPS = 1
    assert client_address(request(forwarded="<script>")) is None
