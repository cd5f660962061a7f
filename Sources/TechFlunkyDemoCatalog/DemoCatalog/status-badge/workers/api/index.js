// BadgeKit — public API worker.
// Bindings: MEDIA (R2 "status-badge-media"); vars CACHE_SECONDS; secrets none.

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


async function health(env) {
  const checks = {};
  try {
    const listed = await env.MEDIA.list({ limit: 1 });
    checks.files = listed.objects.length;
    return json({ status: "ok", service: "status-badge", checks });
  } catch (err) {
    return json({ status: "error", service: "status-badge", message: String(err && err.message || err) }, 503);
  }
}


export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/health") return health(env);
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
