// CoinJar — public API worker.
// Bindings: DB (D1 "coinjar-savings-db"); vars ROUND_TO_CENTS; secrets ADMIN_TOKEN, BANKING_API_SECRET.

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
    { name: "member", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "name", required: true, ok: (v) => typeof v === "string" && v.length <= 2000 },
    { name: "target_cents", required: true, ok: (v) => Number.isInteger(v) },
    { name: "saved_cents", required: true, ok: (v) => Number.isInteger(v) },
];

async function listGoals(url, env) {
  const limit = Math.min(Math.max(parseInt(url.searchParams.get("limit") || "20", 10) || 20, 1), 100);
  const offset = Math.max(parseInt(url.searchParams.get("offset") || "0", 10) || 0, 0);
  const q = (url.searchParams.get("q") || "").trim();
  const statement = q
    ? env.DB.prepare("SELECT id, member, name, target_cents, saved_cents, created_at FROM goals WHERE name LIKE ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3")
        .bind(`%${q}%`, limit, offset)
    : env.DB.prepare("SELECT id, member, name, target_cents, saved_cents, created_at FROM goals ORDER BY id DESC LIMIT ?1 OFFSET ?2").bind(limit, offset);
  const { results } = await statement.all();
  return json({ items: results, limit, offset });
}

async function getGoal(id, env) {
  const row = await env.DB.prepare("SELECT id, member, name, target_cents, saved_cents, created_at FROM goals WHERE id = ?1").bind(id).first();
  if (!row) return json({ error: "not_found", message: "no goal " + id }, 404);
  const notes = await env.DB.prepare("SELECT body, author, created_at FROM goal_notes WHERE goal_id = ?1 ORDER BY id").bind(id).all();
  return json({ ...row, notes: notes.results });
}

async function createGoal(request, env) {
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
  const row = await env.DB.prepare("INSERT INTO goals (member, name, target_cents, saved_cents) VALUES (" + FIELDS.map((_, i) => "?" + (i + 1)).join(", ") + ") RETURNING id")
    .bind(...values).first();
  return json({ id: row.id }, 201);
}


async function health(env) {
  const checks = {};
  try {
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM goals").first();
    checks.goals = row.n;
    return json({ status: "ok", service: "coinjar-savings", checks });
  } catch (err) {
    return json({ status: "error", service: "coinjar-savings", message: String(err && err.message || err) }, 503);
  }
}


export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/health") return health(env);
      if (url.pathname === "/api/goals" && request.method === "GET") return listGoals(url, env);
      if (url.pathname === "/api/goals" && request.method === "POST") return createGoal(request, env);
      const match = url.pathname.match(/^\/api\/goals\/(\d+)$/);
      if (match && request.method === "GET") return getGoal(Number(match[1]), env);
      return json({ error: "not_found", message: "no route for " + request.method + " " + url.pathname }, 404);
    } catch (err) {
      return json({ error: "internal_error", message: String(err && err.message || err) }, 500);
    }
  },
};
