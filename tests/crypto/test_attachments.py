"""Case attachments: a signed consent goes through upload, disclosure to the police, key rotation and gallring;
its content and name are never stored in plaintext (database, media folder, temporary upload files); a file
too large or of the wrong type (whatever its name) is refused with a message and nothing saved; the sealed
file cannot be moved, reordered or cut short."""

import datetime
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry
from casework import retention
from casework.models import Case, CaseAttachment, CaseStatus, LegalBasis
from casework.selectors.attachments import attachment_aad, attachment_content
from casework.services import attachments as attachment_services
from casework.services import disclosures
from encryption import crypto, rotation
from encryption.keys import check_keyrings_at_startup
from tests.casework import factories
from tests.conftest import verified_client
from tests.crypto.conftest import key_entry

pytestmark = pytest.mark.django_db

K1, K2 = key_entry("k1"), key_entry("k2")
TAG = uuid.uuid4().hex[:8]
CONTENT_SENTINEL = f"SentinelBilaga{TAG}".encode()
NAME_SENTINEL = f"SentinelFilnamn{TAG}"
# Past Django's FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), where its default handlers would use a temporary file;
# several chunks of the sealed format, the last a partial one.
BIG = 3 * 1024 * 1024 + 123


def signed_consent(size: int = 5000) -> bytes:
    body = b"%PDF-1.7\n" + CONTENT_SENTINEL + b"\n"
    return body + b"x" * (size - len(body) - 6) + b"\n%%EOF"


@pytest.fixture
def case(people, keyrings):
    keyrings(encryption=K1)
    check_keyrings_at_startup()
    # Proposed by the social services: the police read neither the identity nor the assessment undisclosed.
    return factories.propose(people, by=people.manager, category="lifestyle")


def upload(client, case, *, content: bytes, name: str, field_class="social_assessment", kind="consent"):
    return client.post(
        reverse("casework:add_attachment", args=[case.pk]),
        {"kind": kind, "field_class": field_class, "file": SimpleUploadedFile(name, content)},
    )


def download(user, case, attachment):
    return verified_client(Client(), user).get(reverse("casework:attachment", args=[case.pk, attachment.pk]))


def test_an_attachment_round_trips_through_disclosure_rotation_and_gallring(people, case, keyrings):
    manager = verified_client(Client(), people.manager)
    content = signed_consent(BIG)
    response = upload(manager, case, content=content, name=f"{NAME_SENTINEL}.pdf")
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = CaseAttachment.objects.get(case=case)
    assert (attachment.key_id, attachment.content_type, attachment.size) == ("k1", "application/pdf", BIG)

    # Before any disclosure the police, who see the case's frame, do not see the file exists.
    assert download(people.police, case, attachment).status_code == 404
    case_page = verified_client(Client(), people.police).get(reverse("casework:case_detail", args=[case.pk]))
    assert NAME_SENTINEL not in case_page.content.decode()

    disclosures.disclose(
        actor=factories.actor(people.manager, people.agreement),
        case=case,
        field_classes=["social_assessment"],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Samtycket behövs i samverkan",
        decided_on=factories.today(),
    )
    response = download(people.police, case, attachment)
    assert response.status_code == 200 and response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert NAME_SENTINEL in response["Content-Disposition"]
    read = AccessLogEntry.objects.order_by("-seq").first()
    assert (read.username, read.page, read.export, read.case_ids) == (
        people.police.username,
        "casework:attachment",
        True,
        [str(case.pk)],
    )
    assert read.field_classes == ["social_assessment"]

    # Another class of the same case stays hidden: the disclosure names the social assessment only.
    other = attachment_services.add_attachment(
        actor=factories.actor(people.manager, people.agreement),
        case=case,
        kind=CaseAttachment.Kind.DECISION,
        field_class="interventions",
        upload=SimpleUploadedFile("beslut.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
    )
    assert other.content_type == "image/png"
    assert download(people.police, case, other).status_code == 404

    keyrings(encryption=f"{K2},{K1}")
    check_keyrings_at_startup()
    result = rotation.rotate_encryption()
    assert result.rewritten["casework.CaseAttachment.sealed_content"] == 2
    assert result.retired_keys == ["k1"]
    keyrings(encryption=K2)  # the old key leaves the keyring: everything opens with the new one
    check_keyrings_at_startup()
    attachment = CaseAttachment.objects.get(pk=attachment.pk)
    assert attachment.key_id == "k2" and attachment.file_name == f"{NAME_SENTINEL}.pdf"
    assert download(people.manager, case, attachment).content == content

    closed_on = factories.today()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=closed_on, close_reason="moved")
    records = retention.run_purge(closed_on + datetime.timedelta(days=6 * 366))
    assert not CaseAttachment.objects.exists()
    assert records[0].counts["attachments"] == 2


def every_stored_value() -> list:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            values += [value for row in cursor.fetchall() for value in row]
    return values


def holds(value, needle: bytes) -> bool:
    if isinstance(value, memoryview | bytes | bytearray):
        return needle in bytes(value)
    return needle.decode() in str(value)


def test_neither_the_file_nor_its_name_is_stored_in_plaintext(people, case, monkeypatch):
    temporary_files = []
    monkeypatch.setattr(TemporaryUploadedFile, "__init__", lambda *a, **kw: temporary_files.append(a))
    media = Path(settings.MEDIA_ROOT)
    media_before = set(media.rglob("*")) if media.exists() else set()

    response = upload(
        verified_client(Client(), people.manager), case, content=signed_consent(BIG), name=f"{NAME_SENTINEL}.pdf"
    )

    assert response.status_code == 302
    assert CaseAttachment.objects.filter(case=case).count() == 1
    assert temporary_files == [], "the upload went to a temporary file on disk"
    values = every_stored_value()
    for needle in (CONTENT_SENTINEL, NAME_SENTINEL.encode()):
        assert not [value for value in values if holds(value, needle)], needle
    media_after = set(media.rglob("*")) if media.exists() else set()
    for path in media_after - media_before:
        assert not path.is_file() or CONTENT_SENTINEL not in path.read_bytes()
    assert all(NAME_SENTINEL not in os.fspath(path) for path in media_after)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("samtycke.pdf", b"MZ\x90\x00 a program, named like a PDF"),
        ("beslut.jpg", b"GIF89a a gif, named like a JPEG"),
        ("begaran.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_file_of_another_type_is_refused_whatever_its_name(people, case, name, content):
    response = upload(verified_client(Client(), people.manager), case, content=content, name=name)
    assert response.status_code == 200
    assert "Filen är inte en PDF, PNG eller JPEG" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_a_file_too_large_is_refused_and_not_kept(people, case, settings):
    settings.SAMSYN_ATTACHMENT_MAX_BYTES = 4096
    response = upload(verified_client(Client(), people.manager), case, content=signed_consent(5000), name="a.pdf")
    assert response.status_code == 200
    assert "Filen är för stor. Den största tillåtna storleken är" in response.content.decode()
    assert not CaseAttachment.objects.exists()
    # At the limit it is accepted.
    response = upload(verified_client(Client(), people.manager), case, content=signed_consent(4096), name="a.pdf")
    assert response.status_code == 302


def test_an_empty_upload_and_a_missing_file_are_refused(people, case):
    manager = verified_client(Client(), people.manager)
    assert "Den skickade filen var tom." in upload(manager, case, content=b"", name="a.pdf").content.decode()
    response = manager.post(
        reverse("casework:add_attachment", args=[case.pk]), {"kind": "consent", "field_class": "social_assessment"}
    )
    assert "Välj en fil." in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_an_uploader_gives_only_a_class_they_write(people, case):
    police = factories.actor(people.police, people.agreement)
    with pytest.raises(PermissionDenied):
        attachment_services.add_attachment(
            actor=police,
            case=case,
            kind=CaseAttachment.Kind.REQUEST,
            field_class="social_assessment",
            upload=SimpleUploadedFile("a.pdf", signed_consent()),
        )
    # The police's written request, of their own assessment: theirs to add, and to read.
    request = attachment_services.add_attachment(
        actor=police,
        case=case,
        kind=CaseAttachment.Kind.REQUEST,
        field_class="police_assessment",
        upload=SimpleUploadedFile("begaran.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 50),
    )
    assert download(people.police, case, request).status_code == 200
    # The case frame is not a class for attachments: the police read every case's frame.
    response = upload(
        verified_client(Client(), people.manager),
        case,
        content=signed_consent(),
        name="a.pdf",
        field_class="case_frame",
    )
    assert response.status_code == 200 and not CaseAttachment.objects.filter(field_class="case_frame").exists()


def test_a_sealed_file_cannot_be_moved_reordered_or_cut_short(people, case):
    attachment = attachment_services.add_attachment(
        actor=factories.actor(people.manager, people.agreement),
        case=case,
        kind=CaseAttachment.Kind.CONSENT,
        field_class="social_assessment",
        upload=SimpleUploadedFile("a.pdf", signed_consent(3 * crypto.STREAM_CHUNK_BYTES // 2)),
    )
    sealed = bytes(attachment.sealed_content)
    segment = crypto.NONCE_BYTES + crypto.STREAM_CHUNK_BYTES + 16
    aad = attachment_aad(attachment)
    attempts = {
        "cut short": sealed[:segment],
        "reordered": sealed[segment:] + sealed[:segment],
        "flipped": sealed[:-1] + bytes([sealed[-1] ^ 1]),
    }
    for what, changed in attempts.items():
        with pytest.raises(crypto.DecryptionError):
            b"".join(crypto.open_stream(changed, key_id="k1", aad=aad, where=what))
    other_case = factories.propose(people, by=people.manager, category="svansen")
    moved = CaseAttachment(pk=attachment.pk, case=other_case, key_id="k1", sealed_content=sealed)
    with pytest.raises(crypto.DecryptionError):
        attachment_content(moved)
    assert attachment_content(attachment).startswith(b"%PDF-1.7")
