import Foundation
import GRDB
import Synchronization

/// The Cloudflare stand-in's behaviour: API tokens with permission sets, accounts, D1 (real SQLite files),
/// R2 buckets and CORS, Workers scripts (multipart uploads checked against what exists), the workers.dev
/// subdomain, secrets, zones, DNS records and custom hostnames. State lives in `cf_object`; token values
/// and secret values are kept only as SHA-256 digests.
public final class CloudflareStandIn: Sendable {
    /// The demo account seeded on first start, with a token holding every permission.
    public static let demoAccountId = "7d3e0a1f5b9c4e2a8f6d1c3b5a7e9f01"
    public static let demoAccountName = "TechFlunky Demo Buyer"
    /// A sandbox-only credential, documented so the demo can prefill it; stored only as a digest.
    public static let demoToken = "tfsandbox_demo_token_4mZ8qP2vL6xR9tK3wN7c"
    public static let demoZone = "example-buyer.dev"
    public static let demoSubdomain = "techflunky-demo"

    /// Who owns a token: a user (verified at `/user/tokens/verify`) or an account (only at
    /// `/accounts/{id}/tokens/verify`; the user endpoint answers code 1000 for it).
    enum TokenOwner: String, Sendable { case user, account }

    struct Token: Sendable {
        var id: String
        var accountId: String
        var permissions: Set<CloudflarePermission>
        var owner: TokenOwner = .user

        func has(_ p: CloudflarePermission) -> Bool { permissions.contains { $0.grants(p) } }
    }

    let database: SandboxDatabase
    let d1: D1DatabaseFiles
    let clock: SandboxClock
    let rateLimit: Int
    private let requestLog = Mutex<[String: [Double]]>([:])
    private let pace: Mutex<CloudflarePace>

    init(database: SandboxDatabase, clock: SandboxClock, rateLimit: Int, pace: CloudflarePace = .instant) throws {
        self.database = database
        self.clock = clock
        self.rateLimit = rateLimit
        self.pace = Mutex(pace)
        d1 = try D1DatabaseFiles(directory: database.directory.appendingPathComponent("d1"))
    }

    var timestamp: String { WireTime.iso(clock.now()) }

    func setPace(_ new: CloudflarePace) { pace.withLock { $0 = new } }
    var currentPace: CloudflarePace { pace.withLock { $0 } }

    /// Waits as long as Cloudflare would take to answer this call.
    func paced(method: String, path: String) async {
        let seconds = CloudflarePace.draw(currentPace.latency(method: method, path: path))
        if seconds > 0 { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
    }

    // MARK: - Accounts and tokens

    func seedDemo() throws {
        try database.writer.write { db in
            guard try SandboxDatabase.meta(db, "cloudflare_demo_seeded") == nil else { return }
            try self.insertAccount(db, id: Self.demoAccountId, name: Self.demoAccountName)
            // Account-owned, as Cloudflare recommends for automation: the platform verifies it at the account.
            try self.insertToken(db, token: Self.demoToken, accountId: Self.demoAccountId, permissions: Set(CloudflarePermission.allCases),
                                 name: "Demo deploy token", owner: .account)
            var account = try SandboxDatabase.getCloudflare(db, kind: "account", id: Self.demoAccountId)!.object
            account["workers_subdomain"] = .string(Self.demoSubdomain)
            try SandboxDatabase.putCloudflare(db, kind: "account", id: Self.demoAccountId, accountId: Self.demoAccountId,
                                              name: Self.demoAccountName, account)
            _ = try self.insertZone(db, accountId: Self.demoAccountId, name: Self.demoZone)
            try SandboxDatabase.setMeta(db, "cloudflare_demo_seeded", "1")
        }
    }

    func createAccount(name: String) throws -> String {
        let id = SandboxIDs.hex32()
        try database.writer.write { db in try self.insertAccount(db, id: id, name: name) }
        return id
    }

    private func insertAccount(_ db: Database, id: String, name: String) throws {
        let account: JSONValue = [
            "id": .string(id), "name": .string(name), "type": "standard", "created_on": .string(timestamp),
            "settings": ["enforce_twofactor": false, "abuse_contact_email": nil],
        ]
        try SandboxDatabase.putCloudflare(db, kind: "account", id: id, accountId: id, name: name, account)
    }

    func createToken(accountId: String, permissions: Set<CloudflarePermission>, name: String = "sandbox token",
                     owner: TokenOwner = .user) throws -> String {
        let token = Self.newTokenValue()
        try database.writer.write { db in
            guard try SandboxDatabase.getCloudflare(db, kind: "account", id: accountId) != nil else {
                throw CloudflareAPIError.notFound(7003, "Could not route to /accounts/\(accountId), perhaps your object identifier is invalid?")
            }
            try self.insertToken(db, token: token, accountId: accountId, permissions: permissions, name: name, owner: owner)
        }
        return token
    }

    func setTokenStatus(_ token: String, status: String) throws {
        try database.writer.write { db in
            try db.execute(sql: "UPDATE cf_token SET status = ? WHERE digest = ?", arguments: [status, SandboxIDs.sha256Hex(token)])
        }
    }

    private func insertToken(_ db: Database, token: String, accountId: String, permissions: Set<CloudflarePermission>, name: String,
                             owner: TokenOwner = .user) throws {
        let names = permissions.map(\.rawValue).sorted()
        try db.execute(sql: "INSERT INTO cf_token (id, digest, account_id, permissions, status, created, owner) VALUES (?, ?, ?, ?, 'active', ?, ?)",
                       arguments: [SandboxIDs.hex32(), SandboxIDs.sha256Hex(token), accountId,
                                   String(decoding: JSONValue.array(names.map(JSONValue.string)).encoded(), as: UTF8.self), timestamp,
                                   owner.rawValue])
        _ = name
    }

    static func newTokenValue() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        var rng = SystemRandomNumberGenerator()
        return String((0..<40).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// The token of a request. A missing or unknown token is Cloudflare's authentication error; on the verify
    /// endpoints it is "Invalid API Token" (code 1000).
    func authenticate(authorization: String?, verifying: Bool = false) throws -> (Token, status: String) {
        let failure = verifying ? CloudflareAPIError.invalidToken : CloudflareAPIError(status: 401, code: 10000, message: "Authentication error")
        guard let authorization else { throw failure }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw CloudflareAPIError(status: 400, code: 6003, message: "Invalid request headers")
        }
        let digest = SandboxIDs.sha256Hex(String(parts[1]).trimmingCharacters(in: .whitespaces))
        let row = try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, account_id, permissions, status, owner FROM cf_token WHERE digest = ?", arguments: [digest])
                .map { (id: $0["id"] as String, account: $0["account_id"] as String, permissions: $0["permissions"] as String,
                        status: $0["status"] as String, owner: $0["owner"] as String) }
        }
        guard let row else { throw failure }
        let names = (try? JSONValue.decode(Data(row.permissions.utf8)).arrayValue) ?? []
        let permissions = Set(names.compactMap { $0.stringValue.flatMap(CloudflarePermission.init(rawValue:)) })
        if row.status != "active" && !verifying { throw failure }
        return (Token(id: row.id, accountId: row.account, permissions: permissions, owner: TokenOwner(rawValue: row.owner) ?? .user), row.status)
    }

    /// Whether `token` may act on `accountId` with `permission` (Cloudflare answers 9109 otherwise).
    func authorize(_ token: Token, account accountId: String?, _ permission: CloudflarePermission?) throws {
        if let accountId, accountId != token.accountId {
            throw CloudflareAPIError(status: 403, code: 9109, message: "Unauthorized to access requested resource")
        }
        if let permission, !token.has(permission) {
            throw CloudflareAPIError(status: 403, code: 9109,
                                     message: "Unauthorized to access requested resource (the token lacks \(permission.rawValue))")
        }
    }

    /// Counts a call against the account's limit (per 5 minutes); 429 with Retry-After once exceeded.
    func countRequest(accountId: String) throws {
        let now = clock.now().timeIntervalSince1970
        let limit = rateLimit
        let retry: Int? = requestLog.withLock { log in
            var times = log[accountId, default: []]
            times.removeAll { $0 <= now - 300 }
            if times.count >= limit {
                log[accountId] = times
                return max(1, Int((times[0] + 300 - now).rounded(.up)))
            }
            times.append(now)
            log[accountId] = times
            return nil
        }
        if let retry {
            throw CloudflareAPIError(status: 429, code: 971, message: "Please wait and consider throttling your request speed", retryAfter: retry)
        }
    }

    func tokenVerifyResult(_ token: Token, status: String) -> JSONValue {
        ["id": .string(token.id), "status": .string(status)]
    }

    func tokenDetails(_ token: Token) -> JSONValue {
        [
            "id": .string(token.id), "name": "sandbox token", "status": "active",
            "policies": [[
                "id": .string(SandboxIDs.sha256Hex("policy:" + token.id).prefix(32).description), "effect": "allow",
                "resources": .object(["com.cloudflare.api.account.\(token.accountId)": "*"]),
                "permission_groups": .array(token.permissions.sorted { $0.rawValue < $1.rawValue }.map {
                    ["id": .string($0.groupId), "name": .string($0.rawValue)]
                }),
            ]],
        ]
    }

    func account(_ db: Database, _ id: String) throws -> JSONValue {
        guard var a = try SandboxDatabase.getCloudflare(db, kind: "account", id: id)?.object else {
            throw CloudflareAPIError.notFound(7003, "Could not route to /accounts/\(id), perhaps your object identifier is invalid?")
        }
        a["workers_subdomain"] = nil
        return a
    }

    /// Everything an account holds, by kind, as sorted names (D1 databases, R2 buckets with CORS marked,
    /// Workers with their bindings and workers.dev state, DNS records, custom hostnames): what a test compares
    /// before and after a rollback.
    func resources(_ db: Database, accountId: String) throws -> JSONValue {
        func names(_ kind: String, _ describe: (JSONValue) -> String) throws -> JSONValue {
            .array(try SandboxDatabase.listCloudflare(db, kind: kind, accountId: accountId).map(describe).sorted().map(JSONValue.string))
        }
        return [
            "d1": try names("d1") { $0["name"]?.stringValue ?? "" },
            "r2": try names("r2") { ($0["name"]?.stringValue ?? "") + (($0["cors"]?.isNull ?? true) ? "" : " +cors") },
            "workers": try names("script") { s in
                let bindings = (s["bindings"]?.arrayValue ?? []).compactMap { b in
                    b["name"]?.stringValue.map { "\($0):\(b["type"]?.stringValue ?? "")" }
                }.sorted()
                return "\(s["id"]?.stringValue ?? "")[\(bindings.joined(separator: ","))]" + (s["workers_dev"]?.boolValue == true ? " +workers.dev" : "")
            },
            "dns": try names("dns") { "\($0["type"]?.stringValue ?? "") \($0["name"]?.stringValue ?? "") \($0["content"]?.stringValue ?? "")" },
            "custom_hostnames": try names("custom_hostname") { $0["hostname"]?.stringValue ?? "" },
            "worker_domains": try names("worker_domain") { "\($0["hostname"]?.stringValue ?? "") → \($0["service"]?.stringValue ?? "")" },
        ]
    }

    // MARK: - D1

    func createD1(_ db: Database, accountId: String, body: JSONValue) throws -> JSONValue {
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw CloudflareAPIError.badRequest(7400, "The request is malformed: name is required.")
        }
        guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw CloudflareAPIError.badRequest(7400, "Database name '\(name)' is invalid: use up to 64 lower-case letters, digits, '-' and '_'.")
        }
        if try SandboxDatabase.findCloudflare(db, kind: "d1", accountId: accountId, name: name) != nil {
            throw CloudflareAPIError.badRequest(7502, "A database with that name already exists")
        }
        let uuid = SandboxIDs.uuid()
        try d1.create(uuid)
        let record: JSONValue = ["uuid": .string(uuid), "name": .string(name), "created_at": .string(timestamp),
                                 "version": "production", "num_tables": 0, "file_size": 0]
        try SandboxDatabase.putCloudflare(db, kind: "d1", id: uuid, accountId: accountId, name: name, record)
        return record
    }

    func d1Record(_ db: Database, accountId: String, id: String) throws -> JSONValue {
        guard let found = try SandboxDatabase.getCloudflare(db, kind: "d1", id: id), found.accountId == accountId else {
            throw CloudflareAPIError.notFound(7404, "The database \(id) could not be found")
        }
        var record = found.object
        record["file_size"] = .int(d1.fileSize(id))
        record["num_tables"] = .int((try? d1.tableCount(id)) ?? 0)
        return record
    }

    func listD1(_ db: Database, accountId: String, name: String?) throws -> [JSONValue] {
        try SandboxDatabase.listCloudflare(db, kind: "d1", accountId: accountId).filter { record in
            guard let name, !name.isEmpty else { return true }
            return record["name"]?.stringValue?.localizedCaseInsensitiveContains(name) ?? false
        }
    }

    func deleteD1(_ db: Database, accountId: String, id: String) throws -> JSONValue {
        _ = try d1Record(db, accountId: accountId, id: id)
        try SandboxDatabase.deleteCloudflare(db, kind: "d1", id: id)
        d1.delete(id)
        return .null
    }

    // MARK: - R2

    static func validBucketName(_ name: String) -> Bool {
        let chars = Array(name)
        guard (3...63).contains(chars.count) else { return false }
        guard chars.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else { return false }
        guard let first = chars.first, let last = chars.last, first != "-", last != "-" else { return false }
        return true
    }

    func createBucket(_ db: Database, accountId: String, body: JSONValue) throws -> JSONValue {
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw CloudflareAPIError.badRequest(10005, "The JSON body must include a bucket name.")
        }
        guard Self.validBucketName(name) else {
            throw CloudflareAPIError.badRequest(10005, "The specified bucket name is not valid. Bucket names must be 3 to 63 characters of lowercase letters, digits and hyphens, beginning and ending with a letter or digit.")
        }
        if try SandboxDatabase.findCloudflare(db, kind: "r2", accountId: accountId, name: name) != nil {
            throw CloudflareAPIError(status: 409, code: 10004, message: "The bucket you tried to create already exists, and you own it.")
        }
        let hint = body["locationHint"]?.stringValue?.lowercased() ?? "enam"
        let bucket: JSONValue = ["name": .string(name), "creation_date": .string(timestamp), "location": .string(hint),
                                 "storage_class": .string(body["storageClass"]?.stringValue ?? "Standard")]
        try SandboxDatabase.putCloudflare(db, kind: "r2", id: "\(accountId)/\(name)", accountId: accountId, name: name, bucket)
        return bucket
    }

    func bucket(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        guard let b = try SandboxDatabase.findCloudflare(db, kind: "r2", accountId: accountId, name: name) else {
            throw CloudflareAPIError.notFound(10006, "The specified bucket does not exist.")
        }
        return b
    }

    func publicBucket(_ b: JSONValue) -> JSONValue {
        var b = b
        b["cors"] = nil
        return b
    }

    func deleteBucket(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        _ = try bucket(db, accountId: accountId, name: name)
        try SandboxDatabase.deleteCloudflare(db, kind: "r2", id: "\(accountId)/\(name)")
        return [:]
    }

    func putCORS(_ db: Database, accountId: String, name: String, body: JSONValue) throws -> JSONValue {
        var b = try bucket(db, accountId: accountId, name: name)
        guard let rules = body["rules"]?.arrayValue else {
            throw CloudflareAPIError.badRequest(10040, "The CORS configuration must be {\"rules\": [...]}.")
        }
        let methods: Set<String> = ["GET", "PUT", "POST", "DELETE", "HEAD"]
        for (i, rule) in rules.enumerated() {
            guard let allowed = rule["allowed"], let origins = allowed["origins"]?.arrayValue, !origins.isEmpty,
                  let ms = allowed["methods"]?.arrayValue, !ms.isEmpty else {
                throw CloudflareAPIError.badRequest(10040, "CORS rule \(i) needs allowed.origins and allowed.methods.")
            }
            for m in ms where !methods.contains(m.stringValue ?? "") {
                throw CloudflareAPIError.badRequest(10040, "CORS rule \(i): method \(m.stringValue ?? "?") is not one of GET, PUT, POST, DELETE, HEAD.")
            }
            if let age = rule["maxAgeSeconds"], age.intValue == nil {
                throw CloudflareAPIError.badRequest(10040, "CORS rule \(i): maxAgeSeconds must be an integer.")
            }
        }
        b["cors"] = ["rules": .array(rules)]
        try SandboxDatabase.putCloudflare(db, kind: "r2", id: "\(accountId)/\(name)", accountId: accountId, name: name, b)
        return .null
    }

    func getCORS(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        let b = try bucket(db, accountId: accountId, name: name)
        guard let cors = b["cors"], !cors.isNull else {
            throw CloudflareAPIError.notFound(10059, "The CORS configuration does not exist.")
        }
        return cors
    }

    // MARK: - Workers

    static func validScriptName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63 && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    func uploadScript(_ db: Database, accountId: String, name: String, form: MultipartFormData) throws -> JSONValue {
        guard Self.validScriptName(name) else {
            throw CloudflareAPIError.badRequest(10016, "Invalid Worker name '\(name)': use lower-case letters, digits, '-' and '_' (at most 63).")
        }
        guard let metadataPart = form.part(named: "metadata") else {
            throw CloudflareAPIError.badRequest(10021, "The upload has no 'metadata' part.")
        }
        guard let metadata = try? JSONValue.decode(metadataPart.body), metadata.objectValue != nil else {
            throw CloudflareAPIError.badRequest(10021, "The 'metadata' part is not a JSON object.")
        }
        let main: String
        if let m = metadata["main_module"]?.stringValue, !m.isEmpty { main = m } else if let b = metadata["body_part"]?.stringValue, !b.isEmpty {
            main = b
        } else {
            throw CloudflareAPIError.badRequest(10021, "metadata must name its main_module.")
        }
        guard let mainPart = form.part(named: main) else {
            throw CloudflareAPIError.badRequest(10021, "No such module \"\(main)\": main_module names a part that was not uploaded.")
        }
        let mainText = String(decoding: mainPart.body, as: UTF8.self)
        guard mainText.contains("export") || metadata["body_part"] != nil else {
            throw CloudflareAPIError.badRequest(10021, "No event handlers were registered. This script does nothing.")
        }
        var modules: [JSONValue] = []
        for part in form.parts where part.name != "metadata" {
            let type = (part.contentType ?? "").lowercased()
            let known = ["application/javascript+module", "text/javascript+module", "application/javascript", "text/javascript",
                         "application/wasm", "text/plain", "application/octet-stream", "application/json", "application/source-map"]
            guard known.contains(where: { type.hasPrefix($0) }) else {
                throw CloudflareAPIError.badRequest(10021, "Part '\(part.name)' has unsupported Content-Type '\(part.contentType ?? "")'.")
            }
            modules.append(["name": .string(part.name), "content_type": .string(part.contentType ?? ""),
                            "content": .string(part.body.base64EncodedString()), "size": .int(Int64(part.body.count))])
        }
        if let date = metadata["compatibility_date"]?.stringValue {
            let valid = date.count == 10 && date.split(separator: "-").count == 3 && date.split(separator: "-").allSatisfy { Int($0) != nil }
            guard valid else { throw CloudflareAPIError.badRequest(10021, "compatibility_date must be YYYY-MM-DD, got '\(date)'.") }
        }
        let existing = try SandboxDatabase.getCloudflare(db, kind: "script", id: "\(accountId)/\(name)")?.object
        var bindings: [JSONValue] = []
        var names: Set<String> = []
        for (i, binding) in (metadata["bindings"]?.arrayValue ?? []).enumerated() {
            guard let type = binding["type"]?.stringValue, let bname = binding["name"]?.stringValue, !bname.isEmpty else {
                throw CloudflareAPIError.badRequest(10021, "bindings[\(i)] needs a type and a name.")
            }
            guard names.insert(bname).inserted else {
                throw CloudflareAPIError.badRequest(10021, "Binding name '\(bname)' is used twice.")
            }
            switch type {
            case "d1":
                guard let id = binding["id"]?.stringValue ?? binding["database_id"]?.stringValue,
                      let found = try SandboxDatabase.getCloudflare(db, kind: "d1", id: id), found.accountId == accountId else {
                    throw CloudflareAPIError.badRequest(10021, "D1 binding '\(bname)' references database '\(binding["id"]?.stringValue ?? binding["database_id"]?.stringValue ?? "")' which was not found.")
                }
                bindings.append(["type": "d1", "name": .string(bname), "id": .string(id)])
            case "r2_bucket":
                guard let bucket = binding["bucket_name"]?.stringValue,
                      try SandboxDatabase.findCloudflare(db, kind: "r2", accountId: accountId, name: bucket) != nil else {
                    throw CloudflareAPIError.badRequest(10021, "R2 binding '\(bname)' references bucket '\(binding["bucket_name"]?.stringValue ?? "")' which was not found.")
                }
                bindings.append(["type": "r2_bucket", "name": .string(bname), "bucket_name": .string(bucket)])
            case "plain_text":
                guard let text = binding["text"]?.stringValue else {
                    throw CloudflareAPIError.badRequest(10021, "plain_text binding '\(bname)' needs text.")
                }
                bindings.append(["type": "plain_text", "name": .string(bname), "text": .string(text)])
            case "secret_text":
                guard let text = binding["text"]?.stringValue else {
                    throw CloudflareAPIError.badRequest(10021, "secret_text binding '\(bname)' needs text.")
                }
                // The value is never kept: only a digest, so the stand-in can tell a change without holding the secret.
                bindings.append(["type": "secret_text", "name": .string(bname), "digest": .string(SandboxIDs.sha256Hex(text))])
            default:
                throw CloudflareAPIError.badRequest(10021, "Binding '\(bname)' has type '\(type)', which this Cloudflare stand-in does not provide (d1, r2_bucket, plain_text, secret_text).")
            }
        }
        let keep = Set((metadata["keep_bindings"]?.arrayValue ?? []).compactMap(\.stringValue))
        if keep.contains("secret_text"), let old = existing?["bindings"]?.arrayValue {
            for b in old where b["type"]?.stringValue == "secret_text" && !names.contains(b["name"]?.stringValue ?? "") {
                bindings.append(b)
            }
        }
        let now = timestamp
        let etag = SandboxIDs.sha256Hex(form.parts.map { $0.name + ":" + $0.body.base64EncodedString() }.joined(separator: "|"))
        let script: JSONValue = [
            "id": .string(name), "etag": .string(etag), "handlers": ["fetch"], "created_on": existing?["created_on"] ?? .string(now),
            "modified_on": .string(now), "compatibility_date": metadata["compatibility_date"] ?? nil,
            "compatibility_flags": metadata["compatibility_flags"] ?? [], "has_modules": .bool(metadata["main_module"] != nil),
            "main_module": .string(main), "bindings": .array(bindings), "modules": .array(modules),
            "workers_dev": existing?["workers_dev"] ?? false,
        ]
        try SandboxDatabase.putCloudflare(db, kind: "script", id: "\(accountId)/\(name)", accountId: accountId, name: name, script)
        return publicScript(script)
    }

    func publicScript(_ script: JSONValue) -> JSONValue {
        var s = script
        for key in ["bindings", "modules", "main_module", "workers_dev"] { s[key] = nil }
        return s
    }

    func script(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        guard let s = try SandboxDatabase.findCloudflare(db, kind: "script", accountId: accountId, name: name) else {
            throw CloudflareAPIError.notFound(10007, "This Worker does not exist on your account.")
        }
        return s
    }

    func scriptSettings(_ db: Database, _ script: JSONValue) -> JSONValue {
        let bindings = (script["bindings"]?.arrayValue ?? []).map { b -> JSONValue in
            var b = b
            b["digest"] = nil
            // The settings document shapes a D1 binding as {binding: variable, id, name: database name, type}.
            if b["type"]?.stringValue == "d1", let id = b["id"]?.stringValue {
                b["binding"] = b["name"] ?? nil
                let found = try? SandboxDatabase.getCloudflare(db, kind: "d1", id: id)?.object["name"]?.stringValue
                b["name"] = .string(found ?? id)
            }
            return b
        }
        return ["bindings": .array(bindings), "compatibility_date": script["compatibility_date"] ?? nil,
                "compatibility_flags": script["compatibility_flags"] ?? []]
    }

    func deleteScript(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        _ = try script(db, accountId: accountId, name: name)
        try SandboxDatabase.deleteCloudflare(db, kind: "script", id: "\(accountId)/\(name)")
        // Its custom domains go with it, as on Cloudflare.
        for d in try SandboxDatabase.listCloudflare(db, kind: "worker_domain", accountId: accountId) where d["service"]?.stringValue == name {
            try SandboxDatabase.deleteCloudflare(db, kind: "worker_domain", id: d["id"]?.stringValue ?? "")
        }
        return .null
    }

    func putSecret(_ db: Database, accountId: String, script name: String, body: JSONValue) throws -> JSONValue {
        var s = try script(db, accountId: accountId, name: name)
        guard let secretName = body["name"]?.stringValue, !secretName.isEmpty, let text = body["text"]?.stringValue else {
            throw CloudflareAPIError.badRequest(10021, "A secret needs a name and text.")
        }
        let type = body["type"]?.stringValue ?? "secret_text"
        guard type == "secret_text" else { throw CloudflareAPIError.badRequest(10021, "Secret type must be secret_text.") }
        var bindings = s["bindings"]?.arrayValue ?? []
        if let clash = bindings.first(where: { $0["name"]?.stringValue == secretName && $0["type"]?.stringValue != "secret_text" }) {
            throw CloudflareAPIError.badRequest(10053, "Binding name '\(secretName)' is already used by a \(clash["type"]?.stringValue ?? "") binding.")
        }
        bindings.removeAll { $0["name"]?.stringValue == secretName }
        bindings.append(["type": "secret_text", "name": .string(secretName), "digest": .string(SandboxIDs.sha256Hex(text))])
        s["bindings"] = .array(bindings)
        try SandboxDatabase.putCloudflare(db, kind: "script", id: "\(accountId)/\(name)", accountId: accountId, name: name, s)
        return ["name": .string(secretName), "type": "secret_text"]
    }

    func listSecrets(_ db: Database, accountId: String, script name: String) throws -> JSONValue {
        let s = try script(db, accountId: accountId, name: name)
        return .array((s["bindings"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "secret_text" }.map {
            ["name": $0["name"] ?? nil, "type": "secret_text"]
        })
    }

    func deleteSecret(_ db: Database, accountId: String, script name: String, secret: String) throws -> JSONValue {
        var s = try script(db, accountId: accountId, name: name)
        var bindings = s["bindings"]?.arrayValue ?? []
        guard bindings.contains(where: { $0["name"]?.stringValue == secret && $0["type"]?.stringValue == "secret_text" }) else {
            throw CloudflareAPIError.notFound(10056, "Secret '\(secret)' was not found on Worker '\(name)'.")
        }
        bindings.removeAll { $0["name"]?.stringValue == secret }
        s["bindings"] = .array(bindings)
        try SandboxDatabase.putCloudflare(db, kind: "script", id: "\(accountId)/\(name)", accountId: accountId, name: name, s)
        return .null
    }

    func accountSubdomain(_ db: Database, accountId: String) throws -> String? {
        try SandboxDatabase.getCloudflare(db, kind: "account", id: accountId)?.object["workers_subdomain"]?.stringValue
    }

    func getSubdomain(_ db: Database, accountId: String) throws -> JSONValue {
        guard let sub = try accountSubdomain(db, accountId: accountId) else {
            throw CloudflareAPIError.notFound(10007, "This account does not have a workers.dev subdomain yet.")
        }
        return ["subdomain": .string(sub)]
    }

    func putSubdomain(_ db: Database, accountId: String, body: JSONValue) throws -> JSONValue {
        guard let sub = body["subdomain"]?.stringValue, (1...63).contains(sub.count),
              sub.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }), sub.first != "-", sub.last != "-" else {
            throw CloudflareAPIError.badRequest(10032, "Invalid subdomain: use lower-case letters, digits and hyphens.")
        }
        let taken = try String.fetchOne(db, sql: """
            SELECT account_id FROM cf_object WHERE kind = 'account' AND json_extract(json, '$.workers_subdomain') = ? AND account_id != ?
            """, arguments: [sub, accountId])
        if taken != nil { throw CloudflareAPIError(status: 409, code: 10036, message: "The subdomain '\(sub)' is not available.") }
        guard var account = try SandboxDatabase.getCloudflare(db, kind: "account", id: accountId)?.object else {
            throw CloudflareAPIError.notFound(7003, "Could not route to /accounts/\(accountId), perhaps your object identifier is invalid?")
        }
        account["workers_subdomain"] = .string(sub)
        try SandboxDatabase.putCloudflare(db, kind: "account", id: accountId, accountId: accountId, name: account["name"]?.stringValue ?? "", account)
        return ["subdomain": .string(sub)]
    }

    func setScriptSubdomain(_ db: Database, accountId: String, script name: String, body: JSONValue) throws -> JSONValue {
        var s = try script(db, accountId: accountId, name: name)
        guard let enabled = body["enabled"]?.boolValue else {
            throw CloudflareAPIError.badRequest(10021, "The body must be {\"enabled\": true|false}.")
        }
        if enabled, try accountSubdomain(db, accountId: accountId) == nil {
            throw CloudflareAPIError.badRequest(10007, "You need to register a workers.dev subdomain before publishing to workers.dev.")
        }
        s["workers_dev"] = .bool(enabled)
        s["previews_enabled"] = body["previews_enabled"] ?? .bool(enabled)
        try SandboxDatabase.putCloudflare(db, kind: "script", id: "\(accountId)/\(name)", accountId: accountId, name: name, s)
        return ["enabled": .bool(enabled), "previews_enabled": s["previews_enabled"] ?? false]
    }

    func scriptSubdomain(_ db: Database, accountId: String, script name: String) throws -> JSONValue {
        let s = try script(db, accountId: accountId, name: name)
        return ["enabled": s["workers_dev"] ?? false, "previews_enabled": s["previews_enabled"] ?? false]
    }

    // MARK: - Workers Custom Domains

    /// `PUT /accounts/{a}/workers/domains`: routes a hostname of one of the account's zones to a Worker.
    /// Cloudflare makes the hostname's DNS record (so A/AAAA/CNAME records there conflict) and a
    /// certificate, which becomes active after the pace's certificate delay.
    func attachDomain(_ db: Database, accountId: String, body: JSONValue) throws -> JSONValue {
        guard let hostname = body["hostname"]?.stringValue?.lowercased(), Self.validHostname(hostname), hostname.contains(".") else {
            throw CloudflareAPIError.badRequest(100101, "hostname is required and must be a valid host name.")
        }
        guard let service = body["service"]?.stringValue, !service.isEmpty else {
            throw CloudflareAPIError.badRequest(100101, "service (the Worker's name) is required.")
        }
        guard let zoneId = body["zone_id"]?.stringValue, let zone = try SandboxDatabase.getCloudflare(db, kind: "zone", id: zoneId),
              zone.accountId == accountId else {
            throw CloudflareAPIError.badRequest(100102, "zone_id does not name a zone of this account.")
        }
        let zoneName = zone.object["name"]?.stringValue ?? ""
        guard hostname == zoneName || hostname.hasSuffix("." + zoneName) else {
            throw CloudflareAPIError.badRequest(100116, "Hostname \(hostname) does not belong to the zone \(zoneName).")
        }
        _ = try script(db, accountId: accountId, name: service)
        let existing = try SandboxDatabase.listCloudflare(db, kind: "worker_domain", accountId: accountId)
            .first { $0["hostname"]?.stringValue == hostname }
        if let existing {
            guard existing["service"]?.stringValue == service else {
                throw CloudflareAPIError(status: 409, code: 100114,
                                         message: "Hostname \(hostname) is already attached to the Worker \(existing["service"]?.stringValue ?? "?").")
            }
            return publicDomain(existing)
        }
        let records = try SandboxDatabase.listCloudflare(db, kind: "dns", parent: zoneId)
        if records.contains(where: { $0["name"]?.stringValue == hostname && ["A", "AAAA", "CNAME"].contains($0["type"]?.stringValue ?? "") }) {
            throw CloudflareAPIError(status: 409, code: 100117,
                                     message: "Hostname already has externally managed DNS records (A, CNAME, etc). Either delete them, try a different hostname, or use the option 'override_existing_dns_record' to override.")
        }
        let id = SandboxIDs.hex32()
        let ready = clock.now().addingTimeInterval(CloudflarePace.draw(currentPace.certificateDelay))
        let domain: JSONValue = [
            "id": .string(id), "hostname": .string(hostname), "service": .string(service), "zone_id": .string(zoneId),
            "zone_name": .string(zoneName), "environment": .string(body["environment"]?.stringValue ?? "production"),
            "cert_id": .string(SandboxIDs.uuid()), "_certificate_active_at": .string(WireTime.iso(ready)),
        ]
        try SandboxDatabase.putCloudflare(db, kind: "worker_domain", id: id, accountId: accountId, parent: zoneId, name: hostname, domain)
        return publicDomain(domain)
    }

    func publicDomain(_ domain: JSONValue) -> JSONValue {
        var d = domain
        d["_certificate_active_at"] = nil
        return d
    }

    func listDomains(_ db: Database, accountId: String, query: [String: String]) throws -> [JSONValue] {
        try SandboxDatabase.listCloudflare(db, kind: "worker_domain", accountId: accountId).filter { d in
            for key in ["hostname", "service", "zone_id", "zone_name", "environment"] {
                if let wanted = query[key], !wanted.isEmpty, d[key]?.stringValue != (key == "hostname" ? wanted.lowercased() : wanted) { return false }
            }
            return true
        }.map(publicDomain)
    }

    func domain(_ db: Database, accountId: String, id: String) throws -> JSONValue {
        guard let found = try SandboxDatabase.getCloudflare(db, kind: "worker_domain", id: id), found.accountId == accountId else {
            throw CloudflareAPIError.notFound(100100, "Domain not found.")
        }
        return found.object
    }

    func detachDomain(_ db: Database, accountId: String, id: String) throws -> JSONValue {
        _ = try domain(db, accountId: accountId, id: id)
        try SandboxDatabase.deleteCloudflare(db, kind: "worker_domain", id: id)
        return .null
    }

    /// Whether the custom domain's certificate has been issued by now.
    func certificateActive(_ domain: JSONValue) -> Bool {
        guard let at = domain["_certificate_active_at"]?.stringValue.flatMap(WireTime.parse) else { return true }
        return clock.now() >= at
    }

    /// What `https://<host>/health` answers in the sandbox, for `<script>.<subdomain>.workers.dev` or a Workers
    /// Custom Domain: the stand-in cannot run JavaScript, so it reports whether the Worker is deployed,
    /// reachable there, and every binding still resolves (the database or bucket exists). A custom domain
    /// answers 525 (no TLS handshake) until its certificate is active. Any other host is not routed to a
    /// Worker, a CNAME to workers.dev included, as on Cloudflare.
    func workerHealth(_ db: Database, host: String) throws -> (status: Int, body: JSONValue) {
        let labels = host.lowercased().split(separator: ".")
        let scriptName: String
        let accountId: String
        let s: JSONValue
        if labels.count == 4 && labels[2] == "workers" && labels[3] == "dev" {
            scriptName = String(labels[0])
            guard let account = try String.fetchOne(db, sql: """
                SELECT account_id FROM cf_object WHERE kind = 'account' AND json_extract(json, '$.workers_subdomain') = ?
                """, arguments: [String(labels[1])]),
                let found = try SandboxDatabase.findCloudflare(db, kind: "script", accountId: account, name: scriptName),
                found["workers_dev"]?.boolValue == true else {
                return (404, ["error": "There is nothing here yet (no Worker is published on this workers.dev host)."])
            }
            accountId = account
            s = found
        } else {
            guard let domain = try Data.fetchOne(db, sql: "SELECT json FROM cf_object WHERE kind = 'worker_domain' AND name = ?",
                                                 arguments: [host.lowercased()]).flatMap({ try? JSONValue.decode($0) }) else {
                return (404, ["error": .string("\(host) does not route to a Worker: it is neither a workers.dev host nor a Workers Custom Domain (a CNAME to workers.dev does not route to a Worker)")])
            }
            guard certificateActive(domain) else {
                return (525, ["error": .string("SSL handshake failed: the certificate for \(host) is still being issued")])
            }
            scriptName = domain["service"]?.stringValue ?? ""
            accountId = try SandboxDatabase.getCloudflare(db, kind: "worker_domain", id: domain["id"]?.stringValue ?? "")?.accountId ?? ""
            guard let found = try SandboxDatabase.findCloudflare(db, kind: "script", accountId: accountId, name: scriptName) else {
                return (404, ["error": "There is nothing here yet (the custom domain's Worker was deleted)."])
            }
            s = found
        }
        var missing: [JSONValue] = []
        var resolved: [String: JSONValue] = [:]
        for b in s["bindings"]?.arrayValue ?? [] {
            let name = b["name"]?.stringValue ?? ""
            switch b["type"]?.stringValue {
            case "d1":
                let id = b["id"]?.stringValue ?? ""
                if try SandboxDatabase.getCloudflare(db, kind: "d1", id: id) == nil { missing.append(.string(name)) } else { resolved[name] = "d1" }
            case "r2_bucket":
                if try SandboxDatabase.findCloudflare(db, kind: "r2", accountId: accountId, name: b["bucket_name"]?.stringValue ?? "") == nil {
                    missing.append(.string(name))
                } else { resolved[name] = "r2_bucket" }
            case let type?: resolved[name] = .string(type)
            case nil: break
            }
        }
        let body: JSONValue = [
            "status": missing.isEmpty ? "ok" : "error", "script": .string(scriptName), "etag": s["etag"] ?? nil,
            "compatibility_date": s["compatibility_date"] ?? nil, "bindings": .object(resolved), "missing_bindings": .array(missing),
            "served_by": "techflunky-sandbox (JavaScript is not executed)",
        ]
        return (missing.isEmpty ? 200 : 500, body)
    }

    // MARK: - Zones, DNS, custom hostnames

    func insertZone(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        let lower = name.lowercased()
        guard Self.validHostname(lower), lower.contains(".") else {
            throw CloudflareAPIError.badRequest(1097, "The zone name '\(name)' is not a registrable domain.")
        }
        if try String.fetchOne(db, sql: "SELECT id FROM cf_object WHERE kind = 'zone' AND name = ?", arguments: [lower]) != nil {
            throw CloudflareAPIError.badRequest(1061, "\(lower) already exists")
        }
        let id = SandboxIDs.hex32()
        let account = try SandboxDatabase.getCloudflare(db, kind: "account", id: accountId)?.object
        let zone: JSONValue = [
            "id": .string(id), "name": .string(lower), "status": "active", "paused": false, "type": "full",
            "account": ["id": .string(accountId), "name": account?["name"] ?? nil],
            "name_servers": ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
            "created_on": .string(timestamp), "modified_on": .string(timestamp), "activated_on": .string(timestamp),
            "plan": ["id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website", "is_subscribed": true],
            "development_mode": 0, "original_name_servers": nil, "original_registrar": nil, "original_dnshost": nil,
            "meta": ["step": 2, "custom_certificate_quota": 0, "page_rule_quota": 3, "phishing_detected": false],
            "owner": ["id": .string(accountId), "type": "organization", "name": account?["name"] ?? "Sandbox account"],
        ]
        try SandboxDatabase.putCloudflare(db, kind: "zone", id: id, accountId: accountId, name: lower, zone)
        return zone
    }

    func zone(_ db: Database, token: Token, id: String) throws -> JSONValue {
        guard let found = try SandboxDatabase.getCloudflare(db, kind: "zone", id: id) else {
            throw CloudflareAPIError.notFound(7003, "Could not route to /zones/\(id), perhaps your object identifier is invalid?")
        }
        guard found.accountId == token.accountId else {
            throw CloudflareAPIError(status: 403, code: 9109, message: "Unauthorized to access requested resource")
        }
        return found.object
    }

    func listZones(_ db: Database, token: Token, name: String?, accountId: String?) throws -> [JSONValue] {
        if let accountId, accountId != token.accountId { return [] }
        return try SandboxDatabase.listCloudflare(db, kind: "zone", accountId: token.accountId).filter { z in
            guard let name, !name.isEmpty else { return true }
            return z["name"]?.stringValue == name.lowercased()
        }
    }

    static func validHostname(_ name: String) -> Bool {
        Hostname.isValid(name, syntax: .cloudflareDNS)
    }

    static let recordTypes: Set<String> = ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "CAA", "SRV"]
    static let dataRecordTypes: Set<String> = ["CAA", "SRV"]

    /// Checks a CAA or SRV record's `data` and answers its rendered `content` (and SRV's priority).
    static func renderData(type: String, _ d: JSONValue) throws -> (String, Int?) {
        func int(_ key: String, _ range: ClosedRange<Int64>) throws -> Int64 {
            guard let v = d[key]?.intValue ?? d[key]?.doubleValue.flatMap({ $0.rounded() == $0 ? Int64($0) : nil }), range.contains(v) else {
                throw CloudflareAPIError.badRequest(1004, "DNS Validation Error: \(type) data.\(key) must be an integer in \(range.lowerBound)...\(range.upperBound).")
            }
            return v
        }
        switch type {
        case "CAA":
            let flags = try int("flags", 0...255)
            guard let tag = d["tag"]?.stringValue, ["issue", "issuewild", "iodef"].contains(tag.lowercased()) else {
                throw CloudflareAPIError.badRequest(1004, "DNS Validation Error: CAA data.tag must be issue, issuewild or iodef.")
            }
            guard let value = d["value"]?.stringValue, !value.isEmpty else {
                throw CloudflareAPIError.badRequest(1004, "DNS Validation Error: CAA data.value is required.")
            }
            return ("\(flags) \(tag.lowercased()) \"\(value)\"", nil)
        default:
            let priority = try int("priority", 0...65_535)
            let weight = try int("weight", 0...65_535)
            let port = try int("port", 0...65_535)
            guard let target = d["target"]?.stringValue, target == "." || validHostname(target.lowercased()) else {
                throw CloudflareAPIError.badRequest(1004, "DNS Validation Error: SRV data.target must be a host name.")
            }
            return ("\(weight) \(port) \(target)", Int(priority))
        }
    }

    /// Validates a record body (full for POST/PUT, merged over `existing` for PATCH) and answers the stored shape.
    func dnsRecord(_ db: Database, zone: JSONValue, body: JSONValue, existing: JSONValue?) throws -> JSONValue {
        let zoneName = zone["name"]?.stringValue ?? ""
        let zoneId = zone["id"]?.stringValue ?? ""
        guard let type = (body["type"]?.stringValue ?? existing?["type"]?.stringValue)?.uppercased() else {
            throw CloudflareAPIError.badRequest(9000, "DNS record type is required.")
        }
        guard Self.recordTypes.contains(type) else { throw CloudflareAPIError.badRequest(1004, "DNS Validation Error: unsupported record type \(type).") }
        guard var name = (body["name"]?.stringValue ?? existing?["name"]?.stringValue)?.lowercased(), !name.isEmpty else {
            throw CloudflareAPIError.badRequest(9005, "DNS record name is required.")
        }
        if name == "@" { name = zoneName } else if name != zoneName && !name.hasSuffix("." + zoneName) { name += "." + zoneName }
        guard Self.validHostname(name) else { throw CloudflareAPIError.badRequest(9005, "DNS name is invalid.") }
        // CAA and SRV are written through `data`; their `content` is Cloudflare's read-only rendering of it.
        var data: JSONValue? = nil
        var dataPriority: Int? = nil
        let content: String
        if Self.dataRecordTypes.contains(type) {
            guard let d = body["data"] ?? existing?["data"], d.objectValue != nil else {
                throw CloudflareAPIError.badRequest(1004, "DNS Validation Error: a \(type) record needs `data`; its `content` is read-only.")
            }
            (content, dataPriority) = try Self.renderData(type: type, d)
            data = d
        } else {
            guard let c = body["content"]?.stringValue ?? existing?["content"]?.stringValue, !c.isEmpty else {
                throw CloudflareAPIError.badRequest(9007, "Content for \(type) record is required.")
            }
            content = c
        }
        switch type {
        case "A":
            let octets = content.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
                throw CloudflareAPIError.badRequest(9005, "Content for A record is invalid. Must be a valid IPv4 address")
            }
        case "AAAA":
            guard content.contains(":"), content.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw CloudflareAPIError.badRequest(9005, "Content for AAAA record is invalid. Must be a valid IPv6 address")
            }
        case "CNAME":
            guard Self.validHostname(content.lowercased()) else {
                throw CloudflareAPIError.badRequest(9007, "Content for CNAME record is invalid.")
            }
        default: break
        }
        let ttl = body["ttl"]?.intValue ?? existing?["ttl"]?.intValue ?? 1
        // 30 is allowed on Enterprise zones only; sandbox zones are on the Free plan.
        guard ttl == 1 || (60...86_400).contains(ttl) else {
            throw CloudflareAPIError.badRequest(9021, "Invalid TTL. Must be between 60 and 86,400 seconds, or 1 for Automatic.")
        }
        let proxiable = ["A", "AAAA", "CNAME"].contains(type)
        let proxied = body["proxied"]?.boolValue ?? existing?["proxied"]?.boolValue ?? false
        if proxied && !proxiable { throw CloudflareAPIError.badRequest(9004, "This record type cannot be proxied.") }
        var priority = body["priority"]?.intValue ?? existing?["priority"]?.intValue
        if type == "MX" {
            guard let p = priority, (0...65_535).contains(p) else {
                throw CloudflareAPIError.badRequest(9100, "MX records need a priority between 0 and 65535.")
            }
        } else if type == "SRV" { priority = dataPriority.map(Int64.init) } else { priority = nil }
        let selfId = existing?["id"]?.stringValue
        if ["A", "AAAA", "CNAME"].contains(type),
           let domain = try SandboxDatabase.listCloudflare(db, kind: "worker_domain", parent: zoneId).first(where: { $0["hostname"]?.stringValue == name }) {
            throw CloudflareAPIError.badRequest(81053, "An A, AAAA, or CNAME record with that host already exists. (\(name) is a Custom Domain of the Worker \(domain["service"]?.stringValue ?? "?").)")
        }
        for other in try SandboxDatabase.listCloudflare(db, kind: "dns", parent: zoneId) where other["id"]?.stringValue != selfId {
            guard other["name"]?.stringValue == name else { continue }
            let otherType = other["type"]?.stringValue ?? ""
            if otherType == type && other["content"]?.stringValue == content {
                throw CloudflareAPIError.badRequest(81057, "Record already exists.")
            }
            if type == "CNAME" || otherType == "CNAME" {
                throw CloudflareAPIError.badRequest(81053, "An A, AAAA, or CNAME record with that host already exists.")
            }
        }
        let now = timestamp
        return [
            "id": .string(selfId ?? SandboxIDs.hex32()), "zone_id": .string(zoneId), "zone_name": .string(zoneName),
            "name": .string(name), "type": .string(type), "content": .string(content), "data": data ?? nil, "proxiable": .bool(proxiable),
            "proxied": .bool(proxied), "ttl": .int(ttl), "locked": false, "priority": .from(priority),
            "meta": ["auto_added": false, "managed_by_apps": false, "managed_by_argo_tunnel": false, "source": "primary"],
            "tags": body["tags"] ?? existing?["tags"] ?? [],
            "created_on": existing?["created_on"] ?? .string(now), "modified_on": .string(now),
        ]
    }

    func saveDNS(_ db: Database, zone: JSONValue, record: JSONValue) throws {
        try SandboxDatabase.putCloudflare(db, kind: "dns", id: record["id"]?.stringValue ?? "", accountId: zone["account"]?["id"]?.stringValue ?? "",
                                          parent: zone["id"]?.stringValue ?? "", name: record["name"]?.stringValue ?? "", record)
    }

    func dns(_ db: Database, zone: JSONValue, id: String) throws -> JSONValue {
        guard let found = try SandboxDatabase.getCloudflare(db, kind: "dns", id: id), found.parent == zone["id"]?.stringValue else {
            throw CloudflareAPIError.notFound(81044, "Record does not exist.")
        }
        return found.object
    }

    func listDNS(_ db: Database, zone: JSONValue, query: [String: String]) throws -> [JSONValue] {
        try SandboxDatabase.listCloudflare(db, kind: "dns", parent: zone["id"]?.stringValue ?? "").filter { r in
            if let type = query["type"], r["type"]?.stringValue != type.uppercased() { return false }
            if let name = query["name"] ?? query["name.exact"], r["name"]?.stringValue != name.lowercased() { return false }
            if let content = query["content"] ?? query["content.exact"], r["content"]?.stringValue != content { return false }
            return true
        }
    }

    func createCustomHostname(_ db: Database, zone: JSONValue, body: JSONValue) throws -> JSONValue {
        // Cloudflare for SaaS: an ordinary zone has no custom-hostname quota.
        guard zone["_ssl_for_saas"]?.boolValue == true else {
            throw CloudflareAPIError(status: 403, code: 1404, message: "No quota has been allocated for this zone. Please contact Cloudflare's team for additional quota.")
        }
        guard let hostname = body["hostname"]?.stringValue?.lowercased(), Self.validHostname(hostname), hostname.contains(".") else {
            throw CloudflareAPIError.badRequest(1411, "The custom hostname is not a valid hostname.")
        }
        let zoneId = zone["id"]?.stringValue ?? ""
        if try SandboxDatabase.findCloudflare(db, kind: "custom_hostname", accountId: zone["account"]?["id"]?.stringValue ?? "",
                                              parent: zoneId, name: hostname) != nil {
            throw CloudflareAPIError(status: 409, code: 1406, message: "Duplicate custom hostname found.")
        }
        let id = SandboxIDs.hex32()
        var record: JSONValue = [
            "id": .string(id), "hostname": .string(hostname), "status": "pending",
            "ssl": ["id": .string(SandboxIDs.uuid()), "type": "dv", "method": .string(body["ssl"]?["method"]?.stringValue ?? "http"),
                    "status": "pending_validation", "settings": body["ssl"]?["settings"] ?? [:], "wildcard": false,
                    "certificate_authority": "google"],
            "ownership_verification": ["type": "txt", "name": .string("_cf-custom-hostname.\(hostname)"), "value": .string(SandboxIDs.uuid())],
            "created_at": .string(timestamp),
        ]
        if let metadata = body["custom_metadata"], metadata.objectValue != nil { record["custom_metadata"] = metadata }
        try SandboxDatabase.putCloudflare(db, kind: "custom_hostname", id: id, accountId: zone["account"]?["id"]?.stringValue ?? "",
                                          parent: zoneId, name: hostname, record)
        return record
    }

    /// A custom hostname; in the sandbox validation completes (status `active`) a second after creation.
    func customHostname(_ db: Database, zone: JSONValue, id: String) throws -> JSONValue {
        guard let found = try SandboxDatabase.getCloudflare(db, kind: "custom_hostname", id: id), found.parent == zone["id"]?.stringValue else {
            throw CloudflareAPIError.notFound(1436, "The custom hostname was not found.")
        }
        return settled(found.object)
    }

    func settled(_ record: JSONValue) -> JSONValue {
        var r = record
        if let created = r["created_at"]?.stringValue.flatMap(WireTime.parse), clock.now().timeIntervalSince(created) >= 1 {
            r["status"] = "active"
            r["ssl"]?["status"] = "active"
        }
        return r
    }

    func listCustomHostnames(_ db: Database, zone: JSONValue, hostname: String?) throws -> [JSONValue] {
        try SandboxDatabase.listCloudflare(db, kind: "custom_hostname", parent: zone["id"]?.stringValue ?? "").filter {
            hostname == nil || $0["hostname"]?.stringValue == hostname?.lowercased()
        }.map(settled)
    }

    func deleteCustomHostname(_ db: Database, zone: JSONValue, id: String) throws -> JSONValue {
        _ = try customHostname(db, zone: zone, id: id)
        try SandboxDatabase.deleteCloudflare(db, kind: "custom_hostname", id: id)
        return ["id": .string(id)]
    }
}

/// Cloudflare's timestamps: RFC 3339 with microseconds, e.g. `2024-05-01T12:00:00.123456Z`.
enum WireTime {
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
