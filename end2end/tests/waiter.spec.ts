// The waiter's phone during a service, in Chromium against the real server (both backends):
// corrections (void, cancel, add to an order, move, covers, a cleaned table set free) seen by the
// kitchen, the outbox that survives bad Wi-Fi and a reload, and the Send bar in reach on a phone.
import { test, expect, Page, Browser } from '@playwright/test';
import { KITCHEN_CATEGORY, PHONE, WALL, api, newTable, openPad, signIn, token, unique } from './helpers';

async function screens(browser: Browser) {
  const waiterContext = await browser.newContext({ viewport: PHONE });
  const kitchenContext = await browser.newContext({ viewport: WALL });
  const waiter = await waiterContext.newPage();
  const kitchen = await kitchenContext.newPage();
  await signIn(kitchen, 'chef@beerflow.demo', /\/kitchen$/);
  await signIn(waiter, 'waiter1@beerflow.demo', /\/waiter$/);
  return { waiterContext, kitchenContext, waiter, kitchen };
}

const ticketOf = (kitchen: Page, number: string) => kitchen.locator(`.ticket[data-order-number="${number}"]`);

test('a waiter corrects a sent order: adds to it, voids a line, moves it, sets covers, and the kitchen sees each', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const chef = await token(request, 'chef@beerflow.demo');
  const table = await newTable(request, manager);
  const other = await newTable(request, manager);
  const { waiterContext, kitchenContext, waiter, kitchen } = await screens(browser);
  await openPad(waiter, table.name);

  await waiter.getByRole('button', { name: /^Add Burger/ }).click();
  await waiter.getByRole('button', { name: /^Add Fries/ }).click();
  await waiter.getByRole('button', { name: /^Add Fries/ }).click();
  await expect(waiter.getByRole('button', { name: /^Add Fries/ }).locator('.in-pad')).toHaveText('2');
  // Prices per line and the total (Burger €12.00, Fries 2 x €4.50 in the demo menu, read in English).
  await expect(waiter.locator('.pad-total')).toHaveText('€21.00');
  await waiter.getByRole('button', { name: 'Send to kitchen' }).click();
  const card = waiter.locator('.order-card').first();
  await expect(card).toContainText('Sent');
  await expect(card.locator('.order-total')).toHaveText('€21.00');
  const number = (await card.getAttribute('data-order-number'))!;
  const ticket = ticketOf(kitchen, number);
  await expect(ticket).toBeVisible();

  // A second Send while the order is open is an addition to it, not a new order.
  await expect(waiter.getByRole('button', { name: 'Send addition' })).toBeDisabled();
  await waiter.getByRole('button', { name: /^Add Cola/ }).click();
  await waiter.getByRole('button', { name: 'Send addition' }).click();
  await expect(card.locator('.items li')).toHaveCount(3);
  await expect(waiter.locator('.order-card')).toHaveCount(1);
  await expect(ticket.locator('li.added')).toContainText('Cola');

  // Void the Cola with a reason: struck through on the pad and on the ticket, out of the total.
  await card.locator('.items li', { hasText: 'Cola' }).getByRole('button', { name: 'Void' }).click();
  await expect(card.getByRole('button', { name: 'Void line' })).toBeDisabled();
  await card.getByLabel('Why is this line voided?').fill('guest changed mind');
  await card.getByRole('button', { name: 'Void line' }).click();
  await expect(card.locator('.items li.voided')).toContainText('Voided: guest changed mind');
  await expect(card.locator('.order-total')).toHaveText('€21.00');
  await expect(ticket.locator('li.voided')).toContainText('VOID: guest changed mind');

  // Covers, then a move to another table: the floor follows.
  await card.getByLabel('Covers').fill('3');
  await card.getByLabel('Covers').press('Tab');
  await expect(waiter.locator('.order-card .order-covers')).toHaveText('3 covers');
  await card.getByRole('button', { name: 'Move' }).click();
  await card.getByLabel('Move to').selectOption({ label: other.name });
  await card.getByRole('button', { name: 'Move order' }).click();
  await expect(waiter.locator('.order-card')).toHaveCount(0);
  await expect(ticket.locator('.place')).toHaveText(other.name);
  expect((await api(request, manager, 'GET', `/tables/${table.id}`)).body.status).toBe('free');
  expect((await api(request, manager, 'GET', `/tables/${other.id}`)).body.status).toBe('occupied');

  // Once the kitchen has started, a waiter is told who can void or cancel.
  const onOther = (await api(request, manager, 'GET', `/orders?table_id=${other.id}`)).body[0];
  expect((await api(request, chef, 'PATCH', `/orders/${onOther.id}/status`, { status: 'preparing' })).status).toBe(200);
  await openPad(waiter, other.name);
  const moved = waiter.locator(`.order-card[data-order-number="${number}"]`);
  await expect(moved).toContainText('Cooking');
  await expect(moved.locator('.who-can')).toContainText('only a manager can void a line or cancel it');
  await expect(moved.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expect(moved.getByRole('button', { name: 'Void' })).toHaveCount(0);
  await waiterContext.close();
  await kitchenContext.close();
});

test('a waiter cancels an order with a reason, the kitchen sees it, and a cleaned table is set free', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const table = await newTable(request, manager);
  const { waiterContext, kitchenContext, waiter, kitchen } = await screens(browser);
  await openPad(waiter, table.name);
  await waiter.getByRole('button', { name: /^Add Lager/ }).click();
  await waiter.getByRole('button', { name: 'Send to kitchen' }).click();
  const card = waiter.locator('.order-card').first();
  await expect(card).toContainText('Sent');
  const number = (await card.getAttribute('data-order-number'))!;
  await expect(ticketOf(kitchen, number)).toBeVisible();

  await card.getByRole('button', { name: 'Cancel order' }).click();
  await card.getByLabel('Why is the order cancelled?').fill('table left');
  await card.getByRole('button', { name: 'Cancel the order' }).click();
  await expect(waiter.locator('.order-card')).toHaveCount(0);
  await expect(ticketOf(kitchen, number)).toHaveAttribute('data-status', 'cancelled');
  await expect(ticketOf(kitchen, number).locator('.cancel-reason')).toHaveText('CANCELLED: table left');

  // Another order on the table, served and completed: the table is to be cleaned, then free.
  await waiter.getByRole('button', { name: /^Add Cola/ }).click();
  await waiter.getByRole('button', { name: 'Send to kitchen' }).click();
  await expect(card).toContainText('Sent');
  const order = (await api(request, manager, 'GET', `/orders?table_id=${table.id}&status=confirmed`)).body[0];
  for (const status of ['ready', 'served', 'completed']) {
    expect((await api(request, manager, 'PATCH', `/orders/${order.id}/status`, { status })).status).toBe(200);
  }
  await waiter.getByRole('link', { name: '← Floor' }).click();
  const tile = waiter.getByRole('link', { name: new RegExp(`^${table.name}\\b`) });
  await expect(tile).toHaveAttribute('data-status', 'cleaning');
  await waiter.getByRole('button', { name: `Set ${table.name} free` }).click();
  await expect(tile).toHaveAttribute('data-status', 'free');
  expect((await api(request, manager, 'GET', `/tables/${table.id}`)).body.status).toBe('free');
  await waiterContext.close();
  await kitchenContext.close();
});

test('orders sent without a connection wait in the phone, survive a reload, and go out once each, in tap order', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const first = await newTable(request, manager);
  const second = await newTable(request, manager);
  const third = await newTable(request, manager);
  const special = await api(request, manager, 'POST', '/products', {
    name: `Special ${unique()}`, unit: 'pz', price: 9, track_stock: false, category_id: KITCHEN_CATEGORY,
  });
  expect(special.status).toBe(201);
  const { waiterContext, kitchenContext, waiter, kitchen } = await screens(browser);
  const send = async (tableName: string, dish: RegExp) => {
    await waiter.getByRole('link', { name: '← Floor' }).click();
    await waiter.getByRole('link', { name: new RegExp(`^${tableName}\\b`) }).click();
    await expect(waiter.getByRole('heading', { name: `Table ${tableName}` })).toBeVisible();
    await waiter.getByRole('button', { name: dish }).click();
    await waiter.getByRole('button', { name: 'Send to kitchen' }).click();
    await expect(waiter.locator('.pad-line')).toHaveCount(0);
  };
  await openPad(waiter, first.name);

  // The Wi-Fi drops: the orders wait, counted in the top bar, and nothing reaches the server.
  await waiterContext.setOffline(true);
  await expect(waiter.locator('.connection')).toHaveText('Reconnecting…');
  await waiter.getByRole('button', { name: /^Add Burger/ }).click();
  await waiter.getByRole('button', { name: 'Send to kitchen' }).click();
  await expect(waiter.locator('.queued')).toContainText('Waiting to send');
  await expect(waiter.getByTestId('outbox-count')).toHaveText('1 waiting to send');
  // The menu and the orders stay on the screen.
  await expect(waiter.getByRole('button', { name: /^Add Fries/ })).toBeVisible();
  await send(second.name, /^Add Fries/);
  await send(third.name, new RegExp(`^Add ${special.body.name}`));
  await expect(waiter.getByTestId('outbox-count')).toHaveText('3 waiting to send');
  for (const t of [first, second, third]) {
    expect((await api(request, manager, 'GET', `/orders?table_id=${t.id}`)).body).toHaveLength(0);
  }

  // The phone reloads while the server is still out of reach (the sends fail), and keeps them.
  await waiter.route('**/api/send_order*', (route) => route.abort('internetdisconnected'));
  await waiterContext.setOffline(false);
  // The phone is back on the network (Live again) before it reloads, so the reload is not cut
  // by the network coming back; the sends still fail.
  await expect(waiter.locator('.connection.online')).toBeVisible();
  await waiter.reload();
  await expect(waiter.getByTestId('outbox-count')).toHaveText('3 waiting to send');
  // Meanwhile the special is taken off the menu.
  expect((await api(request, manager, 'DELETE', `/products/${special.body.id}`)).status).toBe(204);

  // Back: sent by themselves, in tap order, once each; the refused one says why.
  await waiter.unroute('**/api/send_order*');
  // What the room sees first: the two orders arrive (the badge alone can blink out while the
  // pad's screen is set up again, so its absence is not taken as the sign they went out).
  for (const t of [first, second]) {
    await expect.poll(async () => (await api(request, manager, 'GET', `/orders?table_id=${t.id}`)).body.length,
      { timeout: 15_000 }).toBe(1);
  }
  await expect(waiter.getByTestId('outbox-count')).toHaveCount(0, { timeout: 15_000 });
  const one = (await api(request, manager, 'GET', `/orders?table_id=${first.id}`)).body;
  const two = (await api(request, manager, 'GET', `/orders?table_id=${second.id}`)).body;
  expect(one).toHaveLength(1);
  expect(two).toHaveLength(1);
  expect(Number(one[0].order_number)).toBeLessThan(Number(two[0].order_number));
  expect((await api(request, manager, 'GET', `/orders?table_id=${third.id}`)).body).toHaveLength(0);
  await expect(ticketOf(kitchen, one[0].order_number)).toHaveCount(1);
  await expect(ticketOf(kitchen, two[0].order_number)).toHaveCount(1);
  const refused = waiter.locator('.queued.refused');
  await expect(refused).toContainText('Refused');
  await expect(refused).toContainText('no longer on sale');
  await refused.getByRole('button', { name: 'Discard' }).click();
  await expect(waiter.locator('.queued')).toHaveCount(0);
  await waiter.reload();
  await expect(waiter.locator('.connection.online')).toBeVisible();
  await expect(waiter.locator('.queued')).toHaveCount(0);
  await waiterContext.close();
  await kitchenContext.close();
});

test('on a 390x844 phone the Send bar with the total is in reach without scrolling', async ({ browser, request }, info) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const table = await newTable(request, manager);
  const { waiterContext, kitchenContext, waiter } = await screens(browser);
  await openPad(waiter, table.name);
  for (const dish of [/^Add Burger/, /^Add Fries/, /^Add Fries/, /^Add Caesar/, /^Add IPA/]) {
    await waiter.getByRole('button', { name: dish }).click();
  }
  const send = waiter.getByRole('button', { name: 'Send to kitchen' });
  await expect(send).toBeInViewport({ ratio: 1 });
  await expect(waiter.locator('.pad-total')).toBeInViewport({ ratio: 1 });
  const box = (await send.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(844);
  // Wherever the menu is scrolled to, the bar stays at the thumb.
  for (const y of [0, 10_000]) {
    await waiter.evaluate((y) => window.scrollTo(0, y), y);
    await expect(send).toBeInViewport({ ratio: 1 });
  }
  await waiter.evaluate(() => window.scrollTo(0, 0));
  await waiter.screenshot({ path: `screenshots/${info.project.name}/waiter-pad-phone-sticky.png` });
  await waiterContext.close();
  await kitchenContext.close();
});
