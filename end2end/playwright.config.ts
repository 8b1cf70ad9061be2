import { defineConfig } from '@playwright/test';

// The server under test is started by scripts/test.sh (a fresh SQLite database with the demo
// data) and its address handed over in BEERFLOW_E2E_URL.
const baseURL = process.env.BEERFLOW_E2E_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL,
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
