"""The users of the load test (`make bench-load`): the locustfile that bench/load.py hands to locust.

Runs in locust's own process (gevent), so it imports nothing of Samsyn: bench/load.py signs the visitors in,
looks up the cases each may open, and passes them here in the JSON file named by BENCH_LOAD_VISITORS:
{"think": [low, high], "visitors": {role: [{"cookie": ..., "cases": [...], "list_pages": n}, ...]}}.

Each locust user is one person of one role at work, reading the pages that role reads, in the proportions
of `tasks` below. Every request is one page (no redirects followed): a redirect (to the login, an expired
session) or any status but 200 counts as an error.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, constant

with open(os.environ["BENCH_LOAD_VISITORS"]) as handle:
    PLAN = json.load(handle)

THINK = between(*PLAN["think"]) if PLAN["think"][1] > 0 else constant(0)
# What the deploy's proxy (deploy/Caddyfile) sends: the request came over HTTPS from this client. Production
# settings trust X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and take the client from X-Forwarded-For.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
# Page types, as the report prints them.
CASE_LIST = "ärendelista"
CASE_PAGE = "ärendesida"
MEETINGS = "möteslista"
FIELD_LIST = "fältlista"


def list_page(visitor) -> str:
    """Half the time the first page; else one of the next nine, as far as the list reaches."""
    last = min(visitor["list_pages"], 10)
    if last < 2 or random.random() < 0.5:
        return "/arenden/"
    return f"/arenden/?sida={random.randint(2, last)}"


class Visitor(FastHttpUser):
    abstract = True
    wait_time = THINK

    def on_start(self):
        # The role's visitors in turn: N locust users of a role with M sessions use them all when N ≥ M.
        self.visitor = next(self._turns)
        self.headers = PROXY_HEADERS | {"Cookie": self.visitor["cookie"]}

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, headers=self.headers, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")

    def case_list(self):
        self.page(list_page(self.visitor), CASE_LIST)

    def case_page(self):
        self.page(f"/arenden/{random.choice(self.visitor['cases'])}/", CASE_PAGE)


def meetings(user):
    user.page("/moten/", MEETINGS)


def field_list(user):
    user.page("/falt/", FIELD_LIST)


def visitor_class(role: str, weight: int, tasks: dict):
    """A locust user class for `role`, or None when the data has no visitor of that role."""
    visitors = PLAN["visitors"].get(role)
    if not visitors:
        return None
    return type(
        f"Visitor_{role}",
        (Visitor,),
        {"__module__": __name__, "weight": weight, "tasks": tasks, "_turns": itertools.cycle(visitors)},
    )


# The mix at 16 users: 8 caseworkers, 3 social managers, 3 police officers, 2 field workers; about one case
# list to three case pages over all.
_classes = [
    visitor_class("caseworker", 8, {Visitor.case_list: 1, Visitor.case_page: 5}),
    visitor_class("social_manager", 3, {Visitor.case_list: 2, Visitor.case_page: 3, meetings: 1}),
    visitor_class("police", 3, {Visitor.case_list: 1, Visitor.case_page: 3}),
    visitor_class("field_worker", 2, {field_list: 1}),
]
# locust plays the user classes it finds among this module's names.
globals().update({user_class.__name__: user_class for user_class in _classes if user_class})
