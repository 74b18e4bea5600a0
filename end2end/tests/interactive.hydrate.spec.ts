// What only works once the wasm bundle has hydrated the page.
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import { e2e } from "./env";
import { signedIn } from "./auth";

// The portal at a subdomain hydrates from the host the server saw (it names
// the organization in a <meta>), so the browser renders the same page.
const publicPages = [
  "/",
  "/admin/sign-in",
  "/admin/sign-in/check-email",
  "/dev/mailbox",
  "/p/globex",
  `http://globex.localhost:${e2e.port}/`,
];
const dashboardPages = ["/admin", "/admin/jobs", "/admin/settings", "/admin/integrations", "/admin/users"];

test("public pages hydrate without console errors or CSP violations", async ({ page, problems }) => {
  for (const url of publicPages) {
    await page.goto(url);
    await waitForHydration(page);
  }
  expect(problems.console).toEqual([]);
  expect(problems.csp).toEqual([]);
});

test("a portal at a subdomain stays the portal once hydrated", async ({ page }) => {
  await page.goto(`http://globex.localhost:${e2e.port}/`);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your application at Globex Corporation");
});

test("404 pages hydrate too, and only the 404 itself is logged", async ({ page, problems }) => {
  for (const url of ["/no/such/page", "/p/nobody-here", "/admin/sign-in/link?token=not-a-real-token"]) {
    await page.goto(url);
    await waitForHydration(page);
  }
  expect(problems.console.filter((m) => !m.includes("status of 404"))).toEqual([]);
  expect(problems.csp).toEqual([]);
});

test("no public page has a serious or critical accessibility violation", async ({ page }) => {
  for (const url of [...publicPages, "/no/such/page", "/p/nobody-here", "/admin/sign-in/link?token=not-a-real-token"]) {
    await page.goto(url);
    await waitForHydration(page);
    await expectAccessible(page);
  }
});

test.describe("signed in", () => {
  test.use(signedIn("admin"));

  test("dashboard pages hydrate without console errors or CSP violations", async ({ page, problems }) => {
    for (const url of dashboardPages) {
      await page.goto(url);
      await waitForHydration(page);
    }
    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
  });

  test("no dashboard page has a serious or critical accessibility violation", async ({ page }) => {
    for (const url of dashboardPages) {
      await page.goto(url);
      await waitForHydration(page);
      await expectAccessible(page);
    }
  });

  test("Refresh re-reads the database in place, without reloading the page", async ({ page, problems }) => {
    await page.goto("/admin");
    await waitForHydration(page);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const status = page.getByRole("status").filter({ hasText: "Read at" });
    const before = await status.textContent();
    await page.waitForTimeout(1100);
    await page.getByRole("link", { name: "Refresh" }).click();
    await expect(status).not.toHaveText(before ?? "");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(problems.console).toEqual([]);
  });

  test("the Copy button puts the portal link on the clipboard", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/admin");
    await waitForHydration(page);
    const link = `http://demo.localhost:${e2e.port}/`;
    const button = page.getByRole("button", { name: "Copy the portal link of Acme Robotics (demo)" });
    await expect(button).toBeEnabled();
    await button.click();
    await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  });

  test("navigation between dashboard pages happens in the browser", async ({ page }) => {
    await page.goto("/admin");
    await waitForHydration(page);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    await nav.getByRole("link", { name: "Users" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
    await nav.getByRole("link", { name: "Overview" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "Acme Robotics (demo)" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  });

  test("keyboard users can skip to the content and reach every control", async ({ page }) => {
    await page.goto("/admin");
    await waitForHydration(page);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
  });
});
