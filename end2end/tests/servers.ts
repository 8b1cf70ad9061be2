// Servers of a story's own, for the stories that need a server set up differently from the two
// the test command starts, or one they can stop and start again: the same binary
// (BEERFLOW_E2E_BIN, set by scripts/test.sh), on a fresh database of the project's backend.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Database = { url: string; drop: () => void };
export type Server = { url: string; process: ChildProcess; stop: () => Promise<void> };

/// A fresh, empty database of `backend` (`sqlite` or `postgres`, the project's name).
export function freshDatabase(backend: string, name: string): Database {
  if (backend === 'postgres') {
    const db = `beerflow_e2e_${name}_${process.pid}_${Date.now()}`;
    execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', db]);
    return {
      url: `postgres://postgres@127.0.0.1:5432/${db}`,
      drop: () => execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', db]),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `beerflow-${name}-`));
  return { url: `sqlite://${dir}/${name}.db`, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

/// Starts `beerflow serve --demo` on `database` at `addr` (a free port by default) with `args`;
/// resolves with its address once it listens. `stop` ends it with SIGTERM and waits for it.
export async function startServer(database: string, args: string[] = [], addr = '127.0.0.1:0'): Promise<Server> {
  const bin = process.env.BEERFLOW_E2E_BIN;
  if (!bin) throw new Error('BEERFLOW_E2E_BIN names the server binary (scripts/test.sh sets it)');
  const child = spawn(bin, ['serve', '--demo', '--addr', addr, '--database-url', database, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 60_000);
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      const m = log.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${log}`)); });
  });
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
