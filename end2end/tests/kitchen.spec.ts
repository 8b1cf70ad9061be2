// The kitchen display during a Friday-night rush, in Chromium against the real server (both
// backends): 30 and 60 open tickets on a 1920x1080 wall screen, item bump, recall, voids, a
// cancellation and an addition seen on the ticket, persisted settings, a failed tap offline.
import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { BURGER, FRIES, IPA, SALAD, WALL, api, signIn, token } from './helpers';

/// Sends an order to the kitchen (created and confirmed) and returns it.
async function send(request: APIRequestContext, tok: string, items: unknown[], extra: object = {}) {
  const created = await api(request, tok, 'POST', '/orders', { items, ...extra });
  expect(created.status).toBe(201);
  const sent = await api(request, tok, 'PATCH', `/orders/${created.body.id}/status`, { status: 'confirmed' });
  expect(sent.status).toBe(200);
  return sent.body;
}

/// Cancels every ticket in the kitchen, so that a test counts only its own.
async function clearKitchen(request: APIRequestContext, manager: string) {
  const open = await api(request, manager, 'GET', '/orders/kitchen-display');
  for (const o of open.body) {
    const res = await api(request, manager, 'PATCH', `/orders/${o.id}/status`, { status: 'cancelled', reason: 'test reset' });
    expect(res.status).toBe(200);
  }
}

async function kitchenScreen(page: Page) {
  await signIn(page, 'chef@beerflow.demo', /\/kitchen$/);
}

const ticketOf = (page: Page, number: string) => page.locator(`.ticket[data-order-number="${number}"]`);

/// Realistic tickets: one to four lines, some notes and allergies, tables and takeaways.
function rushItems(i: number) {
  const lines = [
    { product_id: BURGER, quantity: 1 + (i % 3), ...(i % 4 === 0 ? { notes: 'medium rare' } : {}) },
    { product_id: FRIES, quantity: 1 + (i % 2) },
    { product_id: SALAD, quantity: 1, ...(i % 5 === 0 ? { modifiers: { allergy: 'nuts' } } : {}) },
    { product_id: IPA, quantity: 2 },
  ];
  return lines.slice(0, 1 + (i % 4));
}

/// What the cook sees: the tickets whose box is on the screen, each whole, with its button on
/// the screen; and no page scroll.
async function onScreen(page: Page) {
  const scroll = await page.evaluate(() => document.scrollingElement!.scrollHeight);
  expect(scroll, 'the page never scrolls').toBeLessThanOrEqual(WALL.height);
  const board = (await page.locator('.kds-board').boundingBox())!;
  const shown: string[] = [];
  for (const t of await page.locator('.kds-board > .ticket').all()) {
    const box = (await t.boundingBox())!;
    if (box.x >= board.x + board.width || box.x + box.width <= board.x) continue;
    // Whole: inside the board, not cut at an edge.
    expect(box.x).toBeGreaterThanOrEqual(board.x - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(board.x + board.width + 1);
    expect(box.y + box.height).toBeLessThanOrEqual(board.y + board.height + 1);
    const status = await t.getAttribute('data-status');
    if (status === 'confirmed' || status === 'preparing') {
      const button = (await t.locator('.bump').boundingBox())!;
      expect(button.y + button.height, 'the button is on the screen').toBeLessThanOrEqual(WALL.height);
      expect(button.x + button.width).toBeLessThanOrEqual(WALL.width);
    }
    shown.push((await t.getAttribute('data-order-number'))!);
  }
  // The header stays where it is.
  const bar = (await page.locator('.kds-bar').boundingBox())!;
  expect(bar.y).toBeGreaterThanOrEqual(0);
  expect(bar.y + bar.height).toBeLessThan(200);
  await expect(page.locator('.kds-bar .connection.online')).toBeInViewport();
  return shown;
}

/// Every ticket, page by page with the big buttons, as the cook would look for one.
async function allPages(page: Page, total: number) {
  const seen = new Set<string>();
  await page.keyboard.press('Home');
  for (let guard = 0; guard < 20; guard++) {
    const shown = await onScreen(page);
    expect(shown.length).toBeGreaterThan(0);
    shown.forEach((n) => seen.add(n));
    const next = page.getByRole('button', { name: 'Next page' });
    if (await next.isDisabled()) break;
    const more = Number((await next.textContent())!.match(/\+(\d+) more/)![1]);
    expect(more, 'the "+N more" count').toBe(total - seen.size);
    await next.click();
    await expect(page.locator('.page-of')).toContainText(`Page ${guard + 2} of`);
  }
  expect(seen.size, 'every ticket can be reached').toBe(total);
}

test('a rush of 30 and then 60 tickets holds on the wall screen, page by page, never scrolling', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const manager = await token(request, 'manager@beerflow.demo');
  const waiter = await token(request, 'waiter1@beerflow.demo');
  await clearKitchen(request, manager);
  const tables = (await api(request, manager, 'GET', '/tables')).body.filter((t: any) => t.status !== 'out_of_service');
  const context = await browser.newContext({ viewport: WALL });
  const page = await context.newPage();
  await kitchenScreen(page);
  const numbers: string[] = [];
  for (const total of [30, 60]) {
    while (numbers.length < total) {
      const i = numbers.length;
      const extra = i % 6 === 5 ? {} : { table_id: tables[i % tables.length].id };
      numbers.push((await send(request, waiter, rushItems(i), extra)).order_number);
    }
    await expect(ticketOf(page, numbers[total - 1])).toBeAttached();
    await expect(page.locator('.kds-board > .ticket')).toHaveCount(total);
    await expect(page.locator('[data-count="confirmed"] b')).toHaveText(String(total));
    // Oldest first: the first ticket on the first page is the first sent.
    await page.keyboard.press('Home');
    await expect(page.locator('.kds-board > .ticket').first()).toHaveAttribute('data-order-number', numbers[0]);
    const first = await onScreen(page);
    expect(first.length, 'a wall holds more than one column of tickets').toBeGreaterThan(8);
    expect(first[0]).toBe(numbers[0]);
    await page.screenshot({ path: `screenshots/${test.info().project.name}/kitchen-rush-${total}.png` });
    await allPages(page, total);
    // The bump bar's keys turn pages too.
    await page.keyboard.press('Home');
    await expect(page.locator('.page-of')).toContainText('Page 1 of');
    await page.keyboard.press('PageDown');
    await expect(page.locator('.page-of')).toContainText('Page 2 of');
    await page.keyboard.press('ArrowLeft');
    await expect(page.locator('.page-of')).toContainText('Page 1 of');
  }
  // Started from the first page: the ticket says so in place, the others are untouched.
  const oldest = ticketOf(page, numbers[0]);
  await oldest.getByRole('button', { name: 'Start' }).click();
  await expect(oldest).toHaveAttribute('data-status', 'preparing');
  await expect(oldest.locator('.state')).toHaveText('Cooking');
  await expect(page.locator('[data-count="preparing"] b')).toHaveText('1');
  await expect(page.locator('.kds-board > .ticket')).toHaveCount(60);
  await clearKitchen(request, manager);
  await expect(page.locator('.kds-board > .ticket[data-status="cancelled"]')).toHaveCount(60);
  await context.close();
});

test('a cook bumps lines one by one, the ticket is ready when all are, and recall takes it back', async ({ browser, request }) => {
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const context = await browser.newContext({ viewport: WALL });
  const page = await context.newPage();
  await kitchenScreen(page);
  const order = await send(request, waiter, [{ product_id: BURGER, quantity: 2 }, { product_id: FRIES, quantity: 1 }]);
  const ticket = ticketOf(page, order.order_number);
  await expect(ticket).toHaveAttribute('data-status', 'confirmed');

  await ticket.getByRole('button', { name: '2 Burger' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'preparing');
  await expect(ticket.locator('li.done')).toHaveCount(1);
  await expect(ticket.getByRole('button', { name: '2 Burger (done)' })).toHaveAttribute('aria-pressed', 'true');
  await ticket.getByRole('button', { name: '1 Fries' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'ready');
  await expect(ticket.locator('li.done')).toHaveCount(2);

  // Recall, twice: ready -> cooking -> new, marked "Recalled" each time.
  await page.getByRole('button', { name: '↶ Recall' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'preparing');
  await expect(ticket.locator('.recalled')).toHaveText('Recalled');
  await page.getByRole('button', { name: '↶ Recall' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'confirmed');
  await expect(ticket.locator('.recalled')).toBeVisible();
  const stored = await api(request, waiter, 'GET', `/orders/${order.id}`);
  expect(stored.body.status).toBe('confirmed');
  expect(stored.body.kitchen_started_at).toBeNull();
  // Order-level bump stays one touch.
  await ticket.getByRole('button', { name: 'Start' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'preparing');
  await expect(ticket.locator('.recalled')).toHaveCount(0);
  await ticket.getByRole('button', { name: 'Ready' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'ready');
  await context.close();
});

test('a void, an addition and a cancellation reach the ticket at once, never silently', async ({ browser, request }) => {
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const manager = await token(request, 'manager@beerflow.demo');
  const context = await browser.newContext({ viewport: WALL });
  const page = await context.newPage();
  await kitchenScreen(page);
  const order = await send(request, waiter, [{ product_id: BURGER, quantity: 1 }, { product_id: SALAD, quantity: 1 }]);
  const ticket = ticketOf(page, order.order_number);
  await expect(ticket.locator('li')).toHaveCount(2);

  const voided = await api(request, waiter, 'POST', `/orders/${order.id}/items/${order.items[1].id}/void`, { reason: 'guest changed mind' });
  expect(voided.status).toBe(200);
  await expect(ticket.locator('li.voided')).toContainText('VOID: guest changed mind');
  await expect(ticket.locator('li.voided .line')).toHaveCSS('text-decoration-line', 'line-through');

  const added = await api(request, waiter, 'POST', `/orders/${order.id}/items`, { items: [{ product_id: FRIES, quantity: 2 }] });
  expect(added.status).toBe(200);
  await expect(ticket.locator('li.added')).toContainText('Fries');
  await expect(ticket.locator('li.added .added-tag')).toHaveText('Added');
  await expect(page.locator('.all-day')).toContainText('Fries');

  const cancelled = await api(request, manager, 'PATCH', `/orders/${order.id}/status`, { status: 'cancelled', reason: 'table left' });
  expect(cancelled.status).toBe(200);
  await expect(ticket).toHaveAttribute('data-status', 'cancelled');
  await expect(ticket.locator('.cancel-reason')).toHaveText('CANCELLED: table left');
  await ticket.getByRole('button', { name: 'Seen: clear' }).click();
  await expect(ticket).toHaveCount(0);
  await context.close();
});

test('a tap that fails offline leaves the board as it was, and the error goes with the reconnect', async ({ browser, request }) => {
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const context = await browser.newContext({ viewport: WALL });
  const page = await context.newPage();
  await kitchenScreen(page);
  const order = await send(request, waiter, [{ product_id: FRIES, quantity: 1 }]);
  const ticket = ticketOf(page, order.order_number);
  await expect(ticket).toBeVisible();
  const count = await page.locator('.kds-board > .ticket').count();

  await context.setOffline(true);
  await expect(page.locator('.connection')).toHaveText('Reconnecting…');
  await ticket.getByRole('button', { name: 'Start' }).click();
  await expect(ticket.locator('.tap-error')).toHaveText('Not sent: no connection. Tap again when Live.');
  // The board is intact: every ticket still there, this one still new.
  await expect(page.locator('.kds-board > .ticket')).toHaveCount(count);
  await expect(ticket).toHaveAttribute('data-status', 'confirmed');
  await expect(page.getByText('Failed to fetch')).toHaveCount(0);

  await context.setOffline(false);
  await expect(page.locator('.connection.online')).toBeVisible();
  await expect(ticket.locator('.tap-error')).toBeHidden();
  await ticket.getByRole('button', { name: 'Start' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'preparing');
  await context.close();
});

test('the station, the zoom and the sound stay set on this screen across a reload', async ({ browser }) => {
  const context = await browser.newContext({ viewport: WALL });
  const page = await context.newPage();
  await kitchenScreen(page);
  await page.getByRole('button', { name: 'Bar', exact: true }).click();
  await page.getByRole('button', { name: 'Larger text' }).click();
  await page.getByRole('button', { name: 'Larger text' }).click();
  await expect(page.locator('.zoom-value')).toHaveText('125%');
  await page.getByLabel('Sound').check();
  const size = await page.locator('.kds-board').evaluate((el) => getComputedStyle(el).fontSize);
  expect(size).toBe('37.5px');

  await page.reload();
  await expect(page.locator('.connection.online')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Bar', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.zoom-value')).toHaveText('125%');
  await expect(page.getByLabel('Sound')).toBeChecked();
  // Back to the defaults for the other tests of this screen.
  await page.getByRole('button', { name: 'All stations' }).click();
  await page.getByRole('button', { name: 'Smaller text' }).click();
  await page.getByRole('button', { name: 'Smaller text' }).click();
  await expect(page.locator('.zoom-value')).toHaveText('100%');
  await context.close();
});
