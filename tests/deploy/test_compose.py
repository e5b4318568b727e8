"""deploy/validate_compose.py: the Compose file is valid, and the rules it enforces catch mistakes."""

from pathlib import Path

import pytest
import yaml

pytest.importorskip("compose_spec", reason="the deploy validators are installed by deploy/ci.sh")

from deploy.validate_compose import ComposeError, validate  # noqa: E402

COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose.yaml"
ENVIRON = {"SAMSYN_DOMAIN": "samsyn.example.se"}


def changed(tmp_path, change):
    data = yaml.safe_load(COMPOSE.read_text())
    change(data)
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def give_beat_the_owners_password(data):
    beat = data["services"]["beat"]
    beat["environment"] = {**beat["environment"], "DATABASE_PASSWORD_FILE": "/run/secrets/db_owner_password"}
    beat["secrets"] = [*beat["secrets"], "db_owner_password"]


def test_the_compose_file_is_valid():
    services = validate(COMPOSE, ENVIRON)["services"]
    assert services["web"]["environment"]["ALLOWED_HOSTS"] == "samsyn.example.se"
    assert services["beat"]["deploy"]["replicas"] == 1
    processes = ("migrate", "web", "worker", "beat", "purge-logs")
    roles = {name: services[name]["environment"]["DATABASE_URL"].split("//")[1].split("@")[0] for name in processes}
    assert roles == {
        "migrate": "samsyn_owner",
        "web": "samsyn_app",
        "worker": "samsyn_app",
        "beat": "samsyn_app",
        "purge-logs": "samsyn_purge",
    }


def test_it_needs_the_domain():
    with pytest.raises(ComposeError, match="SAMSYN_DOMAIN is missing"):
        validate(COMPOSE, {})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["services"]["web"].update(helthcheck={}), "helthcheck"),
        (lambda d: d["services"]["web"]["environment"].update(SECRET_KEY="abc"), "SECRET_KEY holds a value"),
        (lambda d: d["services"].update(beat2=d["services"]["beat"]), "exactly one Celery beat"),
        (lambda d: d["services"]["beat"]["deploy"].update(replicas=2), "exactly one Celery beat"),
        (
            lambda d: d["services"]["web"]["depends_on"].update(cache={"condition": "service_started"}),
            "'cache', which is not a service",
        ),
        (lambda d: d["services"]["web"].update(secrets=["nope"]), "nope"),
        (lambda d: d["services"]["worker"].pop("read_only"), "worker: must run read_only"),
        (lambda d: d["services"]["db"].update(volumes=["./pgdata:/var/lib/postgresql/data"]), "bind mount"),
        # The database roles (README, Audit).
        (
            lambda d: d["services"]["web"]["environment"].update(DATABASE_URL="postgres://samsyn_owner@db:5432/samsyn"),
            "web: DATABASE_URL uses the owner's role samsyn_owner",
        ),
        (give_beat_the_owners_password, "beat: DATABASE_PASSWORD_FILE is the password of another role"),
        (
            lambda d: d["services"]["worker"].update(
                secrets=[*d["services"]["worker"]["secrets"], "db_purge_password"]
            ),
            "worker: must not be given the secret db_purge_password",
        ),
        (
            lambda d: d["services"]["migrate"]["environment"].update(DATABASE_URL="postgres://postgres@db:5432/samsyn"),
            "migrate: connects as PostgreSQL's administrator",
        ),
        (
            lambda d: d["services"]["web"]["environment"].update(
                DATABASE_URL="postgres://samsyn_app:pw@db:5432/samsyn"
            ),
            "web: DATABASE_URL holds a password",
        ),
        (lambda d: d["services"].pop("purge-logs"), "purge-logs: no such service"),
        (
            lambda d: d["services"]["purge-logs"]["environment"].update(
                DATABASE_URL="postgres://samsyn_app@db:5432/samsyn"
            ),
            "purge-logs: must connect as the purge role",
        ),
        (lambda d: d["services"]["purge-logs"].pop("profiles"), "purge-logs: a one-shot job needs a profile"),
    ],
)
def test_it_refuses(tmp_path, change, message):
    with pytest.raises(ComposeError, match=message):
        validate(changed(tmp_path, change), ENVIRON)
