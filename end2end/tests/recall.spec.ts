// The manager's recall screen: a lot traced to the orders and tables it was served to, and the
// trace downloaded as CSV; a waiter cannot open it.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { api, newTable, signIn, speaks, stockedDish, submitLogin, token, unique } from './helpers';

test('a manager finds a served lot by its code, sees the order, table and time it went to, and downloads the trace as CSV', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const waiterToken = await token(request, 'waiter1@beerflow.demo');
  const chef = await token(request, 'chef@beerflow.demo');
  const dish = `Recall ${unique()}`;
  const { product, lot } = await stockedDish(request, manager, dish, 10);
  const table = await newTable(request, manager);
  const order = await api(request, waiterToken, 'POST', '/orders', { table_id: table.id, items: [{ product_id: product.id, quantity: 2 }] });
  expect(order.status).toBe(201);
  for (const [who, status] of [[waiterToken, 'confirmed'], [chef, 'preparing'], [chef, 'ready'], [waiterToken, 'served']]) {
    expect((await api(request, who, 'PATCH', `/orders/${order.body.id}/status`, { status })).status).toBe(200);
  }
  // Some of the lot spoiled, with its reason.
  const waste = await api(request, manager, 'POST', `/lots/${lot.id}/adjust`, { quantity: -1, reason: 'dropped, sorry', movement_type: 'WASTE' });
  expect(waste.status).toBe(200);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, 'manager@beerflow.demo', 'en');
  await submitLogin(page, 'manager@beerflow.demo');
  await expect(page).toHaveURL(/\/manager$/);
  await page.getByRole('link', { name: 'Recall' }).click();
  await expect(page).toHaveURL(/\/manager\/recall$/);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();

  // Typed in part, in another case: the lot and nothing else.
  await page.getByLabel('Lot code or product').fill(lot.lot_code.slice(4).toUpperCase());
  const lots = page.getByRole('region', { name: 'Lots' }).getByRole('link');
  await expect(lots).toHaveCount(1);
  await expect(lots.first()).toContainText(dish);
  await expect(lots.first()).toContainText('7 pz left');
  await lots.first().click();
  await expect(page).toHaveURL(new RegExp(`/manager/recall\\?lot=${lot.id}$`));
  await expect(lots.first()).toHaveAttribute('aria-current', 'page');

  const trace = page.getByRole('region', { name: 'Trace' });
  await expect(trace.getByRole('heading', { name: `${dish} · lot ${lot.lot_code}` })).toBeVisible();
  await expect(trace.getByRole('heading', { name: 'Served to 1 order' })).toBeVisible();
  const served = trace.locator('table.recall-orders tbody tr');
  await expect(served).toHaveCount(1);
  await expect(served.locator('td')).toHaveText([
    `#${order.body.order_number}`, table.name, /^\d\d\/\d\d\/\d{4} \d\d:\d\d$/, '2 pz',
  ]);
  // Every movement, oldest first: received, served to the order, wasted with its reason.
  const moves = trace.locator('table.recall-movements tbody tr');
  await expect(moves).toHaveCount(3);
  await expect(moves.nth(0).locator('td').nth(1)).toHaveText('Received');
  await expect(moves.nth(0).locator('td').nth(2)).toHaveText('10 pz');
  await expect(moves.nth(1).locator('td').nth(1)).toHaveText('Served');
  await expect(moves.nth(1).locator('td').nth(3)).toHaveText(`#${order.body.order_number} · ${table.name}`);
  await expect(moves.nth(2).locator('td').nth(1)).toHaveText('Wasted');
  await expect(moves.nth(2).locator('td').nth(3)).toHaveText('dropped, sorry');
  await page.screenshot({ path: '../docs/screenshots/recall-1440x900.png' });

  // The download: one line per movement, the order and table on the served one.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    trace.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`recall-${lot.lot_code}.csv`);
  const lines = readFileSync((await download.path())!, 'utf8').split('\r\n');
  expect(lines[0]).toBe('lot_code,product,time_venue,time_utc,movement,quantity,unit,order_number,table,reason');
  expect(lines).toHaveLength(5);
  expect(lines[1]).toMatch(new RegExp(`^${lot.lot_code},${dish},[^,]+,[^,]+Z,IN,10,pz,,,lot received$`));
  expect(lines[2]).toMatch(new RegExp(`^${lot.lot_code},${dish},[^,]+,[^,]+Z,OUT,-2,pz,${order.body.order_number},${table.name},$`));
  expect(lines[3]).toMatch(new RegExp(`,WASTE,-1,pz,,,"dropped, sorry"$`));
  await context.close();
});

test('a waiter cannot open the recall screen', async ({ page }) => {
  await signIn(page, 'waiter1@beerflow.demo', /\/waiter$/);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Recall' })).toHaveCount(0);
  await page.goto('/manager/recall');
  await expect(page.getByRole('heading', { name: 'Not for your role' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Trace' })).toHaveCount(0);
});
