// The Meta side of WhatsApp citizens, pure: webhook payloads filled in from the Cloud API contract
// files (channels/test/contracts/whatsapp-cloud, read by the k6 script at init) and the
// X-Hub-Signature-256 header. The HMAC itself is passed in (k6/crypto in k6, node:crypto in tests).

const clone = (value) => JSON.parse(JSON.stringify(value));

/** A WhatsApp id (the citizen's number, digits only) for citizen number `n`: 55 11 9xxxx-xxxx. */
export function waIdFor(n) {
  return `55119${String(Math.abs(Math.trunc(n)) % 100_000_000).padStart(8, '0')}`;
}

/**
 * An inbound message notification: the contract's envelope with this phone number id, citizen and
 * message. `fill` sets the message's own part (text, interactive reply).
 */
function inbound(contract, { phoneNumberId, waId, name, messageId, timestampMs }, fill) {
  const payload = clone(contract);
  const value = payload.entry[0].changes[0].value;
  value.metadata.phone_number_id = phoneNumberId;
  value.contacts[0].wa_id = waId;
  if (name) value.contacts[0].profile.name = name;
  const message = value.messages[0];
  Object.assign(message, { from: waId, id: messageId, timestamp: String(Math.floor(timestampMs / 1000)) });
  fill(message);
  return payload;
}

/** A text message (contract webhook-text.json). */
export function textNotification(contract, who, text) {
  return inbound(contract, who, (m) => (m.text = { body: text }));
}

/** A tap on a reply button (webhook-interactive-button-reply.json) or a list row (…-list-reply.json). */
export function replyNotification(contract, who, kind, reply) {
  return inbound(contract, who, (m) => {
    if (kind === 'button') m.interactive.button_reply = { id: reply.id, title: reply.title };
    else m.interactive.list_reply = { id: reply.id, title: reply.title, ...(reply.description ? { description: reply.description } : {}) };
  });
}

/** A delivery status of a message Atende sent (webhook-status-read.json / -sent.json). */
export function statusNotification(contract, { phoneNumberId, wamid, status, recipient, timestampMs }) {
  const payload = clone(contract);
  const value = payload.entry[0].changes[0].value;
  value.metadata.phone_number_id = phoneNumberId;
  Object.assign(value.statuses[0], { id: wamid, status, recipient_id: recipient, timestamp: String(Math.floor(timestampMs / 1000)) });
  return payload;
}

/** X-Hub-Signature-256 for a raw body: `sha256=` + hex HMAC-SHA256 with the app secret. */
export function hubSignature(raw, appSecret, hmacSha256Hex) {
  return `sha256=${hmacSha256Hex(appSecret, raw)}`;
}

/**
 * What a Graph send (as the sink reports it) offers the citizen to tap: list rows and reply buttons
 * as { id, title }, with the kind of reply a tap sends back.
 */
export function choicesOf(send) {
  const interactive = send.body && send.body.type === 'interactive' ? send.body.interactive : undefined;
  if (!interactive) return { kind: undefined, options: [] };
  if (interactive.type === 'list') {
    const rows = (interactive.action.sections ?? []).flatMap((s) => s.rows ?? []);
    return { kind: 'list', options: rows.map((r) => ({ id: r.id, title: r.title })) };
  }
  if (interactive.type === 'button') {
    return { kind: 'button', options: (interactive.action.buttons ?? []).map((b) => ({ id: b.reply.id, title: b.reply.title })) };
  }
  return { kind: undefined, options: [] };
}

/** The text a Graph send shows the citizen (text body, or an interactive message's body). */
export function textOf(send) {
  const body = send.body ?? {};
  if (body.type === 'text') return body.text?.body ?? '';
  if (body.type === 'interactive') return body.interactive?.body?.text ?? '';
  return '';
}
