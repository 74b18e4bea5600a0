import { defineConfig, devices } from "@playwright/test";
import { e2e, portal } from "./tests/env";

// Debian's Chromium: Playwright cannot download its own browsers here.
const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  // One folder per port, so suites on different ports never clear each other's.
  outputDir: `test-results/${e2e.port}`,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: e2e.baseURL,
    trace: "retain-on-failure",
  },
  projects: [
    // Signs the demo accounts in once (see tests/auth.ts).
    {
      name: "setup",
      use: { ...chromium, javaScriptEnabled: true },
      testMatch: /auth\.setup\.ts/,
    },
    {
      name: "js",
      use: { ...chromium, javaScriptEnabled: true },
      testIgnore: [/.*\.nojs\.spec\.ts/, /auth\.setup\.ts/],
      dependencies: ["setup"],
    },
    {
      name: "no-js",
      use: { ...chromium, javaScriptEnabled: false },
      testIgnore: [/.*\.hydrate\.spec\.ts/, /auth\.setup\.ts/],
      dependencies: ["setup"],
    },
  ],
  webServer: [
    {
      command: "./serve.sh",
      url: `${e2e.baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: e2e.serverEnv,
    },
    {
      // The candidate-portal server: mail goes through real SMTP.
      command: "./serve.sh",
      url: `${portal.baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: portal.serverEnv,
    },
  ],
});
