"""Notifications: email over a real SMTP server, signed webhooks, per-role subscriptions,
digests, and retries with backoff that end in an exception — nothing lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from procureflow.domain.webhook_signature import HEADER, verify
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.notifications import NotificationOutbox, notification_pass
from procureflow.runtime.services import Services
from tests.integration.monitors.endpoints import MailBox, Receiver, smtp_server, webhook_server

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)


@pytest.fixture
def mail(svc: Services) -> Iterator[tuple[Services, MailBox]]:
    with smtp_server() as (box, port):
        svc.settings = svc.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
        svc.extras.pop("notification_outbox", None)
        yield svc, box


@pytest.fixture
def hook(svc: Services) -> Iterator[tuple[Services, Receiver, str]]:
    with webhook_server() as (receiver, url):
        # The receiver is on loopback: the egress policy refuses it unless it is listed.
        svc.settings = svc.settings.model_copy(
            update={"webhook_timeout_seconds": 0.5, "egress_allow": ["127.0.0.1"]}
        )
        svc.extras.pop("notification_outbox", None)
        yield svc, receiver, url


def _raise(svc: Services, n: int, role: str = "accounts_payable", severity: str = "high") -> None:
    for i in range(n):
        exception_queue(svc).raise_exception(
            severity=severity,
            owner_role=role,
            reason_code="invoice.mismatch",
            subject_type="invoice",
            subject_id=f"INV-{i}",
            title=f"Invoice INV-{i} does not match",
        )


def _outbox(svc: Services) -> NotificationOutbox:
    from procureflow.runtime.notifications import outbox_of

    return outbox_of(svc)


def test_one_exception_is_one_mail_to_each_subscriber_of_its_role(
    mail: tuple[Services, MailBox],
) -> None:
    svc, box = mail
    store = _outbox(svc).store
    store.subscribe(role="accounts_payable", channel="email", target="ap@corp.example", by="t")
    store.subscribe(
        role="accounts_payable",
        channel="email",
        target="boss@corp.example",
        min_severity="critical",
        by="t",
    )
    store.subscribe(role="legal", channel="email", target="legal@corp.example", by="t")
    _raise(svc, 1)
    counts = notification_pass(svc, NOW)
    assert counts["announced"] == 1 and counts["sent"] == 1
    (message,) = box.messages
    assert message["To"] == "ap@corp.example"
    assert message["Subject"] == "Invoice INV-0 does not match"
    assert "invoice.mismatch" in message.get_payload()
    assert notification_pass(svc, NOW)["sent"] == 0, "announced once"


def test_many_at_once_arrive_as_one_digest(mail: tuple[Services, MailBox]) -> None:
    svc, box = mail
    _outbox(svc).store.subscribe(
        role="accounts_payable", channel="email", target="ap@corp.example", by="t"
    )
    _raise(svc, 7)
    counts = notification_pass(svc, NOW)
    assert counts["digests"] == 1 and counts["sent"] == 7
    (digest,) = box.messages
    assert digest["Subject"] == "ProcureFlow digest: 7 new items"
    assert all(f"INV-{i}" in digest.get_payload() for i in range(7))


def test_webhooks_are_signed_with_hmac_sha256(hook: tuple[Services, Receiver, str]) -> None:
    svc, receiver, url = hook
    _outbox(svc).store.subscribe(
        role="accounts_payable", channel="webhook", target=url, secret="s3cret", by="t"
    )
    _raise(svc, 1)
    assert notification_pass(svc, NOW)["sent"] == 1
    ((headers, body),) = receiver.requests
    signed = headers[HEADER]
    now = int(datetime.now(UTC).timestamp())
    assert verify("s3cret", signed, body, now)
    assert not verify("other", signed, body, now)
    assert not verify("s3cret", signed, body + b" ", now), "a changed body fails"
    assert not verify("s3cret", signed, body, now + 3600), "an old signature fails"
    data = json.loads(body)
    assert data["data"]["reason_code"] == "invoice.mismatch"


@pytest.mark.parametrize("mode", ["fail", "hang"])
def test_a_failing_endpoint_is_retried_with_backoff_then_raised(
    hook: tuple[Services, Receiver, str], mode: str
) -> None:
    svc, receiver, url = hook
    receiver.mode = mode
    store = _outbox(svc).store
    store.subscribe(role="accounts_payable", channel="webhook", target=url, secret="k", by="t")
    _raise(svc, 1)
    outbox = _outbox(svc)
    assert outbox.max_attempts == 5
    moment = NOW
    notification_pass(svc, moment)
    waits = []
    for _ in range(4):
        (row,) = store.recent()
        assert row["status"] == "pending" and row["last_error"]
        next_at = datetime.fromisoformat(row["next_attempt_at"])
        waits.append((next_at - moment).total_seconds())
        assert outbox.deliver_due(next_at - timedelta(seconds=1))["due"] == 0, "not before"
        moment = next_at
        outbox.deliver_due(moment)
    assert waits == [30, 60, 120, 240], "exponential backoff"
    (row,) = store.recent()
    assert row["status"] == "failed" and row["attempts"] == 5
    expected = "answered 500" if mode == "fail" else "did not answer within 0.5 s"
    assert expected in row["last_error"]
    (raised,) = exception_queue(svc).list(reason_code="notification.failed")
    assert raised["owner_role"] == "admin" and raised["detail"]["notifications"] == [row["id"]]
    assert len(receiver.requests) == 5

    receiver.mode = "ok"
    store.retry(row["id"], moment)
    assert outbox.deliver_due(moment)["sent"] == 1, "kept, and delivered once fixed"


def test_a_refusing_smtp_server_is_retried_then_raised(mail: tuple[Services, MailBox]) -> None:
    svc, box = mail
    box.refuse = True
    svc.settings = svc.settings.model_copy(update={"notification_max_attempts": 2})
    svc.extras.pop("notification_outbox", None)
    _outbox(svc).store.subscribe(
        role="accounts_payable", channel="email", target="ap@corp.example", by="t"
    )
    _raise(svc, 1)
    assert notification_pass(svc, NOW)["retrying"] == 1
    assert notification_pass(svc, NOW + timedelta(minutes=1))["failed"] == 1
    (raised,) = exception_queue(svc).list(reason_code="notification.failed")
    assert "mailbox unavailable" in raised["detail"]["last_error"]
    assert box.messages == []


def test_bad_subscriptions_are_refused_naming_the_field(svc: Services) -> None:
    from procureflow.errors import InvalidInput

    store = _outbox(svc).store
    with pytest.raises(InvalidInput, match="not an email address"):
        store.subscribe(role="buyer", channel="email", target="nobody", by="t")
    with pytest.raises(InvalidInput, match="needs a secret"):
        store.subscribe(role="buyer", channel="webhook", target="https://x.example/h", by="t")
    with pytest.raises(InvalidInput, match="unknown channel 'sms'"):
        store.subscribe(role="buyer", channel="sms", target="+49", by="t")
    assert store.subscriptions() == []


def test_a_webhook_to_loopback_is_refused_unless_the_operator_lists_it(svc: Services) -> None:
    with webhook_server() as (receiver, url):
        svc.settings = svc.settings.model_copy(update={"notification_max_attempts": 1})
        svc.extras.pop("notification_outbox", None)
        store = _outbox(svc).store
        store.subscribe(role="accounts_payable", channel="webhook", target=url, secret="k", by="t")
        _raise(svc, 1)
        assert notification_pass(svc, NOW)["failed"] == 1
        assert receiver.requests == [], "the default policy keeps loopback closed"
        (row,) = store.recent()
        assert row["last_error"] == f"{url}: destination not allowed or not reachable"

        svc.settings = svc.settings.model_copy(update={"egress_allow": ["127.0.0.1"]})
        svc.extras.pop("notification_outbox", None)
        store.retry(row["id"], NOW)
        assert _outbox(svc).deliver_due(NOW)["sent"] == 1
        assert len(receiver.requests) == 1


def test_a_webhook_to_a_closed_port_fails_like_a_refused_destination(svc: Services) -> None:
    import socket

    from procureflow.adapters.smtp_notifier import DeliveryFailed
    from procureflow.adapters.webhook_notifier import WebhookNotifier
    from procureflow.domain.egress import EgressPolicy

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    messages = []
    for notifier in (
        WebhookNotifier(timeout=2),
        WebhookNotifier(timeout=2, egress=EgressPolicy.from_entries(["127.0.0.1"])),
    ):
        with pytest.raises(DeliveryFailed) as caught:
            notifier.send(target=url, subject="s", body="b", data={}, delivery_id="d1")
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == f"{url}: destination not allowed or not reachable"


def test_a_webhook_to_the_metadata_address_is_refused_when_subscribing(svc: Services) -> None:
    from procureflow.errors import InvalidInput

    outbox = _outbox(svc)
    target = "http://169.254.169.254/latest/meta-data"
    with pytest.raises(InvalidInput, match="169.254.169.254 is a cloud metadata address"):
        outbox.subscribe(role="buyer", channel="webhook", target=target, secret="k", by="t")
    assert outbox.store.subscriptions() == []
    row = outbox.subscribe(
        role="buyer", channel="webhook", target="https://hooks.example/h", secret="k", by="t"
    )
    assert row["target"] == "https://hooks.example/h"
