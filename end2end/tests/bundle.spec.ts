// The bundle is split by screen (lazy routes): each role's screens download their own code and
// not the others', the page names its screen's file of parts so the browser fetches it at once
// (one response, not a hundred), and a waiter whose network drops after the floor opened can
// still open a table's pad.
import { test, expect, Page } from '@playwright/test';
import { newTable, signIn, token } from './helpers';

// A screen's own part, alone or in the file of all its parts.
const PART = /\/pkg\/[0-9a-f]{16}\/(?:split|screen)___([a-z_]+)_route_view_\d+\.(?:wasm|parts)$/;
const SHARED_PART = /\/pkg\/[0-9a-f]{16}\/chunk_\d+\.wasm$/;

/// The screens' parts of the bundle the page has asked for, by screen (`floor`, `kitchen`, ...),
/// and how many requests were for parts shared between screens, one by one.
function partsFetched(page: Page): Set<string> & { shared: number } {
  const parts = Object.assign(new Set<string>(), { shared: 0 });
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    const m = PART.exec(path);
    if (m) parts.add(m[1].replace(/^_+/, ''));
    if (SHARED_PART.test(path)) parts.shared += 1;
  });
  return parts;
}

test('the kitchen display downloads the kitchen\'s code only, named in the page it is served with', async ({ page }) => {
  const parts = partsFetched(page);
  await signIn(page, 'chef@beerflow.demo', /\/kitchen$/);
  await expect(page.getByRole('heading', { name: 'Kitchen display' })).toBeVisible();
  expect([...parts]).toEqual(['kitchen']);
  // Its hundred-odd parts came in the one file the page named, none on its own.
  expect(parts.shared).toBe(0);

  // The server-rendered page preloads the kitchen's file of parts, versioned like the rest of
  // the bundle.
  const html = await (await page.request.get('/kitchen')).text();
  // Opened directly (the wall screen reloaded), the file the page names is the one read: once
  // the screen is live, no part has come on its own.
  const again = await page.context().newPage();
  const direct = partsFetched(again);
  await again.goto('/kitchen');
  await expect(again.locator('.connection')).toHaveText('Live');
  expect([...direct]).toEqual(['kitchen']);
  expect(direct.shared).toBe(0);
  await again.close();
  expect(html).toMatch(/<link [^>]*href="\/pkg\/[0-9a-f]{16}\/screen___kitchen_route_view_\d+\.parts" rel="preload"/);
  expect(html).not.toMatch(/split___(manager[a-z_]*|floor|order_pad)_route_view/);
});

test('a waiter gets the floor\'s and the pad\'s code, never the kitchen\'s or the manager\'s, and opens a pad offline', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const table = await newTable(request, manager);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const parts = partsFetched(page);
  // The pad's part comes after the floor is live (the waiter is likely to need it next).
  const padPart = page.waitForResponse((res) => /split___order_pad_route_view_/.test(res.url()) && res.ok());
  await signIn(page, 'waiter1@beerflow.demo', /\/waiter$/);
  await padPart;
  expect([...parts].sort()).toEqual(['floor', 'order_pad']);

  // The Wi-Fi drops; the table's pad still opens (its code is there; the menu it has never
  // seen cannot come, and it says so).
  await context.setOffline(true);
  await expect(page.locator('.connection')).toHaveText('Reconnecting…');
  await page.getByRole('link', { name: new RegExp(`^${table.name}\\b`) }).click();
  await expect(page.getByRole('heading', { name: `Table ${table.name}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Menu' }).getByRole('alert'))
    .toHaveText('The server could not be reached. Check the connection and try again.');
  expect([...parts].sort()).toEqual(['floor', 'order_pad']);
  await context.close();
});
