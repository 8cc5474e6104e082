// The settings screen: reminders on this phone (push), the calendar feed link, signing out.

import { ApiError, createFeedLink, deleteFeedLink, getFeedSettings } from './api.js';
import { confirm } from './visits.js';
import * as push from './push.js';

const $ = (id) => document.getElementById(id);

const REMINDER_WORDS = {
  on: 'Reminders are on for this phone.',
  off: 'Reminders are off for this phone.',
  blocked: 'Notifications are blocked for this app. Allow them in the phone’s settings for this site, then try again.',
  unsupported: 'This browser cannot show reminders. On an iPhone, add the app to the home screen first.',
};

// The service worker's registration, or null when there is none within a few seconds.
function registration() {
  if (!navigator.serviceWorker) return Promise.resolve(null);
  return Promise.race([navigator.serviceWorker.ready, new Promise((resolve) => setTimeout(() => resolve(null), 3000))]);
}

function showReminderState(reminderState, note = '') {
  $('reminders-toggle').checked = reminderState === 'on';
  $('reminders-toggle').disabled = reminderState === 'unsupported';
  $('push-test').hidden = reminderState !== 'on';
  $('reminders-state').textContent = note || REMINDER_WORDS[reminderState];
}

function problemText(error, what) {
  if (!(error instanceof ApiError)) return `No connection: could not ${what}. Try again when you have signal.`;
  if (error.status === 404) return `This server does not offer that yet: could not ${what}.`;
  return `Could not ${what}: ${error.message}`;
}

async function toggleReminders() {
  const toggle = $('reminders-toggle');
  const wanted = toggle.checked;
  toggle.disabled = true;
  try {
    const reminderState = wanted ? await push.enableReminders(await registration()) : await push.disableReminders(await registration());
    showReminderState(reminderState);
  } catch (error) {
    showReminderState(await push.reminderState(await registration()), problemText(error, wanted ? 'turn reminders on' : 'turn reminders off'));
  } finally {
    toggle.disabled = !push.isSupported();
  }
}

function testOutcome({ devices, delivered }) {
  if (devices === 0) return 'This phone is not registered for reminders any more: turn them off and on again.';
  if (delivered === 0) return 'The push service did not take the test. Try again later.';
  return 'Test sent. It should appear in a few seconds.';
}

async function sendTest() {
  $('reminders-state').textContent = 'Sending a test notification…';
  try {
    const { body } = await push.sendTest();
    $('reminders-state').textContent = testOutcome(body || {});
  } catch (error) {
    $('reminders-state').textContent = problemText(error, 'send a test');
  }
}

function showFeedLink(link) {
  $('feed-link').hidden = !link;
  $('feed-url').value = link ? link.url : '';
  $('feed-open').href = link ? link.webcal_url : '#';
  $('feed-create').textContent = link ? 'Make a new link (the old one stops working)' : 'Get my calendar link';
}

// A link made earlier is live (its URL is shown only once): say so, and warn before replacing it.
function showFeedLive(live) {
  $('feed-live').hidden = !live;
  if (live) $('feed-create').textContent = 'Make a new link (the old one stops working)';
}

async function createLink() {
  if (!$('feed-live').hidden || !$('feed-link').hidden) {
    const text = 'Calendars subscribed to the old link stop updating until you subscribe them to the new one.';
    if (!(await confirm('Replace your calendar link?', text, 'Replace it', 'Keep the old link'))) return;
  }
  try {
    showFeedLive(false);
    showFeedLink(await createFeedLink());
    $('feed-status').textContent = 'Your calendar link is ready. Keep it private: anyone with it can see your visit list.';
  } catch (error) {
    $('feed-status').textContent = problemText(error, 'make a calendar link');
  }
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText($('feed-url').value);
    $('feed-status').textContent = 'Link copied.';
  } catch {
    $('feed-url').select();
    $('feed-status').textContent = 'Copying is not allowed here: the link is selected, copy it yourself.';
  }
}

async function turnFeedOff() {
  try {
    await deleteFeedLink();
    showFeedLink(null);
    showFeedLive(false);
    $('feed-status').textContent = 'Calendar feed turned off. Calendars subscribed to it stop updating.';
  } catch (error) {
    $('feed-status').textContent = problemText(error, 'turn the feed off');
  }
}

export function bindSettings({ signOut }) {
  $('reminders-toggle').addEventListener('change', toggleReminders);
  $('push-test').addEventListener('click', sendTest);
  $('feed-create').addEventListener('click', createLink);
  $('feed-copy').addEventListener('click', copyLink);
  $('feed-off').addEventListener('click', turnFeedOff);
  $('sign-out').addEventListener('click', signOut);
}

export async function showSettings(session) {
  $('account-who').textContent = `Signed in as ${session.worker.name} (${session.worker.email}).`;
  const ready = push.isSupported() && (await registration());
  showReminderState(ready ? await push.reminderState(ready) : 'unsupported');
  const feeds = await getFeedSettings().catch(() => null);
  if ($('feed-link').hidden) showFeedLive(Boolean(feeds?.active_feeds?.includes('worker')));
}

export async function reRegisterReminders() {
  const ready = push.isSupported() && (await registration());
  return ready ? push.reRegister(ready) : false;
}

// On sign-out: this phone must stop receiving reminders for the worker who left.
export async function clearReminders() {
  const ready = push.isSupported() && (await registration());
  if (ready) await push.disableReminders(ready);
}
