import Foundation
import GRDB
import Hummingbird

/// Cloudflare API v4 (`/client/v4/…`), the workers.dev smoke endpoint and the sandbox's Cloudflare controls.
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

    func register(on router: Router<BasicRequestContext>) {
        let v4 = router.group("/client/v4")
        let cf = cloudflare

        // Tokens and accounts.
        v4.get("/user/tokens/verify") { request, _ in
            await self.verify(request, account: nil)
        }
        v4.get("/accounts/:account/tokens/verify") { request, context in
            await self.verify(request, account: context.parameters.get("account"))
        }
        v4.get("/user/tokens/:token") { request, context in
            let id = context.parameters.get("token") ?? ""
            return await self.api(request, account: nil, permission: nil) { _, token in
                guard token.id == id else { throw CloudflareAPIError(status: 403, code: 9109, message: "Unauthorized to access requested resource") }
                return Reply(result: cf.tokenDetails(token))
            }
        }
        v4.get("/accounts") { request, _ in
            await self.api(request, account: nil, permission: nil) { db, token in
                let a = try cf.account(db, token.accountId)
                return Reply(result: [a], info: Self.info(count: 1, total: 1, page: 1, perPage: 20))
            }
        }
        v4.get("/accounts/:account") { request, context in
            let account = context.parameters.get("account") ?? ""
            return await self.api(request, account: account, permission: .accountSettingsRead) { db, _ in
                Reply(result: try cf.account(db, account))
            }
        }

        // D1.
        v4.post("/accounts/:account/d1/database") { request, context in
            let account = context.parameters.get("account") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .d1Write) { db, _ in
                Reply(result: try cf.createD1(db, accountId: account, body: try body.get()))
            }
        }
        v4.get("/accounts/:account/d1/database") { request, context in
            let account = context.parameters.get("account") ?? ""
            let query = Self.query(request)
            return await self.api(request, account: account, permission: .d1Read) { db, _ in
                Self.page(try cf.listD1(db, accountId: account, name: query["name"]), query)
            }
        }
        v4.get("/accounts/:account/d1/database/:db") { request, context in
            let account = context.parameters.get("account") ?? ""
            let id = context.parameters.get("db") ?? ""
            return await self.api(request, account: account, permission: .d1Read) { db, _ in
                Reply(result: try cf.d1Record(db, accountId: account, id: id))
            }
        }
        v4.delete("/accounts/:account/d1/database/:db") { request, context in
            let account = context.parameters.get("account") ?? ""
            let id = context.parameters.get("db") ?? ""
            return await self.api(request, account: account, permission: .d1Write) { db, _ in
                Reply(result: try cf.deleteD1(db, accountId: account, id: id))
            }
        }
        v4.post("/accounts/:account/d1/database/:db/query") { request, context in
            let account = context.parameters.get("account") ?? ""
            let id = context.parameters.get("db") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .d1Write) { db, _ in
                _ = try cf.d1Record(db, accountId: account, id: id)
                let json = try body.get()
                guard let sql = json["sql"]?.stringValue, !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw CloudflareAPIError.badRequest(7400, "The request is malformed: sql is required.")
                }
                return Reply(result: .null, pending: .d1Query(id: id, sql: sql, params: json["params"]?.arrayValue ?? []))
            }
        }

        // R2.
        v4.post("/accounts/:account/r2/buckets") { request, context in
            let account = context.parameters.get("account") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .r2Write) { db, _ in
                Reply(result: try cf.createBucket(db, accountId: account, body: try body.get()))
            }
        }
        v4.get("/accounts/:account/r2/buckets") { request, context in
            let account = context.parameters.get("account") ?? ""
            return await self.api(request, account: account, permission: .r2Read) { db, _ in
                let list = try SandboxDatabase.listCloudflare(db, kind: "r2", accountId: account).map(cf.publicBucket)
                return Reply(result: ["buckets": .array(list)])
            }
        }
        v4.get("/accounts/:account/r2/buckets/:bucket") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("bucket") ?? ""
            return await self.api(request, account: account, permission: .r2Read) { db, _ in
                Reply(result: cf.publicBucket(try cf.bucket(db, accountId: account, name: name)))
            }
        }
        v4.delete("/accounts/:account/r2/buckets/:bucket") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("bucket") ?? ""
            return await self.api(request, account: account, permission: .r2Write) { db, _ in
                Reply(result: try cf.deleteBucket(db, accountId: account, name: name))
            }
        }
        v4.put("/accounts/:account/r2/buckets/:bucket/cors") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("bucket") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .r2Write) { db, _ in
                Reply(result: try cf.putCORS(db, accountId: account, name: name, body: try body.get()))
            }
        }
        v4.get("/accounts/:account/r2/buckets/:bucket/cors") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("bucket") ?? ""
            return await self.api(request, account: account, permission: .r2Read) { db, _ in
                Reply(result: try cf.getCORS(db, accountId: account, name: name))
            }
        }

        // Workers.
        v4.get("/accounts/:account/workers/scripts") { request, context in
            let account = context.parameters.get("account") ?? ""
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: .array(try SandboxDatabase.listCloudflare(db, kind: "script", accountId: account).map(cf.publicScript)))
            }
        }
        v4.put("/accounts/:account/workers/scripts/:script") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            let data = try await ResponseBuilding.body(request)
            let contentType = ResponseBuilding.header(request, "Content-Type")
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                let form: MultipartFormData
                do { form = try MultipartFormData(body: data, contentType: contentType) } catch {
                    throw CloudflareAPIError.badRequest(10021, "\(error)")
                }
                return Reply(result: try cf.uploadScript(db, accountId: account, name: name, form: form))
            }
        }
        v4.get("/accounts/:account/workers/scripts/:script") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            // Cloudflare answers the script's content, not an envelope.
            await cf.paced(method: "GET", path: request.uri.path)
            do {
                let (token, _) = try cf.authenticate(authorization: ResponseBuilding.header(request, "Authorization"))
                try cf.countRequest(accountId: token.accountId)
                try cf.authorize(token, account: account, .workersRead)
                let script = try await cf.database.writer.read { db in try cf.script(db, accountId: account, name: name) }
                let main = script["main_module"]?.stringValue
                let module = script["modules"]?.arrayValue?.first { $0["name"]?.stringValue == main }
                let content = Data(base64Encoded: module?["content"]?.stringValue ?? "") ?? Data()
                return Response(status: .ok, headers: ResponseBuilding.fields([("Content-Type", module?["content_type"]?.stringValue ?? "application/javascript")]),
                                body: .init(byteBuffer: .init(bytes: content)))
            } catch let error as CloudflareAPIError {
                return Self.failure(error)
            } catch {
                return Self.failure(CloudflareAPIError(status: 500, code: 10013, message: "\(error)"))
            }
        }
        v4.get("/accounts/:account/workers/scripts/:script/settings") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: cf.scriptSettings(db, try cf.script(db, accountId: account, name: name)))
            }
        }
        v4.delete("/accounts/:account/workers/scripts/:script") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.deleteScript(db, accountId: account, name: name))
            }
        }
        v4.get("/accounts/:account/workers/subdomain") { request, context in
            let account = context.parameters.get("account") ?? ""
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: try cf.getSubdomain(db, accountId: account))
            }
        }
        v4.put("/accounts/:account/workers/subdomain") { request, context in
            let account = context.parameters.get("account") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.putSubdomain(db, accountId: account, body: try body.get()))
            }
        }
        v4.post("/accounts/:account/workers/scripts/:script/subdomain") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.setScriptSubdomain(db, accountId: account, script: name, body: try body.get()))
            }
        }
        v4.get("/accounts/:account/workers/scripts/:script/subdomain") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: try cf.scriptSubdomain(db, accountId: account, script: name))
            }
        }
        v4.put("/accounts/:account/workers/scripts/:script/secrets") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.putSecret(db, accountId: account, script: name, body: try body.get()))
            }
        }
        v4.get("/accounts/:account/workers/scripts/:script/secrets") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: try cf.listSecrets(db, accountId: account, script: name))
            }
        }
        v4.delete("/accounts/:account/workers/scripts/:script/secrets/:secret") { request, context in
            let account = context.parameters.get("account") ?? ""
            let name = context.parameters.get("script") ?? ""
            let secret = context.parameters.get("secret") ?? ""
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.deleteSecret(db, accountId: account, script: name, secret: secret))
            }
        }

        // Workers Custom Domains.
        v4.put("/accounts/:account/workers/domains") { request, context in
            let account = context.parameters.get("account") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.attachDomain(db, accountId: account, body: try body.get()))
            }
        }
        v4.get("/accounts/:account/workers/domains") { request, context in
            let account = context.parameters.get("account") ?? ""
            let query = Self.query(request)
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: .array(try cf.listDomains(db, accountId: account, query: query)))
            }
        }
        v4.get("/accounts/:account/workers/domains/:domain") { request, context in
            let account = context.parameters.get("account") ?? ""
            let id = context.parameters.get("domain") ?? ""
            return await self.api(request, account: account, permission: .workersRead) { db, _ in
                Reply(result: cf.publicDomain(try cf.domain(db, accountId: account, id: id)))
            }
        }
        v4.delete("/accounts/:account/workers/domains/:domain") { request, context in
            let account = context.parameters.get("account") ?? ""
            let id = context.parameters.get("domain") ?? ""
            return await self.api(request, account: account, permission: .workersWrite) { db, _ in
                Reply(result: try cf.detachDomain(db, accountId: account, id: id))
            }
        }

        // Zones.
        v4.get("/zones") { request, _ in
            let query = Self.query(request)
            return await self.api(request, account: nil, permission: .zoneRead) { db, token in
                Self.page(try cf.listZones(db, token: token, name: query["name"], accountId: query["account.id"]), query)
            }
        }
        v4.post("/zones") { request, _ in
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: nil, permission: .zoneWrite) { db, token in
                let json = try body.get()
                let account = json["account"]?["id"]?.stringValue ?? token.accountId
                try cf.authorize(token, account: account, nil)
                return Reply(result: try cf.insertZone(db, accountId: account, name: json["name"]?.stringValue ?? ""))
            }
        }
        v4.get("/zones/:zone") { request, context in
            let zone = context.parameters.get("zone") ?? ""
            return await self.api(request, account: nil, permission: .zoneRead) { db, token in
                Reply(result: try cf.zone(db, token: token, id: zone))
            }
        }

        // DNS records.
        v4.get("/zones/:zone/dns_records") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let query = Self.query(request)
            return await self.api(request, account: nil, permission: .dnsRead) { db, token in
                let zone = try cf.zone(db, token: token, id: zoneId)
                return Self.page(try cf.listDNS(db, zone: zone, query: query), query)
            }
        }
        v4.post("/zones/:zone/dns_records") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: nil, permission: .dnsWrite) { db, token in
                let zone = try cf.zone(db, token: token, id: zoneId)
                let record = try cf.dnsRecord(db, zone: zone, body: try body.get(), existing: nil)
                try cf.saveDNS(db, zone: zone, record: record)
                return Reply(result: record)
            }
        }
        v4.get("/zones/:zone/dns_records/:record") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let id = context.parameters.get("record") ?? ""
            return await self.api(request, account: nil, permission: .dnsRead) { db, token in
                Reply(result: try cf.dns(db, zone: try cf.zone(db, token: token, id: zoneId), id: id))
            }
        }
        for (method, partial) in [(HTTPRequest.Method.put, false), (.patch, true)] {
            v4.on("/zones/:zone/dns_records/:record", method: method) { request, context in
                let zoneId = context.parameters.get("zone") ?? ""
                let id = context.parameters.get("record") ?? ""
                let body = try await Self.jsonBody(request)
                return await self.api(request, account: nil, permission: .dnsWrite) { db, token in
                    let zone = try cf.zone(db, token: token, id: zoneId)
                    let existing = try cf.dns(db, zone: zone, id: id)
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
        v4.delete("/zones/:zone/dns_records/:record") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let id = context.parameters.get("record") ?? ""
            return await self.api(request, account: nil, permission: .dnsWrite) { db, token in
                _ = try cf.dns(db, zone: try cf.zone(db, token: token, id: zoneId), id: id)
                try SandboxDatabase.deleteCloudflare(db, kind: "dns", id: id)
                return Reply(result: ["id": .string(id)])
            }
        }

        // Custom hostnames (Cloudflare for SaaS).
        v4.post("/zones/:zone/custom_hostnames") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let body = try await Self.jsonBody(request)
            return await self.api(request, account: nil, permission: .sslWrite) { db, token in
                Reply(result: try cf.createCustomHostname(db, zone: try cf.zone(db, token: token, id: zoneId), body: try body.get()))
            }
        }
        v4.get("/zones/:zone/custom_hostnames") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let query = Self.query(request)
            return await self.api(request, account: nil, permission: .sslRead) { db, token in
                Self.page(try cf.listCustomHostnames(db, zone: try cf.zone(db, token: token, id: zoneId), hostname: query["hostname"]), query)
            }
        }
        v4.get("/zones/:zone/custom_hostnames/:id") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, account: nil, permission: .sslRead) { db, token in
                Reply(result: try cf.customHostname(db, zone: try cf.zone(db, token: token, id: zoneId), id: id))
            }
        }
        v4.delete("/zones/:zone/custom_hostnames/:id") { request, context in
            let zoneId = context.parameters.get("zone") ?? ""
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, account: nil, permission: .sslWrite) { db, token in
                Reply(result: try cf.deleteCustomHostname(db, zone: try cf.zone(db, token: token, id: zoneId), id: id))
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

    private func api(_ request: Request, account: String?, permission: CloudflarePermission?, _ operation: @escaping Operation) async -> Response {
        await cloudflare.paced(method: request.method.rawValue, path: request.uri.path)
        do {
            let (token, _) = try cloudflare.authenticate(authorization: ResponseBuilding.header(request, "Authorization"))
            try cloudflare.countRequest(accountId: token.accountId)
            try cloudflare.authorize(token, account: account, permission)
            var reply = try await cloudflare.database.writer.write { db in try operation(db, token) }
            if case let .d1Query(id, sql, params) = reply.pending {
                reply.result = .array(try cloudflare.d1.query(id, sql: sql, params: params))
            }
            return ResponseBuilding.json(reply.status, CloudflareEnvelope.success(reply.result, messages: reply.messages, info: reply.info))
        } catch let error as CloudflareAPIError {
            return Self.failure(error)
        } catch {
            return Self.failure(CloudflareAPIError(status: 500, code: 10013, message: "The sandbox failed: \(error)"))
        }
    }

    static func failure(_ error: CloudflareAPIError) -> Response {
        let headers = error.retryAfter.map { ResponseBuilding.fields([("Retry-After", String($0))]) } ?? HTTPFields()
        return ResponseBuilding.json(error.status, error.envelope, headers: headers)
    }

    /// The JSON body, or the error Cloudflare gives for a body that is not JSON (raised when the operation reads it).
    static func jsonBody(_ request: Request) async throws -> Result<JSONValue, CloudflareAPIError> {
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
