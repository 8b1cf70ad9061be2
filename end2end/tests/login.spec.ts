import { test, expect, Page } from '@playwright/test';
import { PASSWORD, speaks } from './helpers';

async function signIn(page: Page, email: string, password = PASSWORD) {
  if (password === PASSWORD) await speaks(page.request, email, 'en');
  await page.goto('/login');
  // Wait for hydration so the form is handled by the app, not a plain post.
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.describe('signing in', () => {
  test.beforeEach(async ({ page }) => {
    page.on('pageerror', (err) => { throw err; });
  });

  test('a waiter signs in and lands on the floor', async ({ page }) => {
    await signIn(page, 'waiter1@beerflow.demo');
    await expect(page).toHaveURL(/\/waiter$/);
    await expect(page.getByRole('heading', { name: 'Floor' })).toBeVisible();
    await expect(page.locator('.role-badge')).toHaveText('waiter');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Floor' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Manage' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Kitchen' })).toHaveCount(0);
  });

  test('the chef signs in and lands on the kitchen display', async ({ page }) => {
    await signIn(page, 'chef@beerflow.demo');
    await expect(page).toHaveURL(/\/kitchen$/);
    await expect(page.getByRole('heading', { name: 'Kitchen display' })).toBeVisible();
    await expect(page.getByLabel('Open tickets')).toContainText('Cooking');
    await expect(page.locator('.connection.online')).toBeVisible();
  });

  test('a manager signs in, sees the staff and logs out', async ({ page }) => {
    await signIn(page, 'manager@beerflow.demo');
    await expect(page).toHaveURL(/\/manager$/);
    await expect(page.getByRole('heading', { name: 'Manage' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Staff' }).click();
    await expect(page).toHaveURL(/\/manager\/staff$/);
    await expect(page.getByRole('cell', { name: 'chef@beerflow.demo' })).toBeVisible();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/manager');
    await expect(page).toHaveURL(/\/login$/);
  });

  test('a wrong password shows an error and keeps the user on the login page', async ({ page }) => {
    await signIn(page, 'admin@beerflow.demo', 'not-the-password');
    await expect(page.getByRole('alert')).toHaveText('Invalid email or password.');
    await expect(page).toHaveURL(/\/login/);
  });

  test('the session cookie is HttpOnly', async ({ page, context }) => {
    await signIn(page, 'admin@beerflow.demo');
    await expect(page).toHaveURL(/\/manager$/);
    const cookie = (await context.cookies()).find((c) => c.name === 'beerflow_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain('beerflow_session');
  });
});
