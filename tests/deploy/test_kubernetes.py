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


@pytest.mark.parametrize(
    ("change", "message"),
    [
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
