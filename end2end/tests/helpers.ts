// What the browser stories share: signing in over the API, calling it, fresh names.
import { expect, APIRequestContext, Page } from '@playwright/test';

export const PASSWORD = 'admin123!';
export const VENUE = '00000000-0000-0000-0000-000000000001';
export const BURGER = '00000000-0000-0000-0000-000000000400';
export const FRIES = '00000000-0000-0000-0000-000000000401';
export const SALAD = '00000000-0000-0000-0000-000000000402';
export const IPA = '00000000-0000-0000-0000-000000000403';
export const KITCHEN_CATEGORY = '00000000-0000-0000-0000-000000000200';
export const PHONE = { width: 390, height: 844 };
export const WALL = { width: 1920, height: 1080 };

export async function token(request: APIRequestContext, email: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).access_token;
}

export async function api(request: APIRequestContext, tok: string, method: string, path: string, data?: unknown) {
  const res = await request.fetch(`/api/v1/venues/${VENUE}${path}`, {
    method, data, headers: { Authorization: `Bearer ${tok}` },
  });
  const body = res.status() === 204 ? null : await res.json();
  return { status: res.status(), body };
}

export const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/// The demo user `email` reads the screens in `language`; `null`: the venue's (the demo venue
/// speaks Italian). The stories share the demo users, so each sets the language it reads.
export async function speaks(request: APIRequestContext, email: string, language: string | null) {
  const tok = await token(request, email);
  const res = await request.patch('/api/v1/auth/me', { data: { language }, headers: { Authorization: `Bearer ${tok}` } });
  expect(res.status()).toBe(200);
  expect((await res.json()).language).toBe(language);
}

/// Fills and submits the login form (in the language the login page speaks to this browser).
/// The waiter's floor opens as a plan of one area; most stories find their fresh table by name
/// on the list, so the browser starts as a device on which the list was chosen (until a story
/// taps "Plan", which the device then remembers, as it would any choice).
export async function submitLogin(page: Page, email: string, button = 'Sign in') {
  await page.context().addInitScript(() => {
    if (localStorage.getItem('beerflow.floor.view') === null) localStorage.setItem('beerflow.floor.view', '"list"');
  });
  await page.goto('/login');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: button }).click();
}

/// Signs a browser page in through the login form, reading English, and waits for the role's home.
export async function signIn(page: Page, email: string, home: RegExp) {
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, email, 'en');
  await submitLogin(page, email);
  await expect(page).toHaveURL(home);
  await expect(page.locator('.connection.online')).toBeVisible();
}

/// A fresh table for one test, so tests never share one.
export async function newTable(request: APIRequestContext, manager: string): Promise<{ id: string; name: string }> {
  const name = `Q${unique()}`;
  const res = await api(request, manager, 'POST', '/tables', { name, seats: 4, area: 'Test room' });
  expect(res.status).toBe(201);
  return { id: res.body.id, name };
}

/// A new stock-tracked kitchen dish named `name` at 25.00 with one lot of `qty` portions.
export async function stockedDish(request: APIRequestContext, manager: string, name: string, qty: number) {
  const product = await api(request, manager, 'POST', '/products', {
    name, unit: 'pz', price: 25, track_stock: true, category_id: KITCHEN_CATEGORY,
  });
  expect(product.status).toBe(201);
  const lot = await api(request, manager, 'POST', '/lots', {
    product_id: product.body.id, lot_code: `TRF-${unique()}`, qty_init: qty, unit: 'pz',
  });
  expect(lot.status).toBe(201);
  return { product: product.body, lot: lot.body };
}

/// Opens a table's pad from the floor, live on both screens.
export async function openPad(page: Page, tableName: string) {
  await page.goto('/waiter');
  await expect(page.locator('.connection.online')).toBeVisible();
  await page.getByRole('link', { name: new RegExp(`^${tableName}\\b`) }).click();
  await expect(page).toHaveURL(/\/waiter\/table\//);
  await expect(page.locator('.connection.online')).toBeVisible();
}
