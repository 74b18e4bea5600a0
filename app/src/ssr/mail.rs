//! Mail that Trellis sends. Request handlers only put messages in the
//! outbox; a worker in the server delivers them (SMTP, or the dev mailbox),
//! so a request never waits on a mail server and takes as long whether or
//! not a message was queued.

use tokio::sync::mpsc;

/// One message, as written by the service that sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The organization it is sent for (shown in the dev mailbox).
    pub organization_id: Option<i64>,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// An HTML alternative; every message has the plain-text body.
    pub html: Option<String>,
}

/// The sending end of the outbox; cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    sender: mpsc::UnboundedSender<OutgoingEmail>,
}

impl Outbox {
    /// An outbox and the receiver its delivery worker drains.
    pub fn channel() -> (Outbox, mpsc::UnboundedReceiver<OutgoingEmail>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Outbox { sender }, receiver)
    }

    /// Queues `email`; logs (without the body, which may hold a sign-in
    /// link) when the worker is gone.
    pub fn send(&self, email: OutgoingEmail) {
        let subject = email.subject.clone();
        if self.sender.send(email).is_err() {
            tracing::error!(%subject, "the mail worker has stopped; a message was dropped");
        }
    }
}
