"""In a real browser: log in, watch an instance advance live, approve it, see it finish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _login(page: Any, server: LiveServer, user: str) -> None:
    page.set_default_timeout(30000)  # generous: CI machines are shared and slow at times
    page.goto(server.url + "/")
    assert "/login" in page.url
    page.fill("#user", user)
    page.fill("#token", server.tokens[user])
    page.click("#login")
    page.wait_for_url(server.url + "/")


def test_an_approver_watches_an_instance_wait_then_approves_it_and_sees_it_finish(
    live_server: LiveServer, browser: Any, artifacts: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    _login(page, live_server, "olga")
    page.screenshot(path=str(artifacts / "dashboard-overview.png"))

    # the buyer starts a purchase above the guardrail (needs the CFO) through the API
    started = httpx.post(
        live_server.url + "/api/v1/instances",
        json={
            "playbook": "approval-demo",
            "input": {"amount": 120000, "currency": "EUR", "category": "services"},
        },
        headers={"Authorization": f"Bearer {live_server.tokens['ben']}"},
    )
    assert started.status_code == 202, started.text
    instance_id = started.json()["id"]

    # the instance appears in the live list without a reload, then its page shows the graph
    page.wait_for_selector(f'#instances tr[data-id="{instance_id}"]', timeout=30000)
    page.wait_for_selector("#activity li:has-text('instance.started')", timeout=30000)
    page.goto(f"{live_server.url}/instances/{instance_id}")
    ask = page.locator('.node[data-pointer="/do/3/askApprover"]')
    ask.wait_for(timeout=30000)
    page.wait_for_selector(
        '.node[data-pointer="/do/3/askApprover"][data-state="waiting"]', timeout=30000
    )
    assert (
        page.locator('.node[data-pointer="/do/0/proposeOrder"]').get_attribute("data-state")
        == "completed"
    )
    assert (
        page.locator('.node[data-pointer="/do/5/release"]').get_attribute("data-state") == "pending"
    )
    page.screenshot(path=str(artifacts / "instance-waiting.png"))

    # the buyer who asked sees the request, but the server refuses his own approval
    buyer = browser.new_context().new_page()
    _login(buyer, live_server, "ben")
    buyer.goto(live_server.url + "/approvals")
    buyer.locator("article.approval button.approve").first.click()
    buyer.wait_for_selector(
        "article.approval .result.error:text('ben requested this action and cannot decide it')"
    )

    # the CFO approves in the inbox, in a second browser session
    cfo = browser.new_context().new_page()
    _login(cfo, live_server, "carla")
    cfo.goto(live_server.url + "/approvals")
    card = cfo.locator("article.approval").first
    card.wait_for(timeout=30000)
    assert "120000" in card.inner_text() and len(card.locator("code.digest").inner_text()) == 64
    card.locator("input[name=comment]").fill("within budget")
    cfo.screenshot(path=str(artifacts / "approvals-inbox.png"))
    card.locator("button.approve").click()
    cfo.wait_for_selector("#toast:text('Decision recorded: approved')", timeout=30000)
    cfo.wait_for_selector("article.approval", state="detached")  # gone from the pending inbox

    # the first page, never reloaded, shows the rest of the playbook running to the end
    page.wait_for_selector(
        '.node[data-pointer="/do/5/release"][data-state="completed"]', timeout=30000
    )
    page.wait_for_selector("#instance-status:text('completed')", timeout=30000)
    assert (
        page.locator('.node[data-pointer="/do/3/askApprover"]').get_attribute("data-state")
        == "completed"
    )
    page.screenshot(path=str(artifacts / "instance-completed.png"))
    context.close()


def test_a_wrong_token_does_not_log_in_and_pages_redirect_to_login(
    live_server: LiveServer, browser: Any
) -> None:
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/approvals")
    assert page.url.startswith(live_server.url + "/login")
    page.fill("#user", "olga")
    page.fill("#token", "pf_not-a-token")
    page.click("#login")
    page.wait_for_selector(".error")
    assert "invalid or revoked token" in page.inner_text(".error")


PAGES = [
    "/",
    "/approvals",
    "/exceptions",
    "/events",
    "/documents",
    "/insights",
    "/playbooks",
    "/playbooks/approval-demo",
    "/policies",
    "/audit",
]
SOURCES = Path(__file__).resolve().parents[2] / "src" / "procureflow"


def test_every_page_renders_without_script_errors_and_forms_post_with_csrf(
    live_server: LiveServer, browser: Any, artifacts: Path
) -> None:
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    _login(page, live_server, "olga")
    for path in PAGES:
        page.goto(live_server.url + path)
        assert page.locator("h1").first.is_visible(), path
        name = path.strip("/").replace("/", "-") or "overview"
        page.screenshot(path=str(artifacts / f"page-{name}.png"), full_page=True)

    # a playbook is validated from the page (YAML posted with the session's CSRF token)
    page.goto(live_server.url + "/playbooks")
    source = (SOURCES / "playbooks" / "builtin" / "approval-demo.yaml").read_text()
    page.fill("#pb-validate textarea", source)
    page.click("#pb-validate button:not([data-register])")
    page.wait_for_selector("#pb-answer:text('\"valid\": true')")
    page.fill("#pb-validate textarea", source.replace("set:", "sett:", 1))
    page.click("#pb-validate button:not([data-register])")
    page.wait_for_selector("#pb-answer.error:text('sett')")

    # and a policy draft is replayed against past guard decisions
    page.goto(live_server.url + "/policies")
    draft = (SOURCES / "policies" / "builtin" / "default.yaml").read_text()
    page.fill("#policy-form textarea", draft)
    page.click("#policy-form button[data-simulate]")
    page.wait_for_selector("#policy-answer:not(.error):text('changed')", timeout=30000)
    page.screenshot(path=str(artifacts / "policy-what-if.png"), full_page=True)

    # an auditor-style check of the ledger from its page
    page.goto(live_server.url + "/audit")
    page.click("#verify-form button")
    page.wait_for_selector("#verify-answer:text('\"ok\": true')")
    assert errors == []


def test_an_orchestrator_starts_a_playbook_and_posts_an_event_from_the_pages(
    live_server: LiveServer, browser: Any, artifacts: Path
) -> None:
    page = browser.new_context().new_page()
    _login(page, live_server, "olga")
    page.goto(live_server.url + "/playbooks/approval-demo")
    page.fill(
        "#start-form textarea",
        '{"playbook": "approval-demo", "input": {"amount": 50, "currency": "EUR",'
        ' "category": "services"}}',
    )
    page.click("#start-form button")
    page.wait_for_selector("#start-answer:not(.error):text('in-')")
    started = page.inner_text("#start-answer")
    instance_id = started.split('"id": "', 1)[1].split('"', 1)[0]
    # a small purchase passes the guardrails untouched and is released
    page.goto(f"{live_server.url}/instances/{instance_id}")
    page.wait_for_selector("#instance-status:text('completed')", timeout=30000)
    assert (
        page.locator('.node[data-pointer="/do/3/askApprover"]').get_attribute("data-state")
        == "pending"
    )

    page.goto(live_server.url + "/events")
    page.locator("details.card summary").click()
    page.click("#event-form button")
    page.wait_for_selector("#event-answer:text('\"duplicate\": false')")
    page.wait_for_selector('#event-table tr[data-event-id="manual-1"]', timeout=30000)
    page.click("#event-form button")
    page.wait_for_selector("#event-answer:text('\"duplicate\": true')")
    page.screenshot(path=str(artifacts / "events-posted.png"), full_page=True)


def test_an_exception_appears_live_and_is_acknowledged_then_resolved(
    live_server: LiveServer, browser: Any, artifacts: Path
) -> None:
    from procureflow.adapters.db.audit_store import SqlAuditLog
    from procureflow.adapters.db.engine import create_engine
    from procureflow.adapters.db.exception_store import ExceptionQueue

    page = browser.new_context().new_page()
    _login(page, live_server, "olga")
    page.goto(live_server.url + "/exceptions")
    page.wait_for_selector("#live-status.on")
    engine = create_engine(live_server.database_url)
    try:
        opened = ExceptionQueue(engine, SqlAuditLog(engine)).raise_exception(
            severity="high",
            owner_role="orchestrator",
            reason_code="late_delivery",
            subject_type="po",
            subject_id="PO-4711",
            title="PO-4711 is two weeks late",
        )
    finally:
        engine.dispose()
    row = page.locator(f'td[data-exception="{opened["id"]}"]')
    row.wait_for(timeout=30000)  # no reload: the live stream brought it
    assert "PO-4711 is two weeks late" in page.inner_text("#exceptions")
    row.locator("button:text('Acknowledge')").click()
    page.wait_for_selector("#exceptions td:text('acknowledged')", timeout=30000)
    row = page.locator(f'td[data-exception="{opened["id"]}"]')
    row.locator("input[name=note]").fill("supplier confirmed a new date")
    page.screenshot(path=str(artifacts / "exception-queue.png"), full_page=True)
    row.locator("button:text('Resolve')").click()
    page.wait_for_selector(f'td[data-exception="{opened["id"]}"]', state="detached", timeout=30000)


def test_a_supplier_opens_a_confirm_link_and_answers_with_the_button(
    live_server: LiveServer, browser: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from procureflow.runtime.disruption_links import RfqClaim, sign_rfq
    from tests.auth_helpers import PROCESS_SECRETS

    claim = RfqClaim(
        rfq_id="RFQ-BROWSER-1",
        round_id="R-1",
        supplier_id="SUP-KOWALSKI",
        instance_id="in-none",
        expected=1,
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    token = sign_rfq(claim, PROCESS_SECRETS["PROCUREFLOW_SECRET_KEY"])
    link = f"{live_server.url}/api/v1/rfq/{token}/confirm"
    page = browser.new_context().new_page()
    page.set_default_timeout(30000)
    page.goto(link)  # opening the link, as a mail scanner would, records nothing
    assert "RFQ-BROWSER-1" in page.inner_text("#rfq")
    summary = httpx.get(link, headers={"Accept": "application/json"}).json()
    assert summary["answered"] is None
    page.click("#confirm")  # the browser posts the form with its Origin header
    page.wait_for_selector("#rfq-result")
    assert "RFQ-BROWSER-1 is confirmed" in page.inner_text("#rfq-result")
    summary = httpx.get(link, headers={"Accept": "application/json"}).json()
    assert summary["answered"] == "confirmed"
