// Mail that the portal server sent through real SMTP to the loopback sink
// (smtp-sink.mjs), read from the sink's JSON-lines file.
import { readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { portal } from "./env";

export type Mail = { to: string[]; subject: string; text: string; html: string; at: string };

export function allMail(): Mail[] {
  let raw = "";
  try {
    raw = readFileSync(portal.mailFile, "utf8");
  } catch {
    return [];
  }
  return raw
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Mail);
}

/** The newest mail to `email` whose text matches `pattern`, waiting for it. */
export async function latestMail(email: string, pattern: RegExp, after?: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        found = allMail()
          .filter((m) => m.to.includes(email.toLowerCase()) && pattern.test(m.text))
          .filter((m) => !after || m.at > after)
          .pop();
        return found !== undefined;
      },
      { timeout: 15_000, message: `mail to ${email} matching ${pattern}` },
    )
    .toBe(true);
  return found as Mail;
}

/** The sign-in link and code of a sign-in mail. */
export function signInParts(mail: Mail): { link: string; code: string } {
  const link = /(https?:\/\/\S+\/sign-in\/link\?token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  const code = /([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(mail.text)?.[1];
  if (!link || !code) throw new Error(`no link or code in: ${mail.text}`);
  return { link, code };
}
