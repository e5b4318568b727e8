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


def test_the_compose_file_is_valid():
    services = validate(COMPOSE, ENVIRON)["services"]
    assert services["web"]["environment"]["ALLOWED_HOSTS"] == "samsyn.example.se"
    assert services["beat"]["deploy"]["replicas"] == 1


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
    ],
)
def test_it_refuses(tmp_path, change, message):
    with pytest.raises(ComposeError, match=message):
        validate(changed(tmp_path, change), ENVIRON)
