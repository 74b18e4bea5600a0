import { execFileSync } from "node:child_process";
import * as path from "node:path";

const port = Number(process.env.E2E_PORT ?? "3100");
const root = path.resolve(__dirname, "..", "..");
// One folder per port, so suites on different ports never share a database.
const dataDir = path.join(root, "end2end", ".data", String(port));

/** Where the server under test lives and how to reach its database. */
export const e2e = {
  port,
  baseURL: `http://localhost:${port}`,
  binary: process.env.TRELLIS_BIN ?? path.join(root, "target", "debug", "trellis"),
  serverEnv: {
    DATABASE_URL: `sqlite://${dataDir}/e2e.db?mode=rwc`,
    TRELLIS_BIND_ADDR: `127.0.0.1:${port}`,
    TRELLIS_PUBLIC_URL: `http://localhost:${port}`,
    LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
    E2E_DATA_DIR: dataDir,
    E2E_PORT: String(port),
    // The demo organization, synced from the built-in simulator, with its admin.
    TRELLIS_DEMO: "1",
    RUST_LOG: "warn",
  } as Record<string, string>,
};

const portalPort = port + 1;
const portalDataDir = path.join(root, "end2end", ".data", String(portalPort));

/**
 * A second server for the candidate-portal specs that sends its mail through
 * real SMTP (lettre) to a sink on loopback (smtp-sink.mjs), instead of the
 * dev mailbox. Same demo data and accounts as `e2e`.
 */
export const portal = {
  port: portalPort,
  baseURL: `http://localhost:${portalPort}`,
  mailFile: path.join(portalDataDir, "mail.jsonl"),
  serverEnv: {
    ...e2e.serverEnv,
    DATABASE_URL: `sqlite://${portalDataDir}/e2e.db?mode=rwc`,
    TRELLIS_BIND_ADDR: `127.0.0.1:${portalPort}`,
    TRELLIS_PUBLIC_URL: `http://localhost:${portalPort}`,
    E2E_DATA_DIR: portalDataDir,
    E2E_PORT: String(portalPort),
    E2E_SMTP_PORT: String(port + 2),
    E2E_MAIL_FILE: path.join(portalDataDir, "mail.jsonl"),
  } as Record<string, string>,
};

/** Runs the `trellis` CLI against the same database as the server. */
export function trellis(...args: string[]): string {
  return trellisAt(e2e.serverEnv, ...args);
}

/** Runs the `trellis` CLI against the portal server's database. */
export function trellisPortal(...args: string[]): string {
  return trellisAt(portal.serverEnv, ...args);
}

function trellisAt(serverEnv: Record<string, string>, ...args: string[]): string {
  return execFileSync(e2e.binary, args, {
    env: { ...process.env, ...serverEnv },
    encoding: "utf8",
  });
}
