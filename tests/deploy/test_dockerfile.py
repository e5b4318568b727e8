"""The image gets all of Samsyn: every package pyproject.toml declares, the templates and static
files, and the build context (deploy/Dockerfile.dockerignore) lets in everything the Dockerfile copies."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()
IGNORE = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().splitlines()


def copied_sources() -> list[str]:
    sources = []
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            sources += [part for part in line.split()[1:-1] if not part.startswith("--")]
    return sources


def test_every_declared_package_is_copied_into_the_image():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = set(copied_sources())
    for package in packages:
        assert package.rstrip("*") in copied, package
    assert "manage.py" in copied


def test_every_folder_django_reads_at_run_time_is_copied_into_the_image(settings):
    folders = [*settings.LOCALE_PATHS, *settings.STATICFILES_DIRS, *(d for t in settings.TEMPLATES for d in t["DIRS"])]
    copied = set(copied_sources())
    for folder in folders:
        assert str(Path(folder).relative_to(ROOT)) in copied, f"{folder} is read at run time but not in the image"


def test_the_build_context_lets_in_what_the_dockerfile_copies():
    assert "*" in IGNORE, "the context starts from nothing and admits what the image needs"
    admitted = {re.sub(r"^!|/$", "", line) for line in IGNORE if line.startswith("!")}
    for source in copied_sources():
        assert source in admitted, f"{source} is copied but excluded from the build context"
