// GearSwap — the public website, rendered at the edge from the database.

const SITE_NAME = "GearSwap";
const TAGLINE = "Buy and sell used outdoor gear with buyer protection";

function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function page(body) {
  return new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(SITE_NAME)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>${body}</body></html>`,
    { headers: { "content-type": "text/html; charset=utf-8" } });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      try {
        await env.DB.prepare("SELECT COUNT(*) AS n FROM items").first();
        return new Response(JSON.stringify({ status: "ok", service: "gearswap-site" }), { headers: { "content-type": "application/json" } });
      } catch (err) {
        return new Response(JSON.stringify({ status: "error", message: String(err && err.message || err) }), { status: 503 });
      }
    }
    if (url.pathname !== "/") return new Response("Not found", { status: 404 });
    const { results } = await env.DB.prepare("SELECT id, title, condition FROM items ORDER BY id DESC LIMIT 50").all();
    const items = results.map((r) => `<li><strong>${escapeHtml(r.title)}</strong> — ${escapeHtml(r.condition)}</li>`).join("");
    return page(`<h1>${escapeHtml(SITE_NAME)}</h1><p>${escapeHtml(TAGLINE)}</p><ul>${items}</ul>`);
  },
};
