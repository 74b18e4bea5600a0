// What only works once the wasm bundle has hydrated the page.
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import { e2e, trellis } from "./env";

// The portal at a subdomain hydrates from the host the server saw (it names
// the organization in a <meta>), so the browser renders the same page.
const pages = [
  "/",
  "/admin",
  "/admin/jobs",
  "/admin/settings",
  "/admin/integrations",
  "/p/globex",
  `http://globex.localhost:${e2e.port}/`,
];

test("every page hydrates without console errors or CSP violations", async ({ page, problems }) => {
  for (const url of pages) {
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
  for (const url of ["/no/such/page", "/p/nobody-here"]) {
    await page.goto(url);
    await waitForHydration(page);
  }
  expect(problems.console.filter((m) => !m.includes("status of 404"))).toEqual([]);
  expect(problems.csp).toEqual([]);
});

test("no page has a serious or critical accessibility violation", async ({ page }) => {
  for (const url of [...pages, "/no/such/page", "/p/nobody-here"]) {
    await page.goto(url);
    await waitForHydration(page);
    await expectAccessible(page);
  }
});

test("Refresh re-reads the database in place, without reloading the page", async ({ page, problems }) => {
  await page.goto("/admin");
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

  const slug = `hooli-${Date.now().toString(36)}`;
  trellis("org", "create", "--slug", slug, "--name", `Hooli ${slug}`);
  await expect(page.getByRole("row", { name: new RegExp(slug) })).toHaveCount(0);

  await page.getByRole("link", { name: "Refresh" }).click();
  await expect(page.getByRole("row", { name: new RegExp(slug) })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  expect(problems.console).toEqual([]);
});

test("the Copy button puts the portal link on the clipboard", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/admin");
  await waitForHydration(page);
  const row = page.getByRole("row", { name: /Globex Corporation/ });
  const link = await row.getByRole("link").textContent();
  const button = row.getByRole("button", { name: "Copy the portal link of Globex Corporation" });
  await expect(button).toBeEnabled();
  await button.click();
  await expect(row.getByRole("status")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

test("navigation between dashboard pages happens in the browser", async ({ page }) => {
  await page.goto("/admin");
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  const nav = page.getByRole("navigation", { name: "Dashboard" });
  await nav.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("row", { name: /Globex Corporation/ })).toBeVisible();
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
