// Signing in to the dashboard through the dev mailbox, with and without
// JavaScript: the link, the code from another device, and signing out.
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import { trellis } from "./env";
import { latestSignInMail, requestSignIn } from "./auth";

/** A fresh viewer account, so per-address limits never interfere. */
function newViewer(label: string): string {
  const email = `${label}-${Date.now().toString(36)}@acme-robotics.example`;
  trellis("admin", "create", "--org", "demo", "--email", email, "--role", "viewer");
  return email;
}

test("a recruiter signs in with the emailed link, then signs out", async ({ page }) => {
  const email = newViewer("link");
  await page.goto("/admin/jobs");
  await expect(page).toHaveURL(/\/admin\/sign-in\?next=%2Fadmin%2Fjobs$/);
  await expectAccessible(page);
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();

  const { link } = await latestSignInMail(page, email);
  await page.goto(link);
  // Opening the link does nothing by itself: a button asks first.
  await expect(page.getByText(/You are signing in as l…@acme-robotics\.example/)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByText("Viewer", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/admin\/sign-in\?signed_out=1$/);
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/sign-in/);
});

test("a link opened on another device asks for the code in the first browser", async ({ page, browser }) => {
  const email = newViewer("code");
  await requestSignIn(page, email);
  const reader = await browser.newPage();
  const { link, code } = await latestSignInMail(reader, email);
  await reader.goto(link);
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader.getByText("This link was opened in a different browser")).toBeVisible();
  await reader.goto("/admin");
  await expect(reader).toHaveURL(/\/admin\/sign-in/);
  await reader.close();

  await page.getByLabel("Code from the email").fill("WRONG-CODE");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That code is not right. 4 tries left.")).toBeVisible();
  await page.getByLabel("Code from the email").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
});

test("an unknown address gets the same answer and no email", async ({ page }) => {
  await requestSignIn(page, `nobody-${Date.now().toString(36)}@acme-robotics.example`);
  await expect(page.getByText("If that address has a Trellis account")).toBeVisible();
});

test("a malformed address is refused next to the field", async ({ page }) => {
  const js = test.info().project.use.javaScriptEnabled !== false;
  await page.goto("/admin/sign-in");
  // With JavaScript, the form posts in place once the page is hydrated.
  if (js) await waitForHydration(page);
  // The browser's own check would stop a plain typo; this passes it.
  await page.getByLabel("Work email").fill("ada@localhost");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.locator("#email-error")).toHaveText("Enter an email address like name@example.com.");
  await expect(page.getByLabel("Work email")).toHaveAttribute("aria-invalid", "true");
  if (js) {
    // Refused in place: the page stays and what was typed is still there.
    await expect(page).toHaveURL(/\/admin\/sign-in$/);
    await expect(page.getByLabel("Work email")).toHaveValue("ada@localhost");
  }
});
