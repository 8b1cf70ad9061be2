// The server is restarted (a deploy, a crash) while the kitchen's wall screen and a waiter's
// floor are open: both say they are reconnecting, reconnect on their own once it is back (the
// live feed opens its socket again a second after it closes), and the wall shows the orders sent
// after it, without anyone touching either screen.
import { test, expect, APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { BURGER, PHONE, WALL, api, signIn, token } from './helpers';
import { Database, Server, freshDatabase, startServer } from './servers';

let database: Database;
let server: Server;
let request: APIRequestContext;

test.beforeAll(async ({}, testInfo) => {
  database = freshDatabase(testInfo.project.name, 'restart');
  server = await startServer(database.url);
  request = await playwrightRequest.newContext({ baseURL: server.url });
});

test.afterAll(async () => {
  await request?.dispose();
  await server?.stop();
  database?.drop();
});

/// A takeaway order sent to the kitchen; its number.
async function sendOrder(waiter: string, note: string): Promise<string> {
  const created = await api(request, waiter, 'POST', '/orders', { items: [{ product_id: BURGER, quantity: 1 }], notes: note });
  expect(created.status).toBe(201);
  const sent = await api(request, waiter, 'PATCH', `/orders/${created.body.id}/status`, { status: 'confirmed' });
  expect(sent.status).toBe(200);
  return sent.body.order_number;
}

test('the wall screen and the floor reconnect on their own after the server restarts', async ({ browser }) => {
  const wall = await (await browser.newContext({ baseURL: server.url, viewport: WALL })).newPage();
  await signIn(wall, 'chef@beerflow.demo', /\/kitchen$/);
  const phone = await (await browser.newContext({ baseURL: server.url, viewport: PHONE })).newPage();
  await signIn(phone, 'waiter1@beerflow.demo', /\/waiter$/);
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const before = await sendOrder(waiter, 'before the restart');
  await expect(wall.locator(`.ticket[data-order-number="${before}"]`)).toBeVisible();

  // The server goes away; both screens say so.
  const addr = new URL(server.url).host;
  await server.stop();
  await expect(wall.locator('.connection')).toHaveText('Reconnecting…');
  await expect(phone.locator('.connection')).toHaveText('Reconnecting…');

  // It comes back at the same address, on the same database; the screens rejoin by themselves
  // (the sessions are in the database), and the wall shows an order sent once it is back.
  server = await startServer(database.url, [], addr);
  await expect(wall.locator('.connection')).toHaveText('Live', { timeout: 15_000 });
  await expect(phone.locator('.connection')).toHaveText('Live', { timeout: 15_000 });
  const after = await sendOrder(await token(request, 'waiter1@beerflow.demo'), 'after the restart');
  await expect(wall.locator(`.ticket[data-order-number="${after}"]`)).toBeVisible();
  await expect(wall.locator(`.ticket[data-order-number="${before}"]`)).toBeVisible();
  await wall.context().close();
  await phone.context().close();
});
