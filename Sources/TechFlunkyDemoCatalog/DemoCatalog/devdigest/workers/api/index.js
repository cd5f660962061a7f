// DevDigest — public API worker.
// Bindings: DB (D1 "devdigest-db"), MEDIA (R2 "devdigest-media"), EVENTS (D1 analytics); vars SEND_DAY; secrets ADMIN_TOKEN, EMAIL_API_KEY.

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

const FIELDS = [
    { name: "number", required: true, ok: (v) => Number.isInteger(v) },
    { name: "subject", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "sent_on", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "open_rate", required: false, ok: (v) => typeof v === "number" && Number.isFinite(v) },
];

async function listIssues(url, env) {
  const limit = Math.min(Math.max(parseInt(url.searchParams.get("limit") || "20", 10) || 20, 1), 100);
  const offset = Math.max(parseInt(url.searchParams.get("offset") || "0", 10) || 0, 0);
  const q = (url.searchParams.get("q") || "").trim();
  const statement = q
    ? env.DB.prepare("SELECT id, number, subject, sent_on, open_rate, created_at FROM issues WHERE subject LIKE ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3")
        .bind(`%${q}%`, limit, offset)
    : env.DB.prepare("SELECT id, number, subject, sent_on, open_rate, created_at FROM issues ORDER BY id DESC LIMIT ?1 OFFSET ?2").bind(limit, offset);
  const { results } = await statement.all();
  return json({ items: results, limit, offset });
}

async function getIssue(id, env) {
  const row = await env.DB.prepare("SELECT id, number, subject, sent_on, open_rate, created_at FROM issues WHERE id = ?1").bind(id).first();
  if (!row) return json({ error: "not_found", message: "no issue " + id }, 404);
  const notes = await env.DB.prepare("SELECT body, author, created_at FROM issue_notes WHERE issue_id = ?1 ORDER BY id").bind(id).all();
  return json({ ...row, notes: notes.results });
}

async function createIssue(request, env) {
  if (!isAuthorized(request, env)) return json({ error: "unauthorized" }, 401);
  let body;
  try {
    body = await request.json();
  } catch {
    return json({ error: "bad_request", message: "send a JSON object" }, 400);
  }
  const problems = FIELDS.filter((f) => (body[f.name] === undefined || body[f.name] === null) ? f.required : !f.ok(body[f.name]))
    .map((f) => f.name);
  if (problems.length) return json({ error: "validation_failed", fields: problems }, 422);
  const values = FIELDS.map((f) => body[f.name] ?? null);
  const row = await env.DB.prepare("INSERT INTO issues (number, subject, sent_on, open_rate) VALUES (" + FIELDS.map((_, i) => "?" + (i + 1)).join(", ") + ") RETURNING id")
    .bind(...values).first();
  return json({ id: row.id }, 201);
}


async function getFile(key, env) {
  const object = await env.MEDIA.get(key);
  if (!object) return json({ error: "not_found", message: "no file " + key }, 404);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  return new Response(object.body, { headers });
}

async function putFile(key, request, env) {
  if (!isAuthorized(request, env)) return json({ error: "unauthorized" }, 401);
  if (!/^[A-Za-z0-9._\/-]{1,200}$/.test(key) || key.includes("..")) return json({ error: "bad_request", message: "bad file key" }, 400);
  const object = await env.MEDIA.put(key, request.body, {
    httpMetadata: { contentType: request.headers.get("content-type") || "application/octet-stream" },
  });
  return json({ key: object.key, size: object.size }, 201);
}


async function track(name, url, env) {
  await env.EVENTS.prepare("INSERT INTO events (name, path) VALUES (?1, ?2)").bind(name, url.pathname).run();
}


async function health(env) {
  const checks = {};
  try {
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM issues").first();
    checks.issues = row.n;
    const listed = await env.MEDIA.list({ limit: 1 });
    checks.files = listed.objects.length;
    await env.EVENTS.prepare("SELECT 1").first();
    checks.analytics = "ok";
    return json({ status: "ok", service: "devdigest", checks });
  } catch (err) {
    return json({ status: "error", service: "devdigest", message: String(err && err.message || err) }, 503);
  }
}


export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    try {
      if (request.method === "GET" && url.pathname.startsWith("/api/")) ctx.waitUntil(track("api_read", url, env));
      if (url.pathname === "/health") return health(env);
      if (url.pathname === "/api/issues" && request.method === "GET") return listIssues(url, env);
      if (url.pathname === "/api/issues" && request.method === "POST") return createIssue(request, env);
      const match = url.pathname.match(/^\/api\/issues\/(\d+)$/);
      if (match && request.method === "GET") return getIssue(Number(match[1]), env);
      if (url.pathname.startsWith("/files/")) {
        const key = decodeURIComponent(url.pathname.slice("/files/".length));
        if (request.method === "GET") return getFile(key, env);
        if (request.method === "PUT") return putFile(key, request, env);
      }
      return json({ error: "not_found", message: "no route for " + request.method + " " + url.pathname }, 404);
    } catch (err) {
      return json({ error: "internal_error", message: String(err && err.message || err) }, 500);
    }
  },
};
