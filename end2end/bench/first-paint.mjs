// Time to first paint of the kitchen display, in Chromium, against a running server:
//   node end2end/bench/first-paint.mjs http://127.0.0.1:3000 [RUNS]
// Signs in as the demo chef once, then loads /kitchen RUNS times in fresh pages (cache kept, as
// on a wall screen that reloads) and reports, per load: first contentful paint (the server-
// rendered tickets), hydrated (the WASM took over), and live (joined the venue's feed).
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] ?? 10);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
const login = await context.newPage();
await login.goto('/login');
await login.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
await login.getByLabel('Email').fill('chef@beerflow.demo');
await login.getByLabel('Password').fill('admin123!');
await login.getByRole('button', { name: 'Sign in' }).click();
await login.waitForURL(/\/kitchen$/);
await login.close();

const samples = { fcp: [], hydrated: [], live: [] };
for (let i = 0; i < runs + 1; i++) {
  const page = await context.newPage();
  const start = Date.now();
  await page.goto('/kitchen');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  const hydrated = Date.now() - start;
  await page.locator('.connection.online').waitFor();
  const live = Date.now() - start;
  const fcp = await page.evaluate(() =>
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await page.close();
  if (i === 0) continue; // the first load warms the cache
  samples.fcp.push(fcp);
  samples.hydrated.push(hydrated);
  samples.live.push(live);
}
await browser.close();

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
for (const [name, xs] of Object.entries(samples)) {
  console.log(`${name.padEnd(9)} median ${pct(xs, 0.5).toFixed(0)} ms, p90 ${pct(xs, 0.9).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (${xs.length} loads)`);
}
