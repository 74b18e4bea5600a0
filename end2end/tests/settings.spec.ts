// Settings: subdomain, display name, brand colour (with its contrast check),
// logo and cover, the live preview, and the branded portal. Runs with and
// without JavaScript; the demo organization is put back after each test.
import { deflateSync } from "node:zlib";
import type { APIRequestContext, Page, TestInfo } from "@playwright/test";
import { test, expect, expectAccessible, waitForHydration } from "./fixtures";
import { signedIn } from "./auth";
import { e2e } from "./env";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(kind: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(kind, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA PNG of `width` × `height` in a diagonal gradient of `rgb`. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 4);
    for (let x = 0; x < width; x++) {
      const shade = ((x + y) % 64) - 32;
      row.set(rgb.map((c) => Math.max(0, Math.min(255, c + shade))).concat([255]), 1 + x * 4);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const isJs = (testInfo: TestInfo) => testInfo.project.name === "js";

async function openSettings(page: Page, testInfo: TestInfo) {
  await page.goto("/admin/settings");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  if (isJs(testInfo)) await waitForHydration(page);
}

/** Puts the demo organization's portal back as serve.sh made it. */
async function restoreDemo(request: APIRequestContext) {
  const headers = { "sec-fetch-site": "same-origin" };
  const saved = await request.post("/api/save_portal_settings", {
    form: { subdomain: "demo", display_name: "", brand_color: "" },
    headers,
  });
  expect(saved.status()).toBe(200);
  for (const purpose of ["logo", "cover"]) {
    const removed = await request.post("/api/remove_portal_image", { form: { purpose }, headers });
    expect(removed.status()).toBe(200);
  }
}

test.describe("as the demo admin", () => {
  test.use(signedIn("admin"));
  test.afterEach(async ({ page }) => restoreDemo(page.request));

  test("an admin moves and brands the portal, and candidates see it", async ({ page, problems }, testInfo) => {
    const sub = `acme-careers-${testInfo.project.name}`;
    await openSettings(page, testInfo);
    await expectAccessible(page);
    await expect(page.getByRole("link", { name: `http://demo.localhost:${e2e.port}/` })).toBeVisible();

    // A rule is broken: the message sits next to the field.
    const subdomain = page.getByLabel("Portal subdomain");
    await subdomain.fill("Careers");
    const rule = "Use only lowercase letters a–z, digits and hyphens (found “C”).";
    if (isJs(testInfo)) {
      // Checked while typing, with the same rules as the server.
      await expect(page.locator("#subdomain-check")).toHaveText(rule);
    }
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.locator("#subdomain-error")).toHaveText(rule);
    await expect(page.getByLabel("Portal subdomain")).toHaveAttribute("aria-invalid", "true");

    // A reserved name has its own message.
    await page.getByLabel("Portal subdomain").fill("admin");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.locator("#subdomain-error")).toHaveText("“admin” is reserved; choose another name.");

    // Valid values, a pale colour in upper case.
    await page.getByLabel("Portal subdomain").fill(sub);
    await page.getByLabel("Display name").fill("Acme Careers");
    await page.getByLabel("Brand colour", { exact: true }).fill("#FFEB3B");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await expect(page.getByLabel("Brand colour", { exact: true })).toHaveValue("#ffeb3b");
    await expect(page.getByLabel("Portal subdomain")).toHaveValue(sub);
    // The contrast check warns, with the ratios.
    await expect(page.getByText("Black text on #ffeb3b: 17.19:1")).toBeVisible();
    await expect(page.locator(".contrast-warning")).toContainText("1.22:1 is below the 4.50:1 that WCAG AA requires");
    const portalLink = `http://${sub}.localhost:${e2e.port}/`;
    await expect(page.getByRole("link", { name: portalLink })).toBeVisible();
    await expectAccessible(page);

    // Images: a refused file, then a logo and a cover.
    if (isJs(testInfo)) await waitForHydration(page);
    await page.getByLabel("Upload a new logo").setInputFiles({
      name: "logo.svg",
      mimeType: "image/svg+xml",
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    });
    await page.getByRole("button", { name: "Upload logo" }).click();
    await expect(page.locator("#logo-error")).toContainText("Only PNG, JPEG and WebP images can be uploaded");

    await page.getByLabel("Upload a new logo").setInputFiles({
      name: "logo.png",
      mimeType: "image/png",
      buffer: png(96, 96, [30, 60, 160]),
    });
    await page.getByRole("button", { name: "Upload logo" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Logo uploaded." })).toBeVisible();
    await expect(page.getByRole("img", { name: "Current logo" })).toBeVisible();

    await page.getByLabel("Upload a new cover image").setInputFiles({
      name: "cover.png",
      mimeType: "image/png",
      buffer: png(900, 300, [200, 120, 40]),
    });
    await page.getByRole("button", { name: "Upload cover image" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Cover image uploaded." })).toBeVisible();
    await expect(page.getByRole("img", { name: "Current cover image" })).toBeVisible();
    // The preview shows them with the saved name.
    const preview = page.locator(".brand-preview");
    await expect(preview.getByRole("img", { name: "Acme Careers logo" })).toBeVisible();
    await expect(preview.locator(".portal-cover")).toBeVisible();

    // The portal, by path and by subdomain, shows the branding.
    for (const url of [`/p/${sub}`, portalLink]) {
      await page.goto(url);
      if (isJs(testInfo)) await waitForHydration(page);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your application at Acme Careers");
      await expect(page.getByRole("img", { name: "Acme Careers logo" })).toBeVisible();
      await expect(page.locator(".portal-cover")).toBeVisible();
      const identity = page.locator(".portal-identity");
      await expect(identity).toHaveCSS("background-color", "rgb(255, 235, 59)");
      await expect(page.locator(".portal-org")).toHaveCSS("color", "rgb(0, 0, 0)");
      await expectAccessible(page);
    }
    expect(problems.csp).toEqual([]);

    // The old address is gone.
    const old = await page.goto("/p/demo");
    expect(old?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Portal not found" })).toBeVisible();

    // Removing the logo takes it off the portal.
    await openSettings(page, testInfo);
    await page.getByRole("button", { name: "Remove logo" }).click();
    await expect(page.getByText("No logo yet.")).toBeVisible();
    await page.goto(`/p/${sub}`);
    await expect(page.getByRole("img", { name: "Acme Careers logo" })).toHaveCount(0);
  });

  test("the preview follows the typing", async ({ page }, testInfo) => {
    test.skip(!isJs(testInfo), "live updates need JavaScript");
    await openSettings(page, testInfo);
    const preview = page.locator(".brand-preview");
    await page.getByLabel("Display name").fill("Typed Name Ltd");
    await expect(preview.locator(".portal-org")).toHaveText("Typed Name Ltd");
    await page.getByLabel("Brand colour", { exact: true }).fill("#0b5394");
    await expect(preview.locator(".portal-header")).toHaveCSS("background-color", "rgb(11, 83, 148)");
    await expect(preview.locator(".portal-org")).toHaveCSS("color", "rgb(255, 255, 255)");
    await expect(page.locator(".contrast-warning")).toHaveCount(0);
    // A pale colour warns at once; a half-typed one keeps the last good colour.
    await page.getByLabel("Brand colour", { exact: true }).fill("#fff59d");
    await expect(page.locator(".contrast-warning")).toBeVisible();
    await page.getByLabel("Brand colour", { exact: true }).fill("#12");
    await expect(page.locator("#brand_color-check")).toHaveText(
      "Use 6 hex digits after “#” (or the 3-digit short form, as in #fa0); found 2.",
    );
    await expect(preview.locator(".portal-header")).toHaveCSS("background-color", "rgb(255, 245, 157)");
    // Nothing was saved.
    await page.reload();
    await expect(page.getByLabel("Display name")).toHaveValue("");
    await expectAccessible(page);
  });
});

test.describe("as the demo viewer", () => {
  test.use(signedIn("viewer"));

  test("a viewer sees the settings without controls, and the server refuses a forced save", async ({ page }, testInfo) => {
    await openSettings(page, testInfo);
    await expect(page.getByText("Only admins can change these settings.")).toBeVisible();
    await expect(page.getByLabel("Portal subdomain")).toHaveValue("demo");
    await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Upload logo" })).toHaveCount(0);
    await expectAccessible(page);

    const headers = { "sec-fetch-site": "same-origin" };
    const save = await page.request.post("/api/save_portal_settings", {
      form: { subdomain: "hijacked", display_name: "Evil", brand_color: "#000000" },
      headers,
    });
    expect(save.status()).toBe(403);
    const upload = await page.request.post("/admin/settings/images/logo", {
      multipart: { image: { name: "logo.png", mimeType: "image/png", buffer: png(8, 8, [0, 0, 0]) } },
      headers: { ...headers, accept: "application/json" },
    });
    expect(upload.status()).toBe(403);
    await page.goto("/p/demo");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your application at Acme Robotics (demo)");
  });
});
