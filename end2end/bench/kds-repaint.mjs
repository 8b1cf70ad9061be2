// Start-to-repaint on the kitchen display with 1, 30 and 60 open tickets, in Chromium against
// a running server with the demo data:
//   node end2end/bench/kds-repaint.mjs http://127.0.0.1:3000 [SAMPLES]
// For each size: every kitchen ticket is cancelled, N are sent, the wall screen (1920x1080) is
// loaded, then SAMPLES times a new ticket's Start is clicked inside the page and the time is
// taken from the click to the first animation frame after the ticket shows "Cooking" (the
// server's answer applied to that ticket alone, and painted).
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const samples = Number(process.argv[3] ?? 9);
const VENUE = '/api/v1/venues/00000000-0000-0000-0000-000000000001';
const FRIES = '00000000-0000-0000-0000-000000000401';
const BURGER = '00000000-0000-0000-0000-000000000400';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
const request = context.request;
const token = async (email) =>
  (await (await request.post('/api/v1/auth/login', { data: { email, password: 'admin123!' } })).json()).access_token;
const [manager, waiter] = [await token('manager@beerflow.demo'), await token('waiter1@beerflow.demo')];
const call = async (tok, method, path, data) => {
  const res = await request.fetch(VENUE + path, { method, data, headers: { Authorization: `Bearer ${tok}` } });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return res.json();
};
const send = async () => {
  const o = await call(waiter, 'POST', '/orders', { items: [{ product_id: BURGER, quantity: 1 }, { product_id: FRIES, quantity: 2 }] });
  await call(waiter, 'PATCH', `/orders/${o.id}/status`, { status: 'confirmed' });
  return o.order_number;
};

const page = await context.newPage();
await page.goto('/login');
await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
await page.getByLabel('Email').fill('chef@beerflow.demo');
await page.getByLabel('Password').fill('admin123!');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/\/kitchen$/);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const n of [1, 30, 60]) {
  for (const o of await call(manager, 'GET', '/orders/kitchen-display')) {
    await call(manager, 'PATCH', `/orders/${o.id}/status`, { status: 'cancelled', reason: 'bench' });
  }
  for (let i = 0; i < n; i++) await send();
  await page.goto('/kitchen');
  await page.locator('.connection.online').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('.kds-board > .ticket').length === n, n);
  const times = [];
  for (let s = 0; s < samples; s++) {
    // A fresh ticket for each sample (then one is started, so the board keeps n + s tickets).
    const number = await send();
    await page.locator(`.ticket[data-order-number="${number}"]`).waitFor({ state: 'attached' });
    await page.keyboard.press('Home');
    const ms = await page.evaluate((number) => new Promise((resolve) => {
      const ticket = () => document.querySelector(`.ticket[data-order-number="${number}"]`);
      const start = performance.now();
      const done = () => requestAnimationFrame(() => resolve(performance.now() - start));
      const observer = new MutationObserver(() => {
        if (ticket()?.dataset.status === 'preparing') { observer.disconnect(); done(); }
      });
      observer.observe(document.querySelector('.kds-board'), { subtree: true, attributes: true, childList: true });
      ticket().querySelector('.bump').click();
    }), number);
    times.push(ms);
  }
  console.log(`${n} tickets (+ the samples): Start-to-repaint median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${samples}`);
}
await browser.close();
