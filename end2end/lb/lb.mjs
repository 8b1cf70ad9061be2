// The load-balanced deployment, tested for real (issue 18): nginx from Debian with
// deploy/nginx.conf in front of two BeerFlow instances on one PostgreSQL database.
//
// Through nginx: sign-in, whole order flows, the kitchen display, a plain WebSocket client and a
// Socket.IO client (polling, then upgraded) joined to the venue: each receives every event, in
// order, whichever instance handled the write. Then the instance holding both clients is killed
// (`kill -9`) in the middle of a stream of orders: the clients reconnect through nginx to the
// other instance with `last_seq` and have lost nothing and received nothing twice; every request
// succeeds after at most one retry (with its Idempotency-Key, so a retried write is not done
// twice). The killed instance is started again and takes requests again.
//
//   BEERFLOW_BIN=target/debug/beerflow BEERFLOW_LB_DATABASE_URL=postgres://... node end2end/lb/lb.mjs
// (scripts/test-lb.sh does it on a fresh database). Exits non-zero on the first broken promise.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync, rmSync, chmodSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { io } from 'socket.io-client';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.BEERFLOW_BIN;
const DB = process.env.BEERFLOW_LB_DATABASE_URL;
const VENUE = '00000000-0000-0000-0000-000000000001';
const BURGER = '00000000-0000-0000-0000-000000000400';
const PASSWORD = 'admin123!';
if (!BIN || !DB) throw new Error('set BEERFLOW_BIN and BEERFLOW_LB_DATABASE_URL');

const work = mkdtempSync(join(tmpdir(), 'beerflow-lb-'));
chmodSync(work, 0o755);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...args) => console.log('lb:', ...args);

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Waits until `check` resolves truthy, or fails naming `what` after `ms`.
async function until(what, check, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    let last;
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(50);
  }
}

/// One BeerFlow instance on a fixed port (so that nginx's upstream stays right across a restart).
class Instance {
  constructor(name, port) {
    this.name = name;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.starts = 0;
  }

  async start({ demo = false } = {}) {
    this.starts += 1;
    const logFile = join(work, `${this.name}-${this.starts}.log`);
    const out = openSync(logFile, 'w');
    const args = ['serve', '--addr', `127.0.0.1:${this.port}`, '--database-url', DB,
      '--alert-scan-secs', '0', '--trusted-proxies', '127.0.0.1'];
    if (demo) args.push('--demo');
    this.process = spawn(BIN, args, { stdio: ['ignore', out, out] });
    this.logFile = logFile;
    await until(`${this.name} to be ready`, async () => (await fetch(`${this.url}/health/ready`)).ok, 60_000);
    log(`${this.name} ready on ${this.url} (pid ${this.process.pid})`);
  }

  kill9() {
    this.process.kill('SIGKILL');
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGTERM');
    await exited;
  }

  /// A sample of this instance's own `/metrics` (not through nginx, which does not serve it).
  async metric(sample) {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
    return line ? Number(line.slice(sample.length + 1)) : 0;
  }
}

/// nginx with deploy/nginx.conf, its upstreams pointed at `instances`.
async function startNginx(instances, port) {
  const prefix = join(work, 'nginx');
  mkdirSync(join(prefix, 'cache'), { recursive: true });
  chmodSync(prefix, 0o755);
  chmodSync(join(prefix, 'cache'), 0o777);
  let conf = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  conf = conf.replace(/server beerflow1:3000/g, `server 127.0.0.1:${instances[0].port}`);
  conf = conf.replace(/server beerflow2:3000/g, `server 127.0.0.1:${instances[1].port}`);
  conf = conf.replace(/listen 80;\s*# listen/, `listen 127.0.0.1:${port};`);
  assert.ok(conf.includes(`127.0.0.1:${port}`) && conf.includes(`127.0.0.1:${instances[1].port}`), 'the config was rewritten');
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  copyFileSync('/etc/nginx/mime.types', join(prefix, 'mime.types'));
  const args = ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'];
  execFileSync('nginx', [...args, '-t'], { stdio: 'inherit' });
  const out = openSync(join(work, 'nginx.log'), 'w');
  const child = spawn('nginx', [...args, '-g', 'daemon off;'], { stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}`;
  await until('nginx to answer', async () => (await fetch(`${url}/health/live`)).ok);
  log(`nginx on ${url} (pid ${child.pid})`);
  return { url, process: child };
}

let retries = 0;

/// A REST call through nginx; a failure to get an answer (the instance died under it) is
/// retried once, with the same Idempotency-Key for a write.
async function call(base, method, path, token, body, key) {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  if (key) headers['Idempotency-Key'] = key;
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      res = { ok: false, status: `network error ${e.message}` };
    }
    if (res.ok) return res.status === 204 ? null : res.json();
    const retryable = typeof res.status !== 'number' || [502, 503, 504].includes(res.status);
    if (!retryable || attempt >= 1) {
      const text = typeof res.text === 'function' ? await res.text() : '';
      throw new Error(`${method} ${path}: ${res.status} after ${attempt} retries ${text}`);
    }
    retries += 1;
    log(`retrying ${method} ${path} after ${res.status}`);
  }
}

async function signIn(base, who) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `${who}@beerflow.demo`, password: PASSWORD }),
  });
  assert.equal(res.status, 200, `sign-in of ${who}`);
  return (await res.json()).access_token;
}

/// A plain WebSocket client that joins the venue, records every event's seq, and after a drop
/// connects again (through nginx) and joins with the last seq it saw.
class WsClient {
  constructor(base, token) {
    this.url = `${base.replace('http', 'ws')}/api/v1/ws?token=${token}`;
    this.seqs = [];
    this.reconnects = -1;
    this.stopped = false;
    this.joined = false;
    this.connect();
  }

  connect() {
    this.reconnects += 1;
    this.joined = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('open', () => {
      const last = this.seqs.length ? this.seqs[this.seqs.length - 1] : this.startSeq;
      ws.send(JSON.stringify({ event: 'join_venue', data: { venue_id: VENUE, last_seq: last ?? null } }));
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString());
      if (frame.event === 'joined_venue') {
        if (this.startSeq === undefined) this.startSeq = frame.data.seq;
        this.joined = true;
      } else if (typeof frame.seq === 'number') {
        this.seqs.push(frame.seq);
      }
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (!this.stopped) setTimeout(() => this.connect(), 200);
    });
  }

  close() {
    this.stopped = true;
    this.ws.close();
  }
}

/// A Socket.IO client (long polling first, then upgraded to a WebSocket) doing the same.
class SioClient {
  constructor(base, token) {
    this.seqs = [];
    this.connects = 0;
    this.joined = false;
    this.socket = io(`${base}/orders`, {
      path: '/socket.io/', auth: { token }, transports: ['polling', 'websocket'],
      reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 500, forceNew: true,
    });
    // The transport the engine opened with (before any upgrade).
    this.socket.io.on('open', () => { this.firstTransport ??= this.socket.io.engine.transport.name; });
    this.socket.on('connect', () => {
      this.connects += 1;
      this.joined = false;
      const last = this.seqs.length ? this.seqs[this.seqs.length - 1] : this.startSeq;
      this.socket.emit('join_venue', { venue_id: VENUE, last_seq: last ?? null });
    });
    this.socket.onAny((event, data) => {
      if (event === 'joined_venue') {
        if (this.startSeq === undefined) this.startSeq = data.seq;
        this.joined = true;
      } else if (data && typeof data.seq === 'number') {
        this.seqs.push(data.seq);
      }
    });
  }

  close() {
    this.socket.close();
  }
}

/// The venue's latest event number, as a fresh client joining through nginx is told.
async function latestSeq(base, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws?token=${token}`);
    ws.on('open', () => ws.send(JSON.stringify({ event: 'join_venue', data: { venue_id: VENUE } })));
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString());
      if (frame.event === 'joined_venue') {
        ws.close();
        resolve(frame.data.seq);
      }
    });
    ws.on('error', reject);
  });
}

/// Every event from the client's join to `latest`, each once, in order.
function assertWhole(name, client, latest) {
  const want = [];
  for (let s = client.startSeq + 1; s <= latest; s++) want.push(s);
  const got = client.seqs.filter((s) => s <= latest);
  assert.deepEqual(got, want, `${name}: events ${client.startSeq + 1}..${latest} each once and in order`);
}

async function orderFlow(base, t, key) {
  const path = `/api/v1/venues/${VENUE}/orders`;
  const order = await call(base, 'POST', path, t.waiter, { items: [{ product_id: BURGER, quantity: 1 }] }, key);
  const move = (who, status) => call(base, 'PATCH', `${path}/${order.id}/status`, who, { status });
  await move(t.waiter, 'confirmed');
  await move(t.chef, 'preparing');
  const kds = await call(base, 'GET', `${path}/kitchen-display`, t.chef);
  assert.ok(kds.some((k) => (k.order?.id ?? k.id) === order.id), 'the kitchen display lists the order being cooked');
  await move(t.chef, 'ready');
  await move(t.waiter, 'served');
  await move(t.waiter, 'completed');
  return order;
}

const instances = [];
const clients = [];
let nginx;
try {
  const [pa, pb, pl] = [await freePort(), await freePort(), await freePort()];
  const a = new Instance('a', pa);
  const b = new Instance('b', pb);
  instances.push(a, b);
  await a.start({ demo: true });
  await b.start();
  nginx = await startNginx(instances, pl);
  const lb = nginx.url;

  // Pages and the bundle come through nginx too; the bundle's versioned files are cached there.
  const login = await fetch(`${lb}/login`);
  assert.equal(login.status, 200);
  const html = await login.text();
  const bundle = html.match(/\/pkg\/[0-9a-f]{16}\/beerflow\.js/);
  assert.ok(bundle, 'the login page names the versioned bundle');
  const first = await fetch(`${lb}${bundle[0]}`);
  assert.equal(first.status, 200);
  await first.arrayBuffer();
  // Kept once nginx has the whole response; from then on served from its cache.
  await until('nginx to serve the immutable bundle from its cache', async () => {
    const again = await fetch(`${lb}${bundle[0]}`);
    await again.arrayBuffer();
    return again.headers.get('x-cache') === 'HIT';
  });
  assert.equal((await fetch(`${lb}/metrics`)).status, 404, 'nginx does not expose /metrics');

  const t = { waiter: await signIn(lb, 'waiter1'), chef: await signIn(lb, 'chef'), manager: await signIn(lb, 'manager') };
  const ws = new WsClient(lb, t.chef);
  const sio = new SioClient(lb, t.waiter);
  clients.push(ws, sio);
  await until('both clients to join', () => ws.joined && sio.joined);
  await until('Socket.IO to upgrade from polling to a WebSocket', () => sio.socket.io.engine?.transport?.name === 'websocket');
  assert.equal(sio.firstTransport, 'polling', 'Socket.IO started with long polling');

  // Whole order flows through nginx: writes land on both instances, both clients get everything.
  for (let i = 0; i < 6; i++) await orderFlow(lb, t, `flow-${i}-${Date.now()}`);
  const created = 'beerflow_operations_total{operation="order_creation",outcome="success"}';
  const [onA, onB] = [await a.metric(created), await b.metric(created)];
  log(`orders created by a: ${onA}, by b: ${onB}`);
  assert.ok(onA > 0 && onB > 0, 'nginx spread the writes over both instances');
  let latest = await latestSeq(lb, t.chef);
  await until('both clients to have every event', () => ws.seqs.at(-1) >= latest && sio.seqs.at(-1) >= latest);
  assertWhole('websocket', ws, latest);
  assertWhole('socket.io', sio, latest);
  log(`both clients got events ${ws.startSeq + 1}..${latest}`);

  // The victim: the instance holding the Socket.IO session; the WebSocket client is moved there
  // too (nginx deals plain WebSockets round robin), so that both lose their connection.
  const sioOn = async (inst) => inst.metric('beerflow_realtime_connections{transport="socketio"}');
  const victim = (await sioOn(a)) === 1 ? a : b;
  const survivor = victim === a ? b : a;
  assert.equal(await sioOn(victim), 1);
  const wsOn = (inst) => inst.metric('beerflow_realtime_connections{transport="websocket"}');
  const wsWhere = async () => {
    // Once the old connection is gone from the counts, where the client's one connection is.
    await until('one WebSocket connection in all', async () => (await wsOn(a)) + (await wsOn(b)) === 1);
    return (await wsOn(victim)) === 1;
  };
  for (let i = 0; i < 8 && !(await wsWhere()); i++) {
    const before = ws.reconnects;
    ws.ws.terminate();
    await until('the WebSocket client to join again', () => ws.reconnects > before && ws.joined);
  }
  assert.equal(await wsOn(victim), 1, 'the WebSocket client is on the instance to be killed');
  const [wsBefore, sioBefore] = [ws.reconnects, sio.connects];

  // A stream of orders; the victim is killed in the middle of it.
  const keys = [];
  const stream = (async () => {
    for (let i = 0; i < 40; i++) {
      const key = `stream-${i}-${Date.now()}`;
      keys.push(key);
      await call(lb, 'POST', `/api/v1/venues/${VENUE}/orders`, t.waiter, { items: [{ product_id: BURGER, quantity: 1 }] }, key);
      await sleep(25);
    }
  })();
  await until('the stream to be under way', () => keys.length >= 12);
  victim.kill9();
  log(`killed ${victim.name} (kill -9) after ${keys.length} orders of the stream`);
  await stream;
  latest = await latestSeq(lb, t.chef);
  await until('both clients to catch up after the kill', () => ws.seqs.at(-1) >= latest && sio.seqs.at(-1) >= latest, 30_000);
  assertWhole('websocket', ws, latest);
  assertWhole('socket.io', sio, latest);
  assert.ok(ws.reconnects > wsBefore, 'the WebSocket client reconnected');
  assert.ok(sio.connects > sioBefore, 'the Socket.IO client reconnected');
  assert.equal(await sioOn(survivor), 1, 'the Socket.IO client is now on the other instance');
  // Every order of the stream exists once: a retried write did not create a second one.
  const orders = await call(lb, 'GET', `/api/v1/venues/${VENUE}/orders?limit=500`, t.manager);
  assert.equal(orders.length, 6 + 40, `${orders.length} orders: 6 flows and the stream of 40, none twice`);
  log(`after the kill: nothing lost or doubled (events ..${latest}), ${retries} request(s) retried once`);

  // The killed instance comes back on its port and takes its share again.
  // (nginx tries an instance it found down again after its fail_timeout, 5 s.)
  await victim.start();
  let after = 0;
  await until(`${victim.name} to take requests again after its restart`, async () => {
    await orderFlow(lb, t, `after-${after++}-${Date.now()}`);
    return (await victim.metric(created)) > 0;
  }, 30_000);
  latest = await latestSeq(lb, t.chef);
  await until('both clients to have the events after the restart', () => ws.seqs.at(-1) >= latest && sio.seqs.at(-1) >= latest);
  assertWhole('websocket', ws, latest);
  assertWhole('socket.io', sio, latest);
  ws.close();
  sio.close();
  log(`passed: ${latest} events, ${retries} retried request(s), ${victim.name} killed and back after ${after} flows`);
} catch (e) {
  console.error(e);
  for (const f of ['a-1.log', 'a-2.log', 'b-1.log', 'b-2.log', 'nginx.log']) {
    try {
      console.error(`--- ${f}\n${readFileSync(join(work, f), 'utf8').split('\n').slice(-30).join('\n')}`);
    } catch {}
  }
  process.exitCode = 1;
} finally {
  for (const c of clients) c.close();
  for (const i of instances) await i.stop().catch(() => {});
  if (nginx) nginx.process.kill('SIGQUIT');
  await sleep(200);
  rmSync(work, { recursive: true, force: true });
  // Nothing left to wait for (a client's reconnection timer would keep node alive).
  process.exit(process.exitCode ?? 0);
}
