import Foundation

/// What `techflunky package init NAME` writes: a complete package that passes `package validate` and deploys in the
/// sandbox as it is — a manifest, a Worker with a D1 and an R2 binding and a generated secret, a first migration, the
/// business assets, `listing.json` for the listing's text, and a README saying what to change. Pure: the caller writes
/// the files.
public struct PackageTemplate: Sendable {
    /// A date every Cloudflare account accepts (a later one could be after a sandbox clock that runs behind).
    public static let compatibilityDate = "2025-01-01"

    public var name: String
    public var slug: String

    /// `slug` nil: made from `name` (`My Shop!` → `my-shop`). Throws when no valid slug results or the name is not usable.
    public init(name: String, slug: String? = nil) throws(ManifestValidationError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [ManifestProblem] = []
        if trimmed.isEmpty || trimmed.count > 80 || trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            problems.append(ManifestProblem(path: "name", message: "a package name is 1–80 characters with no control characters"))
        }
        let chosen = slug ?? Self.slug(from: trimmed)
        if !PackageTemplateRules.isSlug(chosen) {
            problems.append(ManifestProblem(path: "slug", message: slug == nil
                ? "cannot make a slug from \(quotedForMessage(trimmed)); give one with --slug (3–63 lower-case letters, digits and `-`)"
                : "must be 3–63 lower-case letters, digits and single `-`, not starting or ending with `-` (got \(quotedForMessage(chosen)))"))
        }
        guard problems.isEmpty else { throw ManifestValidationError(problems: problems) }
        self.name = trimmed
        self.slug = chosen
    }

    /// Lower-case ASCII letters and digits, every other run of characters one `-`, at most 48 characters.
    public static func slug(from name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        var slug = String(out.prefix(48))
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// Resource names start with the slug; kept short enough for Cloudflare's limits (63 for scripts and buckets).
    var base: String {
        var b = String(slug.prefix(48))
        while b.hasSuffix("-") { b.removeLast() }
        return b
    }

    public var manifest: PackageManifest {
        let worker = "\(base)-api"
        let database = "\(base)-db"
        let bucket = "\(base)-files"
        return PackageManifest(
            id: "pkg_" + slug.replacingOccurrences(of: "-", with: "_"),
            name: name, slug: slug, version: "0.1.0",
            cloudflare: CloudflareResources(
                workers: [WorkerSpec(
                    name: worker, main: "workers/api/index.js", compatibilityDate: Self.compatibilityDate,
                    bindings: [
                        WorkerBinding(type: .d1, name: "DB", database: database),
                        WorkerBinding(type: .r2Bucket, name: "FILES", bucket: bucket),
                    ],
                    vars: ["SITE_NAME": name], secrets: ["ADMIN_PASSWORD"], routes: ["/*"]
                )],
                d1Databases: [D1DatabaseSpec(name: database, migrations: ["migrations/0001_init.sql"])],
                r2Buckets: [R2BucketSpec(name: bucket)],
                dnsRecords: [],
                smokeChecks: [SmokeCheckSpec(worker: worker, path: "/health", expectStatus: 200)]
            ),
            businessAssets: ["businessPlan": "assets/business-plan.md", "marketResearch": "assets/market-research.md"]
        )
    }

    /// The listing's text and metrics: placeholders that pass the platform's checks, for the seller to replace.
    public var listing: PublishListingRequest {
        PublishListingRequest(
            title: name, tagline: "One line on what \(name) does and for whom",
            description: "What the business does, who its customers are, how it earns and why you are selling it.\n\nReplace this text in listing.json before you publish.",
            category: "SaaS", askingPrice: .usd(1_000_000), monthlyRevenue: .usd(0), monthlyProfit: .usd(0),
            ageMonths: 0, techStack: ["Cloudflare Workers", "D1", "R2"], monthlyVisitors: 0)
    }

    /// Every file, path → contents, in the order they are written.
    public func files() throws -> [(path: String, contents: Data)] {
        [
            ("techflunky.json", try WireJSON.encode(manifest, pretty: true) + Data("\n".utf8)),
            ("listing.json", try WireJSON.encode(listing, pretty: true) + Data("\n".utf8)),
            ("workers/api/index.js", Data(Self.worker.utf8)),
            ("migrations/0001_init.sql", Data(Self.migration.utf8)),
            ("assets/business-plan.md", Data(Self.businessPlan.utf8)),
            ("assets/market-research.md", Data(Self.marketResearch.utf8)),
            ("README.md", Data(readme.utf8)),
        ]
    }

    static let worker = #"""
        // The package's Worker. Bindings (techflunky.json): DB (D1), FILES (R2); vars SITE_NAME; secret ADMIN_PASSWORD,
        // generated when a buyer deploys and shown to them once.

        function json(body, status = 200) {
          return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
        }

        function isAdmin(request, env) {
          const header = request.headers.get("authorization") || "";
          return Boolean(env.ADMIN_PASSWORD) && header === `Bearer ${env.ADMIN_PASSWORD}`;
        }

        export default {
          async fetch(request, env) {
            const url = new URL(request.url);
            // The smoke check after every deployment (cloudflare.smoke_checks in techflunky.json).
            if (url.pathname === "/health") return new Response("ok");
            if (url.pathname === "/") return new Response(`${env.SITE_NAME} is running.`);

            if (url.pathname === "/api/notes" && request.method === "GET") {
              const { results } = await env.DB.prepare("SELECT id, body, created_at FROM notes ORDER BY id DESC LIMIT 50").all();
              return json({ items: results });
            }
            if (url.pathname === "/api/notes" && request.method === "POST") {
              if (!isAdmin(request, env)) return json({ error: "unauthorized" }, 401);
              const { body } = await request.json();
              if (typeof body !== "string" || body.length === 0 || body.length > 2000) return json({ error: "body is 1-2000 characters" }, 400);
              await env.DB.prepare("INSERT INTO notes (body) VALUES (?1)").bind(body).run();
              return json({ ok: true }, 201);
            }

            const file = url.pathname.match(/^\/files\/([A-Za-z0-9._-]{1,200})$/);
            if (file && request.method === "GET") {
              const object = await env.FILES.get(file[1]);
              return object ? new Response(object.body) : json({ error: "not_found" }, 404);
            }
            if (file && request.method === "PUT") {
              if (!isAdmin(request, env)) return json({ error: "unauthorized" }, 401);
              await env.FILES.put(file[1], request.body);
              return json({ ok: true }, 201);
            }
            return json({ error: "not_found" }, 404);
          },
        };

        """#

    static let migration = """
        -- The first migration: D1 runs migrations/NNNN_*.sql in number order, once each, when a buyer deploys.
        CREATE TABLE notes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          body TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (datetime('now'))
        );

        """

    static let businessPlan = """
        # Business plan

        What the business sells, to whom, at what price; how it finds customers; what it costs to run each month;
        what a new owner should do in the first 90 days. Buyers download this file after they pay.

        """

    static let marketResearch = """
        # Market research

        Who the customers are, how many there are, what they pay for alternatives, and who the competitors are.
        Buyers download this file after they pay.

        """

    var readme: String {
        """
        # \(name)

        A TechFlunky business package, made by `techflunky package init`. It is valid and deploys as it is; make it yours:

        - `listing.json` — the listing's title, tagline, description, category, price and metrics (amounts in cents).
        - `techflunky.json` — the package: its Worker, D1 database, R2 bucket, DNS records and business assets.
          Every field is described in TechFlunky's docs/packages.md.
        - `workers/api/index.js` — the Worker. `migrations/` — the database's migrations, `NNNN_description.sql`.
        - `assets/` — the business plan and market research buyers receive.

        Then:

            techflunky package validate .     # every problem at once, with the JSON path of each
            techflunky package publish .      # uploads it as a .tar.gz (add --draft before Stripe onboarding is finished)

        """
    }
}

/// The slug rule the validator applies, for the template (the validator's own predicates are private to it).
enum PackageTemplateRules {
    static func isSlug(_ s: String) -> Bool {
        // The platform's rule, a little stricter than the validator's: at most 63, no `--`.
        (3...63).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isNumber || ($0.isLetter && $0.isLowercase) || $0 == "-") }
            && s.first != "-" && s.last != "-" && !s.contains("--")
    }
}
