// The candidate portal end to end, on the server that mails through real
// SMTP (smtp-sink.mjs): a recruiter activates a job and writes content for
// two stages; one of its candidates asks for a sign-in email, signs in by
// link (or by code) and sees their stage, that stage's content, their
// interviews in the time zone they chose, and who they will meet.
// Runs with and without JavaScript.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import type { Browser, Page } from "@playwright/test";
import { portal, trellisPortal } from "./env";
import { allMail, latestMail, signInParts } from "./mail";

type Pick = { applicationId: number; jobId: number; job: string; email: string; stage: string };

const db = path.join(portal.serverEnv.E2E_DATA_DIR, "e2e.db");

/** An active application of the demo with scheduled interviews, read from
 *  the portal server's database once the demo's start-up sync is done. */
function pickApplication(withInterviews: boolean): Pick | undefined {
  const interviews = withInterviews
    ? "JOIN gh_interviews i ON i.organization_id = a.organization_id AND i.application_id = a.id AND i.status = 'scheduled' AND i.starts_at IS NOT NULL"
    : "";
  const row = execFileSync(
    "sqlite3",
    [
      "-separator",
      "\t",
      db,
      `SELECT a.id, a.job_id, j.name, lower(json_extract(c.email_addresses, '$[0].value')), a.stage_name
         FROM gh_applications a
         JOIN organizations o ON o.id = a.organization_id AND o.slug = 'demo'
         JOIN gh_jobs j ON j.organization_id = a.organization_id AND j.id = a.job_id
         JOIN gh_candidates c ON c.organization_id = a.organization_id AND c.id = a.candidate_id
         ${interviews}
        WHERE a.prospect = 0 AND a.status = 'in_process' AND j.status = 'open'
          AND a.stage_name IS NOT NULL AND json_array_length(c.email_addresses) > 0
        GROUP BY a.id ORDER BY count(*) DESC, ${withInterviews ? "a.id" : "a.id DESC"} LIMIT 1;`,
    ],
    { encoding: "utf8" },
  ).trim();
  if (!row) return undefined;
  const [applicationId, jobId, job, email, stage] = row.split("\t");
  return { applicationId: Number(applicationId), jobId: Number(jobId), job, email, stage };
}

/** `withInterviews`: the application with the most scheduled interviews;
 *  otherwise another one (the newest). */
async function demoApplication(withInterviews = true): Promise<Pick> {
  let pick: Pick | undefined;
  await expect
    .poll(
      () => {
        try {
          pick = pickApplication(withInterviews);
        } catch {
          pick = undefined;
        }
        return pick !== undefined;
      },
      { timeout: 45_000, message: "the demo's start-up sync" },
    )
    .toBe(true);
  return pick as Pick;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Signs a new editor of the demo organization in to the portal server,
 *  through the SMTP sink. */
async function signInRecruiter(page: Page) {
  const email = `editor-${Date.now()}@acme-robotics.example`;
  trellisPortal("admin", "create", "--org", "demo", "--email", email, "--role", "editor");
  const asked = new Date().toISOString();
  await page.goto(`${portal.baseURL}/admin/sign-in`);
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  const { link } = signInParts(await latestMail(email, /\/admin\/sign-in\/link/, asked));
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

/** Activates the job and writes content: one block for the candidate's
 *  stage, one for all stages, one for another stage (which they must not see). */
async function preparePortal(page: Page, pick: Pick, marker: string) {
  await signInRecruiter(page);
  await page.goto(`${portal.baseURL}/admin/jobs?q=${encodeURIComponent(pick.job)}`);
  const activate = page.getByRole("button", { name: `Activate ${pick.job}`, exact: true }).first();
  if (await activate.count()) await activate.click();
  await expect(page.getByRole("button", { name: `Deactivate ${pick.job}`, exact: true }).first()).toBeVisible();

  /** Adds a text block shown at `shownAt` (a stage name, "All stages", or
   *  "another stage": any stage but the candidate's). */
  const addText = async (shownAt: string, text: string) => {
    await page.goto(`${portal.baseURL}/admin/jobs/${pick.jobId}/portal?stage=all&add=markdown#block-form`);
    await page.getByLabel("Text", { exact: true }).fill(text);
    const select = page.getByLabel("Shown at");
    const labels = await select.locator("option").allTextContents();
    const label =
      shownAt === "another stage"
        ? labels.map((l) => l.trim()).find((l) => l !== "All stages" && l !== pick.stage)
        : shownAt;
    if (!label) return false;
    await select.selectOption({ label });
    await page.getByRole("button", { name: "Add block" }).click();
    await expect(page.getByText(text).first()).toBeVisible();
    return true;
  };
  await addText(pick.stage, `Bring your portfolio ${marker}`);
  await addText("All stages", `We reply within two days ${marker}`);
  await addText("another stage", `Only for another stage ${marker}`);

  // A video for all stages.
  await page.goto(`${portal.baseURL}/admin/jobs/${pick.jobId}/portal?stage=all&add=video#block-form`);
  await page.getByLabel("Video link").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
  await page.getByLabel("Shown at").selectOption({ label: "All stages" });
  await page.getByRole("button", { name: "Add block" }).click();
  await expect(page.getByText("YouTube video:").first()).toBeVisible();
}

async function candidatePage(browser: Browser, timezoneId?: string) {
  const context = await browser.newContext({
    javaScriptEnabled: test.info().project.use.javaScriptEnabled !== false,
    timezoneId,
  });
  return context.newPage();
}

async function requestCandidateLink(page: Page, email: string): Promise<{ link: string; code: string }> {
  // Trellis mails an address at most once a minute: the other project's run
  // of this spec may have just asked for the same candidate.
  const last = allMail()
    .filter((m) => m.to.includes(email))
    .pop();
  if (last) {
    const wait = Date.parse(last.at) + 62_000 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
  }
  const asked = new Date().toISOString();
  await page.goto(`${portal.baseURL}/p/demo`);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page).toHaveURL(/\/p\/demo\/check-email/);
  const mail = await latestMail(email, /\/p\/demo\/sign-in\/link/, asked);
  expect(mail.subject.length).toBeGreaterThan(0);
  return signInParts(mail);
}

test.describe.configure({ mode: "serial" });

test("a candidate signs in by emailed link and sees their stage, content and interviews", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const pick = await demoApplication();
  const marker = `L${Date.now()}`;
  await preparePortal(page, pick, marker);

  const candidate = await candidatePage(browser);
  const { link } = await requestCandidateLink(candidate, pick.email);
  await candidate.goto(link);
  await candidate.getByRole("button", { name: "Sign in" }).click();
  await expect(candidate).toHaveURL(new RegExp(`/p/demo$`));
  await expect(candidate.getByRole("heading", { level: 1, name: /Hello|Your application/ })).toBeVisible();
  await expectAccessible(candidate);

  await candidate.goto(`${portal.baseURL}/p/demo/applications/${pick.applicationId}`);
  await expect(candidate.getByText(pick.job).first()).toBeVisible();
  await expect(candidate.locator("body")).toContainText(new RegExp(`Current stage:\\s*${escape(pick.stage)}`, "i"));
  await expect(candidate.getByText(`Bring your portfolio ${marker}`)).toBeVisible();
  await expect(candidate.getByText(`We reply within two days ${marker}`)).toBeVisible();
  await expect(candidate.getByText(`Only for another stage ${marker}`)).toHaveCount(0);
  await expect(candidate.getByRole("heading", { name: "Upcoming interviews" })).toBeVisible();
  await expect(candidate.getByText("You will meet").first()).toBeVisible();
  await expect(candidate.getByRole("link", { name: /Add to calendar/ }).first()).toBeVisible();
  await expect(candidate.getByText(/Status as of/)).toBeVisible();
  await expectAccessible(candidate);

  // A video loads nothing until played: a link to its page without
  // JavaScript, the provider's player in place with it.
  const js = test.info().project.use.javaScriptEnabled !== false;
  if (js) await waitForHydration(candidate);
  const facade = candidate.getByRole("link", { name: "Play video (loads YouTube)" }).first();
  await expect(facade).toHaveAttribute("href", "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
  await expect(candidate.locator("iframe")).toHaveCount(0);
  if (js) {
    await facade.click();
    const player = candidate.locator('iframe[src^="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"]');
    await expect(player).toHaveCount(1);
    await expect(player).toBeFocused();
    await expect(candidate).toHaveURL(new RegExp(`/applications/${pick.applicationId}$`));
  }

  // The chosen time zone applies, with or without JavaScript; with it, in
  // place (the page is not loaded again).
  await candidate.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await candidate.getByText("Change time zone").first().click();
  await candidate.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await candidate.getByRole("button", { name: "Show times in this zone" }).click();
  await expect(candidate.getByText("Times in Asia/Tokyo").first()).toBeVisible();
  const stayed = await candidate.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true);
  expect(stayed).toBe(js);
  await candidate.reload();
  await expect(candidate.getByText("Times in Asia/Tokyo").first()).toBeVisible();

  // The link worked once.
  await candidate.goto(link);
  await expect(candidate.getByText("This sign-in link cannot be used")).toBeVisible();
  await candidate.context().close();
});

test("a candidate signs in with the emailed code", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const pick = await demoApplication(false);
  await preparePortal(page, pick, `C${Date.now()}`);
  const candidate = await candidatePage(browser, "America/Sao_Paulo");
  const { code } = await requestCandidateLink(candidate, pick.email);
  await candidate.getByLabel("Code from the email").fill(code);
  await candidate.getByRole("button", { name: "Sign in" }).click();
  await expect(candidate).toHaveURL(new RegExp(`/p/demo$`));
  await candidate.goto(`${portal.baseURL}/p/demo/applications/${pick.applicationId}`);
  await expect(candidate.locator("body")).toContainText(new RegExp(`Current stage:\\s*${escape(pick.stage)}`, "i"));
  if (test.info().project.use.javaScriptEnabled !== false) {
    // The browser's own time zone is detected and remembered.
    await expect(candidate.getByText("Times in America/Sao_Paulo").first()).toBeVisible();
    await candidate.reload();
    await expect(candidate.getByText("Times in America/Sao_Paulo").first()).toBeVisible();
  }
  await candidate.context().close();
});

test("an unknown address gets the same answer and no email", async ({ browser }) => {
  const candidate = await candidatePage(browser);
  const email = `nobody-${Date.now()}@example.com`;
  await candidate.goto(`${portal.baseURL}/p/demo`);
  await candidate.getByLabel("Email address").fill(email);
  await candidate.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(candidate).toHaveURL(/\/p\/demo\/check-email/);
  await expect(candidate.getByLabel("Code from the email")).toBeVisible();
  await candidate.context().close();
});
