// Without JavaScript: the content is all there, and nothing pretends to work.
import { test, expect } from "./fixtures";
import { signedIn } from "./auth";

test.use(signedIn("admin"));

test("pages are complete without wasm", async ({ page }) => {
  await page.goto("/admin");
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 2, name: "Acme Robotics (demo)" })).toBeVisible();
  // Copying needs JavaScript, so the button says so instead of failing.
  const copy = page.getByRole("button", { name: "Copy the portal link of Acme Robotics (demo)" });
  await expect(copy).toBeDisabled();
  await expect(copy).toHaveAttribute("title", "Needs JavaScript");
});

test("Refresh reloads the page from the server", async ({ page }) => {
  await page.goto("/admin");
  await page.getByRole("link", { name: "Refresh" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("status").filter({ hasText: "Read at" })).toBeVisible();
});
