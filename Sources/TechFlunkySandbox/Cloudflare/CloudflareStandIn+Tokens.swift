import Foundation
import GRDB
import Synchronization

/// Accounts and API tokens: the demo seed, creating accounts and tokens, authenticating a request's token,
/// authorizing it for an account and permission, the per-account rate limit, token verify and details.
extension CloudflareStandIn {
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
}
