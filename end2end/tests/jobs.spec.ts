// Jobs: the ATS tab lists the demo's Greenhouse jobs; Activate moves a job to
// the Active tab, whose icon opens the portal editor. With and without JS.
import { test, expect, expectAccessible } from "./fixtures";
import { signedIn } from "./auth";

test.describe("as the demo editor", () => {
  test.use(signedIn("editor"));

  test("search, activate, find it on the Active tab, open its editor, deactivate", async ({ page }) => {
    await page.goto("/admin/jobs");
    await expect(page.getByRole("heading", { level: 1, name: "Jobs" })).toBeVisible();
    await expect(page.getByRole("link", { name: "ATS" })).toHaveAttribute("aria-current", "page");
    // The demo syncs at start-up; wait for its jobs.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("row")).not.toHaveCount(0, { timeout: 1000 });
      expect(await page.locator("tbody tr").count()).toBeGreaterThan(1);
    }).toPass({ timeout: 30_000 });
    await expectAccessible(page);

    const name = ((await page.locator("tbody tr th").first().textContent()) ?? "").trim();
    const word = name.split(" ")[0];
    await page.getByLabel("Search").fill(word.toLowerCase());
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(word.toLowerCase())}`));
    for (const cell of await page.locator("tbody tr th").allTextContents()) {
      expect(cell.toLowerCase()).toContain(word.toLowerCase());
    }

    const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) }).first();
    const activate = row.getByRole("button", { name: `Activate ${name}` });
    if (await activate.count()) await activate.click();
    await expect(row.getByRole("button", { name: `Deactivate ${name}` })).toBeVisible();

    await page.getByRole("link", { name: "Active", exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/jobs\/active$/);
    const activeRow = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) }).first();
    await expect(activeRow).toBeVisible();
    await expect(activeRow.getByRole("link", { name: `Candidate view of ${name}` })).toHaveAttribute("href", /\/p\/demo$/);
    await expectAccessible(page);
    await activeRow.getByRole("link", { name: `Edit the portal of ${name}` }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Portal: ${name}` })).toBeVisible();
    await expect(page.getByText("This job's portal is active")).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Candidate-facing stages" })).toBeVisible();
    await expectAccessible(page);

    await page.goto("/admin/jobs/active");
    await page
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name, exact: true }) })
      .first()
      .getByRole("button", { name: `Deactivate ${name}` })
      .click();
    await expect(page.getByRole("rowheader", { name, exact: true })).toHaveCount(0);
  });
});

test.describe("as the demo viewer", () => {
  test.use(signedIn("viewer"));

  test("a viewer sees the jobs but cannot activate them", async ({ page }) => {
    await page.goto("/admin/jobs");
    await expect(page.locator("tbody tr").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole("button", { name: /^Activate / })).toHaveCount(0);
    const response = await page.request.post("/api/activate_job", {
      form: { job_id: "1" },
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(response.status()).toBe(403);
  });
});
