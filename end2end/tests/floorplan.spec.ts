// The manager's floor-plan editor, with real pointer input (mouse and touch), saved in one
// change over the plan's version; the waiter's phone follows without a reload.
import { test, expect, Page, Locator, Browser } from '@playwright/test';
import { api, signIn, speaks, submitLogin, token, unique, VENUE, BURGER } from './helpers';

/// Tables of one test in an area of their own, placed where the test says.
async function room(request: Parameters<typeof token>[0], manager: string, tables: { name: string; x: number; y: number }[]) {
  const area = `Plan ${unique()}`;
  const made: Record<string, string> = {};
  for (const t of tables) {
    const res = await api(request, manager, 'POST', '/tables', {
      name: t.name, seats: 4, area,
      position_json: { x: t.x, y: t.y, width: 90, height: 90, shape: 'square' },
    });
    expect(res.status).toBe(201);
    made[t.name] = res.body.id;
  }
  return { area, ids: made };
}

async function editor(browser: Browser, area: string, viewport = { width: 1440, height: 900 }, hasTouch = false) {
  const context = await browser.newContext({ viewport, hasTouch });
  const page = await context.newPage();
  page.on('pageerror', (err) => { throw err; });
  await speaks(page.request, 'manager@beerflow.demo', 'en');
  await submitLogin(page, 'manager@beerflow.demo');
  await expect(page).toHaveURL(/\/manager$/);
  await page.getByRole('link', { name: 'Floor plan' }).click();
  await expect(page).toHaveURL(/\/manager\/floor$/);
  await expect(page.locator('.connection.online')).toBeVisible();
  await page.getByRole('button', { name: area, exact: true }).click();
  return { context, page };
}

const tableOn = (page: Page, name: string) => page.locator(`[data-table="${name}"]`);
const topOf = (page: Page, name: string) => tableOn(page, name).locator('.plan-top');
const numberAttr = async (l: Locator, attr: string) => Number(await l.getAttribute(attr));

/// Drags from the middle of `target` by (dx, dy) screen pixels with the mouse.
async function drag(page: Page, target: Locator, dx: number, dy: number) {
  const box = (await target.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 4 });
  await page.mouse.move(x + dx, y + dy, { steps: 4 });
  await page.mouse.up();
}

/// The same with a finger (touch events through the browser's input layer).
async function touchDrag(page: Page, target: Locator, dx: number, dy: number) {
  const box = (await target.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: string, px: number, py: number) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: px, y: py }] });
  await touch('touchStart', x, y);
  for (let i = 1; i <= 5; i++) await touch('touchMove', x + (dx * i) / 5, y + (dy * i) / 5);
  await touch('touchEnd', x + dx, y + dy);
}

/// Centimetres on the plan per screen pixel.
async function cmPerPixel(page: Page) {
  const svg = page.locator('svg.plan');
  const width = Number((await svg.getAttribute('viewBox'))!.split(' ')[2]);
  return width / (await svg.boundingBox())!.width;
}

test('a manager moves, resizes, adds and deletes tables, undoes, saves; the waiter\'s phone follows without a reload', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const [a, b, c] = [`A${unique()}`, `B${unique()}`, `C${unique()}`];
  const { area, ids } = await room(request, manager, [{ name: a, x: 100, y: 100 }, { name: b, x: 400, y: 100 }, { name: c, x: 700, y: 100 }]);

  // The waiter's phone, open the whole time.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const waiter = await phone.newPage();
  await signIn(waiter, 'waiter1@beerflow.demo', /\/waiter$/);
  await waiter.getByRole('button', { name: 'Plan', exact: true }).click();
  await waiter.getByRole('button', { name: area, exact: true }).click();
  await expect(topOf(waiter, a)).toHaveAttribute('x', '100');
  await expect(waiter.getByRole('link', { name: new RegExp(`^${c}\\b`) })).toBeVisible();

  const { context, page } = await editor(browser, area);
  const scale = await cmPerPixel(page);
  expect(await numberAttr(topOf(page, a), 'x')).toBe(100);

  // Drag A: it follows the pointer on the grid; nothing is saved yet.
  await drag(page, tableOn(page, a), 150, 75);
  const movedX = await numberAttr(topOf(page, a), 'x');
  expect(movedX).toBeGreaterThan(100 + 150 * scale - 20);
  expect(movedX % 10).toBe(0);
  await expect(page.locator('.plan-state')).toHaveText('Unsaved changes');
  // The arrow keys nudge the selected table by 10 cm.
  await page.keyboard.press('ArrowRight');
  await expect(topOf(page, a)).toHaveAttribute('x', String(movedX + 10));
  // Undo twice: back where it was; redo: moved again.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(topOf(page, a)).toHaveAttribute('x', '100');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(topOf(page, a)).toHaveAttribute('x', String(movedX));

  // Resize B from its south-east corner.
  await tableOn(page, b).click();
  await drag(page, page.locator('[data-handle="se"]'), 60, 30);
  const bWidth = await numberAttr(topOf(page, b), 'width');
  expect(bWidth).toBeGreaterThan(90);

  // Add a table and name it; delete C.
  await page.getByRole('button', { name: 'Add table' }).click();
  const fresh = `N${unique()}`;
  // A name another table has is refused next to the field (the venue's rule is the name as
  // written: another case is another name).
  await page.getByLabel('Name').fill(b);
  await page.getByLabel('Name').press('Tab');
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error').first()).toHaveText(`Another table is already called ${b}.`);
  await page.getByLabel('Name').fill(b.toLowerCase());
  await page.getByLabel('Name').press('Tab');
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'false');
  await page.getByLabel('Name').fill(fresh);
  await page.getByLabel('Name').press('Tab');
  await expect(tableOn(page, fresh)).toBeVisible();
  await tableOn(page, c).click();
  await page.getByRole('button', { name: 'Delete table' }).click();
  await expect(tableOn(page, c)).toHaveCount(0);

  await page.getByRole('button', { name: 'Save floor plan' }).click();
  await expect(page.locator('.plan-state')).toHaveText('Floor plan saved.');
  await expect(page.getByRole('button', { name: 'Save floor plan' })).toBeDisabled();

  // Read back over the API: what the editor shows is what was saved.
  const layout = await request.get(`/api/v1/venues/${VENUE}/tables/layout`, { headers: { Authorization: `Bearer ${manager}` } });
  const tables: { id: string; name: string; position_json: { x: number; width: number } }[] = (await layout.json()).tables;
  const byName = (n: string) => tables.find((t) => t.name === n);
  expect(byName(a)!.position_json.x).toBe(movedX);
  expect(byName(b)!.position_json.width).toBe(bWidth);
  expect(byName(c)).toBeUndefined();
  expect(byName(fresh)).toBeDefined();
  expect(tables.find((t) => t.id === ids[c])).toBeUndefined();

  // The phone, never reloaded, shows the new positions, the added table and not the deleted one.
  await expect(topOf(waiter, a)).toHaveAttribute('x', String(movedX));
  await expect(topOf(waiter, b)).toHaveAttribute('width', String(bWidth));
  await expect(waiter.getByRole('link', { name: new RegExp(`^${fresh}\\b`) })).toBeVisible();
  await expect(waiter.getByRole('link', { name: new RegExp(`^${c}\\b`) })).toHaveCount(0);

  // The demo's main hall, a table selected, for the docs.
  await page.getByRole('button', { name: 'Sala', exact: true }).click();
  await tableOn(page, 'T5').click();
  await expect(page.getByLabel('Name')).toHaveValue('T5');
  await page.screenshot({ path: '../docs/screenshots/floor-editor-1440x900.png' });
  await context.close();
  await phone.close();
});

test('a second manager\'s save over a plan that changed is refused in words, and the editor reloads it', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const name = `S${unique()}`;
  const { area } = await room(request, manager, [{ name, x: 100, y: 100 }]);
  const first = await editor(browser, area);
  const second = await editor(browser, area);

  // The second manager saves first.
  await drag(second.page, tableOn(second.page, name), 200, 0);
  const theirs = await numberAttr(topOf(second.page, name), 'x');
  await second.page.getByRole('button', { name: 'Save floor plan' }).click();
  await expect(second.page.locator('.plan-state')).toHaveText('Floor plan saved.');

  // The first, editing the plan as it was, is told, and its save is refused.
  await expect(first.page.getByRole('alert').filter({ hasText: 'Another manager changed the floor plan' })).toBeVisible();
  await drag(first.page, tableOn(first.page, name), 0, 150);
  await first.page.getByRole('button', { name: 'Save floor plan' }).click();
  await expect(first.page.locator('.plan-state')).toHaveText(/Another manager changed the floor plan since it was loaded/);
  const layout = await request.get(`/api/v1/venues/${VENUE}/tables/layout`, { headers: { Authorization: `Bearer ${manager}` } });
  const saved = (await layout.json()).tables.find((t: { name: string }) => t.name === name);
  expect(saved.position_json.x).toBe(theirs);
  expect(saved.position_json.y).toBe(100);

  // Reloading shows the other manager's plan.
  await first.page.getByRole('button', { name: 'Reload the floor plan' }).click();
  await expect(topOf(first.page, name)).toHaveAttribute('x', String(theirs));
  await expect(first.page.getByRole('alert').filter({ hasText: 'Another manager' })).toHaveCount(0);
  await first.context.close();
  await second.context.close();
});

test('a table with an open order is not deleted; on a touch tablet a finger moves a table', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const waiter = await token(request, 'waiter1@beerflow.demo');
  const [busy, free] = [`O${unique()}`, `F${unique()}`];
  const { area, ids } = await room(request, manager, [{ name: busy, x: 100, y: 100 }, { name: free, x: 400, y: 300 }]);
  const order = await api(request, waiter, 'POST', '/orders', { table_id: ids[busy], items: [{ product_id: BURGER, quantity: 1 }] });
  expect(order.status).toBe(201);

  const { context, page } = await editor(browser, area, { width: 1024, height: 768 }, true);
  await tableOn(page, busy).click();
  await page.getByRole('button', { name: 'Delete table' }).click();
  await expect(page.locator('.plan-state')).toHaveText(new RegExp(`Table ${busy} has 1 open orders`));
  await expect(tableOn(page, busy)).toBeVisible();

  const before = await numberAttr(topOf(page, free), 'y');
  await touchDrag(page, tableOn(page, free), 0, -100);
  await expect.poll(async () => numberAttr(topOf(page, free), 'y')).toBeLessThan(before - 50);
  await expect(page.locator('.plan-state')).toHaveText('Unsaved changes');
  await page.getByRole('button', { name: 'Sala', exact: true }).click();
  await tableOn(page, 'T6').click();
  await expect(page.getByLabel('Name')).toHaveValue('T6');
  await page.screenshot({ path: '../docs/screenshots/floor-editor-1024x768.png' });
  await page.getByRole('button', { name: area, exact: true }).click();
  // Leaving with unsaved changes asks first; staying keeps them.
  page.once('dialog', (d) => d.dismiss());
  await page.getByRole('link', { name: 'Floor', exact: true }).click();
  await expect(page).toHaveURL(/\/manager\/floor$/);
  await expect(page.locator('.plan-state')).toHaveText('Unsaved changes');
  await context.close();
});

test('the waiter\'s plan shows the tables where they stand, follows a saved layout and their orders live, and a tap opens the pad', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const waiterToken = await token(request, 'waiter1@beerflow.demo');
  const name = `P${unique()}`;
  const { area, ids } = await room(request, manager, [{ name, x: 100, y: 100 }]);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await phone.newPage();
  await signIn(page, 'waiter1@beerflow.demo', /\/waiter$/);
  await page.getByRole('button', { name: 'Plan', exact: true }).click();
  await page.getByRole('button', { name: area, exact: true }).click();
  await expect(topOf(page, name)).toHaveAttribute('x', '100');

  // Another screen saves a layout: the phone redraws it without a reload.
  const moved = await api(request, manager, 'PATCH', '/tables/layout', {
    tables: [{ id: ids[name], position_json: { x: 500, y: 300, width: 90, height: 90, shape: 'square' } }],
  });
  expect(moved.status).toBe(200);
  await expect(topOf(page, name)).toHaveAttribute('x', '500');
  // A table made without a position is drawn where it overlaps nothing, not left out.
  const loose = await api(request, manager, 'POST', '/tables', { name: `L${unique()}`, seats: 2, area });
  expect(loose.status).toBe(201);
  await expect(tableOn(page, loose.body.name)).toBeVisible();

  // Its order turns it occupied, and a badge says when it is ready.
  const order = await api(request, waiterToken, 'POST', '/orders', { table_id: ids[name], items: [{ product_id: BURGER, quantity: 1 }] });
  expect(order.status).toBe(201);
  await expect(tableOn(page, name)).toHaveAttribute('data-status', 'occupied');
  const chef = await token(request, 'chef@beerflow.demo');
  for (const [who, status] of [[waiterToken, 'confirmed'], [chef, 'preparing'], [chef, 'ready']]) {
    expect((await api(request, who, 'PATCH', `/orders/${order.body.id}/status`, { status })).status).toBe(200);
  }
  await expect(tableOn(page, name).locator('.plan-ready')).toBeVisible();
  await expect(page.getByRole('link', { name: new RegExp(`^${name}, 4 seats, occupied, 1 open, Ready to serve`) })).toBeVisible();

  // Zoom, then a tap opens the table's pad.
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page.locator('svg.plan.waiter')).toHaveAttribute('style', /width: 150%/);
  await tableOn(page, name).click({ timeout: 5000 });
  await expect(page.getByRole('heading', { name: `Table ${name}` })).toBeVisible();

  // The phone remembers the plan and the area; the list is one tap away.
  await page.goto('/waiter');
  await expect(topOf(page, name)).toHaveAttribute('x', '500');
  await page.getByRole('button', { name: 'Sala', exact: true }).click();
  await expect(tableOn(page, 'T1')).toBeVisible();
  await page.locator('svg.plan.waiter').scrollIntoViewIfNeeded();
  await page.screenshot({ path: '../docs/screenshots/waiter-plan-390x844.png' });
  await page.getByRole('button', { name: 'List', exact: true }).click();
  await expect(page.locator('.table-tile').first()).toBeVisible();
  await expect(page.locator('svg.plan')).toHaveCount(0);
  await phone.close();
});

test('a manager turns a table with the buttons and its handle, duplicates one, resizes one with a finger, and saves', async ({ browser, request }) => {
  const manager = await token(request, 'manager@beerflow.demo');
  const [d, e] = [`D${unique()}`, `E${unique()}`];
  const { area, ids } = await room(request, manager, [{ name: d, x: 200, y: 300 }, { name: e, x: 700, y: 300 }]);
  const { context, page } = await editor(browser, area, { width: 1024, height: 768 }, true);
  const turn = async (name: string) => {
    const transform = await tableOn(page, name).locator('g[transform^="rotate("]').getAttribute('transform');
    return Number(transform!.slice('rotate('.length).split(' ')[0]);
  };

  // The buttons turn the selected table by 15 degrees.
  await tableOn(page, d).click();
  await page.getByRole('button', { name: '⟳ 15°' }).click();
  await expect.poll(() => turn(d)).toBe(15);
  // The round handle turns it to where the pointer is: from above the table to its right side.
  const handle = (await page.locator('[data-handle="rotate"]').boundingBox())!;
  const body = (await tableOn(page, d).locator('.plan-top').boundingBox())!;
  const [cx, cy] = [body.x + body.width / 2, body.y + body.height / 2];
  const [hx, hy] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
  const radius = Math.hypot(hx - cx, hy - cy);
  await drag(page, page.locator('[data-handle="rotate"]'), cx + radius - hx, cy - hy);
  await expect.poll(() => turn(d)).toBeGreaterThan(60);
  const turned = await turn(d);
  expect(turned).toBeLessThan(120);

  // Duplicate: a new table with the next free name, the same seats and shape, where it overlaps nothing.
  const before = await page.locator('[data-table]').count();
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await expect(page.locator('[data-table]')).toHaveCount(before + 1);
  const copy = await page.getByLabel('Name').inputValue();
  expect(copy).not.toBe(d);
  await expect(tableOn(page, copy)).toBeVisible();
  await expect(page.locator('.plan-overlap')).toHaveCount(0);

  // A finger resizes E from its south-east corner.
  await tableOn(page, e).tap();
  await expect(page.getByLabel('Name')).toHaveValue(e);
  await touchDrag(page, page.locator('[data-handle="se"]'), 40, 30);
  await expect.poll(async () => numberAttr(topOf(page, e), 'width')).toBeGreaterThan(90);
  const width = await numberAttr(topOf(page, e), 'width');

  await page.getByRole('button', { name: 'Save floor plan' }).click();
  await expect(page.locator('.plan-state')).toHaveText('Floor plan saved.');
  const layout = await request.get(`/api/v1/venues/${VENUE}/tables/layout`, { headers: { Authorization: `Bearer ${manager}` } });
  type Saved = { id: string; name: string; seats: number; area: string; position_json: { rotation?: number; width: number; shape: string } };
  const tables: Saved[] = (await layout.json()).tables;
  const byName = (n: string) => tables.find((t) => t.name === n)!;
  expect(byName(d).id).toBe(ids[d]);
  expect(byName(d).position_json.rotation).toBe(turned);
  expect(byName(copy)).toMatchObject({ seats: 4, area, position_json: { shape: 'square', rotation: turned } });
  expect(byName(e).position_json.width).toBe(width);
  await context.close();
});

test('a table dragged past the plan\'s edge stops at it, and one dragged onto another is flagged', async ({ browser, request }) => {
  const [edge, other] = [`E${unique()}`, `W${unique()}`];
  const manager = await token(request, 'manager@beerflow.demo');
  const { area } = await room(request, manager, [{ name: edge, x: 900, y: 100 }, { name: other, x: 300, y: 400 }]);
  const { context, page } = await editor(browser, area);
  const svg = page.locator('svg.plan');
  const planWidth = async () => Number((await svg.getAttribute('viewBox'))!.split(' ')[2]);
  const before = await planWidth();
  expect(before).toBe(1200);

  // Far past the right edge, in many small moves: the drawing keeps its scale under the
  // pointer and the table stops at the edge.
  const box = (await tableOn(page, edge).boundingBox())!;
  const plan = (await svg.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(Math.min(plan.x + plan.width + 150, 1435), y, { steps: 30 });
  await expect(svg).toHaveAttribute('viewBox', `0 0 ${before} 800`);
  await expect(topOf(page, edge)).toHaveAttribute('x', String(before - 90));
  await page.mouse.up();
  // Let go at the edge, the plan grows by one margin so the room can grow on purpose.
  await expect.poll(planWidth).toBe(before + 100);
  await expect(topOf(page, edge)).toHaveAttribute('x', String(before - 90));

  // Past the left and top edges: at the corner.
  const grabbed = (await tableOn(page, edge).boundingBox())!;
  await page.mouse.move(grabbed.x + grabbed.width / 2, grabbed.y + grabbed.height / 2);
  await page.mouse.down();
  await page.mouse.move(plan.x + 2, plan.y + 2, { steps: 10 });
  await page.mouse.up();
  await expect(topOf(page, edge)).toHaveAttribute('x', '0');
  await expect(topOf(page, edge)).toHaveAttribute('y', '0');

  // Onto the other table: allowed, and the moved table's panel names the one it overlaps.
  await expect(page.locator('.plan-overlap')).toHaveCount(0);
  const target = (await tableOn(page, other).boundingBox())!;
  const from = (await tableOn(page, edge).boundingBox())!;
  await drag(page, tableOn(page, edge), target.x - from.x + 20, target.y - from.y + 20);
  await expect(page.getByLabel('Name')).toHaveValue(edge);
  await expect(page.locator('.plan-overlap')).toHaveText(`Overlaps ${other}: allowed, but check the room.`);
  // Both are drawn flagged; selected, the other table says the same of the moved one.
  await expect(tableOn(page, edge)).toHaveClass(/\boverlap\b/);
  await expect(tableOn(page, other)).toHaveClass(/\boverlap\b/);
  await topOf(page, other).click({ position: { x: 3, y: 3 } });
  await expect(page.getByLabel('Name')).toHaveValue(other);
  await expect(page.locator('.plan-overlap')).toHaveText(`Overlaps ${edge}: allowed, but check the room.`);
  // Undo takes it off again.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.plan-overlap')).toHaveCount(0);
  await expect(tableOn(page, other)).not.toHaveClass(/\boverlap\b/);
  await expect(topOf(page, edge)).toHaveAttribute('x', '0');

  // The side panel: seats (a bad count said next to the field), shape and area.
  await tableOn(page, other).click();
  await expect(page.getByLabel('Name')).toHaveValue(other);
  await page.getByLabel('Seats', { exact: true }).fill('0');
  await page.getByLabel('Seats', { exact: true }).press('Tab');
  await expect(page.getByLabel('Seats', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error').filter({ hasText: 'Seats must be between 1 and 100.' })).toBeVisible();
  await page.getByLabel('Seats', { exact: true }).fill('6');
  await page.getByLabel('Seats', { exact: true }).press('Tab');
  await expect(page.getByLabel('Seats', { exact: true })).toHaveAttribute('aria-invalid', 'false');
  await page.getByLabel('Shape', { exact: true }).selectOption({ label: 'Round' });
  await expect(tableOn(page, other).locator('ellipse.plan-top')).toBeVisible();
  const terrace = `${area} Terrace`;
  await page.getByLabel('Area', { exact: true }).fill(terrace);
  await page.getByLabel('Area', { exact: true }).press('Tab');
  await expect(page.getByRole('button', { name: terrace, exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(tableOn(page, other)).toBeVisible();
  await page.getByRole('button', { name: 'Save floor plan' }).click();
  await expect(page.locator('.plan-state')).toHaveText('Floor plan saved.');
  const layout = await request.get(`/api/v1/venues/${VENUE}/tables/layout`, { headers: { Authorization: `Bearer ${manager}` } });
  type Saved = { name: string; seats: number; area: string; position_json: { x: number; y: number; shape: string } };
  const tables: Saved[] = (await layout.json()).tables;
  expect(tables.find((t) => t.name === other)).toMatchObject({ seats: 6, area: terrace, position_json: { shape: 'round' } });
  expect(tables.find((t) => t.name === edge)).toMatchObject({ area, position_json: { x: 0, y: 0 } });
  await context.close();
});
