import { defineConfig } from '@playwright/test';

// scripts/test.sh starts the real server twice with the demo data, on a fresh SQLite database
// and on a fresh PostgreSQL database, and hands their addresses over; every test runs against
// both (one project per backend). Without them, a server on port 3000 is assumed.
const backends = [
  { name: 'sqlite', url: process.env.BEERFLOW_E2E_URL_SQLITE },
  { name: 'postgres', url: process.env.BEERFLOW_E2E_URL_POSTGRES },
].filter((b) => b.url);
const projects = backends.length > 0
  ? backends.map((b) => ({ name: b.name, use: { baseURL: b.url } }))
  : [{ name: 'local', use: { baseURL: 'http://127.0.0.1:3000' } }];

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  projects,
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-quic', '--no-first-run',
      ],
    },
  },
});
