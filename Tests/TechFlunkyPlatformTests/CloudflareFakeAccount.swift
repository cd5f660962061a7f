import Foundation
import GRDB
import TechFlunkyHTTP

/// A small in-memory Cloudflare account behind `HTTPTransport`, for orchestrator tests that need
/// no server: stateful (D1 databases are real in-memory SQLite, so migrations really run), with
/// Cloudflare's envelope and codes, token permissions, and fault injection. The sandbox stand-in
/// (TechFlunkySandbox) is the full version; this keeps the orchestrator's tests fast and local.
final class CloudflareFakeAccount: HTTPTransport, @unchecked Sendable {
    // @unchecked: every mutable field is read and written under `lock`.
    private let lock = NSLock()
    let accountId: String
    let token: String
    var permissions: Set<String> = ["d1", "r2", "workers", "zone"]
    let subdomain = "buyer"
    let zone = (id: "zone-1", name: "example-buyer.dev")

    struct Fault {
        var method: String
        var pathContains: String
        var status: Int
        var code: Int
        var times: Int
    }

    private(set) var databases: [String: (name: String, db: DatabaseQueue)] = [:]
    private(set) var buckets: [String: String] = [:]  // name → CORS JSON
    private(set) var scripts: [String: (metadata: [String: Any], subdomain: Bool)] = [:]
    private(set) var secrets: [String: Set<String>] = [:]
    private(set) var dns: [String: (type: String, name: String, content: String)] = [:]
    private(set) var dnsData: [String: Any] = [:]
    /// Workers Custom Domains: id → (hostname, service).
    private(set) var hostnames: [String: String] = [:]
    private(set) var domainServices: [String: String] = [:]
    private var faults: [Fault] = []
    /// The code an existing bucket's create answers: 10004 as the v4 API is commonly seen, 10073 in R2's table.
    var bucketExistsCode = 10004

    func addBucket(_ name: String) { lock.withLock { buckets[name] = "" } }
    private(set) var log: [String] = []
    private var counter = 0

    init(accountId: String = "0123456789abcdef0123456789abcdef", token: String) {
        self.accountId = accountId
        self.token = token
    }

    func inject(_ method: String, _ pathContains: String, status: Int = 500, code: Int = 10013, times: Int = 1) {
        lock.withLock { faults.append(Fault(method: method, pathContains: pathContains, status: status, code: code, times: times)) }
    }

    func clearFaults() { lock.withLock { faults.removeAll() } }

    /// Everything in the account, for "as it was" comparisons.
    var inventory: [String] {
        lock.withLock {
            (databases.values.map { "d1:\($0.name)" } + buckets.keys.map { "r2:\($0)" }
                + scripts.map { "worker:\($0.key)\($0.value.subdomain ? "+dev" : "")" }
                + secrets.flatMap { s in s.value.map { "secret:\(s.key)/\($0)" } }
                + dns.values.map { "dns:\($0.type) \($0.name)" } + hostnames.values.map { "host:\($0)" }).sorted()
        }
    }

    func database(named name: String) -> DatabaseQueue? {
        lock.withLock { databases.values.first { $0.name == name }?.db }
    }

    var requests: [String] { lock.withLock { log } }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse { throw HTTPError.invalidURL(request.url) }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            let response = try lock.withLock { try handle(request) }
            ContractRecording.record(fake: "CloudflareFakeAccount", request, response)
            return response
        } catch {
            ContractRecording.record(fake: "CloudflareFakeAccount", request, nil)
            throw error
        }
    }

    // MARK: Routing

    private func ok(_ result: Any?, status: Int = 200) -> HTTPResponse {
        let body: [String: Any] = ["success": true, "errors": [], "messages": [], "result": result ?? NSNull()]
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"],
                            body: try! JSONSerialization.data(withJSONObject: body))
    }

    private func fail(_ status: Int, _ code: Int, _ message: String) -> HTTPResponse {
        let body: [String: Any] = ["success": false, "errors": [["code": code, "message": message]], "messages": [], "result": NSNull()]
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"],
                            body: try! JSONSerialization.data(withJSONObject: body))
    }

    /// DNS record ids are 32 hex digits, as Cloudflare's (D1 and custom hostname ids are UUIDs).
    private func nextRecordId() -> String {
        counter += 1
        return String(format: "%032x", counter)
    }

    private func nextId() -> String {
        counter += 1
        return String(format: "%08x-0000-4000-8000-%012x", counter, counter)
    }

    private func handle(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let comps = URLComponents(string: request.url) else { throw HTTPError.invalidURL(request.url) }
        let method = request.method.rawValue
        let host = comps.host ?? ""
        let query = Dictionary((comps.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        // The deployed business itself (smoke checks).
        if host.hasSuffix(".workers.dev") || hostnames.values.contains(host) {
            log.append("\(method) \(host)\(comps.path)")
            if let i = faults.firstIndex(where: { $0.method == method && comps.path.contains($0.pathContains) }) {
                faults[i].times -= 1
                let status = faults[i].status
                if faults[i].times <= 0 { faults.remove(at: i) }
                return HTTPResponse(status: status, headers: [:], body: Data("injected".utf8))
            }
            let script = host.hasSuffix(".workers.dev") ? String(host.split(separator: ".").first ?? "")
                : hostnames.first(where: { $0.value == host }).flatMap { domainServices[$0.key] } ?? ""
            guard let s = scripts[script], (s.subdomain || !host.hasSuffix(".workers.dev")) else {
                return HTTPResponse(status: 404, headers: [:], body: Data("no such worker".utf8))
            }
            return comps.path == "/health"
                ? HTTPResponse(status: 200, headers: [:], body: Data(#"{"ok":true}"#.utf8))
                : HTTPResponse(status: 404, headers: [:], body: Data())
        }
        var path = comps.percentEncodedPath
        if let r = path.range(of: "/client/v4") { path = String(path[r.upperBound...]) }
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        log.append("\(method) \(path)")

        if let i = faults.firstIndex(where: { $0.method == method && path.contains($0.pathContains) }) {
            let f = faults[i]
            faults[i].times -= 1
            if faults[i].times <= 0 { faults.remove(at: i) }
            return fail(f.status, f.code, "injected fault")
        }
        guard request.headers["Authorization"] == "Bearer \(token)" else { return fail(401, 1000, "Invalid API Token") }
        func need(_ p: String) -> HTTPResponse? { permissions.contains(p) ? nil : fail(403, 10000, "Authentication error") }
        let json = (request.body.flatMap { try? JSONSerialization.jsonObject(with: $0) }) as? [String: Any] ?? [:]

        if method == "GET", route("user/tokens/verify", parts) != nil {
            return ok(["id": "tok1", "status": "active"])
        } else if method == "GET", route("accounts/{account}/tokens/verify", parts) != nil {
            return ok(["id": "tok1", "status": "active"])
        } else if method == "GET", route("accounts", parts) != nil {
            return ok([["id": accountId, "name": "Buyer"]])
        } else if method == "GET", route("accounts/{account}", parts) != nil {
            return ok(["id": accountId, "name": "Buyer"])
        } else if method == "GET", route("accounts/{account}/d1/database", parts) != nil {
            if let e = need("d1") { return e }
            let list = databases.filter { query["name"] == nil || $0.value.name == query["name"] }.map { ["uuid": $0.key, "name": $0.value.name] }
            return ok(list)
        } else if method == "POST", route("accounts/{account}/d1/database", parts) != nil {
            if let e = need("d1") { return e }
            let name = json["name"] as? String ?? ""
            if databases.values.contains(where: { $0.name == name }) { return fail(400, 7502, "A database with that name already exists") }
            let id = nextId()
            databases[id] = (name, try DatabaseQueue())
            return ok(["uuid": id, "name": name])
        } else if method == "DELETE", let c = route("accounts/*/d1/database/*", parts) {
            if let e = need("d1") { return e }
            let id = c[1]
            guard databases.removeValue(forKey: id) != nil else { return fail(404, 7404, "not found") }
            return ok(nil)
        } else if method == "POST", let c = route("accounts/*/d1/database/*/query", parts) {
            let id = c[1]
            guard let db = databases[id]?.db else { return fail(404, 7404, "not found") }
            let sql = json["sql"] as? String ?? ""
            do {
                let rows: [[String: Any]] = try db.write { db in
                    if sql.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().hasPrefix("SELECT") {
                        return try Row.fetchAll(db, sql: sql).map { row in
                            Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, (row[$0] as DatabaseValue).storage.value ?? NSNull()) })
                        }
                    }
                    try db.execute(sql: sql)
                    return []
                }
                return ok([["results": rows, "success": true, "meta": [:] as [String: Any]]])
            } catch {
                return fail(400, 7500, "SQL error: \(error)")
            }
        } else if method == "GET", route("accounts/{account}/r2/buckets", parts) != nil {
            if let e = need("r2") { return e }
            return ok(["buckets": buckets.keys.sorted().map { ["name": $0] }])
        } else if method == "POST", route("accounts/{account}/r2/buckets", parts) != nil {
            if let e = need("r2") { return e }
            let name = json["name"] as? String ?? ""
            guard name.count >= 3, name.count <= 63, name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) else {
                return fail(400, 10005, "invalid bucket name")
            }
            if buckets[name] != nil { return fail(409, bucketExistsCode, "The bucket you tried to create already exists, and you own it.") }
            buckets[name] = ""
            return ok(["name": name])
        } else if method == "GET", let c = route("accounts/*/r2/buckets/*", parts) {
            let name = c[1]
            return buckets[name] != nil ? ok(["name": name]) : fail(404, 10006, "The specified bucket does not exist.")
        } else if method == "DELETE", let c = route("accounts/*/r2/buckets/*", parts) {
            let name = c[1]
            return buckets.removeValue(forKey: name) != nil ? ok(nil) : fail(404, 10006, "no bucket")
        } else if method == "PUT", let c = route("accounts/*/r2/buckets/*/cors", parts) {
            if let e = need("r2") { return e }
            let name = c[1]
            guard buckets[name] != nil else { return fail(404, 10006, "no bucket") }
            buckets[name] = String(decoding: request.body ?? Data(), as: UTF8.self)
            return ok(nil)
        } else if method == "PUT", let c = route("accounts/*/workers/scripts/*", parts) {
            let name = c[1]
            if let e = need("workers") { return e }
            let body = String(decoding: request.body ?? Data(), as: UTF8.self)
            guard let start = body.range(of: "Content-Type: application/json\r\n\r\n"),
                  let end = body.range(of: "\r\n--", range: start.upperBound..<body.endIndex),
                  let meta = try? JSONSerialization.jsonObject(with: Data(body[start.upperBound..<end.lowerBound].utf8)) as? [String: Any],
                  let main = meta["main_module"] as? String, body.contains("name=\"\(main)\"")
            else { return fail(400, 10021, "bad multipart upload") }
            for b in meta["bindings"] as? [[String: String]] ?? [] {
                if b["type"] == "d1", databases[b["database_id"] ?? ""] == nil { return fail(400, 10021, "binding \(b["name"] ?? "") to missing database") }
                if b["type"] == "r2_bucket", buckets[b["bucket_name"] ?? ""] == nil { return fail(400, 10021, "binding to missing bucket") }
            }
            scripts[name] = (meta, scripts[name]?.subdomain ?? false)
            return ok(["id": name])
        } else if method == "GET", let c = route("accounts/*/workers/scripts/*/settings", parts) {
            let name = c[1]
            return scripts[name] != nil ? ok(["bindings": []]) : fail(404, 10007, "workers.api.error.script_not_found")
        } else if method == "DELETE", let c = route("accounts/*/workers/scripts/*", parts) {
            if let e = need("workers") { return e }
            let name = c[1]
            secrets[name] = nil
            return scripts.removeValue(forKey: name) != nil ? ok(nil) : fail(404, 10007, "workers.api.error.script_not_found")
        } else if method == "GET", route("accounts/{account}/workers/subdomain", parts) != nil {
            return ok(["subdomain": subdomain])
        } else if method == "POST", let c = route("accounts/*/workers/scripts/*/subdomain", parts) {
            let name = c[1]
            guard scripts[name] != nil else { return fail(404, 10007, "workers.api.error.script_not_found") }
            scripts[name]?.subdomain = json["enabled"] as? Bool ?? false
            return ok(nil)
        } else if method == "GET", let c = route("accounts/*/workers/scripts/*/subdomain", parts) {
            let name = c[1]
            guard let script = scripts[name] else { return fail(404, 10007, "workers.api.error.script_not_found") }
            return ok(["enabled": script.subdomain])
        } else if method == "GET", let c = route("accounts/*/workers/scripts/*/secrets", parts) {
            let name = c[1]
            guard scripts[name] != nil else { return fail(404, 10007, "workers.api.error.script_not_found") }
            return ok((secrets[name] ?? []).sorted().map { ["name": $0, "type": "secret_text"] })
        } else if method == "PUT", let c = route("accounts/*/workers/scripts/*/secrets", parts) {
            let name = c[1]
            guard scripts[name] != nil else { return fail(404, 10007, "workers.api.error.script_not_found") }
            secrets[name, default: []].insert(json["name"] as? String ?? "")
            return ok(["name": json["name"] ?? "", "type": "secret_text"])
        } else if method == "DELETE", let c = route("accounts/*/workers/scripts/*/secrets/*", parts) {
            let name = c[1]
            let secret = c[2]
            return secrets[name]?.remove(secret) != nil ? ok(nil) : fail(404, 10056, "secret not found")
        } else if method == "GET", route("zones", parts) != nil {
            if let e = need("zone") { return e }
            return ok(query["name"] == nil || query["name"] == zone.name ? [["id": zone.id, "name": zone.name, "status": "active"]] : [])
        } else if method == "PUT", route("accounts/{account}/workers/domains", parts) != nil {
            if let e = need("workers") { return e }
            let (hostname, service) = (json["hostname"] as? String ?? "", json["service"] as? String ?? "")
            guard scripts[service] != nil else { return fail(404, 10007, "workers.api.error.script_not_found") }
            if let id = hostnames.first(where: { $0.value == hostname })?.key {
                return ok(["id": id, "hostname": hostname, "service": domainServices[id] ?? "", "zone_id": zone.id])
            }
            let id = nextId()
            hostnames[id] = hostname
            domainServices[id] = service
            return ok(["id": id, "hostname": hostname, "service": service, "zone_id": zone.id, "zone_name": zone.name, "environment": "production"])
        } else if method == "GET", route("accounts/{account}/workers/domains", parts) != nil {
            return ok(hostnames.filter { query["hostname"] == nil || $0.value == query["hostname"] }
                .map { ["id": $0.key, "hostname": $0.value, "service": domainServices[$0.key] ?? "", "zone_id": zone.id] })
        } else if method == "DELETE", let c = route("accounts/*/workers/domains/*", parts) {
            let id = c[1]
            domainServices[id] = nil
            return hostnames.removeValue(forKey: id) != nil ? ok(nil) : fail(404, 100100, "Domain not found.")
        } else if method == "GET", route("zones/{zone}/dns_records", parts) != nil {
            return ok(dns.filter { $0.value.type == query["type"] && $0.value.name == query["name"] }
                .map { ["id": $0.key, "type": $0.value.type, "name": $0.value.name, "content": $0.value.content, "ttl": 1,
                        "data": dnsData[$0.key] ?? NSNull()] })
        } else if method == "POST", route("zones/{zone}/dns_records", parts) != nil {
            let (type, name) = (json["type"] as? String ?? "", json["name"] as? String ?? "")
            // CAA and SRV carry `data`; their content is the rendering of it.
            let data = json["data"] as? [String: Any]
            if ["CAA", "SRV"].contains(type) && data == nil { return fail(400, 1004, "DNS Validation Error: data is required") }
            let content = json["content"] as? String ?? data.map { d in d.keys.sorted().map { "\(d[$0] ?? "")" }.joined(separator: " ") } ?? ""
            if dns.values.contains(where: { $0.type == type && $0.name == name && $0.content == content }) {
                return fail(400, 81057, "Record already exists.")
            }
            let id = nextRecordId()
            dns[id] = (type, name, content)
            if let data { dnsData[id] = data }
            return ok(["id": id, "type": type, "name": name, "content": content, "ttl": 1, "data": (data as Any?) ?? NSNull()])
        } else if method == "PUT", let c = route("zones/*/dns_records/*", parts) {
            let id = c[1]
            guard dns[id] != nil else { return fail(404, 81044, "Record does not exist.") }
            dns[id] = (json["type"] as? String ?? "", json["name"] as? String ?? "", json["content"] as? String ?? "")
            return ok(["id": id, "type": dns[id]!.type, "name": dns[id]!.name, "content": dns[id]!.content])
        } else if method == "DELETE", let c = route("zones/*/dns_records/*", parts) {
            if let e = need("zone") { return e }
            let id = c[1]
            return dns.removeValue(forKey: id) != nil ? ok(["id": id]) : fail(404, 81044, "Record does not exist.")
        } else if method == "GET", route("zones/{zone}/custom_hostnames", parts) != nil {
            return ok(hostnames.filter { $0.value == query["hostname"] }.map { ["id": $0.key, "hostname": $0.value, "status": "active"] })
        } else if method == "POST", route("zones/{zone}/custom_hostnames", parts) != nil {
            let name = json["hostname"] as? String ?? ""
            if hostnames.values.contains(name) { return fail(409, 1406, "Duplicate custom hostname found.") }
            let id = nextId()
            hostnames[id] = name
            return ok(["id": id, "hostname": name, "status": "pending"])
        } else if method == "DELETE", let c = route("zones/*/custom_hostnames/*", parts) {
            let id = c[1]
            return hostnames.removeValue(forKey: id) != nil ? ok(["id": id]) : fail(404, 1436, "not found")
        }
        return fail(404, 7003, "Could not route to \(path), perhaps your object identifier is invalid?")
    }

    /// Matches `a/*/b` against path parts: `*` captures, `{account}` and `{zone}` must be this account's.
    private func route(_ pattern: String, _ parts: [String]) -> [String]? {
        let pat = pattern.split(separator: "/").map(String.init)
        guard pat.count == parts.count else { return nil }
        var captures: [String] = []
        for (p, v) in zip(pat, parts) {
            switch p {
            case "*": captures.append(v)
            case "{account}": if v != accountId { return nil }
            case "{zone}": if v != zone.id { return nil }
            default: if p != v { return nil }
            }
        }
        return captures
    }
}
