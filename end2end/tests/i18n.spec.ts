// The screens in the language of the people in the room (both backends): the demo venue speaks
// Italian, so a waiter and a cook who chose nothing run a whole service in Italian, with euros
// written the Italian way and the kitchen ticket's time in the venue's time zone; a user who
// switches language sees it at once and after a reload; the login page follows the browser.
import { test, expect, Browser, Page } from '@playwright/test';
import { BURGER, FRIES, PHONE, VENUE, WALL, api, newTable, speaks, stockedDish, submitLogin, token, unique } from './helpers';

const DEMO_T1 = '00000000-0000-0000-0000-000000000700';

async function italianContexts(browser: Browser) {
  // The browsers ask for English: the venue's language wins for signed-in users.
  const waiterContext = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const kitchenContext = await browser.newContext({ viewport: WALL, locale: 'en-US', timezoneId: 'America/New_York' });
  const waiter = await waiterContext.newPage();
  const kitchen = await kitchenContext.newPage();
  for (const page of [waiter, kitchen]) page.on('pageerror', (err) => { throw err; });
  await speaks(kitchen.request, 'chef@beerflow.demo', null);
  await speaks(waiter.request, 'waiter1@beerflow.demo', null);
  await submitLogin(kitchen, 'chef@beerflow.demo');
  await expect(kitchen).toHaveURL(/\/kitchen$/);
  await expect(kitchen.locator('.connection.online')).toHaveText('In linea');
  await submitLogin(waiter, 'waiter1@beerflow.demo');
  await expect(waiter).toHaveURL(/\/waiter$/);
  return { waiterContext, kitchenContext, waiter, kitchen };
}

/// The venue's clock now, as the kitchen ticket writes it (Europe/Rome, 24 h).
const romeClock = (at: Date) =>
  new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

test('il servizio in italiano: comanda, cucina, servito, con gli euro e l\'ora del locale', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const table = await newTable(request, manager);
  const { waiterContext, kitchenContext, waiter, kitchen } = await italianContexts(browser);
  await expect(waiter.locator('html')).toHaveAttribute('lang', 'it');
  await expect(waiter.getByRole('heading', { name: 'Sala', level: 1 })).toBeVisible();
  await expect(kitchen.getByRole('heading', { name: 'Display della cucina' })).toBeVisible();

  await waiter.getByRole('link', { name: new RegExp(`^${table.name}\\b`) }).click();
  await expect(waiter).toHaveURL(/\/waiter\/table\//);
  await expect(waiter.getByRole('heading', { name: `Tavolo ${table.name}` })).toBeVisible();
  await expect(waiter.getByRole('button', { name: /^Aggiungi Burger/ })).toContainText('€ 12,00');
  await waiter.getByRole('button', { name: /^Aggiungi Fries/ }).click();
  await waiter.getByRole('button', { name: 'Un Fries in più' }).click();
  await waiter.getByLabel('Allergia').fill('arachidi');
  await waiter.getByLabel('Allergia').press('Tab');
  await expect(waiter.locator('.pad-total')).toHaveText('€ 9,00');
  const sentAt = new Date();
  await waiter.getByRole('button', { name: 'Invia in cucina' }).click();
  const card = waiter.locator('.order-card').first();
  await expect(card).toContainText('Inviata');
  await expect(card.locator('.order-total')).toHaveText('€ 9,00');
  const number = (await card.getAttribute('data-order-number'))!;

  const ticket = kitchen.locator(`.ticket[data-order-number="${number}"]`);
  await expect(ticket).toHaveAttribute('data-status', 'confirmed');
  await expect(ticket.locator('.state')).toHaveText('Nuova');
  await expect(ticket.locator('.allergy')).toHaveText('ALLERGIA: arachidi');
  // The time it reached the kitchen, on the venue's clock (not the wall screen's New York one).
  const sent = await ticket.locator('.sent-at').innerText();
  expect(sent).toMatch(/^ore \d\d:\d\d$/);
  expect([romeClock(sentAt), romeClock(new Date(sentAt.getTime() + 60_000))]).toContain(sent.slice(4));
  await expect(kitchen.locator('.all-day')).toContainText('Fries');
  await ticket.getByRole('button', { name: 'Inizia' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'preparing');
  await expect(ticket.locator('.state')).toHaveText('In preparazione');
  await ticket.getByRole('button', { name: 'Pronta' }).click();
  await expect(ticket).toHaveAttribute('data-status', 'ready');

  const mine = waiter.locator(`.order-card[data-order-number="${number}"]`);
  await expect(mine.locator('.ready-notice')).toHaveText('Pronto da servire');
  await mine.getByRole('button', { name: 'Servi' }).click();
  await expect(mine).toContainText('Servita');
  await expect(ticket).toHaveCount(0);
  await mine.getByRole('button', { name: 'Chiudi' }).click();
  await expect(mine).toHaveCount(0);
  await waiterContext.close();
  await kitchenContext.close();
});

test('a serve short of stock is refused in Italian, naming the dish, and changes nothing', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const chef = await token(request, 'chef@beerflow.demo');
  const table = await newTable(request, manager);
  const name = `Tartufo ${unique()}`;
  const { product, lot } = await stockedDish(request, manager, name, 1);
  const { waiterContext, kitchenContext, waiter } = await italianContexts(browser);
  const waiterToken = await token(request, 'waiter1@beerflow.demo');
  const created = await api(request, waiterToken, 'POST', '/orders', {
    table_id: table.id, items: [{ product_id: product.id, quantity: 3 }],
  });
  expect(created.status).toBe(201);
  for (const [who, status] of [[waiterToken, 'confirmed'], [chef, 'preparing'], [chef, 'ready']]) {
    expect((await api(request, who, 'PATCH', `/orders/${created.body.id}/status`, { status })).status).toBe(200);
  }
  await waiter.getByRole('link', { name: new RegExp(`^${table.name}\\b`) }).click();
  const card = waiter.locator(`.order-card[data-order-number="${created.body.order_number}"]`);
  await expect(card.locator('.ready-notice')).toHaveText('Pronto da servire');
  await card.getByRole('button', { name: 'Servi' }).click();
  const shortfall = card.getByTestId('shortfall');
  await expect(shortfall).toContainText('Impossibile servire: scorte insufficienti');
  await expect(shortfall).toContainText(name);
  await expect(shortfall).toContainText('Nulla è stato servito né tolto dal magazzino.');
  const after = await api(request, manager, 'GET', `/orders/${created.body.id}`);
  expect(after.body.status).toBe('ready');
  expect(Number((await api(request, manager, 'GET', `/lots/${lot.id}`)).body.qty_current)).toBe(1);
  await waiterContext.close();
  await kitchenContext.close();
});

test('a dish taken off the menu while it is on the pad is refused in Italian, by name, and can be taken off', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const table = await newTable(request, manager);
  const name = `Carbonara ${unique()}`;
  const { product } = await stockedDish(request, manager, name, 5);
  const { waiterContext, kitchenContext, waiter } = await italianContexts(browser);
  await waiter.getByRole('link', { name: new RegExp(`^${table.name}\\b`) }).click();
  await expect(waiter).toHaveURL(/\/waiter\/table\//);
  await waiter.getByRole('button', { name: new RegExp(`^Aggiungi ${name}`) }).click();
  await waiter.getByRole('button', { name: /^Aggiungi Fries/ }).click();
  // The manager takes the dish off the menu while it is on the waiter's pad.
  expect((await api(request, manager, 'DELETE', `/products/${product.id}`)).status).toBeLessThan(300);
  await waiter.getByRole('button', { name: 'Invia in cucina' }).click();
  const refused = waiter.locator('.queued.refused');
  await expect(refused.locator('.error')).toHaveText(`${name} non è più in vendita: toglilo dalla comanda.`);
  // Nothing was written: the table has no order.
  const orders = await api(request, manager, 'GET', `/orders?table_id=${table.id}`);
  expect(orders.body.filter((o: { table_id: string }) => o.table_id === table.id)).toHaveLength(0);
  // Back on the pad, without the dish, it goes.
  await refused.getByRole('button', { name: 'Modifica' }).click();
  await waiter.locator('.pad-line', { hasText: name }).getByRole('button', { name: new RegExp(`^Un ${name} in meno`) }).click();
  await waiter.getByRole('button', { name: 'Invia in cucina' }).click();
  await expect(waiter.locator('.order-card').first()).toContainText('Inviata');
  await expect(waiter.locator('.queued')).toHaveCount(0);
  await waiterContext.close();
  await kitchenContext.close();
});

async function switchTo(page: Page, language: string) {
  await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption(language);
}

test('a waiter who switches language sees it at once and after a reload', async ({ browser, request }) => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, 'waiter1@beerflow.demo', 'en');
  await submitLogin(page, 'waiter1@beerflow.demo');
  await expect(page).toHaveURL(/\/waiter$/);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByRole('heading', { name: 'Floor', level: 1 })).toBeVisible();

  await switchTo(page, 'it');
  // At once (the page is drawn again in Italian): the words, the page's language and its title.
  await expect(page.getByRole('heading', { name: 'Sala', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page).toHaveTitle('Sala · BeerFlow');
  await expect(page.locator('.connection.online')).toHaveText('In linea');
  // Kept with the user: the server says so, and a reload renders Italian from the first paint.
  const waiterToken = await token(request, 'waiter1@beerflow.demo');
  await expect.poll(async () => (await request.get('/api/v1/auth/me', { headers: { Authorization: `Bearer ${waiterToken}` } }).then((r) => r.json())).language).toBe('it');
  const firstPaint = await (await page.request.get('/waiter', { headers: { Accept: 'text/html' } })).text();
  expect(firstPaint).toContain('<html lang="it"');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sala', level: 1 })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  // Money follows the language: the pad of a table writes euros the Italian way.
  await page.getByRole('link', { name: /^T1\b/ }).click();
  await expect(page.getByRole('button', { name: /^Aggiungi Burger/ })).toContainText('€ 12,00');

  await switchTo(page, 'en');
  await expect(page.getByRole('button', { name: /^Add Burger/ })).toContainText('€12.00');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('button', { name: /^Add Burger/ })).toContainText('€12.00');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();

  // Offline the choice cannot be kept: refused in words, the screen stays in English.
  await context.setOffline(true);
  await switchTo(page, 'it');
  await expect(page.locator('.language [role="alert"]')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Language' })).toHaveValue('en');
  await expect(page.getByRole('button', { name: /^Add Burger/ })).toContainText('€12.00');
  await context.setOffline(false);
  await context.close();
});

test('the login page speaks the browser\'s language, and the one chosen on it', async ({ browser }) => {
  const italian = await browser.newContext({ locale: 'it-IT' });
  const page = await italian.newPage();
  page.on('pageerror', (err) => { throw err; });
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page.getByRole('button', { name: 'Accedi' })).toBeVisible();
  await italian.close();

  const english = await browser.newContext({ locale: 'en-GB' });
  const login = await english.newPage();
  login.on('pageerror', (err) => { throw err; });
  await login.goto('/login');
  await expect(login.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(login.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await switchTo(login, 'it');
  await expect(login.getByRole('button', { name: 'Accedi' })).toBeVisible();
  await login.reload();
  await expect(login.getByRole('button', { name: 'Accedi' })).toBeVisible();
  // A wrong password is refused in the chosen language.
  await login.getByLabel('Email').fill('admin@beerflow.demo');
  await login.getByLabel('Password').fill('not-the-password');
  await login.getByRole('button', { name: 'Accedi' }).click();
  await expect(login.getByRole('alert')).toHaveText('Email o password non corrette.');
  await english.close();
});

test('screenshots of the Italian waiter pad (phone) and kitchen display (wall)', async ({ browser, request }, info) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const chef = await token(request, 'chef@beerflow.demo');
  const waiterToken = await token(request, 'waiter1@beerflow.demo');
  const table = await newTable(request, manager);
  const other = await newTable(request, manager);
  const send = async (tableId: string, items: unknown[], notes?: string) => {
    const created = await api(request, waiterToken, 'POST', '/orders', { table_id: tableId, covers: 2, notes, items });
    expect(created.status).toBe(201);
    expect((await api(request, waiterToken, 'PATCH', `/orders/${created.body.id}/status`, { status: 'confirmed' })).status).toBe(200);
    return created.body;
  };
  await send(other.id, [
    { product_id: BURGER, quantity: 2, notes: 'ben cotto', modifiers: { allergy: 'glutine' } },
    { product_id: FRIES, quantity: 2 },
  ], 'compleanno');
  const cooking = await send(table.id, [{ product_id: FRIES, quantity: 1, notes: 'extra croccanti' }]);
  expect((await api(request, chef, 'PATCH', `/orders/${cooking.id}/status`, { status: 'preparing' })).status).toBe(200);
  const { waiterContext, kitchenContext, waiter, kitchen } = await italianContexts(browser);
  await waiter.getByRole('link', { name: new RegExp(`^${table.name}\\b`) }).click();
  await waiter.getByRole('button', { name: /^Aggiungi Burger/ }).click();
  await waiter.getByRole('button', { name: /^Aggiungi Fries/ }).click();
  await expect(waiter.locator('.pad-total')).toHaveText('€ 16,50');
  await expect(kitchen.locator(`.ticket[data-order-number="${cooking.order_number}"] .state`)).toHaveText('In preparazione');
  const dir = `screenshots/${info.project.name}`;
  await waiter.screenshot({ path: `${dir}/waiter-pad-it-phone.png` });
  await waiter.locator('.order-card').first().scrollIntoViewIfNeeded();
  await waiter.screenshot({ path: `${dir}/waiter-orders-it-phone.png` });
  await kitchen.screenshot({ path: `${dir}/kitchen-display-it-wall.png` });
  await waiterContext.close();
  await kitchenContext.close();
});

test('a manager sets the venue\'s currency, language and time zone on the manager screen; bad values are refused in words', async ({ page, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const venue = async () =>
    (await request.get(`/api/v1/venues/${VENUE}`, { headers: { Authorization: `Bearer ${manager}` } })).json();
  try {
    page.on('pageerror', (err) => { throw err; });
    await speaks(page.request, 'manager@beerflow.demo', 'en');
    await submitLogin(page, 'manager@beerflow.demo');
    await expect(page).toHaveURL(/\/manager$/);
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    const form = page.locator('#venue-settings');
    await form.getByLabel('Currency (ISO 4217, e.g. EUR)').fill('usd');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByText('Saved.')).toBeVisible();
    expect(await venue()).toMatchObject({ currency: 'USD', language: 'it', timezone: 'Europe/Rome' });
    // Prices are written in the venue's new money.
    await page.goto(`/waiter/table/${DEMO_T1}`);
    await expect(page.getByRole('button', { name: /^Add Burger/ })).toContainText('$12.00');

    await page.goto('/manager');
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    await form.getByLabel('Currency (ISO 4217, e.g. EUR)').fill('ZZZ');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toHaveText('“ZZZ” is not an ISO 4217 currency code (e.g. EUR).');
    expect((await venue()).currency).toBe('USD');

    // The default language and the time zone, from the same form; a zone that does not exist
    // is refused in words and nothing of the form is saved.
    await page.goto('/manager');
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    await form.getByLabel('Default language of the screens').selectOption('en');
    await form.getByLabel('Time zone (e.g. Europe/Rome)').fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toHaveText('“Mars/Olympus” is not a time zone (e.g. Europe/Rome).');
    expect(await venue()).toMatchObject({ language: 'it', timezone: 'Europe/Rome' });
    // The form keeps what the manager typed, to correct the one field.
    await expect(form.getByLabel('Default language of the screens')).toHaveValue('en');
    await expect(form.getByLabel('Time zone (e.g. Europe/Rome)')).toHaveValue('Mars/Olympus');
    await form.getByLabel('Time zone (e.g. Europe/Rome)').fill('America/New_York');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByText('Saved.')).toBeVisible();
    expect(await venue()).toMatchObject({ currency: 'USD', language: 'en', timezone: 'America/New_York' });
    // Read back on a fresh load, as the next manager sees it.
    await page.reload();
    await expect(form.getByLabel('Default language of the screens')).toHaveValue('en');
    await expect(form.getByLabel('Time zone (e.g. Europe/Rome)')).toHaveValue('America/New_York');
  } finally {
    const res = await request.patch(`/api/v1/venues/${VENUE}`, {
      headers: { Authorization: `Bearer ${manager}` },
      data: { currency: 'EUR', language: 'it', timezone: 'Europe/Rome' },
    });
    expect(res.status()).toBe(200);
  }
});
