// The Integrations page in demo mode: the demo organization is connected to
// the built-in Greenhouse simulator (Harvest v3) and synced by the schedule.
// Runs with JavaScript on (hydrated: no reloads) and off (forms post).
import type { APIRequestContext, Page, TestInfo } from "@playwright/test";
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import { signedIn } from "./auth";

const hydrated = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/** The simulator's address, read from the admin's connection form. */
async function simulatorBase(page: Page): Promise<string> {
  const base = await page.locator("#base-url").inputValue();
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  return base;
}

/** Slows the simulator down (`requests` per second), or lifts the limit. */
async function rateLimit(request: APIRequestContext, base: string, requests: number | null) {
  const response = await request.post(`${base}_simulator/rate_limit`, {
    headers: { "content-type": "application/json" },
    data: requests === null ? "null" : JSON.stringify({ requests, window_secs: 1 }),
  });
  expect(response.ok()).toBe(true);
}

const historyRows = (page: Page) => page.locator("table.sync-history tbody tr");

/** Opens the page once no sync is running (the schedule syncs at start-up). */
async function openIdle(page: Page, testInfo: TestInfo) {
  await expect
    .poll(
      async () => {
        await page.goto("/admin/integrations");
        const running = await page.getByRole("heading", { name: "Sync in progress" }).count();
        const dated = await page.getByText(/^Data as of /).count();
        return running === 0 && dated === 1;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  if (hydrated(testInfo)) await waitForHydration(page);
}

test.describe("as the demo admin", () => {
  test.use(signedIn("admin"));

  test("the demo simulator is connected with Harvest v3 and synced", async ({ page }, testInfo) => {
    await openIdle(page, testInfo);
    await expect(page.getByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();
    const status = page.locator(".connection-state");
    await expect(status).toContainText("Connected");
    await expect(status).toContainText("Harvest v3 at http://127.0.0.1:");
    await expect(page.getByText(/^Data as of \d+ \w+ \d{4}, \d\d:\d\d:\d\d UTC$/)).toBeVisible();
    await expect(historyRows(page).first()).toContainText("Completed");
    // The stored secret shows as its last four characters only.
    await expect(page.getByText("Stored: ••••cret. Leave empty to keep it.")).toBeVisible();
    await expect(page.getByLabel("Client secret")).toHaveValue("");
    await expect(page.locator("body")).not.toContainText("simulator-secret");
    // The webhook endpoint and its secret, to paste into Greenhouse.
    await expect(page.locator("#webhook-url")).toHaveText(/\/webhooks\/greenhouse\/demo$/);
    await expect(page.locator("#webhook-secret")).toHaveText(/^[0-9a-f]{48}$/);
    await expect(page.getByRole("button", { name: "Copy the webhook secret key" })).toBeVisible();
    await expectAccessible(page);
  });

  test("Sync now shows live progress, then the run in the history", async ({ page, request, problems }, testInfo) => {
    test.setTimeout(120_000);
    await openIdle(page, testInfo);
    const base = await simulatorBase(page);
    const before = await historyRows(page).first().getAttribute("data-run-id");
    if (hydrated(testInfo)) {
      await page.evaluate(() => ((window as unknown as { __stillHere: number }).__stillHere = 42));
    }
    // Three requests a second stretch the sync over several seconds.
    await rateLimit(request, base, 3);
    try {
      await page.getByRole("button", { name: "Sync now" }).click();
      await expect(page.getByText("Sync started.")).toBeVisible();
      const progress = page.locator("section.sync-progress");
      await expect(progress.getByRole("heading", { name: "Sync in progress" })).toBeVisible();
      await expect(progress.locator("li")).toHaveCount(22);
      await expect(progress.getByRole("status")).toContainText(/Incremental sync running since .*: \d+ of 22 resources done/);
      await expectAccessible(page);
      const newest = historyRows(page).first();
      if (hydrated(testInfo)) {
        // The page reads the progress by itself: resources get done…
        await expect(progress.locator("li.resource-done").nth(2)).toBeVisible({ timeout: 30_000 });
        // …and the finished run lands in the history, without a reload.
        await expect(newest).not.toHaveAttribute("data-run-id", before ?? "", { timeout: 60_000 });
        await expect(newest).toContainText("Completed", { timeout: 60_000 });
        await expect(progress).toHaveCount(0);
        expect(await page.evaluate(() => (window as unknown as { __stillHere?: number }).__stillHere)).toBe(42);
        expect(problems.console).toEqual([]);
        expect(problems.csp).toEqual([]);
      } else {
        // Without JavaScript the page shows what it read; Refresh reads again.
        await expect(page.getByRole("link", { name: "Refresh" })).toHaveAttribute("href", "/admin/integrations");
        await expect
          .poll(
            async () => {
              await page.getByRole("link", { name: "Refresh" }).click();
              const id = await newest.getAttribute("data-run-id");
              return id !== before && (await newest.textContent())?.includes("Completed");
            },
            { timeout: 60_000, intervals: [1_000] },
          )
          .toBe(true);
      }
      await expect(newest).toContainText("Sync now");
      await expect(newest).toContainText("Incremental");
      await expect(newest).toContainText(/\d+ fetched/);
    } finally {
      await rateLimit(request, base, null);
    }
  });

  test("Test connection names the scopes a credential lacks, and saves nothing", async ({ page }, testInfo) => {
    await openIdle(page, testInfo);
    // The simulator's second credential lacks two scopes.
    await page.getByLabel("Client id").fill("trellis-limited");
    await page.getByLabel("Client secret").fill("simulator-secret");
    await page.getByRole("button", { name: "Test connection" }).click();
    const missing = page.locator(".missing-access li");
    await expect(missing).toHaveText(["harvest:offers:list", "harvest:interviews:list"]);
    await expect(page.getByRole("alert").filter({ hasText: "Missing in Greenhouse" })).toContainText(
      "Greenhouse refused 2 lists Trellis reads.",
    );
    await expectAccessible(page);

    // A client Greenhouse does not know: the secret field says so.
    await page.getByLabel("Client id").fill("no-such-client");
    await page.getByLabel("Client secret").fill("not-a-secret");
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.locator("#client-secret-error")).toContainText("the client id or secret is wrong");
    await expect(page.getByLabel("Client secret")).toHaveAttribute("aria-invalid", "true");

    // The demo connection is untouched.
    await page.goto("/admin/integrations");
    await expect(page.locator(".connection-state")).toContainText("Connected");
    await expect(page.getByLabel("Client id")).toHaveValue("trellis-simulator");
    await expect(page.getByText("Stored: ••••cret. Leave empty to keep it.")).toBeVisible();
  });

  test("saving the demo credentials again keeps the stored secret", async ({ page }, testInfo) => {
    await openIdle(page, testInfo);
    const secret = await page.locator("#webhook-secret").textContent();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(/^Saved\. Greenhouse accepted the credentials/)).toBeVisible({ timeout: 20_000 });
    await expect(page.locator(".connection-state")).toContainText("Connected");
    await expect(page.getByText("Stored: ••••cret. Leave empty to keep it.")).toBeVisible();
    await expect(page.locator("#webhook-secret")).toHaveText(secret ?? "");
  });

  test("the legacy v1 form warns that Harvest v1 is retired", async ({ page }, testInfo) => {
    await openIdle(page, testInfo);
    await page.getByRole("link", { name: "Legacy Harvest v1 (API key)" }).click();
    await expect(page.getByText("Harvest v1 is retired")).toBeVisible();
    await expect(page.getByLabel("API key")).toBeVisible();
    await expect(page.getByLabel("Client id")).toHaveCount(0);
    await expectAccessible(page);
  });
});

test.describe("as the demo viewer", () => {
  test.use(signedIn("viewer"));

  test("a viewer sees the status and history but no forms or secrets", async ({ page }, testInfo) => {
    await openIdle(page, testInfo);
    await expect(page.locator(".connection-state")).toContainText("Connected");
    await expect(historyRows(page).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Test connection" })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Webhooks" })).toHaveCount(0);
    await expect(page.locator("body")).not.toContainText("••••");
    await expectAccessible(page);
    const response = await page.request.post("/api/sync_greenhouse", {
      form: { kind: "full" },
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(response.status()).toBe(403);
  });
});
