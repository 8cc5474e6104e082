// Reminders on this device: permission, push subscription, the server told. Page and worker.

import { deletePushSubscription, getPushPublicKey, registerPushSubscription, sendTestPush } from './api.js';

export function isSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in self && 'Notification' in self;
}

function applicationServerKey(base64url) {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (character) => character.charCodeAt(0));
}

// 'on', 'off', 'blocked' (the worker refused notifications) or 'unsupported'.
export async function reminderState(registration) {
  if (!isSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const subscription = await registration.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

export async function subscribe(registration) {
  const key = await getPushPublicKey();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: applicationServerKey(key),
  });
  await registerPushSubscription(subscription.toJSON());
  return subscription;
}

export async function enableReminders(registration) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'blocked' : 'off';
  await subscribe(registration);
  return 'on';
}

// Forget this device on the server first (while signed in), then in the browser.
export async function disableReminders(registration) {
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return 'off';
  try {
    await deletePushSubscription(subscription.endpoint);
  } finally {
    await subscription.unsubscribe();
  }
  return 'off';
}

// On every start: the server may have dropped the endpoint after a 404/410.
export async function reRegister(registration) {
  if (!isSupported() || Notification.permission !== 'granted') return false;
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return false;
  await registerPushSubscription(subscription.toJSON());
  return true;
}

// The browser replaced or expired the subscription (from the service worker).
export async function resubscribe(registration, oldSubscription) {
  const key = await getPushPublicKey();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: applicationServerKey(key),
  });
  await registerPushSubscription(subscription.toJSON());
  if (oldSubscription?.endpoint && oldSubscription.endpoint !== subscription.endpoint) {
    await deletePushSubscription(oldSubscription.endpoint).catch(() => undefined);
  }
  return subscription;
}

export function sendTest() {
  return sendTestPush();
}
