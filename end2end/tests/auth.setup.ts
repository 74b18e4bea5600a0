// Runs before the other projects: one signed-in browser state per demo role.
import { test as setup } from "@playwright/test";
import { authFile, demoUsers, signInThroughMailbox, type DemoRole } from "./auth";

for (const role of Object.keys(demoUsers) as DemoRole[]) {
  setup(`sign in as the demo ${role}`, async ({ page }) => {
    await signInThroughMailbox(page, demoUsers[role]);
    await page.context().storageState({ path: authFile(role) });
  });
}
