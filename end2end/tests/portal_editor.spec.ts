// The portal editor: activate a job, write a Markdown block for two of its
// stages, rename a stage, and see a refused video link explained next to
// its field. Runs with JavaScript (in place) and without (form posts and
// redirects); each project uses its own job, and its own words.
import type { Page, TestInfo } from "@playwright/test";
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import { signedIn } from "./auth";

const isJs = (testInfo: TestInfo) => testInfo.project.name === "js";

/** A 4 × 4 red PNG. */
const RED_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAYAAACp8Z5+AAAAEklEQVR4nGM4YWPzHxkzkC4AAME4I/F4m3AdAAAAAElFTkSuQmCC", "base64");

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The ATS tab's job at `index` (the demo syncs at start-up: wait for it). */
async function jobAt(page: Page, index: number): Promise<string> {
  await page.goto("/admin/jobs");
  await expect(async () => {
    await page.reload();
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(index + 1);
  }).toPass({ timeout: 30_000 });
  return ((await page.locator("tbody tr th").nth(index).textContent()) ?? "").trim();
}

async function openEditor(page: Page, name: string, testInfo: TestInfo) {
  await page.goto("/admin/jobs/active");
  await page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name, exact: true }) })
    .first()
    .getByRole("link", { name: `Edit the portal of ${name}` })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: `Portal: ${name}` })).toBeVisible();
  if (isJs(testInfo)) await waitForHydration(page);
}

/** Shows the blocks of the stage named `stage` (or "All stages"). */
async function showStage(page: Page, stage: string) {
  const chooser = page.getByRole("navigation", { name: "Content of" });
  await chooser.getByRole("link", { name: new RegExp(`^${escaped(stage)} \\(\\d+\\)$`) }).click();
  await expect(chooser.getByRole("link", { name: new RegExp(`^${escaped(stage)} `) })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.getByRole("heading", { level: 3, name: stage, exact: true })).toBeVisible();
}

async function addMarkdown(page: Page, text: string) {
  await page.getByRole("list", { name: "Add a block" }).getByRole("link", { name: "Text", exact: true }).click();
  await expect(page.getByRole("heading", { level: 3, name: "Add a text block" })).toBeVisible();
  await page.getByLabel("Text", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Add block" }).click();
  await expect(page.getByText("Block saved.")).toBeVisible();
  await expect(page).toHaveURL(/saved=block#block-\d+$/);
  await expect(page.getByRole("heading", { level: 3, name: "Add a text block" })).toHaveCount(0);
  await expect(page.locator(".block-list .block-item").filter({ hasText: text })).toHaveCount(1);
}

test.describe("as the demo editor", () => {
  test.use(signedIn("editor"));

  test("activate a job, write for two stages, rename a stage", async ({ page, problems }, testInfo) => {
    const project = testInfo.project.name;
    // Not the first job: jobs.spec.ts activates and deactivates that one.
    const name = await jobAt(page, isJs(testInfo) ? 2 : 3);
    const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) }).first();
    const activate = row.getByRole("button", { name: `Activate ${name}` });
    if (await activate.count()) await activate.click();
    await expect(row.getByRole("button", { name: `Deactivate ${name}` })).toBeVisible();

    await openEditor(page, name, testInfo);
    await expect(page.getByText("This job's portal is active")).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Candidate-facing stages" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Candidates", exact: true })).toBeVisible();
    await expectAccessible(page);

    const stages = (await page.getByLabel("Preview as a candidate at stage").locator("option").allTextContents()).map(
      (s) => s.replace(/ \(hidden\)$/, "").trim(),
    );
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const [first, second] = stages;
    const stamp = `${project} ${Date.now()}`;
    const firstText = `Welcome to the first stage (${stamp}).`;
    const secondText = `Bring a laptop to the second stage (${stamp}).`;

    // A block for each of two stages; each shows under its own stage only.
    await showStage(page, first);
    await addMarkdown(page, firstText);
    await showStage(page, second);
    await addMarkdown(page, secondText);
    await expect(page.getByText(firstText)).toHaveCount(0);
    await showStage(page, first);
    await expect(page.getByText(firstText)).toBeVisible();
    await expect(page.getByText(secondText)).toHaveCount(0);
    await expectAccessible(page);

    // A video from a host that is not allowed: refused next to its field.
    await page.getByRole("list", { name: "Add a block" }).getByRole("link", { name: "Video", exact: true }).click();
    await page.getByLabel("Video link").fill("https://evil.example/watch?v=dQw4w9WgXcQ");
    await page.getByRole("button", { name: "Add block" }).click();
    await expect(page.locator("#block-url-error")).toHaveText(/Paste a YouTube, Vimeo or Loom link/);
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { level: 3, name: "Add a video block" })).toHaveCount(0);

    // An image block: upload first (in place with JavaScript, through a
    // redirect without), then describe it.
    await page.getByRole("list", { name: "Add a block" }).getByRole("link", { name: "Image", exact: true }).click();
    await page.getByLabel("Image", { exact: true }).setInputFiles({ name: "red.png", mimeType: "image/png", buffer: RED_PNG });
    await page.getByRole("button", { name: "Upload image" }).click();
    await expect(page.locator("img.upload-preview")).toBeVisible();
    const alt = `A red square (${stamp})`;
    await page.getByLabel("Description for people who cannot see the image").fill(alt);
    await page.getByRole("button", { name: "Add block" }).click();
    await expect(page.getByText("Block saved.")).toBeVisible();
    await expect(page.locator(".block-list").getByRole("img", { name: alt })).toBeVisible();

    // Rename the first stage, then put its name back.
    const renamed = `Meet us (${stamp})`;
    await page.getByLabel("Name of stage 1").fill(renamed);
    await page.getByRole("button", { name: "Rename stage 1" }).click();
    await expect(page.getByText("Stage renamed.")).toBeVisible();
    await expect(page.getByLabel("Name of stage 1")).toHaveValue(renamed);
    await expect(
      page.getByRole("navigation", { name: "Content of" }).getByRole("link", { name: new RegExp(`^${escaped(renamed)} `) }),
    ).toBeVisible();
    await page.getByLabel("Name of stage 1").fill("");
    await page.getByLabel("Name of stage 1").fill(first);
    await page.getByRole("button", { name: "Rename stage 1" }).click();
    await expect(page.getByLabel("Name of stage 1")).toHaveValue(first);
    await expect(
      page.getByRole("navigation", { name: "Content of" }).getByRole("link", { name: new RegExp(`^${escaped(first)} `) }),
    ).toBeVisible();

    // The blocks are still there after a reload.
    await page.reload();
    await showStage(page, second);
    await expect(page.getByText(secondText)).toBeVisible();
    // The refused video is answered 422, which the browser logs; nothing else.
    expect(problems.console.filter((m) => !m.includes("status of 422"))).toEqual([]);
    expect(problems.csp).toEqual([]);
  });
});

test.describe("as the demo viewer", () => {
  test.use(signedIn("viewer"));

  test("a viewer reads the editor but gets no forms", async ({ page }, testInfo) => {
    // The editor's test above left its job active.
    await page.goto("/admin/jobs/active");
    await page.getByRole("link", { name: /^Edit the portal of / }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: /^Portal: / })).toBeVisible();
    if (isJs(testInfo)) await waitForHydration(page);
    await expect(page.getByText("only editors and admins can change it")).toBeVisible();
    await expect(page.getByRole("list", { name: "Add a block" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Rename/ })).toHaveCount(0);
  });
});
