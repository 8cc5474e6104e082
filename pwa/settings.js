// The settings screen: reminders on this phone (push), the calendar feed link, signing out.

import { ApiError, createFeedLink, deleteFeedLink, getFeedSettings, getReminderPreferences, putReminderPreferences } from './api.js';
import { confirm } from './visits.js';
import * as push from './push.js';

const $ = (id) => document.getElementById(id);

const REMINDER_WORDS = {
  on: 'Reminders are on for this phone.',
  off: 'Reminders are off for this phone.',
  blocked: 'Notifications are blocked for this app. Allow them in the phone’s settings for this site, then try again.',
  unsupported: 'This browser cannot show reminders. On an iPhone, add the app to the home screen first.',
};

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

// ---- when reminders come (the server's preferences, for every device of the worker)

// Select the value, adding it as an option when set elsewhere (the API takes any in range).
function choose(select, value, words) {
  if (![...select.options].some((option) => option.value === value)) select.add(new Option(words, value));
  select.value = value;
}

function showTiming(preferences) {
  const lead = String(preferences.lead_working_days);
  choose($('reminder-lead'), lead, `${lead} working days before`);
  $('reminder-slot').value = preferences.slot_time;
  const plan = preferences.plan_lead_minutes === null ? '' : String(preferences.plan_lead_minutes);
  choose($('reminder-plan'), plan, `${plan} minutes before`);
}

// Saves go one at a time, in the order of the changes: three quick changes sent at once could
// land out of order, and an older answer shown in the form would then be sent back as the next
// change. Only the answer to the latest change is shown; earlier ones are already out of date.
let timingSaves = Promise.resolve();
let timingEdits = 0;

function saveTiming() {
  if (!$('reminder-slot').value) return timingSaves;
  const edit = ++timingEdits;
  const plan = $('reminder-plan').value;
  const changes = { lead_working_days: Number($('reminder-lead').value), slot_time: $('reminder-slot').value, plan_lead_minutes: plan ? Number(plan) : null };
  $('reminder-timing-state').textContent = 'Saving…';
  timingSaves = timingSaves
    .then(() => putReminderPreferences(changes))
    .then(
      (saved) => {
        if (edit !== timingEdits) return;
        showTiming(saved);
        $('reminder-timing-state').textContent = 'Saved: reminders come at these times on every phone you use.';
      },
      (error) => {
        if (edit === timingEdits) $('reminder-timing-state').textContent = problemText(error, 'save the reminder times');
      },
    );
  return timingSaves;
}

// ---- a team manager's team feed: the link is shown once, so copying it makes a new one

async function copyTeamLink() {
  const live = (await getFeedSettings().catch(() => null))?.active_feeds?.includes('team');
  const text = 'Calendars subscribed to the old team link stop updating until you subscribe them to the new one.';
  if (live && !(await confirm('Replace your team calendar link?', text, 'Replace it', 'Keep the old link'))) return;
  $('team-feed-link').hidden = true;
  try {
    $('team-feed-url').value = (await createFeedLink('team')).url;
    $('team-feed-link').hidden = false;
    await navigator.clipboard.writeText($('team-feed-url').value);
    $('team-feed-status').textContent = 'Team calendar link copied. Keep it private.';
  } catch (error) {
    if ($('team-feed-link').hidden) $('team-feed-status').textContent = problemText(error, 'make the team calendar link');
    else {
      $('team-feed-url').select();
      $('team-feed-status').textContent = 'Copying is not allowed here: the link is selected, copy it yourself.';
    }
  }
}

export function bindSettings({ signOut }) {
  for (const id of ['reminder-lead', 'reminder-slot', 'reminder-plan']) $(id).addEventListener('change', saveTiming);
  $('team-feed-copy').addEventListener('click', copyTeamLink);
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
  $('team-feed').hidden = session.worker.role !== 'team_manager';
  const editsBefore = timingEdits;
  getReminderPreferences().then((saved) => editsBefore === timingEdits && showTiming(saved), (error) => {
    $('reminder-timing-state').textContent = problemText(error, 'read the reminder times');
  });
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
