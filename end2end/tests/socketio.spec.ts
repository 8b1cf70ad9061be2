// Socket.IO compatibility (spec/REALTIME.md), driven by the reference client library
// (socket.io-client) against the real server: path /socket.io/, namespace /orders, token in the
// handshake's auth, the same events and data as the plain WebSocket with seq and ts in data.
import { test, expect, APIRequestContext } from '@playwright/test';
import { io, Socket } from 'socket.io-client';

const PASSWORD = 'admin123!';

type Login = { token: string; venueId: string; userId: string; role: string };

async function login(request: APIRequestContext, email: string): Promise<Login> {
  const res = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  return { token: body.access_token, venueId: body.user.venue_id, userId: body.user.id, role: body.user.role };
}

/// A client that records every event it receives, in order, and can wait for the next ones.
class Client {
  readonly socket: Socket;
  readonly received: { event: string; data: any }[] = [];
  private cursor = 0;

  constructor(baseURL: string, token: string | undefined, transports: string[]) {
    this.socket = io(`${baseURL}/orders`, {
      path: '/socket.io/',
      auth: token === undefined ? {} : { token },
      transports,
      reconnection: false,
      forceNew: true,
    });
    this.socket.onAny((event, data) => this.received.push({ event, data }));
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (e) => reject(e));
    });
  }

  /// The next event not yet taken, waiting for it if need be.
  async next(timeoutMs = 5000): Promise<{ event: string; data: any }> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length <= this.cursor) {
      if (Date.now() > deadline) throw new Error(`no event within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.received[this.cursor++];
  }

  async expectNext(event: string): Promise<any> {
    const e = await this.next();
    expect(e.event, JSON.stringify(e)).toBe(event);
    return e.data;
  }

  close() {
    this.socket.close();
  }
}

async function createOrder(request: APIRequestContext, login: Login, tableId: string | null) {
  const res = await request.post(`/api/v1/venues/${login.venueId}/orders`, {
    headers: { Authorization: `Bearer ${login.token}` },
    data: { table_id: tableId, covers: 2, items: [] },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

for (const transports of [['websocket'], ['polling', 'websocket']]) {
  test.describe(`Socket.IO over ${transports.join(' then ')}`, () => {
    test('refuses a handshake without a valid token', async ({ baseURL }) => {
      for (const token of [undefined, 'not-a-token']) {
        const client = new Client(baseURL!, token, transports);
        const error = await client.connected().then(() => null, (e) => e as Error);
        client.close();
        expect(error, `token ${token}`).not.toBeNull();
        expect(error!.message).toContain('unauthorized');
      }
    });

    test('joins the venue and receives its events with seq and ts in data', async ({ baseURL, request }) => {
      const waiter = await login(request, 'waiter1@beerflow.demo');
      const client = new Client(baseURL!, waiter.token, transports);
      await client.connected();
      client.socket.emit('join_venue', { venue_id: waiter.venueId });
      const joined = await client.expectNext('joined_venue');
      expect(joined).toMatchObject({ venue_id: waiter.venueId, user_id: waiter.userId, role: 'waiter' });
      expect(typeof joined.seq).toBe('number');

      const order = await createOrder(request, waiter, null);
      const created = await client.expectNext('new_order');
      expect(created).toMatchObject({
        order_id: order.id, order_number: order.order_number, table_id: null, status: 'draft',
        item_count: 0, covers: 2, created_by: waiter.userId, seq: joined.seq + 1,
      });
      expect(Number.isNaN(Date.parse(created.ts))).toBe(false);

      // Answers keep the connection: ping, an unknown event, another venue, bad data.
      client.socket.emit('ping', {});
      expect(await client.expectNext('pong')).toEqual({});
      client.socket.emit('make_coffee', {});
      expect((await client.expectNext('error')).code).toBe('unknown_event');
      client.socket.emit('join_venue', { venue_id: '00000000-0000-0000-0000-00000000beef' });
      expect((await client.expectNext('error')).code).toBe('forbidden');
      client.socket.emit('join_venue', { venue: 'nope' });
      expect((await client.expectNext('error')).code).toBe('bad_request');
      expect(client.socket.connected).toBe(true);

      // The failed joins did not leave the venue: events still arrive, in order.
      const next = await createOrder(request, waiter, null);
      const again = await client.expectNext('new_order');
      expect(again.order_id).toBe(next.id);
      expect(again.seq).toBe(created.seq + 1);

      client.socket.emit('leave_venue', { venue_id: waiter.venueId });
      expect(await client.expectNext('left_venue')).toEqual({ venue_id: waiter.venueId });
      await createOrder(request, waiter, null);
      client.socket.emit('ping', {});
      // Nothing of the venue arrives after leaving: the next thing is the pong.
      await client.expectNext('pong');
      client.close();
    });

    test('a client that reconnects with last_seq gets what it missed, in order, then live events', async ({ baseURL, request }) => {
      const manager = await login(request, 'manager@beerflow.demo');
      const first = new Client(baseURL!, manager.token, transports);
      await first.connected();
      first.socket.emit('join_venue', { venue_id: manager.venueId });
      const lastSeq = (await first.expectNext('joined_venue')).seq;
      first.close();

      // Missed while away: a new table (table_created), an order on it (new_order, then the
      // table turns occupied), then the order is cancelled (the table turns free again).
      const table = await request.post(`/api/v1/venues/${manager.venueId}/tables`, {
        headers: { Authorization: `Bearer ${manager.token}` },
        data: { name: `SIO ${transports.join('+')} ${Date.now()}`, seats: 4 },
      });
      expect(table.status()).toBe(201);
      const tableId = (await table.json()).id;
      const order = await createOrder(request, manager, tableId);
      const cancel = await request.patch(`/api/v1/venues/${manager.venueId}/orders/${order.id}/status`, {
        headers: { Authorization: `Bearer ${manager.token}` },
        data: { status: 'cancelled', reason: 'test' },
      });
      expect(cancel.status()).toBe(200);

      const second = new Client(baseURL!, manager.token, transports);
      await second.connected();
      second.socket.emit('join_venue', { venue_id: manager.venueId, last_seq: lastSeq });
      const joined = await second.expectNext('joined_venue');
      const replayed = [];
      for (let seq = lastSeq + 1; seq <= joined.seq; seq++) {
        const e = await second.next();
        expect(e.data.seq).toBe(seq);
        replayed.push(e);
      }
      expect(replayed.map((e) => e.event)).toEqual(
        ['table_created', 'new_order', 'table_status_changed', 'order_status_changed', 'table_status_changed']);
      expect(replayed[0].data).toMatchObject({ table_id: tableId, seats: 4 });
      expect(replayed[1].data.order_id).toBe(order.id);
      expect(replayed[2].data).toMatchObject({ table_id: tableId, from_status: 'free', status: 'occupied' });
      expect(replayed[3].data).toMatchObject({ order_id: order.id, from_status: 'draft', status: 'cancelled' });
      expect(replayed[4].data).toMatchObject({ table_id: tableId, from_status: 'occupied', status: 'free' });

      const live = await createOrder(request, manager, null);
      const e = await second.expectNext('new_order');
      expect(e).toMatchObject({ order_id: live.id, seq: joined.seq + 1 });

      // Too old a last_seq is not guessed at: the client is told to reload.
      second.socket.emit('join_venue', { venue_id: manager.venueId, last_seq: joined.seq + 1000 });
      await second.expectNext('joined_venue');
      expect(await second.expectNext('resync_required')).toMatchObject({ venue_id: manager.venueId });
      second.close();
    });
  });
}

/// A sample's value in `/metrics` (0 when it is not there).
async function metric(request: APIRequestContext, sample: string): Promise<number> {
  const text = await (await request.get('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

test('the health check and the metrics count Socket.IO clients', async ({ baseURL, request }) => {
  const chef = await login(request, 'chef@beerflow.demo');
  const client = new Client(baseURL!, chef.token, ['websocket']);
  await client.connected();
  client.socket.emit('join_venue', { venue_id: chef.venueId });
  await client.expectNext('joined_venue');
  const health = await (await request.get('/health')).json();
  expect(health.details.websocket.total_connections).toBeGreaterThanOrEqual(1);
  expect(health.details.websocket.joined_clients).toBeGreaterThanOrEqual(1);
  const socketio = 'beerflow_realtime_connections{transport="socketio"}';
  await expect.poll(() => metric(request, socketio)).toBe(1);
  client.close();
  await expect.poll(async () => (await (await request.get('/health')).json()).details.websocket.total_connections)
    .toBe(0);
  expect(await metric(request, socketio)).toBe(0);
});
