"""The repository explains itself (docs/README.md): no tracked file points to a document outside the
repository, every docs page a tracked file names exists, and the files and code names the docs cite exist."""

import importlib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

# Written in two parts so that this file does not name them itself.
OUTSIDE = ("../" + "shared", "/work/" + "shared")  # the design notes' old home, outside the repository
NOTES = ("DESIGN" + ".md", "GLOSSARY" + ".md")  # the notes that docs/ replaced

DOCS_PATH = re.compile(r"(?<![\w./-])docs/[\w./-]+?\.md\b")
RELATIVE_LINK = re.compile(r"\]\(([\w./-]+\.md)(?:#[\w-]*)?\)")
CODE = re.compile(r"`([^`\s]+)`")
FILE_PATH = re.compile(r"^[\w.-]+(?:/[\w.-]+)+\.(?:py|html|md|toml|yaml|sh|txt)$")
DOTTED_NAME = re.compile(r"^(?:config|casework|accesscontrol|audit|reports)(?:\.[A-Za-z_]\w*)+$")


def tracked_files() -> list[Path]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    return [ROOT / name for name in names if name and (ROOT / name).is_file()]


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="ignore")


def in_docs(path: Path) -> bool:
    return path.is_relative_to(DOCS)


def doc_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def resolves(dotted: str) -> bool:
    """`package.module.attribute…` names a module, or an attribute reachable from the longest importable
    module prefix."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_it_refers_to_nothing_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in tracked_files()
        for needle in OUTSIDE
        if needle in text_of(path)
    ]
    assert not found, "documents outside the repository are named; point to docs/ instead:\n" + "\n".join(found)


def test_it_names_no_design_notes_outside_docs():
    found = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in tracked_files()
        if not in_docs(path)
        for needle in NOTES
        if needle in text_of(path)
    ]
    assert not found, "the design notes are gone; cite the docs/ page that replaced them:\n" + "\n".join(found)


def test_every_docs_page_named_in_a_tracked_file_exists():
    missing = sorted(
        {
            f"{path.relative_to(ROOT)}: {name}"
            for path in tracked_files()
            for name in DOCS_PATH.findall(text_of(path))
            if not (ROOT / name).is_file()
        }
    )
    assert not missing, "docs pages named but missing:\n" + "\n".join(missing)


def test_the_docs_link_to_pages_that_exist():
    assert doc_pages(), "docs/ has no pages"
    missing = [
        f"{page.relative_to(ROOT)}: {link}"
        for page in doc_pages()
        for link in RELATIVE_LINK.findall(text_of(page))
        if not (page.parent / link).is_file()
    ]
    assert not missing, "links to missing pages:\n" + "\n".join(missing)


def test_the_files_the_docs_cite_exist():
    missing = [
        f"{page.relative_to(ROOT)}: {name}"
        for page in doc_pages()
        for name in CODE.findall(text_of(page))
        if FILE_PATH.match(name) and not (ROOT / name).is_file()
    ]
    assert not missing, "files cited in docs/ that do not exist:\n" + "\n".join(missing)


def test_the_code_names_the_docs_cite_exist():
    missing = [
        f"{page.relative_to(ROOT)}: {name}"
        for page in doc_pages()
        for name in CODE.findall(text_of(page))
        if DOTTED_NAME.match(name) and not resolves(name)
    ]
    assert not missing, "modules, functions or classes cited in docs/ that do not exist:\n" + "\n".join(missing)
