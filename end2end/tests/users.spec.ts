// The Users page: admins invite and change roles; others are refused.
import { test, expect, expectAccessible } from "./fixtures";
import { signedIn } from "./auth";

test.describe("as the demo admin", () => {
  test.use(signedIn("admin"));

  test("an admin invites a recruiter, changes the role, and disables the account", async ({ page }) => {
    const suffix = Date.now().toString(36);
    const email = `invitee-${suffix}@acme-robotics.example`;
    const name = `Ivy ${suffix}`;
    await page.goto("/admin/users");
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
    await expectAccessible(page);
    await expect(page.getByRole("row", { name: /Demo Admin/ })).toContainText("(you)");

    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Send invitation" }).click();
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toBeVisible();
    await expect(row.getByLabel(`Role of ${name}`)).toHaveValue("editor");

    await row.getByLabel(`Role of ${name}`).selectOption("viewer");
    await row.getByRole("button", { name: `Save ${name}` }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) }).getByLabel(`Role of ${name}`)).toHaveValue("viewer");

    await page.getByRole("row", { name: new RegExp(name) }).getByRole("button", { name: `Disable ${name}` }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) }).getByRole("button", { name: `Enable ${name}` })).toBeVisible();

    // The invitation arrived in the dev mailbox.
    await page.goto("/dev/mailbox");
    await expect(page.locator(".mail").filter({ hasText: `To ${email}` }).first()).toContainText(
      "You are invited to Acme Robotics (demo) on Trellis",
    );
  });

  test("an invalid email is refused next to the field", async ({ page }) => {
    await page.goto("/admin/users");
    await page.getByLabel("Email", { exact: true }).fill("someone@localhost");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.locator("#invite-email-error")).toHaveText("Enter an email address like name@example.com.");
  });
});

test.describe("as the demo viewer", () => {
  test.use(signedIn("viewer"));

  test("a viewer cannot open the Users page, and the server refuses a forced invite", async ({ page }) => {
    await page.goto("/admin/users");
    await expect(page.getByText("Your role does not allow this: managing users")).toBeVisible();
    await expect(page.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
    const response = await page.request.post("/api/invite_user", {
      form: { email: "sneaky@acme-robotics.example", name: "", role: "admin", greenhouse_user_id: "" },
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(response.status()).toBe(403);
  });
});

