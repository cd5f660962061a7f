#!/usr/bin/env python3
"""Generates the demo catalog: Sources/TechFlunkyDemoCatalog/DemoCatalog/<slug>/ for every
business in listings.py — listing.json, techflunky.json, worker ES modules, SQL migrations and
business assets (markdown).

Run from the repository root:  python3 scripts/demo_catalog/generate.py [--check]

Every run rewrites the listing directories from scratch (FORMAT.md at the top is kept), then checks
its own output: each migration set is executed in order in an in-memory SQLite database, and each
worker module is syntax-checked and its /health route called by Node with stand-in bindings
(when node is installed). --check only verifies the files already there.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap

sys.path.insert(0, os.path.dirname(__file__))
from listings import L, SELLERS  # noqa: E402
from history import history  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Sources", "TechFlunkyDemoCatalog", "DemoCatalog")
COMPAT_DATES = ["2024-09-23", "2024-11-11", "2025-01-29", "2025-04-01", "2025-06-17"]


def money(dollars):
    return {"amount": int(round(dollars * 100)), "currency": "USD"}


def nice_price(dollars):
    if dollars < 10_000:
        step = 100
    elif dollars < 100_000:
        step = 500
    else:
        step = 5_000
    return max(900, min(450_000, int(round(dollars / step)) * step))


def js_string(s):
    return json.dumps(s, ensure_ascii=False)


def singular(table):
    if table.endswith("ies"):
        return table[:-3] + "y"
    if table.endswith("ches") or table.endswith("shes") or table.endswith("sses"):
        return table[:-2]
    return table[:-1] if table.endswith("s") else table


# ------------------------------------------------------------------ SQL

def sql_value(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def main_migrations(spec):
    table, columns, search, seeds = spec["entity"]
    lines = [f"-- {spec['title']}: the {table} table.", f"CREATE TABLE IF NOT EXISTS {table} (",
             "    id INTEGER PRIMARY KEY AUTOINCREMENT,"]
    for name, sqltype, required in columns:
        check = ""
        if sqltype == "INTEGER" and name.endswith("_cents") and not name.startswith("amount") and "net" not in name:
            check = f" CHECK ({name} >= 0)"
        lines.append(f"    {name} {sqltype}{' NOT NULL' if required else ''}{check},")
    lines.append("    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")
    lines.append(");")
    lines.append(f"CREATE INDEX IF NOT EXISTS idx_{table}_{search} ON {table} ({search});")
    lines.append(f"CREATE INDEX IF NOT EXISTS idx_{table}_created_at ON {table} (created_at);")
    first = "\n".join(lines) + "\n"

    cols = ", ".join(c[0] for c in columns)
    rows = ",\n".join("    (" + ", ".join(sql_value(v) for v in row) + ")" for row in seeds)
    second = f"-- Seed rows so a fresh deployment shows real data.\nINSERT INTO {table} ({cols}) VALUES\n{rows};\n"

    one = singular(table)
    third = textwrap.dedent(f"""\
        -- Notes staff attach to a {one}, and the settings the workers read.
        CREATE TABLE IF NOT EXISTS {one}_notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            {one}_id INTEGER NOT NULL REFERENCES {table}(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT 'owner',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX IF NOT EXISTS idx_{one}_notes_{one}_id ON {one}_notes ({one}_id);
        CREATE TABLE IF NOT EXISTS settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO settings (key, value) VALUES ('business_name', {sql_value(spec['name'])}), ('schema_version', '3');
        INSERT INTO {one}_notes ({one}_id, body) VALUES (1, {sql_value('Imported from the previous owner’s system.')});
        """)
    files = [(f"0001_create_{table}.sql", first), (f"0002_seed_{table}.sql", second), (f"0003_add_{one}_notes.sql", third)]
    return files


def analytics_migrations(spec):
    first = textwrap.dedent(f"""\
        -- {spec['title']}: page and product events, rolled up nightly by the cron worker.
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            path TEXT NOT NULL,
            visitor TEXT,
            props TEXT NOT NULL DEFAULT '{{}}',
            occurred_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX IF NOT EXISTS idx_events_name_time ON events (name, occurred_at);
        CREATE TABLE IF NOT EXISTS daily_stats (
            day TEXT NOT NULL,
            name TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, name)
        );
        """)
    second = textwrap.dedent(f"""\
        INSERT INTO events (name, path, visitor, occurred_at) VALUES
            ('page_view', '/', 'v1', '2026-11-24T09:12:00Z'),
            ('page_view', '/pricing', 'v1', '2026-11-24T09:13:10Z'),
            ('signup', '/signup', 'v1', '2026-11-24T09:15:42Z'),
            ('page_view', '/', 'v2', '2026-11-25T14:01:00Z');
        INSERT INTO daily_stats (day, name, count) VALUES ('2026-11-24', 'page_view', {spec['visitors'] // 30}), ('2026-11-24', 'signup', {max(1, spec['visitors'] // 900)});
        """)
    return [("0001_create_events.sql", first), ("0002_seed_events.sql", second)]


def audit_migrations(spec):
    first = textwrap.dedent("""\
        -- Who changed what, for support and compliance.
        CREATE TABLE IF NOT EXISTS audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            detail TEXT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX IF NOT EXISTS idx_audit_log_subject ON audit_log (subject, at);
        CREATE TABLE IF NOT EXISTS webhook_events (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        """)
    second = textwrap.dedent(f"""\
        -- The first entries: the handover itself, so the log never starts empty.
        INSERT INTO audit_log (actor, action, subject, detail) VALUES
            ('previous-owner', 'handover.prepared', {sql_value(spec['slug'])}, 'package exported for sale'),
            ('techflunky', 'deployment.created', {sql_value(spec['slug'])}, 'audit database created by the TechFlunky deployment');
        """)
    return [("0001_create_audit_log.sql", first), ("0002_seed_audit_log.sql", second)]


# ------------------------------------------------------------------ Workers

def fill(template, **blocks):
    """Dedents `template`, then replaces each line holding only `@@name@@` with the block's lines,
    indented like the placeholder (so generated code reads as if written by hand)."""
    out = []
    for line in textwrap.dedent(template).split("\n"):
        m = re.fullmatch(r"(\s*)@@(\w+)@@", line)
        if m:
            block = blocks[m.group(2)]
            out.extend((m.group(1) + b) if b else "" for b in block.split("\n") if block)
        else:
            out.append(line)
    return "\n".join(out)


JS_HELPERS = """\
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
"""


def validator_js(columns):
    checks = []
    for name, sqltype, required in columns:
        if sqltype == "TEXT":
            test = f"typeof v === \"string\" && v.length <= 2000"
        elif sqltype == "INTEGER":
            test = "Number.isInteger(v)"
        else:
            test = "typeof v === \"number\" && Number.isFinite(v)"
        checks.append(f"    {{ name: {js_string(name)}, required: {'true' if required else 'false'}, ok: (v) => {test} }},")
    return "const FIELDS = [\n" + "\n".join(checks) + "\n];"


def api_worker(spec, db, buckets, analytics):
    table, columns, search, _ = spec["entity"] if spec["entity"] else (None, [], None, [])
    one = singular(table) if table else None
    bucket = buckets[0] if buckets else None
    parts = [f"// {spec['name']} — public API worker.",
             "// Bindings: " + ", ".join(filter(None, [
                 f"DB (D1 \"{db}\")" if db else None,
                 f"{bucket[1]} (R2 \"{bucket[0]}\")" if bucket else None,
                 "EVENTS (D1 analytics)" if analytics else None])) + ("; " if (db or bucket or analytics) else "") +
             "vars " + ", ".join(spec["vars"].keys()) + "; secrets " + (", ".join(spec["secrets"]) or "none") + ".",
             "", JS_HELPERS]
    if table:
        cols = ", ".join(c[0] for c in columns)
        parts.append(validator_js(columns))
        parts.append(textwrap.dedent(f"""
            async function list{table.title().replace('_', '')}(url, env) {{
              const limit = Math.min(Math.max(parseInt(url.searchParams.get("limit") || "20", 10) || 20, 1), 100);
              const offset = Math.max(parseInt(url.searchParams.get("offset") || "0", 10) || 0, 0);
              const q = (url.searchParams.get("q") || "").trim();
              const statement = q
                ? env.DB.prepare("SELECT id, {cols}, created_at FROM {table} WHERE {search} LIKE ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3")
                    .bind(`%${{q}}%`, limit, offset)
                : env.DB.prepare("SELECT id, {cols}, created_at FROM {table} ORDER BY id DESC LIMIT ?1 OFFSET ?2").bind(limit, offset);
              const {{ results }} = await statement.all();
              return json({{ items: results, limit, offset }});
            }}

            async function get{one.title().replace('_', '')}(id, env) {{
              const row = await env.DB.prepare("SELECT id, {cols}, created_at FROM {table} WHERE id = ?1").bind(id).first();
              if (!row) return json({{ error: "not_found", message: "no {one.replace('_', ' ')} " + id }}, 404);
              const notes = await env.DB.prepare("SELECT body, author, created_at FROM {one}_notes WHERE {one}_id = ?1 ORDER BY id").bind(id).all();
              return json({{ ...row, notes: notes.results }});
            }}

            async function create{one.title().replace('_', '')}(request, env) {{
              if (!isAuthorized(request, env)) return json({{ error: "unauthorized" }}, 401);
              let body;
              try {{
                body = await request.json();
              }} catch {{
                return json({{ error: "bad_request", message: "send a JSON object" }}, 400);
              }}
              const problems = FIELDS.filter((f) => (body[f.name] === undefined || body[f.name] === null) ? f.required : !f.ok(body[f.name]))
                .map((f) => f.name);
              if (problems.length) return json({{ error: "validation_failed", fields: problems }}, 422);
              const values = FIELDS.map((f) => body[f.name] ?? null);
              const row = await env.DB.prepare("INSERT INTO {table} ({cols}) VALUES (" + FIELDS.map((_, i) => "?" + (i + 1)).join(", ") + ") RETURNING id")
                .bind(...values).first();
              return json({{ id: row.id }}, 201);
            }}
            """))
    if bucket:
        binding = bucket[1]
        parts.append(textwrap.dedent(f"""
            async function getFile(key, env) {{
              const object = await env.{binding}.get(key);
              if (!object) return json({{ error: "not_found", message: "no file " + key }}, 404);
              const headers = new Headers();
              object.writeHttpMetadata(headers);
              headers.set("etag", object.httpEtag);
              return new Response(object.body, {{ headers }});
            }}

            async function putFile(key, request, env) {{
              if (!isAuthorized(request, env)) return json({{ error: "unauthorized" }}, 401);
              if (!/^[A-Za-z0-9._\\/-]{{1,200}}$/.test(key) || key.includes("..")) return json({{ error: "bad_request", message: "bad file key" }}, 400);
              const object = await env.{binding}.put(key, request.body, {{
                httpMetadata: {{ contentType: request.headers.get("content-type") || "application/octet-stream" }},
              }});
              return json({{ key: object.key, size: object.size }}, 201);
            }}
            """))
    if analytics:
        parts.append(textwrap.dedent("""
            async function track(name, url, env) {
              await env.EVENTS.prepare("INSERT INTO events (name, path) VALUES (?1, ?2)").bind(name, url.pathname).run();
            }
            """))

    # health
    health_checks = []
    if table:
        health_checks.append(f'const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM {table}").first();\nchecks.{table} = row.n;')
    if bucket:
        health_checks.append(f'const listed = await env.{bucket[1]}.list({{ limit: 1 }});\nchecks.files = listed.objects.length;')
    if analytics:
        health_checks.append('await env.EVENTS.prepare("SELECT 1").first();\nchecks.analytics = "ok";')
    health_body = "\n".join(health_checks) if health_checks else "checks.config = Object.keys(env).length;"
    parts.append(fill(f"""
        async function health(env) {{
          const checks = {{}};
          try {{
            @@health@@
            return json({{ status: "ok", service: {js_string(spec['slug'])}, checks }});
          }} catch (err) {{
            return json({{ status: "error", service: {js_string(spec['slug'])}, message: String(err && err.message || err) }}, 503);
          }}
        }}
        """, health=health_body))

    routes = ['if (url.pathname === "/health") return health(env);']
    if table:
        t = table.title().replace('_', '')
        o = one.title().replace('_', '')
        routes.append(f'if (url.pathname === "/api/{table}" && request.method === "GET") return list{t}(url, env);')
        routes.append(f'if (url.pathname === "/api/{table}" && request.method === "POST") return create{o}(request, env);')
        routes.append(f'const match = url.pathname.match(/^\\/api\\/{table}\\/(\\d+)$/);')
        routes.append(f'if (match && request.method === "GET") return get{o}(Number(match[1]), env);')
    if bucket:
        routes.append('if (url.pathname.startsWith("/files/")) {')
        routes.append('  const key = decodeURIComponent(url.pathname.slice("/files/".length));')
        routes.append('  if (request.method === "GET") return getFile(key, env);')
        routes.append('  if (request.method === "PUT") return putFile(key, request, env);')
        routes.append('}')
    if not table and not bucket:
        routes.append('if (url.pathname === "/") return json({ service: ' + js_string(spec['slug']) + ', settings: env });')
    routes_js = "\n".join(routes)
    if analytics:
        routes.insert(0, 'if (request.method === "GET" && url.pathname.startsWith("/api/")) ctx.waitUntil(track("api_read", url, env));')
    routes_js = "\n".join(routes)
    parts.append(fill(f"""
        export default {{
          async fetch(request, env, ctx) {{
            const url = new URL(request.url);
            try {{
              @@routes@@
              return json({{ error: "not_found", message: "no route for " + request.method + " " + url.pathname }}, 404);
            }} catch (err) {{
              return json({{ error: "internal_error", message: String(err && err.message || err) }}, 500);
            }}
          }},
        }};
        """, routes=routes_js))
    return "\n".join(parts)


def cron_worker(spec, db, analytics, audit):
    table = spec["entity"][0] if spec["entity"] else None
    lines = [f"// {spec['name']} — scheduled jobs: nightly roll-ups and housekeeping.",
             "// Runs from a Cron Trigger; /health answers for the smoke check.", "", JS_HELPERS]
    jobs = []
    health = []
    if analytics:
        jobs.append(textwrap.dedent("""\
            // Roll yesterday's events up into daily_stats.
            await env.EVENTS.prepare(
              "INSERT INTO daily_stats (day, name, count) SELECT substr(occurred_at, 1, 10), name, COUNT(*) FROM events " +
              "WHERE occurred_at >= date('now', '-1 day') AND occurred_at < date('now') GROUP BY 1, 2 " +
              "ON CONFLICT (day, name) DO UPDATE SET count = excluded.count"
            ).run();"""))
        health.append('const stats = await env.EVENTS.prepare("SELECT COUNT(*) AS n FROM daily_stats").first();\nchecks.daily_stats = stats.n;')
    if db and table:
        jobs.append(textwrap.dedent(f"""\
            // Keep the settings table's heartbeat fresh so the owner sees the job ran.
            await env.DB.prepare("INSERT INTO settings (key, value) VALUES ('last_cron_run', ?1) " +
              "ON CONFLICT (key) DO UPDATE SET value = excluded.value").bind(new Date().toISOString()).run();"""))
        health.append(f'const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM {table}").first();\nchecks.{table} = row.n;')
    if audit:
        jobs.append(textwrap.dedent("""\
            // Audit entries older than two years are removed (retention policy in the handover notes).
            await env.AUDIT.prepare("DELETE FROM audit_log WHERE at < date('now', '-730 days')").run();"""))
        health.append('await env.AUDIT.prepare("SELECT 1").first();\nchecks.audit = "ok";')
    if not jobs:
        jobs.append("console.log(\"scheduled run\", new Date().toISOString());")
    jobs_js = "\n".join(jobs)
    health_js = "\n".join(health) if health else "checks.scheduled = true;"
    lines.append(fill(f"""
        async function runJobs(env) {{
          @@jobs@@
        }}

        export default {{
          async scheduled(controller, env, ctx) {{
            ctx.waitUntil(runJobs(env));
          }},

          async fetch(request, env) {{
            const url = new URL(request.url);
            if (url.pathname !== "/health") return json({{ error: "not_found" }}, 404);
            const checks = {{}};
            try {{
              @@health@@
              return json({{ status: "ok", service: {js_string(spec['slug'] + '-cron')}, checks }});
            }} catch (err) {{
              return json({{ status: "error", message: String(err && err.message || err) }}, 503);
            }}
          }},
        }};
        """, jobs=jobs_js, health=health_js))
    return "\n".join(lines)


def webhooks_worker(spec, audit):
    secret = next((s for s in spec["secrets"] if "WEBHOOK" in s), None) or "WEBHOOK_SECRET"
    store = "env.AUDIT" if audit else None
    record = (f'await {store}.prepare("INSERT OR IGNORE INTO webhook_events (id, source) VALUES (?1, ?2)").bind(event.id, source).run();\n'
              f'await {store}.prepare("INSERT INTO audit_log (actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4)")\n'
              f'  .bind(source, event.type || "event", event.id, body.slice(0, 2000)).run();') if store else \
        'console.log("webhook", source, event.id, event.type);'
    health = f'await {store}.prepare("SELECT 1").first();' if store else ""
    return fill(f"""\
        // {spec['name']} — incoming webhooks (payments, integrations), verified with an HMAC signature.

        @@helpers@@
        const encoder = new TextEncoder();

        async function verify(body, signature, secret) {{
          if (!secret || !signature) return false;
          const key = await crypto.subtle.importKey("raw", encoder.encode(secret), {{ name: "HMAC", hash: "SHA-256" }}, false, ["verify"]);
          const bytes = new Uint8Array((signature.match(/.{{1,2}}/g) || []).map((h) => parseInt(h, 16)));
          return crypto.subtle.verify("HMAC", key, bytes, encoder.encode(body));
        }}

        export default {{
          async fetch(request, env) {{
            const url = new URL(request.url);
            if (url.pathname === "/health") {{
              try {{
                @@health@@
                return json({{ status: "ok", service: {js_string(spec['slug'] + '-webhooks')} }});
              }} catch (err) {{
                return json({{ status: "error", message: String(err && err.message || err) }}, 503);
              }}
            }}
            const match = url.pathname.match(/^\\/webhooks\\/([a-z0-9-]+)$/);
            if (!match || request.method !== "POST") return json({{ error: "not_found" }}, 404);
            const source = match[1];
            const body = await request.text();
            if (!(await verify(body, request.headers.get("x-signature"), env.{secret}))) {{
              return json({{ error: "unauthorized", message: "bad signature" }}, 401);
            }}
            let event;
            try {{
              event = JSON.parse(body);
            }} catch {{
              return json({{ error: "bad_request" }}, 400);
            }}
            if (!event || typeof event.id !== "string") return json({{ error: "bad_request", message: "event id missing" }}, 400);
            @@record@@
            return json({{ received: true }});
          }},
        }};
        """, health=health, record=record, helpers=JS_HELPERS)


def site_worker(spec, db, bucket):
    table, columns, search, _ = spec["entity"] if spec["entity"] else (None, [], None, [])
    title_col = columns[0][0] if columns else None
    sub_col = columns[1][0] if len(columns) > 1 else None
    media = ""
    if bucket:
        media = textwrap.dedent(f"""\
            if (url.pathname.startsWith("/media/")) {{
              const object = await env.{bucket[1]}.get(decodeURIComponent(url.pathname.slice(7)));
              if (!object) return new Response("Not found", {{ status: 404 }});
              return new Response(object.body, {{
                headers: {{ "content-type": object.httpMetadata?.contentType || "application/octet-stream", "cache-control": "public, max-age=3600" }},
              }});
            }}""")
    rows_js = (f'const {{ results }} = await env.DB.prepare("SELECT id, {title_col}, {sub_col} FROM {table} ORDER BY id DESC LIMIT 50").all();\n'
               f'const items = results.map((r) => `<li><strong>${{escapeHtml(r.{title_col})}}</strong> — ${{escapeHtml(r.{sub_col})}}</li>`).join("");') \
        if db and table else 'const items = "";'
    health = f'await env.DB.prepare("SELECT COUNT(*) AS n FROM {table}").first();' if db and table else ""
    return fill(f"""\
        // {spec['name']} — the public website, rendered at the edge from the database.

        const SITE_NAME = {js_string(spec['name'])};
        const TAGLINE = {js_string(spec['tagline'])};

        function escapeHtml(value) {{
          return String(value ?? "").replace(/[&<>"']/g, (c) => ({{ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }})[c]);
        }}

        function page(body) {{
          return new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${{escapeHtml(SITE_NAME)}}</title>` +
            `<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>${{body}}</body></html>`,
            {{ headers: {{ "content-type": "text/html; charset=utf-8" }} }});
        }}

        export default {{
          async fetch(request, env) {{
            const url = new URL(request.url);
            if (url.pathname === "/health") {{
              try {{
                @@health@@
                return new Response(JSON.stringify({{ status: "ok", service: {js_string(spec['slug'] + '-site')} }}), {{ headers: {{ "content-type": "application/json" }} }});
              }} catch (err) {{
                return new Response(JSON.stringify({{ status: "error", message: String(err && err.message || err) }}), {{ status: 503 }});
              }}
            }}
            @@media@@
            if (url.pathname !== "/") return new Response("Not found", {{ status: 404 }});
            @@rows@@
            return page(`<h1>${{escapeHtml(SITE_NAME)}}</h1><p>${{escapeHtml(TAGLINE)}}</p><ul>${{items}}</ul>`);
          }},
        }};
        """, health=health, media=media, rows=rows_js)


# ------------------------------------------------------------------ Assets and text

def description(spec):
    revenue, profit = spec["revenue"], spec["profit"]
    p1 = spec["pitch"]
    if revenue > 0:
        p2 = (f"Over the last twelve months the business has averaged ${revenue:,} in monthly revenue and ${profit:,} in monthly profit "
              f"— a {int(round(100 * profit / revenue))} % margin — from about {spec['visitors']:,} visitors a month. "
              f"It has been running for {spec['age']} months. Customers are {spec['audience'][0].lower() + spec['audience'][1:]}.")
    else:
        p2 = (f"The product is pre-revenue: about {spec['visitors']:,} people use it each month and it has been live for {spec['age']} months. "
              f"Users are {spec['audience'][0].lower() + spec['audience'][1:]} — the asking price reflects the code, the content and the audience, not income.")
    parts = ", ".join(spec["stack"][:-1]) + (" and " + spec["stack"][-1] if len(spec["stack"]) > 1 else spec["stack"][0])
    p3 = (f"Everything runs on {parts}; the package deploys into your own Cloudflare account in minutes — "
          f"the databases come with their migrations and seed data, and the market research and business plan are included. "
          f"Why sell? {spec['reason']}. The seller’s offer includes 30 days of email handover support after the sale.")
    return "\n\n".join([p1, p2, p3])


def assets(spec):
    revenue, profit = spec["revenue"], spec["profit"]
    market = textwrap.dedent(f"""\
        # Market research — {spec['name']}

        **Category:** {spec['category']}
        **Who buys:** {spec['audience']}.

        ## Demand
        - Monthly visitors: {spec['visitors']:,} (last 90 days, privacy-friendly analytics).
        - Top acquisition channels: organic search (≈48 %), word of mouth (≈27 %), partnerships (≈15 %), paid (≈10 %).
        - Seasonality: {'noticeable — plan promotions around the peak months' if spec['category'] in ('E-commerce', 'Education') else 'mild; usage is steady through the year'}.

        ## Competition
        The market has two or three well-funded generalists and a long tail of small tools. {spec['name']} wins on
        focus: it does one job for one audience and does it well — customers mention speed and support most often.

        ## Opportunities
        1. Annual plans (currently {'offered' if revenue > 5000 else 'not offered'}) to improve cash flow.
        2. Localisation — roughly a fifth of visitors browse in a language other than English.
        3. A referral programme; existing customers already recommend it unprompted.
        """)
    plan = textwrap.dedent(f"""\
        # Business plan — {spec['name']}

        ## Today
        | | per month |
        |---|---:|
        | Revenue | ${revenue:,} |
        | Profit | ${profit:,} |
        | Visitors | {spec['visitors']:,} |

        Age: {spec['age']} months. Time to run: about {max(2, min(25, revenue // 900 + 2))} hours a week.

        ## The next twelve months
        - **Quarter 1:** take over support and billing; keep the release cadence steady.
        - **Quarter 2:** ship the two most-requested features from the feedback board.
        - **Quarter 3:** launch annual plans and a referral programme.
        - **Quarter 4:** test one paid channel with a strict cost-per-acquisition ceiling.

        ## Risks
        - Dependence on search traffic — mitigate with the newsletter and partnerships.
        - Key-person risk in support — the handover notes document every recurring task.
        """)
    handover = textwrap.dedent(f"""\
        # Handover notes — {spec['name']}

        - Secrets to set after deployment: {', '.join(spec['secrets']) or 'none'}.
        - Plain-text settings: {', '.join(f'{k}={v}' for k, v in spec['vars'].items()) or 'none'}.
        - Migrations run in order at deployment; a `settings` row records the schema version.
        - The seller answers questions by email for 30 days after the sale.
        """)
    files = {"marketResearch": ("assets/market-research.md", market), "businessPlan": ("assets/business-plan.md", plan)}
    if len(spec["secrets"]) > 1 or spec["revenue"] > 5000:
        files["handoverNotes"] = ("assets/handover-notes.md", handover)
    return files


DNS_PROFILES = {
    "saas-mail": [
        {"type": "CNAME", "name": "app", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
        {"type": "MX", "name": "@", "content": "route1.mx.cloudflare.net", "ttl": 3600, "priority": 13},
        {"type": "MX", "name": "@", "content": "route2.mx.cloudflare.net", "ttl": 3600, "priority": 86},
        {"type": "TXT", "name": "@", "content": "v=spf1 include:_spf.mx.cloudflare.net ~all", "ttl": 3600},
    ],
    "saas-full": [
        {"type": "CNAME", "name": "app", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
        {"type": "CNAME", "name": "api", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
        {"type": "MX", "name": "@", "content": "route1.mx.cloudflare.net", "ttl": 3600, "priority": 13},
        {"type": "TXT", "name": "@", "content": "v=spf1 include:_spf.mx.cloudflare.net ~all", "ttl": 3600},
        {"type": "TXT", "name": "_dmarc", "content": "v=DMARC1; p=quarantine; rua=mailto:dmarc@{{domain}}", "ttl": 3600},
        {"type": "CAA", "name": "@", "content": "0 issue \"letsencrypt.org\"", "ttl": 3600},
    ],
    "shop": [
        {"type": "CNAME", "name": "www", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
        {"type": "CNAME", "name": "shop", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
        {"type": "TXT", "name": "@", "content": "google-site-verification=demo-verification-token", "ttl": 300},
        {"type": "CAA", "name": "@", "content": "0 issue \"pki.goog\"", "ttl": 3600},
    ],
    "content": [
        {"type": "CNAME", "name": "www", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
        {"type": "TXT", "name": "@", "content": "v=spf1 -all", "ttl": 3600},
        {"type": "AAAA", "name": "media", "content": "2001:db8::80", "ttl": 300},
    ],
    # A CNAME to {{workers_dev}} is how a package says "this hostname reaches the main Worker": the deployment
    # makes it a Workers Custom Domain (a CNAME to workers.dev does not route to a Worker on Cloudflare), and the
    # buyer's hostname itself is one too, so no package record may take A/AAAA/CNAME at "@".
    "apex-a": [
        {"type": "A", "name": "legacy", "content": "192.0.2.44", "ttl": 300},
        {"type": "CNAME", "name": "www", "content": "{{workers_dev}}", "ttl": 1, "proxied": True},
    ],
}

BUCKET_BINDINGS = {"uploads": "UPLOADS", "exports": "EXPORTS", "media": "MEDIA"}


def build(spec, index):
    slug = spec["slug"]
    spec["name"] = spec["title"].split(" — ")[0]
    revenue = spec["revenue"]
    profit = int(round(revenue * spec["margin"] / 10.0)) * 10
    spec["profit"] = profit
    price = spec.get("price") or nice_price(profit * 12 * spec["multiple"])
    compat = COMPAT_DATES[index % len(COMPAT_DATES)]

    files = {}
    main_db = f"{slug}-db" if spec.get("main_db", True) and spec["entity"] else None
    dbs = []
    if main_db:
        migs = main_migrations(spec)
        dbs.append({"name": main_db, "migrations": [f"migrations/{main_db}/{n}" for n, _ in migs]})
        for n, body in migs:
            files[f"migrations/{main_db}/{n}"] = body
    analytics = f"{slug}-analytics" if "analytics" in spec["dbs"] else None
    audit = f"{slug}-audit" if "audit" in spec["dbs"] else None
    for name, maker in ((analytics, analytics_migrations), (audit, audit_migrations)):
        if name:
            migs = maker(spec)
            dbs.append({"name": name, "migrations": [f"migrations/{name}/{n}" for n, _ in migs]})
            for n, body in migs:
                files[f"migrations/{name}/{n}"] = body

    buckets = [(f"{slug}-{role}", BUCKET_BINDINGS[role]) for role in spec["buckets"]]
    r2 = []
    for name, binding in buckets:
        bucket = {"name": name}
        if binding in ("UPLOADS", "MEDIA"):
            bucket["cors"] = [{"allowed": {"origins": ["*"], "methods": ["GET", "PUT"], "headers": ["content-type"]}, "maxAgeSeconds": 3600}]
        r2.append(bucket)

    workers = []
    # The API worker: everything the business needs, answered on the domain.
    api_bindings = []
    if main_db:
        api_bindings.append({"type": "d1", "name": "DB", "database": main_db})
    if analytics:
        api_bindings.append({"type": "d1", "name": "EVENTS", "database": analytics})
    if buckets:
        api_bindings.append({"type": "r2_bucket", "name": buckets[0][1], "bucket": buckets[0][0]})
    api = {"name": f"{slug}-api", "main": "workers/api/index.js", "compatibility_date": compat, "bindings": api_bindings,
           "vars": spec["vars"], "routes": ["/*"]}
    if spec["secrets"]:
        has_webhooks = "webhooks" in spec["workers"]
        api["secrets"] = [s for s in spec["secrets"] if not (has_webhooks and "WEBHOOK" in s)]
    workers.append(api)
    files["workers/api/index.js"] = api_worker(spec, main_db, buckets, analytics)

    for role in spec["workers"]:
        if role == "cron":
            bindings = []
            if main_db:
                bindings.append({"type": "d1", "name": "DB", "database": main_db})
            if analytics:
                bindings.append({"type": "d1", "name": "EVENTS", "database": analytics})
            if audit:
                bindings.append({"type": "d1", "name": "AUDIT", "database": audit})
            bindings.append({"type": "plain_text", "name": "JOB_TIMEZONE", "text": "UTC"})
            workers.append({"name": f"{slug}-cron", "main": "workers/cron/index.js", "compatibility_date": compat, "bindings": bindings})
            files["workers/cron/index.js"] = cron_worker(spec, main_db, analytics, audit)
        elif role == "webhooks":
            bindings = [{"type": "d1", "name": "AUDIT", "database": audit}] if audit else []
            secret = next((s for s in spec["secrets"] if "WEBHOOK" in s), "WEBHOOK_SECRET")
            workers.append({"name": f"{slug}-webhooks", "main": "workers/webhooks/index.js", "compatibility_date": compat,
                            "bindings": bindings, "secrets": [secret]})
            files["workers/webhooks/index.js"] = webhooks_worker(spec, audit)
        elif role == "site":
            bindings = []
            if main_db:
                bindings.append({"type": "d1", "name": "DB", "database": main_db})
            media = next((b for b in buckets if b[1] == "MEDIA"), None)
            if media:
                bindings.append({"type": "r2_bucket", "name": "MEDIA", "bucket": media[0]})
            workers.append({"name": f"{slug}-site", "main": "workers/site/index.js", "compatibility_date": compat,
                            "bindings": bindings, "vars": {"SITE_NAME": spec["name"]}})
            files["workers/site/index.js"] = site_worker(spec, main_db, media)

    asset_files = assets(spec)
    for _, (path, body) in asset_files.items():
        files[path] = body

    manifest = {
        "id": f"pkg_{slug.replace('-', '_')}",
        "name": spec["name"],
        "slug": slug,
        "version": f"{1 + index % 3}.{(index * 7) % 10}.{index % 5}",
        "cloudflare": {
            "workers": workers,
            "d1_databases": dbs,
            "r2_buckets": r2,
            "dns_records": DNS_PROFILES[spec["dns"]],
            "smoke_checks": [{"worker": w["name"], "path": "/health", "expect_status": 200} for w in workers],
        },
        "businessAssets": {k: v[0] for k, v in asset_files.items()},
        # How much of each asset a buyer reads before buying (percent of its lines).
        "assetPreviewPercent": [20, 25, 30, 40][index % 4],
        "history": history(spec, money(revenue)["amount"], money(profit)["amount"], spec["visitors"]),
    }
    seller = SELLERS[spec["seller"]]
    listing = {
        "title": spec["title"],
        "tagline": spec["tagline"],
        "description": description(spec),
        "category": spec["category"],
        "askingPrice": money(price),
        "monthlyRevenue": money(revenue),
        "monthlyProfit": money(profit),
        "ageMonths": spec["age"],
        "techStack": spec["stack"],
        "monthlyVisitors": spec["visitors"],
    }
    if seller:
        listing["seller"] = {"displayName": seller[0], "email": seller[1]}
    return listing, manifest, files


# ------------------------------------------------------------------ Checks

NODE_PROBE = r"""
import { pathToFileURL } from "node:url";
const [file, bindingsJson] = process.argv.slice(2);
const bindings = JSON.parse(bindingsJson);
// Stand-in bindings: enough of the D1 and R2 APIs for /health to run.
const statement = { bind() { return this; }, async first() { return { n: 3 }; }, async all() { return { results: [] }; }, async run() { return {}; } };
const d1 = { prepare() { return statement; } };
const r2 = { async list() { return { objects: [] }; }, async get() { return null; }, async put(key) { return { key, size: 0 }; } };
const env = {};
for (const b of bindings) env[b.name] = b.type === "d1" ? d1 : b.type === "r2_bucket" ? r2 : (b.text ?? "x");
const mod = await import(pathToFileURL(file).href);
const response = await mod.default.fetch(new Request("https://probe.example/health"), env, { waitUntil() {} });
const text = await response.text();
if (response.status !== 200 || !text.includes('"status":"ok"')) { console.error(file, response.status, text); process.exit(1); }
"""


def check(directory):
    problems = []
    node = shutil.which("node")
    for slug in sorted(os.listdir(directory)):
        base = os.path.join(directory, slug)
        if not os.path.isdir(base):
            continue
        manifest = json.load(open(os.path.join(base, "techflunky.json"), encoding="utf-8"))
        for db in manifest["cloudflare"]["d1_databases"]:
            conn = sqlite3.connect(":memory:")
            conn.execute("PRAGMA foreign_keys = ON")
            for path in db["migrations"]:
                try:
                    conn.executescript(open(os.path.join(base, path), encoding="utf-8").read())
                except sqlite3.Error as e:
                    problems.append(f"{slug}/{path}: {e}")
            conn.close()
        if node:
            with tempfile.TemporaryDirectory() as tmp:
                probe = os.path.join(tmp, "probe.mjs")
                open(probe, "w").write(NODE_PROBE)
                for w in manifest["cloudflare"]["workers"]:
                    copy = os.path.join(tmp, w["name"] + ".mjs")
                    shutil.copy(os.path.join(base, w["main"]), copy)
                    result = subprocess.run([node, probe, copy, json.dumps(w["bindings"])], capture_output=True, text=True)
                    if result.returncode != 0:
                        problems.append(f"{slug}/{w['main']}: {result.stderr.strip()[:400]}")
    return problems


def main():
    if "--check" not in sys.argv:
        for entry in os.listdir(OUT) if os.path.isdir(OUT) else []:
            path = os.path.join(OUT, entry)
            if os.path.isdir(path):
                shutil.rmtree(path)
        os.makedirs(OUT, exist_ok=True)
        slugs = set()
        for index, spec in enumerate(L):
            assert spec["slug"] not in slugs, spec["slug"]
            slugs.add(spec["slug"])
            listing, manifest, files = build(spec, index)
            base = os.path.join(OUT, spec["slug"])
            os.makedirs(base)
            with open(os.path.join(base, "listing.json"), "w", encoding="utf-8") as f:
                json.dump(listing, f, ensure_ascii=False, indent=2)
                f.write("\n")
            with open(os.path.join(base, "techflunky.json"), "w", encoding="utf-8") as f:
                json.dump(manifest, f, ensure_ascii=False, indent=2)
                f.write("\n")
            for path, body in files.items():
                full = os.path.join(base, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(body)
        print(f"wrote {len(L)} listings to {os.path.relpath(OUT, ROOT)}")
    problems = check(OUT)
    for p in problems:
        print("problem:", p)
    if problems:
        sys.exit(1)
    print("every migration ran in SQLite" + (" and every worker answered /health in node" if shutil.which("node") else ""))


if __name__ == "__main__":
    main()
