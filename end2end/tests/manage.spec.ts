// The manager's menu and stock screens, the way a manager runs them: a category and a product
// created, a duplicate SKU refused next to its field, two lots of a delivery keyed in one after
// the other, the FEFO preview taking the earlier expiry first, waste recorded, the product
// deactivated (gone from the waiter's pad), and the lot the kitchen served traced to its table.
// A waiter cannot open these screens.
import { test, expect, Page } from '@playwright/test';
import { api, newTable, openPad, signIn, speaks, submitLogin, token, unique, FRIES } from './helpers';

async function asManager(page: Page) {
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, 'manager@beerflow.demo', 'en');
  await submitLogin(page, 'manager@beerflow.demo');
  await expect(page).toHaveURL(/\/manager$/);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

/// A date `days` from today as the date input takes it (yyyy-mm-dd).
function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test('a manager creates a category and a product, receives two lots, previews FEFO, wastes, deactivates, and traces the served lot', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const id = unique();
  const category = `Specials ${id}`;
  const dish = `Tagliata ${id}`;
  const sku = `TAG-${id}`;
  const [early, late] = [`TAG-E-${id}`, `TAG-L-${id}`];

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await asManager(page);
  const overview = page.getByRole('region', { name: 'The room now' });
  await expect(overview.locator('li[data-status="free"] b')).toHaveText(/^\d+$/);

  // The menu: a category first.
  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Menu' }).click();
  await expect(page).toHaveURL(/\/manager\/menu$/);
  await page.getByRole('button', { name: 'Categories', exact: true }).click();
  const categoryForm = page.locator('#category-form');
  await categoryForm.getByLabel('Name').fill(category);
  await categoryForm.getByLabel('Order').fill('7');
  await categoryForm.getByLabel('Station').fill('kitchen');
  await categoryForm.getByRole('button', { name: 'Save' }).click();
  await expect(categoryForm.getByRole('status')).toHaveText(`Saved: ${category}`);
  await expect(page.getByRole('row').filter({ hasText: category })).toBeVisible();

  // Then the product, in that category.
  await page.getByRole('button', { name: 'Products', exact: true }).click();
  await page.getByRole('button', { name: 'New product' }).click();
  const form = page.locator('#product-form');
  await form.getByLabel('Name').fill(dish);
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Price').fill('18.50');
  await form.getByLabel('Cost').fill('7.20');
  await form.getByLabel('Category').selectOption({ label: category });
  await form.getByLabel('Minimum stock').fill('2');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText(`Saved: ${dish}`);
  const row = page.locator(`tr[data-product="${dish}"]`);
  await expect(row).toContainText('€18.50 / pz');
  await expect(row).toContainText(category);
  await page.screenshot({ path: '../docs/screenshots/manager-menu-1440x900.png' });

  // The list narrows as the manager types a SKU, and to the chosen category.
  const listed = page.locator('tr[data-product]');
  const tools = page.getByRole('region', { name: 'Products', exact: true }).locator('.list-tools');
  const search = tools.getByRole('searchbox', { name: 'Search by name or SKU' });
  await search.fill(sku.toLowerCase());
  await expect(listed).toHaveCount(1);
  await expect(listed).toHaveAttribute('data-product', dish);
  await search.fill('');
  expect(await listed.count()).toBeGreaterThan(1);
  await tools.getByRole('combobox', { name: 'Category', exact: true }).selectOption({ label: category });
  await expect(listed).toHaveCount(1);
  await expect(listed).toHaveAttribute('data-product', dish);
  await tools.getByRole('combobox', { name: 'Category', exact: true }).selectOption({ label: 'All categories' });
  await expect.poll(() => listed.count()).toBeGreaterThan(1);

  // The same SKU on another product: refused, next to the SKU, nothing created.
  await page.getByRole('button', { name: 'New product' }).click();
  await form.getByLabel('Name').fill(`${dish} bis`);
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Price').fill('19');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.locator('[data-field="sku"]')).toHaveText(`The SKU ${sku} is already used by another product.`);
  await expect(form.getByLabel('SKU')).toHaveAttribute('aria-invalid', 'true');
  // A price that is not a number: said next to the price.
  await form.getByLabel('SKU').fill('');
  await form.getByLabel('Price').fill('nineteen');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.locator('[data-field="price"]')).toHaveText('Type a number, like 12.50.');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator(`tr[data-product="${dish} bis"]`)).toHaveCount(0);

  // A delivery: two lots keyed in one after the other; the supplier stays chosen.
  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Stock' }).click();
  await expect(page).toHaveURL(/\/manager\/stock$/);
  await expect(page.locator('.connection.online')).toBeVisible();
  const receive = page.locator('#receive-form');
  const supplierName = await receive.getByLabel('Supplier').locator('option').nth(1).textContent();
  for (const [code, qty, days] of [[late, '6', 9], [early, '4', 3]] as const) {
    await receive.getByLabel('Product').selectOption({ label: dish });
    await expect(receive.getByLabel('Unit', { exact: true })).toHaveValue('pz');
    await receive.getByLabel('Lot code').fill(code);
    await receive.getByLabel('Quantity').fill(qty);
    await receive.getByLabel('Cost per unit').fill('7.20');
    await receive.getByLabel('Expiry date').fill(inDays(days));
    await receive.getByLabel('Location').fill('Cold room');
    if (code === late) await receive.getByLabel('Supplier').selectOption({ label: supplierName! });
    await receive.getByRole('button', { name: 'Receive' }).click();
    await expect(page.getByRole('status').filter({ hasText: `${code}: ${qty} pz of ${dish}` })).toBeVisible();
    // Ready for the next line: the lot's own fields empty, the supplier and place kept, the product focused.
    await expect(receive.getByLabel('Lot code')).toHaveValue('');
    await expect(receive.getByLabel('Quantity')).toHaveValue('');
    await expect(receive.getByLabel('Location')).toHaveValue('Cold room');
    await expect(receive.getByLabel('Supplier').locator('option:checked')).toHaveText(supplierName!);
    await expect(receive.getByLabel('Product')).toBeFocused();
  }
  const stockRow = page.locator(`tr[data-product="${dish}"]`);
  await expect(stockRow.locator('td').nth(1)).toHaveText('10 pz');
  await expect(stockRow.locator('td').nth(2)).toHaveText('2');
  await expect(stockRow.locator('.exp-chip')).toHaveClass(/exp-soon/);

  // Its lots, in the order FEFO takes them, and what the next portions would take.
  await page.getByRole('button', { name: `Lots of ${dish}` }).click();
  const lots = page.getByRole('region', { name: `Lots of ${dish}` });
  await expect(lots.locator('li[data-lot]')).toHaveCount(2);
  await expect(lots.locator('li[data-lot]').first()).toHaveAttribute('data-lot', early);
  const fefo = page.getByRole('form', { name: 'Next portions (FEFO)' });
  await fefo.getByLabel('Portions').fill('5');
  await fefo.getByRole('button', { name: 'Show the lots' }).click();
  const takes = fefo.locator('ol.fefo-result li');
  await expect(takes).toHaveCount(2);
  await expect(takes.nth(0)).toHaveAttribute('data-lot', early);
  await expect(takes.nth(0)).toContainText(`${early} · 4`);
  await expect(takes.nth(1)).toContainText(`${late} · 1`);

  // Waste on the later lot, with its reason.
  await lots.getByRole('button', { name: `Waste or adjust lot ${late}` }).click();
  const waste = page.getByRole('region', { name: `Waste or adjust lot ${late}` });
  await waste.getByLabel('Quantity (pz)').fill('1');
  await waste.getByLabel('Reason').fill('dropped on the floor');
  await waste.getByRole('button', { name: 'Record waste' }).click();
  await expect(waste).toHaveCount(0);
  await expect(lots.locator(`li[data-lot="${late}"] .lot-row .num`)).toHaveText('5 pz');
  await expect(stockRow.locator('td').nth(1)).toHaveText('9 pz');
  await page.screenshot({ path: '../docs/screenshots/manager-stock-1440x900.png' });

  // The kitchen serves two portions at a table: FEFO takes them from the earlier lot.
  const manager = await token(request, 'manager@beerflow.demo');
  const waiterToken = await token(request, 'waiter1@beerflow.demo');
  const chef = await token(request, 'chef@beerflow.demo');
  const table = await newTable(request, manager);
  const products = await api(request, manager, 'GET', `/products?q=${encodeURIComponent(dish)}`);
  const product = products.body.find((p: { name: string }) => p.name === dish);
  const order = await api(request, waiterToken, 'POST', '/orders', { table_id: table.id, items: [{ product_id: product.id, quantity: 2 }] });
  expect(order.status).toBe(201);
  for (const [who, status] of [[waiterToken, 'confirmed'], [chef, 'preparing'], [chef, 'ready'], [waiterToken, 'served']]) {
    expect((await api(request, who, 'PATCH', `/orders/${order.body.id}/status`, { status })).status).toBe(200);
  }
  // Live: the serve shows on the stock screen without a reload.
  await expect(stockRow.locator('td').nth(1)).toHaveText('7 pz');

  // The waiter's pad offers the dish until the manager deactivates it.
  const waiterContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const waiter = await waiterContext.newPage();
  await signIn(waiter, 'waiter1@beerflow.demo', /\/waiter$/);
  await openPad(waiter, table.name);
  await expect(waiter.getByRole('button', { name: `Add ${dish}` })).toBeVisible();
  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Menu' }).click();
  await page.getByRole('button', { name: `Deactivate ${dish}` }).click();
  await expect(page.getByRole('button', { name: `Reactivate ${dish}` })).toHaveCount(0); // hidden with the inactive
  await expect(page.locator(`tr[data-product="${dish}"]`)).toHaveCount(0);
  await page.getByLabel('Show inactive').check();
  await expect(page.locator(`tr[data-product="${dish}"]`)).toContainText('inactive');
  await waiter.reload();
  await expect(waiter.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(waiter.locator('.dish').first()).toBeVisible();
  await expect(waiter.getByRole('button', { name: `Add ${dish}` })).toHaveCount(0);

  // The recall of the earlier lot names the order and the table it went to.
  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Recall' }).click();
  await page.getByLabel('Lot code or product').fill(early);
  const found = page.getByRole('region', { name: 'Lots' }).getByRole('link');
  await expect(found).toHaveCount(1);
  await found.first().click();
  const served = page.getByRole('region', { name: 'Trace' }).locator('table.recall-orders tbody tr');
  await expect(served).toHaveCount(1);
  await expect(served.locator('td').nth(0)).toHaveText(`#${order.body.order_number}`);
  await expect(served.locator('td').nth(1)).toHaveText(table.name);
  await expect(served.locator('td').nth(3)).toHaveText('2 pz');
  await waiterContext.close();
  await context.close();
});

test('an expired lot is recorded as waste in one step, and the overview and the tablet stock screen show the stock needing attention', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const id = unique();
  const name = `Mozzarella ${id}`;
  const product = await api(request, manager, 'POST', '/products', { name, unit: 'kg', price: 0, min_stock: 5 });
  expect(product.status).toBe(201);
  const code = `MOZ-${id}`;
  const lot = await api(request, manager, 'POST', '/lots', {
    product_id: product.body.id, lot_code: code, qty_init: 2.5, unit: 'kg', expiry_date: inDays(-2),
  });
  expect(lot.status).toBe(201);

  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
  const page = await context.newPage();
  await asManager(page);
  const attention = page.getByRole('region', { name: 'Stock needing attention' });
  await expect(attention.getByText(`${name}, lot ${code}: expired, 2.5 kg to record as waste`)).toBeVisible();
  await expect(attention.getByText(`${name}: below minimum, 0 kg left`)).toBeVisible();

  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Stock' }).click();
  const expired = page.getByRole('region', { name: 'Expired lots' });
  const item = expired.locator('li').filter({ hasText: code });
  await expect(item.locator('.exp-chip')).toHaveClass(/exp-expired/);
  await expect(item.locator('.exp-chip')).toContainText('expired 2 days ago');
  await page.screenshot({ path: '../docs/screenshots/manager-stock-1024x768.png' });
  await expect(page.getByRole('button', { name: `Record lot ${code} as waste` })).toBeVisible();
  await page.getByRole('button', { name: `Record lot ${code} as waste` }).click();
  await expect(expired.locator('li').filter({ hasText: code })).toHaveCount(0);
  const moves = await api(request, manager, 'GET', `/stock/movements?lot_id=${lot.body.id}`);
  expect(moves.body.map((m: { movement_type: string; quantity: number }) => [m.movement_type, Number(m.quantity)]))
    .toContainEqual(['WASTE', -2.5]);
  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('region', { name: 'Stock needing attention' }).getByText(`lot ${code}: expired`)).toHaveCount(0);
  await context.close();
});

test('an admin creates a staff account that can sign in, and deactivates it', async ({ page, request }) => {
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, 'admin@beerflow.demo', 'en');
  await submitLogin(page, 'admin@beerflow.demo');
  await expect(page).toHaveURL(/\/manager$/);
  await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Staff' }).click();
  const id = unique();
  const email = `waiter-${id}@beerflow.demo`;
  const who = `Nina ${id}`;
  const form = page.locator('#staff-form');
  await form.getByLabel('Name').fill(who);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('waiter');
  await form.getByLabel('Password (at least 8 characters)').fill('short');
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form.locator('[data-field="password"]')).toHaveText('The password must be at least 8 characters.');
  await form.getByLabel('Password (at least 8 characters)').fill('first day pw');
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form.getByRole('status')).toHaveText(`Account created: ${who}`);
  const row = page.locator(`tr[data-user="${email}"]`);
  await expect(row).toContainText('waiter');
  const login = await request.post('/api/v1/auth/login', { data: { email, password: 'first day pw' } });
  expect(login.status()).toBe(200);
  await row.getByRole('button', { name: `Deactivate ${who}` }).click();
  await expect(row.locator('td').nth(3)).toHaveText('no');
  const refused = await request.post('/api/v1/auth/login', { data: { email, password: 'first day pw' } });
  expect(refused.status()).toBe(401);
});

test('a waiter cannot open the manager screens', async ({ page }) => {
  await signIn(page, 'waiter1@beerflow.demo', /\/waiter$/);
  await expect(page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link')).toHaveCount(0);
  for (const path of ['/manager', '/manager/menu', '/manager/stock', '/manager/staff', '/manager/alerts']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'Not for your role' })).toBeVisible();
    await expect(page.locator('.stack-form, .manage-table, .overview')).toHaveCount(0);
  }
});

test('the overview follows the kitchen and the room live, without a reload', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const chef = await token(request, 'chef@beerflow.demo');
  const table = await newTable(request, manager);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await asManager(page);
  await expect(page.locator('.connection.online')).toBeVisible();
  const kitchen = page.getByRole('region', { name: 'The kitchen now' });
  const open = kitchen.locator('li[data-stat="open"] b');
  await expect(open).toHaveText(/^\d+$/);
  const before = Number(await open.innerText());

  // A waiter sends an order: one more open ticket, on the screen the manager has open.
  const order = await api(request, waiter, 'POST', '/orders', { table_id: table.id, items: [{ product_id: FRIES, quantity: 1 }] });
  expect(order.status).toBe(201);
  expect((await api(request, waiter, 'PATCH', `/orders/${order.body.id}/status`, { status: 'confirmed' })).status).toBe(200);
  // (The overview reloads at most every 2 s however busy the feed is.)
  await expect(open).toHaveText(String(before + 1), { timeout: 10_000 });
  // The kitchen cooks it: the average preparation time of today is a number of minutes.
  for (const status of ['preparing', 'ready']) {
    expect((await api(request, chef, 'PATCH', `/orders/${order.body.id}/status`, { status })).status).toBe(200);
  }
  await expect(kitchen.locator('li[data-stat="prep"] b')).toHaveText(/^\d+([.,]\d+)? min$/, { timeout: 10_000 });
  // Served, it leaves the kitchen's count.
  expect((await api(request, waiter, 'PATCH', `/orders/${order.body.id}/status`, { status: 'served' })).status).toBe(200);
  await expect(open).toHaveText(String(before), { timeout: 10_000 });
  await context.close();
});
