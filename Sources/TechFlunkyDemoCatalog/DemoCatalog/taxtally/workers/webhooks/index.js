// TaxTally — incoming webhooks (payments, integrations), verified with an HMAC signature.

function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function isAuthorized(request, env) {
  // Writes need the owner's token; without the secret configured, writes are refused.
  const header = request.headers.get("authorization") || "";
  return Boolean(env.ADMIN_TOKEN) && header === `Bearer ${env.ADMIN_TOKEN}`;
}

const encoder = new TextEncoder();

async function verify(body, signature, secret) {
  if (!secret || !signature) return false;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const bytes = new Uint8Array((signature.match(/.{1,2}/g) || []).map((h) => parseInt(h, 16)));
  return crypto.subtle.verify("HMAC", key, bytes, encoder.encode(body));
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      try {
        await env.AUDIT.prepare("SELECT 1").first();
        return json({ status: "ok", service: "taxtally-webhooks" });
      } catch (err) {
        return json({ status: "error", message: String(err && err.message || err) }, 503);
      }
    }
    const match = url.pathname.match(/^\/webhooks\/([a-z0-9-]+)$/);
    if (!match || request.method !== "POST") return json({ error: "not_found" }, 404);
    const source = match[1];
    const body = await request.text();
    if (!(await verify(body, request.headers.get("x-signature"), env.WEBHOOK_SECRET))) {
      return json({ error: "unauthorized", message: "bad signature" }, 401);
    }
    let event;
    try {
      event = JSON.parse(body);
    } catch {
      return json({ error: "bad_request" }, 400);
    }
    if (!event || typeof event.id !== "string") return json({ error: "bad_request", message: "event id missing" }, 400);
    await env.AUDIT.prepare("INSERT OR IGNORE INTO webhook_events (id, source) VALUES (?1, ?2)").bind(event.id, source).run();
    await env.AUDIT.prepare("INSERT INTO audit_log (actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4)")
      .bind(source, event.type || "event", event.id, body.slice(0, 2000)).run();
    return json({ received: true });
  },
};
