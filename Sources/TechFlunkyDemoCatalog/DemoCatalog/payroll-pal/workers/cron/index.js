// PayrollPal — scheduled jobs: nightly roll-ups and housekeeping.
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
  // Roll yesterday's events up into daily_stats.
  await env.EVENTS.prepare(
    "INSERT INTO daily_stats (day, name, count) SELECT substr(occurred_at, 1, 10), name, COUNT(*) FROM events " +
    "WHERE occurred_at >= date('now', '-1 day') AND occurred_at < date('now') GROUP BY 1, 2 " +
    "ON CONFLICT (day, name) DO UPDATE SET count = excluded.count"
  ).run();
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
      const stats = await env.EVENTS.prepare("SELECT COUNT(*) AS n FROM daily_stats").first();
      checks.daily_stats = stats.n;
      const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM payslips").first();
      checks.payslips = row.n;
      await env.AUDIT.prepare("SELECT 1").first();
      checks.audit = "ok";
      return json({ status: "ok", service: "payroll-pal-cron", checks });
    } catch (err) {
      return json({ status: "error", message: String(err && err.message || err) }, 503);
    }
  },
};
