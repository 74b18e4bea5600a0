// Signed-in browsers for the dashboard specs. `auth.setup.ts` signs each
// demo account in once, through the real sign-in flow and the dev mailbox,
// and saves the browser's cookies; specs start from those with
// `test.use(signedIn("admin"))`.
import * as path from "node:path";
import { expect, type Page } from "@playwright/test";
import { e2e } from "./env";

/** The demo organization's accounts (serve.sh creates editor and viewer). */
export const demoUsers = {
  admin: "admin@acme-robotics.example",
  editor: "editor@acme-robotics.example",
  viewer: "viewer@acme-robotics.example",
} as const;
export type DemoRole = keyof typeof demoUsers;

const authDir = path.join(__dirname, "..", ".auth", String(e2e.port));

export function authFile(role: DemoRole): string {
  return path.join(authDir, `${role}.json`);
}

/** Options for `test.use(...)`: start signed in as `role`. */
export function signedIn(role: DemoRole) {
  return { storageState: authFile(role) };
}

/** The newest sign-in link mailed to `email`, read from the dev mailbox. */
export async function latestSignInMail(page: Page, email: string): Promise<{ link: string; code: string }> {
  let found: { link: string; code: string } | undefined;
  await expect
    .poll(
      async () => {
        await page.goto("/dev/mailbox");
        const mail = page.locator(".mail").filter({ hasText: `To ${email}` }).first();
        if ((await mail.count()) === 0) return false;
        const link = await mail.locator('a[href*="/admin/sign-in/link"]').first().getAttribute("href");
        const body = (await mail.locator(".mail-body").textContent()) ?? "";
        const code = /sign-in page: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(body)?.[1];
        if (!link || !code) return false;
        found = { link, code };
        return true;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found as { link: string; code: string };
}

/** Asks for a link as `email` in `page`'s browser. */
export async function requestSignIn(page: Page, email: string) {
  await page.goto("/admin/sign-in");
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
}

/** The whole flow: ask, read the mailbox, open the link, press Sign in. */
export async function signInThroughMailbox(page: Page, email: string) {
  await requestSignIn(page, email);
  const { link } = await latestSignInMail(page, email);
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
}
