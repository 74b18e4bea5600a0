// A real SMTP server on loopback for the end-to-end tests: Trellis sends its
// mail here through lettre's SMTP transport, and every message is parsed and
// appended as one JSON line to $E2E_MAIL_FILE, which the specs read
// (tests/mail.ts). It exits when the process that started it does.
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { appendFileSync, writeFileSync } from "node:fs";

const port = Number(process.env.E2E_SMTP_PORT);
const file = process.env.E2E_MAIL_FILE;
if (!port || !file) {
  console.error("smtp-sink: set E2E_SMTP_PORT and E2E_MAIL_FILE");
  process.exit(2);
}
writeFileSync(file, "");

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        appendFileSync(
          file,
          JSON.stringify({
            to,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            at: new Date().toISOString(),
          }) + "\n",
        );
        callback();
      })
      .catch((error) => callback(error));
  },
});
server.listen(port, "127.0.0.1", () => console.log(`smtp-sink listening on 127.0.0.1:${port}`));

const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    server.close(() => process.exit(0));
  }
}, 1000).unref();
