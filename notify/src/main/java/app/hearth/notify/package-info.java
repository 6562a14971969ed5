/**
 * Reaching people outside the app (issue 15, docs/adr/0024): an outbox of messages in the store, a
 * sender on every node that claims each due message with a lease (so the cluster sends it once),
 * the messages themselves (minimum necessary: never clinical content, a link into Hearth instead)
 * with iCalendar invitations, and the embedded default's in-process SMTP server.
 */
package app.hearth.notify;
