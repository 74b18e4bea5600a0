import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Console errors, uncaught exceptions and CSP violations seen by a page. */
export type PageProblems = { console: string[]; csp: string[] };

export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page }, use) => {
    const problems: PageProblems = { console: [], csp: [] };
    page.on("console", (message) => {
      if (message.type() === "error") problems.console.push(message.text());
    });
    page.on("pageerror", (error) => problems.console.push(String(error)));
    await page.exposeFunction("__reportCsp", (directive: string) => problems.csp.push(directive));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) =>
        (window as unknown as { __reportCsp: (d: string) => void }).__reportCsp(
          `${event.violatedDirective} ${event.blockedURI}`,
        ),
      );
    });
    await use(problems);
  },
});

export { expect };

/** Waits until the wasm bundle has hydrated the page. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** axe-core finds no serious or critical violation on the current page.
 *  axe runs as a script in the page, so it runs in the `js` project; the
 *  same specs' `no-js` runs render the very same server HTML. */
export async function expectAccessible(page: Page) {
  if (test.info().project.use.javaScriptEnabled === false) return;
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`)).toEqual([]);
}
