// ShiftBoard — public API worker.
// Bindings: DB (D1 "shiftboard-db"); vars WEEK_STARTS_ON; secrets ADMIN_TOKEN.

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
    { name: "employee", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "role", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "starts_at", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "ends_at", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
];

async function listShifts(url, env) {
  const limit = Math.min(Math.max(parseInt(url.searchParams.get("limit") || "20", 10) || 20, 1), 100);
  const offset = Math.max(parseInt(url.searchParams.get("offset") || "0", 10) || 0, 0);
  const q = (url.searchParams.get("q") || "").trim();
  const statement = q
    ? env.DB.prepare("SELECT id, employee, role, starts_at, ends_at, created_at FROM shifts WHERE employee LIKE ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3")
        .bind(`%${q}%`, limit, offset)
    : env.DB.prepare("SELECT id, employee, role, starts_at, ends_at, created_at FROM shifts ORDER BY id DESC LIMIT ?1 OFFSET ?2").bind(limit, offset);
  const { results } = await statement.all();
  return json({ items: results, limit, offset });
}

async function getShift(id, env) {
  const row = await env.DB.prepare("SELECT id, employee, role, starts_at, ends_at, created_at FROM shifts WHERE id = ?1").bind(id).first();
  if (!row) return json({ error: "not_found", message: "no shift " + id }, 404);
  const notes = await env.DB.prepare("SELECT body, author, created_at FROM shift_notes WHERE shift_id = ?1 ORDER BY id").bind(id).all();
  return json({ ...row, notes: notes.results });
}

async function createShift(request, env) {
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
  const row = await env.DB.prepare("INSERT INTO shifts (employee, role, starts_at, ends_at) VALUES (" + FIELDS.map((_, i) => "?" + (i + 1)).join(", ") + ") RETURNING id")
    .bind(...values).first();
  return json({ id: row.id }, 201);
}


async function health(env) {
  const checks = {};
  try {
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM shifts").first();
    checks.shifts = row.n;
    return json({ status: "ok", service: "shiftboard", checks });
  } catch (err) {
    return json({ status: "error", service: "shiftboard", message: String(err && err.message || err) }, 503);
  }
}


export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/health") return health(env);
      if (url.pathname === "/api/shifts" && request.method === "GET") return listShifts(url, env);
      if (url.pathname === "/api/shifts" && request.method === "POST") return createShift(request, env);
      const match = url.pathname.match(/^\/api\/shifts\/(\d+)$/);
      if (match && request.method === "GET") return getShift(Number(match[1]), env);
      return json({ error: "not_found", message: "no route for " + request.method + " " + url.pathname }, 404);
    } catch (err) {
      return json({ error: "internal_error", message: String(err && err.message || err) }, 500);
    }
  },
};
