// PetPantry — scheduled jobs: nightly roll-ups and housekeeping.
// Runs from a Cron Trigger; /health answers for the smoke check.

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


async function runJobs(env) {
  // Keep the settings table's heartbeat fresh so the owner sees the job ran.
  await env.DB.prepare("INSERT INTO settings (key, value) VALUES ('last_cron_run', ?1) " +
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value").bind(new Date().toISOString()).run();
  // Audit entries older than two years are removed (retention policy in the handover notes).
  await env.AUDIT.prepare("DELETE FROM audit_log WHERE at < date('now', '-730 days')").run();
}

export default {
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runJobs(env));
  },

  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/health") return json({ error: "not_found" }, 404);
    const checks = {};
    try {
      const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM products").first();
      checks.products = row.n;
      await env.AUDIT.prepare("SELECT 1").first();
      checks.audit = "ok";
      return json({ status: "ok", service: "petpantry-cron", checks });
    } catch (err) {
      return json({ status: "error", message: String(err && err.message || err) }, 503);
    }
  },
};
