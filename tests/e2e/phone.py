"""Steps a worker takes in the phone app, and what the browser holds, for the browser tests."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, CDPSession, Page

from tests.e2e.browser import wait_until
from tests.support.world import PASSWORD

READ_STORES = """
(storeNames) => new Promise((resolve, reject) => {
  const opening = indexedDB.open('visit-app');
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const db = opening.result;
    const present = storeNames.filter((name) => db.objectStoreNames.contains(name));
    if (present.length === 0) { db.close(); resolve({}); return; }
    const transaction = db.transaction(present, 'readonly');
    const result = {};
    for (const name of present) {
      const request = transaction.objectStore(name).getAll();
      request.onsuccess = () => { result[name] = request.result; };
    }
    transaction.oncomplete = () => { db.close(); resolve(result); };
  };
})
"""

CACHED_URLS = """
async () => {
  const result = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    result[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return result;
}
"""


def wait_ready(page: Page) -> None:
    page.wait_for_selector("body[data-ready=true]")


def wait_controlled(page: Page) -> None:
    wait_until(
        lambda: page.evaluate("navigator.serviceWorker.controller !== null"),
        page=page,
        what="the service worker to control the page",
    )


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#sign-in-form")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    # Workers land on their list, managers and admins on the team.
    page.wait_for_selector(
        "#screen-visits:not([hidden]) li.visit, #screen-visits:not([hidden]) #visit-groups p,"
        " #screen-team:not([hidden]) #team-content h1"
    )
    wait_controlled(page)


def wait_for_offline_copy(page: Page) -> None:
    """The list has been read through the service worker, so it is there with no network."""
    wait_until(
        lambda: page.evaluate("caches.open('api-data').then((cache) => cache.match('/api/caseload')).then(Boolean)"),
        page=page,
        what="the service worker's copy of the caseload",
    )


def api_get(page: Page, path: str) -> Any:
    return page.evaluate("(path) => fetch(path).then((response) => response.json())", path)


def shown_rows(page: Page) -> list[tuple[str, str]]:
    rows = page.eval_on_selector_all("li.visit", "rows => rows.map((row) => [row.dataset.childId, row.dataset.role])")
    return [(child_id, role) for child_id, role in rows]


def row_text(page: Page, child_id: str) -> str:
    return page.inner_text(f'li.visit[data-child-id="{child_id}"]')


def record_visit(page: Page, child_id: str, *, seen: bool = True, alone: bool = False) -> None:
    """Two taps: 'Record visit' on the row, then 'Child seen' or 'No access' (today's date)."""
    waiting = len(outbox(page))
    page.click(f'li.visit[data-child-id="{child_id}"] button.record')
    if alone:
        page.check("#record-alone")
    page.click(f"#record-dialog button[value={'seen' if seen else 'no-access'}]")
    wait_until(lambda: len(outbox(page)) == waiting + 1, page=page, what="the visit in the outbox")


def stores(page: Page) -> dict[str, list[Any]]:
    return page.evaluate(READ_STORES, ["outbox", "meta"])


def outbox(page: Page) -> list[dict[str, Any]]:
    return stores(page).get("outbox", [])


def cached_urls(page: Page) -> dict[str, list[str]]:
    return page.evaluate(CACHED_URLS)


def notifications(page: Page) -> list[dict[str, Any]]:
    return page.evaluate(
        """navigator.serviceWorker.ready
          .then((registration) => registration.getNotifications())
          .then((shown) => shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url })))"""
    )


def service_worker_registration(context: BrowserContext, page: Page, base_url: str) -> tuple[CDPSession, str]:
    """A DevTools session and the app's service worker registration id, for ServiceWorker.* commands.
    Returned once the registration has an activated worker: a push or sync event sent while its
    worker is still installing is dropped, not queued."""
    session = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    activated: set[str] = set()
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    session.on(
        "ServiceWorker.workerVersionUpdated",
        lambda event: activated.update(
            version["registrationId"] for version in event["versions"] if version["status"] == "activated"
        ),
    )
    session.send("ServiceWorker.enable")

    def active_registration_id() -> str | None:
        found = (item["registrationId"] for item in registrations if item["scopeURL"] == base_url + "/")
        return next((registration_id for registration_id in found if registration_id in activated), None)

    return session, wait_until(active_registration_id, page=page, what="the service worker, activated")


# Chromium's network throttled as Lighthouse's "slow 4G" (150 ms round trip, 1.6 Mbit/s down,
# 750 kbit/s up), for the first-load budget.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}

LARGEST_CONTENTFUL_PAINT = """
() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})
"""

RECORD_RESPONSE_MS = """
(childId) => new Promise((resolve) => {
  const started = performance.now();
  const done = () => {
    const row = document.querySelector(`li.visit[data-child-id="${childId}"]`);
    return !document.getElementById('record-dialog').open && row && row.textContent.includes('waiting to sync');
  };
  const observer = new MutationObserver(() => {
    if (done()) { observer.disconnect(); resolve(performance.now() - started); }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  document.querySelector('#record-dialog button[value=seen]').click();
})
"""


def first_load_lcp(context: BrowserContext, base_url: str, email: str) -> float:
    """Signed in but nothing cached (no service worker, no saved list), on slow 4G: LCP in ms."""
    assert context.request.post(base_url + "/api/session", data={"email": email, "password": PASSWORD}).ok
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    page.goto(base_url + "/")
    page.wait_for_selector("li.visit")
    return page.evaluate(LARGEST_CONTENTFUL_PAINT)


def cached_paint_with_api_hanging(context: BrowserContext, base_url: str, email: str) -> float:
    """Signed in with the list saved; every API request then hangs: ms from navigation to the list."""
    page = context.new_page()
    sign_in(page, base_url, email)
    wait_for_offline_copy(page)
    page.wait_for_timeout(300)
    hanging: list[Any] = []
    context.route("**/api/**", lambda route: hanging.append(route))
    page.reload()
    page.wait_for_selector("li.visit")
    painted = page.evaluate("performance.getEntriesByName('list-painted')[0].startTime")
    context.unroute_all(behavior="ignoreErrors")
    return painted


def record_response(page: Page, child_id: str) -> float:
    """ms from tapping 'Child seen' to the dialog closed and the row saying 'waiting to sync'."""
    page.click(f'li.visit[data-child-id="{child_id}"] button.record')
    page.wait_for_selector("#record-dialog[open]")
    return page.evaluate(RECORD_RESPONSE_MS, child_id)
