"""In a real browser: log in, watch an instance advance live, approve it, see it finish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _login(page: Any, server: LiveServer, user: str) -> None:
    page.goto(server.url + "/")
    assert "/login" in page.url
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
    page.wait_for_selector(f'#instances tr[data-id="{instance_id}"]', timeout=15000)
    page.goto(f"{live_server.url}/instances/{instance_id}")
    ask = page.locator('.node[data-pointer="/do/3/askApprover"]')
    ask.wait_for(timeout=10000)
    page.wait_for_function(
        "document.querySelector('.node[data-pointer=\"/do/3/askApprover\"]')"
        ".getAttribute('data-state') === 'waiting'",
        timeout=15000,
    )
    assert (
        page.locator('.node[data-pointer="/do/0/proposeOrder"]').get_attribute("data-state")
        == "completed"
    )
    assert (
        page.locator('.node[data-pointer="/do/5/release"]').get_attribute("data-state") == "pending"
    )
    page.screenshot(path=str(artifacts / "instance-waiting.png"))

    # the CFO approves in the inbox, in a second browser session
    cfo = browser.new_context().new_page()
    _login(cfo, live_server, "carla")
    cfo.goto(live_server.url + "/approvals")
    card = cfo.locator("article.approval").first
    card.wait_for(timeout=10000)
    assert "120000" in card.inner_text() and len(card.locator("code.digest").inner_text()) == 64
    card.locator("input[name=comment]").fill("within budget")
    cfo.screenshot(path=str(artifacts / "approvals-inbox.png"))
    card.locator("button.approve").click()
    cfo.wait_for_selector("article.approval .result:text('approved')", timeout=10000)

    # the first page, never reloaded, shows the rest of the playbook running to the end
    page.wait_for_function(
        "document.querySelector('.node[data-pointer=\"/do/5/release\"]')"
        ".getAttribute('data-state') === 'completed'",
        timeout=20000,
    )
    page.wait_for_selector("#instance-status:text('completed')", timeout=20000)
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
    page.fill("#token", "pf_not-a-token")
    page.click("#login")
    page.wait_for_selector(".error")
    assert "invalid or revoked token" in page.inner_text(".error")
