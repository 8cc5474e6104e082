// The service worker: shell offline, API reads with a dated saved copy, Background Sync, push.

import { DATA_CACHE, FROM_CACHE_HEADER, getSession, isApiRead, routes } from './api.js';
import { forgetChildData, getMeta, replay, SYNC_TAG, WORKER_KEY } from './outbox.js';
import { resubscribe } from './push.js';

// The server puts a hash of pwa/ here: any change makes a new worker and shell cache.
const VERSION = 'development';
const SHELL_CACHE = `shell-${VERSION}`;
const SHELL_PAGE = '/';
const OFFLINE_PAGE = '/offline.html';
const NETWORK_TIMEOUT_MS = 8000;

const APP_SHELL = [
  SHELL_PAGE,
  '/app.css',
  '/app.js',
  '/api.js',
  '/outbox.js',
  '/push.js',
  '/render.js',
  '/settings.js',
  '/pages.js',
  '/visits.js',
  '/plans.js',
  '/carers.js',
  '/team.js',
  '/manifest.webmanifest',
  OFFLINE_PAGE,
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-192.png',
  '/icons/maskable-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      // 'reload' skips the HTTP cache, so a new version never precaches an old file.
      .then((cache) => cache.addAll(APP_SHELL.map((path) => new Request(path, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => names.filter((name) => name.startsWith('shell-') && name !== SHELL_CACHE))
      .then((stale) => Promise.all(stale.map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function isShellNavigation(request) {
  const url = new URL(request.url);
  return request.mode === 'navigate' && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/feeds/');
}

function withHeader(response, name, value) {
  const headers = new Headers(response.headers);
  headers.set(name, value);
  return response.blob().then(
    (body) => new Response(body, { status: response.status, statusText: response.statusText, headers }),
  );
}

function fetchWithTimeout(request) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  return fetch(request, { signal: controller.signal }).finally(() => clearTimeout(timer));
}

function offlineProblem() {
  const problem = { type: 'about:blank', title: 'Offline', status: 503, detail: 'No network and no saved copy.' };
  return new Response(JSON.stringify(problem), { status: 503, headers: { 'Content-Type': 'application/problem+json' } });
}

// Network first, storing good answers with their time; offline, the copy dated in X-From-Cache.
// Only while signed in on this phone; a 401 removes every copy.
async function apiRead(request) {
  if (!(await getMeta(WORKER_KEY))) return fetch(request).catch(() => offlineProblem());
  try {
    const response = await fetchWithTimeout(request);
    if (response.status === 200) {
      const stored = await withHeader(response.clone(), 'X-Stored-At', new Date().toISOString());
      // Signed out while this read was under way: keep nothing.
      if (await getMeta(WORKER_KEY)) await (await caches.open(DATA_CACHE)).put(request, stored);
    } else if (response.status === 401) {
      await forgetChildData();
    }
    return response;
  } catch {
    const stored = await caches.match(request, { cacheName: DATA_CACHE });
    if (!stored) return offlineProblem();
    return withHeader(stored, FROM_CACHE_HEADER, stored.headers.get('X-Stored-At') || 'unknown');
  }
}

async function shellResponse(request) {
  const cached = await caches.match(isShellNavigation(request) ? SHELL_PAGE : request, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch {
    if (request.mode === 'navigate') return caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE });
    return Response.error();
  }
}

async function otherRequest(request) {
  try {
    return await fetch(request);
  } catch {
    if (request.mode === 'navigate') return caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE });
    return Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (new URL(request.url).origin !== self.location.origin) return;
  if (isApiRead(request)) {
    event.respondWith(apiRead(request));
  } else if (request.method !== 'GET') {
    return; // writes go straight to the network (visits go through the outbox)
  } else if (isShellNavigation(request) || APP_SHELL.includes(new URL(request.url).pathname)) {
    event.respondWith(shellResponse(request));
  } else {
    event.respondWith(otherRequest(request));
  }
});

async function tellClients(message) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    replay().then((outcome) => {
      tellClients({ type: 'outbox-replayed', outcome });
      // Rejecting asks the browser to try the sync again later, with its own backoff.
      if (outcome.retry > 0) throw new Error('outbox not fully sent');
    }),
  );
});

function notificationFromPush(event) {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data.text() };
  }
  const title = payload.title || 'Visit reminder';
  const options = {
    body: payload.body || '',
    // The same tag replaces the previous notification on the topic instead of stacking.
    tag: payload.tag || payload.topic || 'visit-reminder',
    renotify: Boolean(payload.tag || payload.topic),
    icon: '/icons/icon-192.png',
    badge: '/icons/maskable-192.png',
    data: { url: payload.url || routes.visits(), topic: payload.topic || null },
  };
  return { title, options };
}

self.addEventListener('push', (event) => {
  const { title, options } = notificationFromPush(event);
  event.waitUntil(self.registration.showNotification(title, options));
});

// Only same-origin paths: a payload must not send the worker to another site.
function sameOriginUrl(url) {
  const target = new URL(url || routes.visits(), self.location.origin);
  return target.origin === self.location.origin ? target.href : new URL(routes.visits(), self.location.origin).href;
}

// Navigate an open window of the app to the target (or open one), then bring it forward.
async function openPage(url) {
  const target = sameOriginUrl(url);
  const windows = await self.clients.matchAll({ type: 'window' });
  const client = windows.find((candidate) => candidate.url === target) || windows[0];
  if (!client) return self.clients.openWindow(target);
  const shown = client.url === target ? client : await client.navigate(target);
  return (shown || client).focus().catch(() => undefined);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openPage(event.notification.data?.url));
});

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(getSession().then(() => resubscribe(self.registration, event.oldSubscription)));
});
