"""deploy/validate_kubernetes.py: the production overlay renders and is valid, and the rules it
enforces catch insecure or wrong manifests."""

import copy
from pathlib import Path

import pytest

pytest.importorskip("kubernetes_validate", reason="the deploy validators are installed by deploy/ci.sh")

from deploy.validate_kubernetes import ManifestError, render, samsyn_rule_violations, validate  # noqa: E402

OVERLAY = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes" / "overlays" / "production"


@pytest.fixture(scope="module")
def rendered():
    return render(OVERLAY)


def find(docs, kind, name):
    return next(doc for doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name)


def test_the_production_overlay_is_valid(rendered):
    validate(rendered)
    web = find(rendered, "Deployment", "samsyn-web")
    assert web["metadata"]["namespace"] == "samsyn"
    assert web["spec"]["template"]["spec"]["containers"][0]["image"].startswith("registry.example.se/")
    purge = find(rendered, "CronJob", "samsyn-purge-logs")
    assert purge["spec"]["concurrencyPolicy"] == "Forbid"
    assert find(rendered, "ConfigMap", "samsyn-config")["data"]["PURGE_DATABASE_URL"].startswith(
        "postgres://samsyn_purge@"
    )


def test_it_refuses_a_field_kubernetes_does_not_know(rendered):
    docs = copy.deepcopy(rendered)
    find(docs, "Deployment", "samsyn-web")["spec"]["replica"] = 2
    with pytest.raises(ManifestError, match="Deployment/samsyn-web"):
        validate(docs)


def unlock_root_filesystem(docs):
    find(docs, "Deployment", "samsyn-worker")["spec"]["template"]["spec"]["initContainers"][0]["securityContext"][
        "readOnlyRootFilesystem"
    ] = False


def scale_beat(docs):
    find(docs, "Deployment", "samsyn-beat")["spec"]["replicas"] = 2


def commit_a_secret(docs):
    docs.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "samsyn-secrets"}, "data": {}})


def run_as_root(docs):
    del find(docs, "Job", "samsyn-migrate")["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]


def open_the_network(docs):
    docs.remove(find(docs, "NetworkPolicy", "samsyn-default-deny"))


def egress_anywhere(docs):
    """A rule with neither destinations nor ports: everything, everywhere."""
    find(docs, "NetworkPolicy", "samsyn-to-database-and-redis")["spec"]["egress"].append({})


def egress_to_the_internet(docs):
    find(docs, "NetworkPolicy", "samsyn-to-database-and-redis")["spec"]["egress"].append(
        {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}
    )


def purge_job_reaches_redis(docs):
    policy = find(docs, "NetworkPolicy", "samsyn-jobs-to-database")
    policy["spec"]["egress"].append(
        copy.deepcopy(find(docs, "NetworkPolicy", "samsyn-to-database-and-redis")["spec"]["egress"][2])
    )


def web_as_owner(docs):
    config = find(docs, "ConfigMap", "samsyn-config")["data"]
    config["DATABASE_URL"] = config["OWNER_DATABASE_URL"]


def beat_mounts_the_owner_secret(docs):
    find(docs, "Deployment", "samsyn-beat")["spec"]["template"]["spec"]["volumes"].append(
        {"name": "db-owner", "secret": {"secretName": "samsyn-db-owner"}}
    )


def purge_cronjob(docs):
    return find(docs, "CronJob", "samsyn-purge-logs")


def no_purge_cronjob(docs):
    docs.remove(purge_cronjob(docs))


def purge_runs_twice(docs):
    purge_cronjob(docs)["spec"]["concurrencyPolicy"] = "Allow"


def purge_as_app(docs):
    container = purge_cronjob(docs)["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    container["env"] = []


def metrics_routed(docs):
    docs.remove(find(docs, "Ingress", "samsyn-metrics-denied"))


def metrics_not_denied(docs):
    del find(docs, "Ingress", "samsyn-metrics-denied")["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/denylist-source-range"
    ]


def another_ingress_controller(docs):
    find(docs, "Ingress", "samsyn")["spec"]["ingressClassName"] = "traefik"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (egress_anywhere, "egress rule 3 of NetworkPolicy/samsyn-to-database-and-redis allows every destination"),
        (
            egress_anywhere,
            "Deployment/samsyn-web: egress rule 3 of NetworkPolicy/samsyn-to-database-and-redis allows every port",
        ),
        (egress_to_the_internet, "allows all addresses (0.0.0.0/0)"),
        (
            egress_to_the_internet,
            "Deployment/samsyn-worker: egress rule 3 of NetworkPolicy/samsyn-to-database-and-redis allows port 443",
        ),
        (
            purge_job_reaches_redis,
            "CronJob/samsyn-purge-logs: egress rule 2 of NetworkPolicy/samsyn-jobs-to-database allows port 6379",
        ),
        (web_as_owner, "Deployment/samsyn-web container web: DATABASE_URL uses the owner's role samsyn_owner"),
        (web_as_owner, "Deployment/samsyn-worker container wait-for-migrations: DATABASE_URL uses the owner's role"),
        (beat_mounts_the_owner_secret, "Deployment/samsyn-beat: mounts the Secret samsyn-db-owner"),
        (no_purge_cronjob, "no CronJob runs manage.py purge_logs"),
        (purge_runs_twice, "concurrencyPolicy Forbid"),
        (purge_as_app, "the purge role must differ from the application role"),
        (metrics_routed, "samsyn.kommun.example: /metrics is public"),
        (metrics_not_denied, "Ingress/samsyn-metrics-denied: routes /metrics of samsyn.kommun.example"),
        (another_ingress_controller, "Ingress/samsyn: ingressClassName must be nginx"),
        (unlock_root_filesystem, "samsyn-worker container wait-for-migrations: readOnlyRootFilesystem"),
        (scale_beat, "exactly one replica"),
        (commit_a_secret, "Secret/samsyn-secrets: secrets are created in the cluster"),
        (run_as_root, "Job/samsyn-migrate: pod must set runAsNonRoot"),
        (open_the_network, "default-deny"),
    ],
)
def test_it_refuses(rendered, change, message):
    docs = copy.deepcopy(rendered)
    change(docs)
    assert any(message in problem for problem in samsyn_rule_violations(docs))
