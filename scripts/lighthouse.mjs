// Lighthouse against the running app, signed in when credentials are given, printing the
// category scores. Run through scripts/lighthouse.sh, which installs lighthouse first.
//   node scripts/lighthouse.mjs URL [REPORT.json]
// LIGHTHOUSE_EMAIL / LIGHTHOUSE_PASSWORD: an account to sign in with, so the audit sees the
// visit list rather than the sign-in screen (the session cookie survives Lighthouse's storage
// reset; the service worker and caches do not, so the load measured is a cold one).
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const url = process.argv[2] || 'http://127.0.0.1:5000/';
const reportPath = process.argv[3];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

async function signIn(page) {
  const email = process.env.LIGHTHOUSE_EMAIL;
  if (!email) return false;
  await page.goto(new URL('/sign-in', url).href);
  const status = await page.evaluate(
    (credentials) =>
      fetch('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(credentials),
      }).then((response) => response.status),
    { email, password: process.env.LIGHTHOUSE_PASSWORD || '' },
  );
  if (status !== 200) throw new Error(`sign-in as ${email} answered ${status}`);
  return true;
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const signedIn = await signIn(page);
  const result = await lighthouse(url, { output: 'json', logLevel: 'error', onlyCategories: CATEGORIES }, undefined, page);
  if (reportPath) writeFileSync(reportPath, result.report);
  const { categories, audits } = result.lhr;
  console.log(`Lighthouse ${result.lhr.lighthouseVersion} on ${url} (${signedIn ? 'signed in' : 'signed out'}, mobile emulation)`);
  for (const id of CATEGORIES) console.log(`${categories[id].title.padEnd(16)} ${Math.round(categories[id].score * 100)}`);
  const failing = Object.values(audits).filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'manual');
  for (const audit of failing) console.log(`  below full marks: ${audit.id} (${audit.score}) ${audit.displayValue || ''}`);
} finally {
  await browser.close();
}
