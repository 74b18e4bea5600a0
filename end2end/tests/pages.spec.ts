// Server-rendered content: runs with JavaScript on and off.
import { test, expect } from "./fixtures";
import { e2e } from "./env";
import { signedIn } from "./auth";

test("the landing page sends recruiters to the dashboard, which asks them to sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("A calmer interview process for every candidate");
  await page.getByRole("link", { name: "Open the dashboard" }).click();
  await expect(page).toHaveURL(/\/admin\/sign-in\?next=%2Fadmin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Trellis" })).toBeVisible();
});

test("an organization's portal lives at /p/<subdomain>", async ({ page }) => {
  const response = await page.goto("/p/globex");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your application at Globex Corporation");
  await expect(page.getByLabel("Email address")).toBeVisible();
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
  await expect(page).toHaveTitle("Sign in · Globex Corporation · Trellis");
});

test("an organization's portal lives at its subdomain too", async ({ page }) => {
  const response = await page.goto(`http://initech.localhost:${e2e.port}/`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your application at Initech");
});

test("an unknown portal answers 404", async ({ page }) => {
  for (const url of ["/p/nobody-here", `http://nobody-here.localhost:${e2e.port}/`, "/p/NOT_VALID"]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Portal not found");
  }
});

test("an unknown address answers 404 with a way back", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(page.getByRole("link", { name: "Go to the home page" })).toHaveAttribute("href", "/");
});

test.describe("signed in", () => {
  test.use(signedIn("admin"));

  test("the overview shows the recruiter's own organization", async ({ page }) => {
    await page.goto("/admin");
    await expect(page).toHaveTitle("Overview · Trellis");
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    for (const item of ["Overview", "Jobs", "Integrations", "Settings", "Users"]) {
      await expect(nav.getByRole("link", { name: item })).toBeVisible();
    }
    await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("heading", { level: 2, name: "Acme Robotics (demo)" })).toBeVisible();
    await expect(page.getByText("Connected to Greenhouse (Harvest v3).")).toBeVisible();
    await expect(page.getByRole("link", { name: `http://demo.localhost:${e2e.port}/` })).toBeVisible();
    // Other organizations on the instance are not shown.
    await expect(page.getByText("Globex Corporation")).toHaveCount(0);
    await expect(page.getByText("Demo Admin")).toBeVisible();
  });

  test("the dashboard is usable on a phone-sized screen", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto("/admin");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    await expect(nav.getByRole("link", { name: "Integrations" })).toBeVisible();
  });
});
