// The alerts the server raises by itself (issue 17), seen where people look: the kitchen wall's
// red banner for a high-priority kitchen alert, and the manager's alerts screen with the lots the
// server found expired or expiring when it started.
//
// These stories need a server that looks for due alerts and counts every order creation as slow
// (thresholds of 0 ms), which would interleave alerts with the other stories' strict event
// sequences; so each backend gets a server of its own here, on its own fresh database, started
// from the same binary the other stories use (BEERFLOW_E2E_BIN, set by scripts/test.sh).
import { test, expect, Browser, APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { WALL, signIn, speaks, token, api } from './helpers';
import { Database, Server, freshDatabase, startServer } from './servers';

let database: Database;
let server: Server;
let request: APIRequestContext;

// Alerts looked for every second, and every order creation slow enough to alert.
test.beforeAll(async ({}, testInfo) => {
  database = freshDatabase(testInfo.project.name, 'alerts');
  server = await startServer(database.url, [
    '--alert-scan-secs', '1', '--slow-ms', 'order_creation=0', '--slow-alert-ms', '0',
  ]);
  request = await playwrightRequest.newContext({ baseURL: server.url });
});

test.afterAll(async () => {
  await request?.dispose();
  await server?.stop();
  database?.drop();
});

async function wallScreen(browser: Browser) {
  const context = await browser.newContext({ baseURL: server.url, viewport: WALL });
  const page = await context.newPage();
  await signIn(page, 'chef@beerflow.demo', /\/kitchen$/);
  return page;
}

test('a high-priority kitchen alert is a red banner on the wall screen until a cook dismisses it', async ({ browser }) => {
  const page = await wallScreen(browser);
  await expect(page.locator('.kds-alert')).toHaveCount(0);
  // A waiter's order: its creation counts as slow here, so the server raises a kitchen alert.
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const order = await api(request, waiter, 'POST', '/orders', {});
  expect(order.status).toBe(201);
  const banner = page.getByRole('alert', { name: 'Kitchen alerts' });
  await expect(banner).toBeVisible();
  await expect(banner.locator('.kds-alert')).toHaveCount(1);
  await expect(banner).toContainText('The system is slow');
  await expect(banner).toContainText('order_creation');
  await expect(banner.locator('.kds-alert')).toHaveAttribute('data-code', 'slow_operation');
  // Large enough to read from two metres: the banner's text is at least 24 px.
  const size = await banner.locator('.kds-alert-text').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(size).toBeGreaterThanOrEqual(24);
  await page.screenshot({ path: '../docs/screenshots/kds-alert-1920x1080.png' });
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.locator('.kds-alert')).toHaveCount(0);
  // The ticket itself is on the board as ever.
  await expect(page.locator('.kds-board')).toBeVisible();
  await page.context().close();
});

test("the manager's alerts list the lots found expired and expiring at start, in plain words", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, 'manager@beerflow.demo', 'en');
  await page.goto('/login');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByLabel('Email').fill('manager@beerflow.demo');
  await page.getByLabel('Password').fill('admin123!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/manager$/);
  // What the stock summary calls expired is what the alerts say expired, lot by lot.
  const manager = await token(request, 'manager@beerflow.demo');
  const summary = await api(request, manager, 'GET', '/stock/summary?days=3');
  expect(summary.status).toBe(200);
  expect(summary.body.expired_lots.length).toBeGreaterThan(0);
  await page.goto('/manager/alerts');
  for (const lot of summary.body.expired_lots) {
    await expect(page.locator('.alert[data-level="high"]').filter({ hasText: `Lot ${lot.lot_code} of ${lot.product_name} expired on` }))
      .toHaveCount(1);
  }
  for (const lot of summary.body.expiring_lots) {
    await expect(page.locator('.alert').filter({ hasText: `Lot ${lot.lot_code} of ${lot.product_name} expires on` }))
      .toHaveCount(1);
  }
  // Live: an alert raised while the screen is open comes in without a reload. A lot received
  // now that expires tomorrow enters the expiring window; this server looks every second.
  await expect(page.locator('.connection.online')).toBeVisible();
  const code = `LIVE-${Date.now().toString(36)}`;
  const product = summary.body.expiring_lots[0] ?? summary.body.expired_lots[0];
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const lot = await api(request, manager, 'POST', '/lots', {
    product_id: product.product_id, lot_code: code, qty_init: 3, unit: product.unit, expiry_date: tomorrow,
  });
  expect(lot.status).toBe(201);
  const fresh = page.locator('.alert').filter({ hasText: `Lot ${code} of ${product.product_name} expires on` });
  await expect(fresh).toHaveCount(1, { timeout: 10_000 });
  await expect(page.locator('.alert').first()).toContainText(code);
  await context.close();
});
