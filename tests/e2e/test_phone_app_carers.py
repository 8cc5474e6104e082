"""A carer on the supervising social worker's list in the phone app, in Debian's chromium:
an unannounced visit recorded offline waits in the outbox, then reaches the server once and
the carer's unannounced visit moves on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext
from sqlalchemy import select

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.carers import CarerVisitRow
from tests.e2e.phone import api_get, outbox, sign_in, wait_for_offline_copy
from tests.e2e.phone_site import Site, World
from tests.support.carers import add_carer

pytestmark = pytest.mark.browser


def carer_visits(app: Flask) -> list[tuple[str, str, bool, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(CarerVisitRow.id, CarerVisitRow.carer_id, CarerVisitRow.unannounced, CarerVisitRow.visitor_id)
        ).all()
        return [tuple(row) for row in rows]


def test_a_carer_is_on_the_list_and_an_unannounced_visit_recorded_offline_reaches_the_server_once(
    context: BrowserContext, site: Site, world: World
) -> None:
    # england: an unannounced visit a year; approved 13 months ago and never visited, so overdue.
    carer = add_carer(
        site.app,
        supervising_worker_id=world.worker_id,
        reference="FC-0042",
        name="Dana Hope",
        approved=today_in_london() - timedelta(days=400),
    )
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    row = f'li.carer[data-carer-id="{carer}"]'
    page.wait_for_selector(row)
    assert "FC-0042 · DH" in page.inner_text(row) and "Overdue" in page.inner_text(row)
    assert "Dana Hope" not in (page.text_content("#screen-visits") or "")
    wait_for_offline_copy(page)
    context.set_offline(True)
    page.click(f'{row} button[data-carer-action="true"]')
    assert page.get_attribute("#confirm-yes", "class") == "primary"  # recording destroys nothing
    page.click("#confirm-yes")  # asked first: a mistaken tap records nothing
    page.wait_for_selector("#outbox-section:not([hidden])")
    page.wait_for_selector("#save-text:has-text('Saved on this phone')")
    assert not page.is_visible("#save-undo")  # the API cannot withdraw a carer visit
    waiting = page.eval_on_selector(
        f"{row} p:has-text('Visit waiting to sync')", "(note) => getComputedStyle(note, '::before').content"
    )
    assert waiting == '"⟳ "'  # styled as a child's visit waiting to sync
    [entry] = outbox(page)
    assert (entry["type"], entry["body"]["carer_id"], entry["body"]["unannounced"]) == ("carer_visit", carer, True)
    assert carer_visits(site.app) == []
    context.set_offline(False)
    page.wait_for_selector("#outbox-section", state="hidden", timeout=20000)
    assert carer_visits(site.app) == [(entry["id"], carer, True, world.worker_id)]
    [due] = [item for item in api_get(page, "/api/caseload")["carers"] if item["carer_id"] == carer]
    assert due["status"] == "ok" and due["last_visit"] == today_in_london().isoformat()
