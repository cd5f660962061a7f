import Foundation
import GRDB
import Hummingbird

/// Cloudflare API v4 (`/client/v4/…`), the workers.dev smoke endpoint and the sandbox's Cloudflare controls.
///
/// The API routes are grouped by resource; each group has one `CloudflareAccessMiddleware` (token → account →
/// the group's read or write permission), and each handler is the operation on the stand-in passed to `reply`.
struct CloudflareRoutes: Sendable {
    let cloudflare: CloudflareStandIn

    struct Reply: Sendable {
        var status = 200
        var result: JSONValue
        var info: JSONValue? = nil
        var messages: [(Int, String)] = []
        /// Work to do after the sandbox transaction: a D1 query runs on its own file, without holding the
        /// sandbox database's write lock for the length of a migration.
        var pending: Pending? = nil
    }

    enum Pending: Sendable {
        case d1Query(id: String, sql: String, params: [JSONValue])
    }

    typealias Operation = @Sendable (Database, CloudflareStandIn.Token) throws -> Reply

    /// A JSON body, or the error Cloudflare gives for one that is not JSON (raised when the operation reads it,
    /// so that what an operation checks before its body, such as the zone, is answered first).
    typealias JSONBody = Result<JSONValue, CloudflareAPIError>

    func register(on router: Router<BasicRequestContext>) {
        let v4 = router.group("/client/v4")
        let cf = cloudflare
        func routes(_ path: String, read: CloudflarePermission? = nil, write: CloudflarePermission? = nil) -> RouterGroup<CloudflareRequestContext> {
            v4.group(RouterPath(path), context: CloudflareRequestContext.self).add(middleware: CloudflareAccessMiddleware(cf, read: read, write: write))
        }

        // Tokens and accounts. The verify endpoints answer for inactive tokens too, so they check the token themselves.
        v4.get("/user/tokens/verify") { request, _ in await self.verify(request, account: nil) }
        v4.get("/accounts/:account/tokens/verify") { request, context in await self.verify(request, account: context.parameters.get("account")) }
        routes("/user/tokens").get(":token") { _, context in
            try await self.reply(context) { _, token in
                guard token.id == context.parameter("token") else { throw CloudflareAPIError(status: 403, code: 9109, message: "Unauthorized to access requested resource") }
                return Reply(result: cf.tokenDetails(token))
            }
        }
        routes("/accounts").get { _, context in
            try await self.reply(context) { db, token in Reply(result: [try cf.account(db, token.accountId)], info: Self.info(count: 1, total: 1, page: 1, perPage: 20)) }
        }
        routes("/accounts/:account", read: .accountSettingsRead).get { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.account(db, context.account)) }
        }

        // D1.
        let d1 = routes("/accounts/:account/d1/database", read: .d1Read, write: .d1Write)
        d1.post { request, context in
            try await self.reply(context, body: request) { db, _, body in Reply(result: try cf.createD1(db, accountId: context.account, body: try body.get())) }
        }
        d1.get { request, context in
            let query = Self.query(request)
            return try await self.reply(context) { db, _ in Self.page(try cf.listD1(db, accountId: context.account, name: query["name"]), query) }
        }
        d1.get(":db") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.d1Record(db, accountId: context.account, id: context.parameter("db"))) }
        }
        d1.delete(":db") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.deleteD1(db, accountId: context.account, id: context.parameter("db"))) }
        }
        d1.post(":db/query") { request, context in
            let id = context.parameter("db")
            return try await self.reply(context, body: request) { db, _, body in
                _ = try cf.d1Record(db, accountId: context.account, id: id)
                let json = try body.get()
                guard let sql = json["sql"]?.stringValue, !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw CloudflareAPIError.badRequest(7400, "The request is malformed: sql is required.")
                }
                return Reply(result: .null, pending: .d1Query(id: id, sql: sql, params: json["params"]?.arrayValue ?? []))
            }
        }

        // R2.
        let r2 = routes("/accounts/:account/r2/buckets", read: .r2Read, write: .r2Write)
        r2.post { request, context in
            try await self.reply(context, body: request) { db, _, body in Reply(result: try cf.createBucket(db, accountId: context.account, body: try body.get())) }
        }
        r2.get { _, context in
            try await self.reply(context) { db, _ in
                Reply(result: ["buckets": .array(try SandboxDatabase.listCloudflare(db, kind: "r2", accountId: context.account).map(cf.publicBucket))])
            }
        }
        r2.get(":bucket") { _, context in
            try await self.reply(context) { db, _ in Reply(result: cf.publicBucket(try cf.bucket(db, accountId: context.account, name: context.parameter("bucket")))) }
        }
        r2.delete(":bucket") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.deleteBucket(db, accountId: context.account, name: context.parameter("bucket"))) }
        }
        r2.put(":bucket/cors") { request, context in
            try await self.reply(context, body: request) { db, _, body in
                Reply(result: try cf.putCORS(db, accountId: context.account, name: context.parameter("bucket"), body: try body.get()))
            }
        }
        r2.get(":bucket/cors") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.getCORS(db, accountId: context.account, name: context.parameter("bucket"))) }
        }

        // Workers: scripts, their settings, secrets and workers.dev route, the account's subdomain, custom domains.
        let workers = routes("/accounts/:account/workers", read: .workersRead, write: .workersWrite)
        workers.get("scripts") { _, context in
            try await self.reply(context) { db, _ in
                Reply(result: .array(try SandboxDatabase.listCloudflare(db, kind: "script", accountId: context.account).map(cf.publicScript)))
            }
        }
        workers.put("scripts/:script") { request, context in
            let data = try await ResponseBuilding.body(request)
            let contentType = ResponseBuilding.header(request, "Content-Type")
            return try await self.reply(context) { db, _ in
                let form: MultipartFormData
                do { form = try MultipartFormData(body: data, contentType: contentType) } catch {
                    throw CloudflareAPIError.badRequest(10021, "\(error)")
                }
                return Reply(result: try cf.uploadScript(db, accountId: context.account, name: context.parameter("script"), form: form))
            }
        }
        // Versions and deployments (Workers Versions API): upload beside what serves, then switch traffic.
        workers.post("scripts/:script/versions") { request, context in
            let data = try await ResponseBuilding.body(request)
            let contentType = ResponseBuilding.header(request, "Content-Type")
            return try await self.reply(context) { db, _ in
                let form: MultipartFormData
                do { form = try MultipartFormData(body: data, contentType: contentType) } catch {
                    throw CloudflareAPIError.badRequest(10021, "\(error)")
                }
                return Reply(result: try cf.uploadVersion(db, accountId: context.account, name: context.parameter("script"), form: form))
            }
        }
        workers.get("scripts/:script/versions") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.listVersions(db, accountId: context.account, name: context.parameter("script"))) }
        }
        workers.get("scripts/:script/versions/:version") { _, context in
            try await self.reply(context) { db, _ in
                Reply(result: try cf.getVersion(db, accountId: context.account, name: context.parameter("script"), versionId: context.parameter("version")))
            }
        }
        workers.post("scripts/:script/deployments") { request, context in
            try await self.reply(context, body: request) { db, _, body in
                Reply(result: try cf.createDeployment(db, accountId: context.account, name: context.parameter("script"), body: try body.get()))
            }
        }
        workers.get("scripts/:script/deployments") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.listDeployments(db, accountId: context.account, name: context.parameter("script"))) }
        }
        workers.get("scripts/:script") { _, context in
            // Cloudflare answers the script's content, not an envelope.
            let script = try await self.read { db in try cf.script(db, accountId: context.account, name: context.parameter("script")) }
            let main = script["main_module"]?.stringValue
            let module = script["modules"]?.arrayValue?.first { $0["name"]?.stringValue == main }
            let content = Data(base64Encoded: module?["content"]?.stringValue ?? "") ?? Data()
            return Response(status: .ok, headers: ResponseBuilding.fields([("Content-Type", module?["content_type"]?.stringValue ?? "application/javascript")]),
                            body: .init(byteBuffer: .init(bytes: content)))
        }
        workers.get("scripts/:script/settings") { _, context in
            try await self.reply(context) { db, _ in Reply(result: cf.scriptSettings(db, try cf.script(db, accountId: context.account, name: context.parameter("script")))) }
        }
        workers.delete("scripts/:script") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.deleteScript(db, accountId: context.account, name: context.parameter("script"))) }
        }
        workers.get("subdomain") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.getSubdomain(db, accountId: context.account)) }
        }
        workers.put("subdomain") { request, context in
            try await self.reply(context, body: request) { db, _, body in Reply(result: try cf.putSubdomain(db, accountId: context.account, body: try body.get())) }
        }
        workers.post("scripts/:script/subdomain") { request, context in
            try await self.reply(context, body: request) { db, _, body in
                Reply(result: try cf.setScriptSubdomain(db, accountId: context.account, script: context.parameter("script"), body: try body.get()))
            }
        }
        workers.get("scripts/:script/subdomain") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.scriptSubdomain(db, accountId: context.account, script: context.parameter("script"))) }
        }
        workers.put("scripts/:script/secrets") { request, context in
            try await self.reply(context, body: request) { db, _, body in
                Reply(result: try cf.putSecret(db, accountId: context.account, script: context.parameter("script"), body: try body.get()))
            }
        }
        workers.get("scripts/:script/secrets") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.listSecrets(db, accountId: context.account, script: context.parameter("script"))) }
        }
        workers.delete("scripts/:script/secrets/:secret") { _, context in
            try await self.reply(context) { db, _ in
                Reply(result: try cf.deleteSecret(db, accountId: context.account, script: context.parameter("script"), secret: context.parameter("secret")))
            }
        }
        workers.put("domains") { request, context in
            try await self.reply(context, body: request) { db, _, body in Reply(result: try cf.attachDomain(db, accountId: context.account, body: try body.get())) }
        }
        workers.get("domains") { request, context in
            let query = Self.query(request)
            return try await self.reply(context) { db, _ in Reply(result: .array(try cf.listDomains(db, accountId: context.account, query: query))) }
        }
        workers.get("domains/:domain") { _, context in
            try await self.reply(context) { db, _ in Reply(result: cf.publicDomain(try cf.domain(db, accountId: context.account, id: context.parameter("domain")))) }
        }
        workers.delete("domains/:domain") { _, context in
            try await self.reply(context) { db, _ in Reply(result: try cf.detachDomain(db, accountId: context.account, id: context.parameter("domain"))) }
        }

        // Zones.
        let zones = routes("/zones", read: .zoneRead, write: .zoneWrite)
        zones.get { request, context in
            let query = Self.query(request)
            return try await self.reply(context) { db, token in Self.page(try cf.listZones(db, token: token, name: query["name"], accountId: query["account.id"]), query) }
        }
        zones.post { request, context in
            try await self.reply(context, body: request) { db, token, body in
                let json = try body.get()
                let account = json["account"]?["id"]?.stringValue ?? token.accountId
                try cf.authorize(token, account: account, nil)
                return Reply(result: try cf.insertZone(db, accountId: account, name: json["name"]?.stringValue ?? ""))
            }
        }
        zones.get(":zone") { _, context in
            try await self.reply(context) { db, token in Reply(result: try cf.zone(db, token: token, id: context.parameter("zone"))) }
        }

        // DNS records.
        let dns = routes("/zones/:zone/dns_records", read: .dnsRead, write: .dnsWrite)
        dns.get { request, context in
            let query = Self.query(request)
            return try await self.reply(context) { db, token in Self.page(try cf.listDNS(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), query: query), query) }
        }
        dns.post { request, context in
            try await self.reply(context, body: request) { db, token, body in
                let zone = try cf.zone(db, token: token, id: context.parameter("zone"))
                let record = try cf.dnsRecord(db, zone: zone, body: try body.get(), existing: nil)
                try cf.saveDNS(db, zone: zone, record: record)
                return Reply(result: record)
            }
        }
        dns.get(":record") { _, context in
            try await self.reply(context) { db, token in
                Reply(result: try cf.dns(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), id: context.parameter("record")))
            }
        }
        for (method, partial) in [(HTTPRequest.Method.put, false), (.patch, true)] {
            dns.on(":record", method: method) { request, context in
                try await self.reply(context, body: request) { db, token, body in
                    let zone = try cf.zone(db, token: token, id: context.parameter("zone"))
                    let existing = try cf.dns(db, zone: zone, id: context.parameter("record"))
                    var base = existing
                    if !partial {
                        // PUT replaces the record: only identity and creation time carry over.
                        base = ["id": existing["id"] ?? nil, "created_on": existing["created_on"] ?? nil]
                    }
                    let record = try cf.dnsRecord(db, zone: zone, body: try body.get(), existing: base)
                    try cf.saveDNS(db, zone: zone, record: record)
                    return Reply(result: record)
                }
            }
        }
        dns.delete(":record") { _, context in
            let id = context.parameter("record")
            return try await self.reply(context) { db, token in
                _ = try cf.dns(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), id: id)
                try SandboxDatabase.deleteCloudflare(db, kind: "dns", id: id)
                return Reply(result: ["id": .string(id)])
            }
        }

        // Custom hostnames (Cloudflare for SaaS).
        let hostnames = routes("/zones/:zone/custom_hostnames", read: .sslRead, write: .sslWrite)
        hostnames.post { request, context in
            try await self.reply(context, body: request) { db, token, body in
                Reply(result: try cf.createCustomHostname(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), body: try body.get()))
            }
        }
        hostnames.get { request, context in
            let query = Self.query(request)
            return try await self.reply(context) { db, token in
                Self.page(try cf.listCustomHostnames(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), hostname: query["hostname"]), query)
            }
        }
        hostnames.get(":id") { _, context in
            try await self.reply(context) { db, token in
                Reply(result: try cf.customHostname(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), id: context.parameter("id")))
            }
        }
        hostnames.delete(":id") { _, context in
            try await self.reply(context) { db, token in
                Reply(result: try cf.deleteCustomHostname(db, zone: try cf.zone(db, token: token, id: context.parameter("zone")), id: context.parameter("id")))
            }
        }

        // The smoke endpoint of a deployed Worker: GET /workers.dev/<script>.<subdomain>.workers.dev/health.
        router.get("/workers.dev/:host/**") { _, context in
            let host = context.parameters.get("host") ?? ""
            let path = context.parameters.getCatchAll().joined(separator: "/")
            return await self.workersDev(host: host, path: path)
        }

        // Sandbox controls: accounts and tokens for tests and the demo.
        router.post("/sandbox/cloudflare/accounts") { request, _ in
            let body = (try? await Self.jsonBody(request).get()) ?? [:]
            do {
                let id = try cf.createAccount(name: body["name"]?.stringValue ?? "Sandbox account")
                return ResponseBuilding.json(201, ["id": .string(id)])
            } catch { return Self.failure(CloudflareAPIError(status: 500, code: 10013, message: "\(error)")) }
        }
        router.post("/sandbox/cloudflare/tokens") { request, _ in
            let body = (try? await Self.jsonBody(request).get()) ?? [:]
            var permissions = Set<CloudflarePermission>()
            for name in body["permissions"]?.arrayValue ?? [] {
                guard let p = name.stringValue.flatMap(CloudflarePermission.init(rawValue:)) else {
                    let known = CloudflarePermission.allCases.map(\.rawValue).joined(separator: ", ")
                    return ResponseBuilding.json(400, ["error": .string("unknown permission \(name.stringValue ?? "?"); known: \(known)")])
                }
                permissions.insert(p)
            }
            if body["permissions"] == nil { permissions = CloudflarePermission.deployment }
            do {
                let account = try body["accountId"]?.stringValue ?? cf.createAccount(name: body["accountName"]?.stringValue ?? "Sandbox account")
                let owner = CloudflareStandIn.TokenOwner(rawValue: body["owner"]?.stringValue ?? "user") ?? .user
                let token = try cf.createToken(accountId: account, permissions: permissions, owner: owner)
                return ResponseBuilding.json(201, ["accountId": .string(account), "token": .string(token)])
            } catch let error as CloudflareAPIError {
                return Self.failure(error)
            } catch { return Self.failure(CloudflareAPIError(status: 500, code: 10013, message: "\(error)")) }
        }
        router.get("/sandbox/cloudflare/accounts/:account/resources") { _, context in
            let account = context.parameters.get("account") ?? ""
            do {
                return ResponseBuilding.json(200, try await cf.database.writer.read { db in try cf.resources(db, accountId: account) })
            } catch { return Self.failure(CloudflareAPIError(status: 500, code: 10013, message: "\(error)")) }
        }
        router.get("/sandbox/cloudflare/demo") { _, _ in
            ResponseBuilding.json(200, ["accountId": .string(CloudflareStandIn.demoAccountId), "token": .string(CloudflareStandIn.demoToken),
                                        "zone": .string(CloudflareStandIn.demoZone), "workersSubdomain": .string(CloudflareStandIn.demoSubdomain)])
        }
    }

    func workersDev(host: String, path: String) async -> Response {
        guard path == "health" else {
            return ResponseBuilding.json(404, ["error": "The sandbox cannot run JavaScript; only /health is answered for a deployed Worker."])
        }
        do {
            let (status, body) = try await cloudflare.database.writer.read { db in try self.cloudflare.workerHealth(db, host: host) }
            return ResponseBuilding.json(status, body)
        } catch {
            return ResponseBuilding.json(500, ["error": .string("\(error)")])
        }
    }

    // MARK: - Plumbing

    private func verify(_ request: Request, account: String?) async -> Response {
        await cloudflare.paced(method: "GET", path: request.uri.path)
        do {
            let (token, status) = try cloudflare.authenticate(authorization: ResponseBuilding.header(request, "Authorization"), verifying: true)
            try cloudflare.countRequest(accountId: token.accountId)
            if let account, account != token.accountId { throw CloudflareAPIError.invalidToken }
            // Each endpoint knows only its own kind of token: an account-owned token is "invalid" to the user
            // endpoint, and a user's token to the account endpoint.
            if (account == nil) != (token.owner == .user) { throw CloudflareAPIError.invalidToken }
            return ResponseBuilding.json(200, CloudflareEnvelope.success(cloudflare.tokenVerifyResult(token, status: status),
                                                                         messages: [(10000, "This API Token is valid and active")]))
        } catch let error as CloudflareAPIError {
            return Self.failure(error)
        } catch {
            return Self.failure(CloudflareAPIError(status: 500, code: 10013, message: "\(error)"))
        }
    }

    /// The shared handler of the Cloudflare API routes: runs `operation` in one sandbox transaction as the request's
    /// token (checked by `CloudflareAccessMiddleware`), runs a D1 query it leaves pending on the database's own file,
    /// and answers Cloudflare's success envelope. Errors reach the middleware as `CloudflareAPIError`s.
    private func reply(_ context: CloudflareRequestContext, _ operation: @escaping Operation) async throws -> Response {
        let token = try context.requireToken()
        do {
            var reply = try await cloudflare.database.writer.write { db in try operation(db, token) }
            if case let .d1Query(id, sql, params) = reply.pending {
                reply.result = .array(try cloudflare.d1.query(id, sql: sql, params: params))
            }
            return ResponseBuilding.json(reply.status, CloudflareEnvelope.success(reply.result, messages: reply.messages, info: reply.info))
        } catch {
            throw Self.apiError(error)
        }
    }

    /// `reply` for a route with a JSON body, read before the transaction and handed to the operation unparsed.
    private func reply(_ context: CloudflareRequestContext, body request: Request,
                       _ operation: @escaping @Sendable (Database, CloudflareStandIn.Token, JSONBody) throws -> Reply) async throws -> Response {
        let body = try await Self.jsonBody(request)
        return try await reply(context) { db, token in try operation(db, token, body) }
    }

    /// A read outside the envelope (a script's content).
    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await cloudflare.database.writer.read(body) } catch { throw Self.apiError(error) }
    }

    /// Cloudflare's error for anything a route throws: its own, or 500 (10013) for a failure of the sandbox itself.
    static func apiError(_ error: any Error) -> CloudflareAPIError {
        error as? CloudflareAPIError ?? CloudflareAPIError(status: 500, code: 10013, message: "The sandbox failed: \(error)")
    }

    static func failure(_ error: CloudflareAPIError) -> Response {
        let headers = error.retryAfter.map { ResponseBuilding.fields([("Retry-After", String($0))]) } ?? HTTPFields()
        return ResponseBuilding.json(error.status, error.envelope, headers: headers)
    }

    /// The JSON body, or the error Cloudflare gives for a body that is not JSON (raised when the operation reads it).
    static func jsonBody(_ request: Request) async throws -> JSONBody {
        let data = try await ResponseBuilding.body(request)
        guard !data.isEmpty else { return .success([:]) }
        guard let json = try? JSONValue.decode(data) else {
            return .failure(CloudflareAPIError.badRequest(6007, "Malformed JSON in request body"))
        }
        return .success(json)
    }

    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for piece in (request.uri.query ?? "").split(separator: "&") {
            let kv = piece.split(separator: "=", maxSplits: 1).map { StripeForm.percentDecode(String($0)) }
            out[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return out
    }

    static func info(count: Int, total: Int, page: Int, perPage: Int) -> JSONValue {
        ["page": .int(Int64(page)), "per_page": .int(Int64(perPage)), "count": .int(Int64(count)), "total_count": .int(Int64(total)),
         "total_pages": .int(Int64(max(1, (total + perPage - 1) / perPage)))]
    }

    static func page(_ items: [JSONValue], _ query: [String: String]) -> Reply {
        let perPage = min(max(Int(query["per_page"] ?? "") ?? 20, 1), 1000)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        let slice = Array(items.dropFirst((page - 1) * perPage).prefix(perPage))
        return Reply(result: .array(slice), info: info(count: slice.count, total: items.count, page: page, perPage: perPage))
    }
}
