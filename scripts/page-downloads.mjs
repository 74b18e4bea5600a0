// What a browser downloads to show and hydrate a page: every wasm and
// JavaScript response, with its size, and whether the page hydrated.
//   node scripts/page-downloads.mjs URL [COOKIE_NAME=VALUE]
// Uses Playwright from end2end/node_modules and Debian's Chromium.
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("playwright");

const [url, cookie] = process.argv.slice(2);
if (!url) {
  console.error("usage: node scripts/page-downloads.mjs URL [NAME=VALUE]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
// The cookie goes as a header, since Chromium refuses to set `__Host-`
// cookies through the automation protocol on plain http. A header replaces
// the browser's own cookies, so the page gets a time zone too (`tz`): the
// browser then has no cookie to set that the header would drop.
const header = cookie && `${cookie}; tz=${process.env.TZ_COOKIE ?? "Europe/Berlin"}`;
const context = await browser.newContext(header ? { extraHTTPHeaders: { cookie: header } } : {});
const page = await context.newPage();
const errors = [];
page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
page.on("pageerror", (error) => errors.push(String(error)));
const downloads = [];
page.on("response", async (response) => {
  const path = new URL(response.url()).pathname;
  if (response.status() >= 400) errors.push(`${response.status()} from ${response.request().method()} ${path}`);
  if (!/\.(wasm|js)$/.test(path)) return;
  const body = await response.body().catch(() => Buffer.alloc(0));
  downloads.push({ path, bytes: body.length, gzipped: gzipSync(body, { level: 9 }).length });
});
await page.goto(url);
// The app marks the document once hydrated.
const hydrated = await page
  .waitForFunction(() => document.documentElement.dataset.hydrated !== undefined, null, { timeout: 15000 })
  .then(() => true, () => false);
await page.waitForLoadState("networkidle");
let total = 0;
let totalGzipped = 0;
for (const { path, bytes, gzipped } of downloads) {
  console.log(`${path}: ${bytes} bytes, ${gzipped} gzipped`);
  total += bytes;
  totalGzipped += gzipped;
}
console.log(`total: ${total} bytes, ${totalGzipped} gzipped; hydrated: ${hydrated}; console errors: ${errors.length}`);
for (const error of errors) console.log(`  error: ${error}`);
await browser.close();
process.exit(hydrated && errors.length === 0 ? 0 : 1);
