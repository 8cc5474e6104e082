"""A household's children together in the phone app, in Debian's chromium, against the real
API: one household visit recorded offline with per-child answers, queued in the outbox, synced
once as one visit per child, withdrawn later from the sent list, and undone while being sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, Route
from sqlalchemy import select, update

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.children import Child, VisitRow
from backend.services.household_visits import child_visit_id
from tests.e2e.browser import wait_until
from tests.e2e.phone import api_get, outbox, sign_in, wait_for_offline_copy
from tests.e2e.phone_site import Site, World

pytestmark = pytest.mark.browser


@pytest.fixture
def world(world: World, site: Site) -> World:
    """The phone app's world, with C-0001 and C-0002 living together in household F-1021."""
    with site.app.app_context():
        siblings = [world.children["C-0001"], world.children["C-0002"]]
        db.session.execute(update(Child).where(Child.id.in_(siblings)).values(household="F-1021"))
        db.session.commit()
    return world


def test_a_household_visit_recorded_offline_syncs_as_one_visit_per_child(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    seen, unseen = world.children["C-0001"], world.children["C-0002"]  # child protection, child in need
    before = {item["child_id"]: item for item in api_get(page, "/api/caseload")["obligations"]}
    household = page.inner_text("section.households")
    assert "Household F-1021" in household
    for child in (seen, unseen):  # each with its own due date and status
        assert before[child]["household"] == "F-1021"
        assert f"{before[child]['reference']} · {before[child]['initials']}" in household

    context.set_offline(True)
    page.click("section.households button[data-action=household]")
    page.uncheck("#hh-seen-1")  # seen, but neither alone nor the bedroom; and the sibling not seen
    page.click("#household-dialog button[value=save]")
    wait_until(lambda: len(outbox(page)) == 1, page=page, what="the household visit in the outbox")
    (entry,) = outbox(page)
    assert entry["type"] == "household_visit" and [child["child_id"] for child in entry["body"]["children"]] == [
        seen,
        unseen,
    ]
    assert "household visit" in page.inner_text("#outbox-list")
    page.wait_for_selector("#save-text:has-text('Saved on this phone')")
    assert page.is_visible("#save-undo")  # a mistaken save is undone as a child's visit is

    context.set_offline(False)
    page.wait_for_selector("#outbox-section", state="hidden", timeout=20000)
    with site.app.app_context():
        stored = {
            visit.child_id: (visit.id, visit.child_seen, visit.seen_alone, visit.bedroom_seen)
            for visit in db.session.scalars(select(VisitRow).where(VisitRow.visitor_id.is_not(None)))
        }
    assert stored == {
        seen: (child_visit_id(entry["id"], seen), True, False, False),
        unseen: (child_visit_id(entry["id"], unseen), False, False, False),
    }
    after = {item["child_id"]: item for item in api_get(page, "/api/caseload")["obligations"]}
    assert after[seen]["last_visit"] == today_in_london().isoformat() and after[seen]["due"] > before[seen]["due"]
    assert after[unseen]["due"] == before[unseen]["due"]

    # The child page shows the practice checks the last two visits raise, beside the due dates.
    page.click(f'li.visit[data-child-id="{seen}"] a.visit-child')
    page.wait_for_selector("ul.practice-checks")
    assert "Not seen alone at the last 2 visits." in page.inner_text("ul.practice-checks")
    assert "Bedroom not seen at the last 2 visits." in page.inner_text("ul.practice-checks")

    page.click("p.back a")
    withdraw_from_the_sent_list(page, context, site, entry["id"], {child: before[child] for child in (seen, unseen)})

    # Once sent, the note says so; Undo withdraws each child's visit the server made.
    page.click("section.households button[data-action=household]")
    page.click("#household-dialog button[value=save]")
    page.wait_for_selector("#save-text:has-text('Saved for 2 children.')", timeout=20000)
    assert page.evaluate("document.activeElement.dataset.household") == "F-1021"
    first = withdrawn(site)
    page.click("#save-undo")
    undone = wait_until(lambda: len(withdrawn(site)) == 4 and withdrawn(site) - first, page=page, what="both withdrawn")
    assert undone.isdisjoint(visit_id for visit_id, *_ in stored.values())
    assert page.inner_text("#save-text") == "Undone: the household visit is being withdrawn."

    # Undo while the visit is being sent waits for the send, then withdraws what the server stored.
    held: list[Route] = []
    context.route("**/api/household-visits/*", lambda route: held.append(route))
    page.click("section.households button[data-action=household]")
    page.click("#household-dialog button[value=save]")
    wait_until(lambda: held, page=page, what="the household visit in flight")
    page.click("#save-undo")
    page.wait_for_selector("#save-text:has-text('Undoing the household visit')")
    held[0].fallback()
    wait_until(lambda: len(withdrawn(site)) == 6, page=page, what="the visits sent meanwhile withdrawn")
    assert page.inner_text("#save-text") == "Undone: the household visit is being withdrawn."
    context.unroute("**/api/household-visits/*")


def withdraw_from_the_sent_list(page: Page, context: BrowserContext, site: Site, entry_id: str, children: dict) -> None:
    """Offline, a withdrawal queued per child, labelled with reference and initials; once online,
    a withdrawal whose answer was lost is replayed onto a visit already withdrawn: 204 again."""
    visit_ids = {child_visit_id(entry_id, child) for child in children}
    context.set_offline(True)
    sent = f'#sent-list li[data-entry-id="{entry_id}"]'
    page.click(f"{sent} button[data-action=withdraw]")
    assert page.get_attribute("#confirm-yes", "class") == "danger"
    page.click("#confirm-dialog button[value=yes]")
    queued = wait_until(lambda: len(outbox(page)) == 2 and outbox(page), page=page, what="two withdrawals")
    assert {(item["type"], item["visit_id"]) for item in queued} == {("withdraw_visit", id) for id in visit_ids}
    labels = {child: {"reference": item["reference"], "initials": item["initials"]} for child, item in children.items()}
    assert sorted(map(str, (item["label"] for item in queued))) == sorted(map(str, labels.values()))
    assert "withdrawn: recorded in error" in page.inner_text(sent)
    assert not page.locator(f"{sent} button[data-action=withdraw]").count()  # never queued twice

    answers: list[tuple[str, int]] = []

    def lose_first_answer(route: Route) -> None:
        if route.request.method != "DELETE":
            return route.fallback()
        response = route.fetch()
        answers.append((route.request.url.rsplit("/", 1)[1], response.status))
        return route.abort() if len(answers) == 1 else route.fulfill(response=response)

    context.route("**/api/visits/*", lose_first_answer)
    context.set_offline(False)
    wait_until(lambda: answers, page=page, what="a withdrawal whose answer is lost")
    page.click("#refresh")
    wait_until(lambda: outbox(page) == [], page=page, what="the withdrawals sent")
    context.unroute("**/api/visits/*")
    assert withdrawn(site) == visit_ids
    assert answers[0][0] == answers[1][0] and {id for id, _ in answers} == visit_ids, answers
    assert {status for _, status in answers} == {204}


def withdrawn(site: Site) -> set[str]:
    with site.app.app_context():
        return set(db.session.scalars(select(VisitRow.id).where(VisitRow.withdrawn_at.is_not(None))))
