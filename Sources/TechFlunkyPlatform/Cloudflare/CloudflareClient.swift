import Foundation
import TechFlunkyCore
import TechFlunkyHTTP

/// Typed calls to Cloudflare API v4 for one buyer's account, over `TechFlunkyHTTP`.
///
/// One client per deployment run: it holds the buyer's token in memory (as a `CloudflareAPIToken`,
/// which never prints) and is dropped with the run. Every call goes through the account's
/// `CloudflareRateLimiter`, decodes the `{success, errors, messages, result}` envelope, honours 429
/// `Retry-After`, and retries idempotent calls (GET, PUT, DELETE) on 5xx and timeouts with
/// exponential backoff (Core's `RetryPolicy`, `.cloudflare` by default). Creations (POST) are not
/// retried on 5xx: the orchestrator looks a resource up before creating it, so a retried step adopts
/// what an unanswered POST may have made.
public struct CloudflareClient: Sendable, CustomStringConvertible {
    public static let defaultBaseURL = "https://api.cloudflare.com/client/v4"

    public let baseURL: String
    public let accountId: String
    private let token: CloudflareAPIToken
    private let transport: any HTTPTransport
    private let limiter: CloudflareRateLimiter?
    private let retry: RetryPolicy
    private let timeouts: HTTPTimeouts

    /// `baseURL` is the API root (ends in `/client/v4`); `CLOUDFLARE_API_BASE` configures it.
    public init(baseURL: String = CloudflareClient.defaultBaseURL, accountId: String, token: CloudflareAPIToken,
                transport: any HTTPTransport, limiter: CloudflareRateLimiter? = nil, retry: RetryPolicy = .cloudflare,
                timeouts: HTTPTimeouts = HTTPTimeouts(connect: 10, total: 60)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.accountId = accountId
        self.token = token
        self.transport = transport
        self.limiter = limiter
        self.retry = retry
        self.timeouts = timeouts
    }

    /// The base URL from the environment (`CLOUDFLARE_API_BASE`), else Cloudflare's.
    public static func baseURL(fromEnvironment env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let v = env["CLOUDFLARE_API_BASE"], !v.isEmpty { return v }
        return defaultBaseURL
    }

    public var description: String { "CloudflareClient(\(baseURL), account \(accountId), token \(redactedSecret))" }

    private var account: String { "/accounts/\(PercentEncoding.segment(accountId))" }

    // MARK: Tokens and accounts

    /// Verifies a user-owned token (`/user/tokens/verify`); falls back to the account-owned form
    /// (`/accounts/{id}/tokens/verify`) when Cloudflare does not know it as a user token.
    public func verifyToken() async throws -> CloudflareTokenStatus {
        do {
            return try await call(.GET, "/user/tokens/verify", operation: "verify the API token")
        } catch let error as CloudflareError where error.reason == .api && (error.status == 401 || error.status == 403 || error.status == 404) {
            return try await verifyAccountToken()
        }
    }

    public func verifyAccountToken() async throws -> CloudflareTokenStatus {
        try await call(.GET, "\(account)/tokens/verify", operation: "verify the account API token")
    }

    public func getAccount() async throws -> CloudflareAccount {
        try await call(.GET, account, operation: "read Cloudflare account \(accountId)")
    }

    /// The accounts this token can reach (`GET /accounts`): how a wrong account id is told apart from a
    /// missing permission.
    public func listAccounts() async throws -> [CloudflareAccount] {
        try await call(.GET, "/accounts", query: [("per_page", "50")], operation: "list the accounts the token can reach")
    }

    // MARK: D1

    public func createD1Database(name: String) async throws -> CloudflareD1Database {
        try await call(.POST, "\(account)/d1/database", body: json(["name": name]), operation: "create D1 database \(name)")
    }

    /// The database with exactly this name, or nil.
    public func findD1Database(name: String) async throws -> CloudflareD1Database? {
        let list: [CloudflareD1Database] = try await call(
            .GET, "\(account)/d1/database", query: [("name", name), ("per_page", "100")], operation: "look up D1 database \(name)")
        return list.first { $0.name == name }
    }

    public func getD1Database(id: String) async throws -> CloudflareD1Database {
        try await call(.GET, "\(account)/d1/database/\(PercentEncoding.segment(id))", operation: "read D1 database \(id)")
    }

    public func listD1Databases() async throws -> [CloudflareD1Database] {
        try await call(.GET, "\(account)/d1/database", query: [("per_page", "100")], operation: "list D1 databases")
    }

    public func deleteD1Database(id: String) async throws {
        let _: JSONValue? = try await callOptional(.DELETE, "\(account)/d1/database/\(PercentEncoding.segment(id))",
                                                            operation: "delete D1 database \(id)")
    }

    /// Runs SQL (several statements joined by `;` run as a batch) with positional params.
    /// POST, but not retried on 5xx: SQL need not be idempotent.
    public func queryD1(databaseId: String, sql: String, params: [String] = []) async throws -> [CloudflareD1QueryResult] {
        struct Body: Encodable { var sql: String; var params: [String] }
        return try await call(.POST, "\(account)/d1/database/\(PercentEncoding.segment(databaseId))/query",
                              body: try JSONEncoder().encode(Body(sql: sql, params: params)),
                              operation: "run SQL on D1 database \(databaseId)")
    }

    // MARK: R2

    /// Whether the token may write R2 in this account, without creating anything: CORS of a bucket that
    /// cannot exist answers 404 (no such bucket) to a token that may write and 403 to one that may not.
    public func probeR2Write() async throws {
        let rule = CORSRule(allowed: .init(origins: ["https://example.com"], methods: ["GET"]))
        try await probe(.PUT, "\(account)/r2/buckets/\(Self.probeName())/cors",
                        body: try JSONEncoder().encode(CloudflareR2CORSPolicy(rules: [rule])), operation: "check R2 write access")
    }

    /// Whether the token may write D1 (deleting a database that cannot exist).
    public func probeD1Write() async throws {
        try await probe(.DELETE, "\(account)/d1/database/\(UUID().uuidString.lowercased())", operation: "check D1 write access")
    }

    /// Whether the token may write Workers scripts (deleting a script that cannot exist).
    public func probeWorkersWrite() async throws {
        try await probe(.DELETE, "\(account)/workers/scripts/\(Self.probeName())", operation: "check Workers write access")
    }

    /// Whether the token may edit DNS in the zone (deleting a record that cannot exist).
    public func probeDNSWrite(zoneId: String) async throws {
        try await probe(.DELETE, "/zones/\(PercentEncoding.segment(zoneId))/dns_records/\(Self.randomHex(16))", operation: "check DNS write access")
    }

    /// A fresh random name for each probe, so a probe can never touch something that exists.
    static func probeName() -> String { "tf-probe-" + randomHex(8) }

    static func randomHex(_ bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// Sends a write to a resource that does not exist: "not found" proves the permission, a refusal
    /// throws it.
    private func probe(_ method: HTTPMethod, _ path: String, body: Data? = nil, operation: String) async throws {
        do {
            let _: JSONValue? = try await callOptional(method, path, body: body, idempotent: true, operation: operation)
        } catch let error as CloudflareError where error.isNotFound {
            return
        }
    }

    public func createR2Bucket(name: String) async throws -> CloudflareR2Bucket {
        try await call(.POST, "\(account)/r2/buckets", body: json(["name": name]), operation: "create R2 bucket \(name)")
    }

    /// The bucket, or nil when it does not exist.
    public func getR2Bucket(name: String) async throws -> CloudflareR2Bucket? {
        do {
            return try await call(.GET, "\(account)/r2/buckets/\(PercentEncoding.segment(name))", operation: "read R2 bucket \(name)")
        } catch let error as CloudflareError where error.isNotFound {
            return nil
        }
    }

    public func listR2Buckets() async throws -> [CloudflareR2Bucket] {
        let list: CloudflareR2BucketList = try await call(.GET, "\(account)/r2/buckets", operation: "list R2 buckets")
        return list.buckets
    }

    public func putR2BucketCORS(name: String, rules: [CORSRule]) async throws {
        let _: JSONValue? = try await callOptional(
            .PUT, "\(account)/r2/buckets/\(PercentEncoding.segment(name))/cors",
            body: try JSONEncoder().encode(CloudflareR2CORSPolicy(rules: rules)), operation: "set CORS on R2 bucket \(name)")
    }

    public func getR2BucketCORS(name: String) async throws -> [CORSRule] {
        let policy: CloudflareR2CORSPolicy = try await call(
            .GET, "\(account)/r2/buckets/\(PercentEncoding.segment(name))/cors", operation: "read CORS of R2 bucket \(name)")
        return policy.rules
    }

    public func deleteR2Bucket(name: String) async throws {
        let _: JSONValue? = try await callOptional(.DELETE, "\(account)/r2/buckets/\(PercentEncoding.segment(name))",
                                                            operation: "delete R2 bucket \(name)")
    }

    // MARK: Workers

    /// Uploads (creates or replaces) a module Worker with its bindings. PUT, so safe to repeat.
    public func uploadWorker(_ upload: CloudflareWorkerUpload) async throws -> CloudflareWorkerScript {
        let body = try upload.multipartBody()
        return try await call(.PUT, "\(account)/workers/scripts/\(PercentEncoding.segment(upload.scriptName))",
                              body: body.encoded(), contentType: body.contentType,
                              operation: "upload Worker \(upload.scriptName)")
    }

    /// Uploads a new version of an existing Worker without deploying it (Workers Versions API). The version
    /// serves only once `deployWorkerVersion` names it, so the one serving now can be restored. A repeat after an
    /// unanswered upload makes one more version that never serves, which is harmless.
    public func uploadWorkerVersion(_ upload: CloudflareWorkerUpload, message: String? = nil, tag: String? = nil) async throws -> CloudflareWorkerVersion {
        var upload = upload
        upload.annotations = CloudflareWorkerUpload.annotations(message: message, tag: tag)
        let body = try upload.multipartBody()
        return try await call(.POST, "\(account)/workers/scripts/\(PercentEncoding.segment(upload.scriptName))/versions",
                              body: body.encoded(), contentType: body.contentType, idempotent: true,
                              operation: "upload a new version of Worker \(upload.scriptName)")
    }

    /// Sends all of the Worker's traffic to one version (a deployment, `strategy: percentage`, 100 %). Deploying
    /// the version that serves already changes nothing, so it is safe to repeat.
    @discardableResult
    public func deployWorkerVersion(script: String, versionId: String, message: String? = nil) async throws -> CloudflareWorkerDeployment {
        struct Body: Encodable {
            struct Version: Encodable { var version_id: String; var percentage: Double }
            var strategy = "percentage"
            var versions: [Version]
            var annotations: [String: String]?
        }
        let note = message.map { ["workers/message": String($0.prefix(50))] }
        let body = try JSONEncoder().encode(Body(versions: [.init(version_id: versionId, percentage: 100)], annotations: note))
        return try await call(.POST, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/deployments", body: body, idempotent: true,
                              operation: "deploy version \(versionId) of Worker \(script)")
    }

    /// Whether the Worker still has this version (`GET …/versions/{id}`); false when the version or the Worker is gone.
    public func workerVersionExists(script: String, versionId: String) async throws -> Bool {
        do {
            let _: JSONValue? = try await callOptional(
                .GET, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/versions/\(PercentEncoding.segment(versionId))",
                operation: "read version \(versionId) of Worker \(script)")
            return true
        } catch let error as CloudflareError where error.isNotFound {
            return false
        }
    }

    /// The version that serves the Worker now (the newest deployment's main version), nil when it has none.
    public func activeWorkerVersion(script: String) async throws -> String? {
        struct List: Decodable { var deployments: [CloudflareWorkerDeployment] }
        let list: List = try await call(.GET, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/deployments",
                                        operation: "list deployments of Worker \(script)")
        return list.deployments.first?.mainVersionId
    }

    /// Whether a script of this name exists.
    public func workerExists(name: String) async throws -> Bool {
        do {
            // The script's settings answer JSON in the envelope (the script itself answers raw JS).
            let _: JSONValue? = try await callOptional(
                .GET, "\(account)/workers/scripts/\(PercentEncoding.segment(name))/settings", operation: "read Worker \(name)")
            return true
        } catch let error as CloudflareError where error.isNotFound {
            return false
        }
    }

    public func deleteWorker(name: String) async throws {
        let _: JSONValue? = try await callOptional(
            .DELETE, "\(account)/workers/scripts/\(PercentEncoding.segment(name))", query: [("force", "true")], operation: "delete Worker \(name)")
    }

    /// The account's workers.dev subdomain, or nil when none is set up.
    public func workersSubdomain() async throws -> CloudflareWorkersSubdomain? {
        do {
            return try await call(.GET, "\(account)/workers/subdomain", operation: "read the workers.dev subdomain")
        } catch let error as CloudflareError where error.isNotFound {
            return nil
        }
    }

    /// Whether the script answers on its workers.dev route (false when the script does not exist).
    public func workerSubdomainEnabled(script: String) async throws -> Bool {
        struct Status: Decodable { var enabled: Bool }
        do {
            let status: Status = try await call(.GET, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/subdomain",
                                                operation: "read workers.dev status of \(script)")
            return status.enabled
        } catch let error as CloudflareError where error.isNotFound {
            return false
        }
    }

    /// Turns the script's `<script>.<subdomain>.workers.dev` route on or off.
    public func setWorkerSubdomainEnabled(script: String, enabled: Bool) async throws {
        let _: JSONValue? = try await callOptional(
            .POST, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/subdomain",
            body: try JSONEncoder().encode(["enabled": enabled]), idempotent: true,
            operation: "\(enabled ? "enable" : "disable") workers.dev for \(script)")
    }

    public func listWorkerSecrets(script: String) async throws -> [CloudflareWorkerSecret] {
        try await call(.GET, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/secrets", operation: "list secrets of Worker \(script)")
    }

    /// Sets a secret. The value goes in the body only; the operation text names the secret, not its value.
    public func putWorkerSecret(script: String, name: String, value: String) async throws {
        let _: JSONValue? = try await callOptional(
            .PUT, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/secrets",
            body: try JSONEncoder().encode(["name": name, "text": value, "type": "secret_text"]),
            operation: "set secret \(name) on Worker \(script)")
    }

    public func deleteWorkerSecret(script: String, name: String) async throws {
        let _: JSONValue? = try await callOptional(
            .DELETE, "\(account)/workers/scripts/\(PercentEncoding.segment(script))/secrets/\(PercentEncoding.segment(name))",
            operation: "delete secret \(name) of Worker \(script)")
    }

    // MARK: Zones, DNS, custom domains

    /// The zone with exactly this name in the account, or nil.
    public func findZone(name: String) async throws -> CloudflareZone? {
        let zones: [CloudflareZone] = try await call(
            .GET, "/zones", query: [("name", name), ("account.id", accountId)], operation: "look up zone \(name)")
        return zones.first { $0.name.lowercased() == name.lowercased() }
    }

    public func createDNSRecord(zoneId: String, _ record: CloudflareDNSRecordInput) async throws -> CloudflareDNSRecord {
        try await call(.POST, "/zones/\(PercentEncoding.segment(zoneId))/dns_records", body: try JSONEncoder().encode(record),
                       operation: "create \(record.type) record \(record.name)")
    }

    public func findDNSRecords(zoneId: String, type: String, name: String) async throws -> [CloudflareDNSRecord] {
        let list: [CloudflareDNSRecord] = try await call(
            .GET, "/zones/\(PercentEncoding.segment(zoneId))/dns_records", query: [("type", type), ("name", name)],
            operation: "look up \(type) record \(name)")
        return list.filter { $0.type.uppercased() == type.uppercased() && $0.name.lowercased() == name.lowercased() }
    }

    public func updateDNSRecord(zoneId: String, recordId: String, _ record: CloudflareDNSRecordInput) async throws -> CloudflareDNSRecord {
        try await call(.PUT, "/zones/\(PercentEncoding.segment(zoneId))/dns_records/\(PercentEncoding.segment(recordId))",
                       body: try JSONEncoder().encode(record), operation: "update \(record.type) record \(record.name)")
    }

    public func deleteDNSRecord(zoneId: String, recordId: String) async throws {
        let _: JSONValue? = try await callOptional(
            .DELETE, "/zones/\(PercentEncoding.segment(zoneId))/dns_records/\(PercentEncoding.segment(recordId))", operation: "delete DNS record \(recordId)")
    }

    /// The zones of this account (`GET /zones?account.id=`), to name them when a domain is in none.
    public func listZones() async throws -> [CloudflareZone] {
        try await call(.GET, "/zones", query: [("account.id", accountId), ("per_page", "50")], operation: "list the account's zones")
    }

    /// Attaches `hostname` to the Worker `service` as a Workers Custom Domain (PUT: repeating it is safe).
    /// Cloudflare makes the hostname's DNS record and certificate.
    public func attachWorkerDomain(hostname: String, service: String, zoneId: String) async throws -> CloudflareWorkerDomain {
        struct Body: Encodable { var hostname: String; var service: String; var zone_id: String; var environment = "production" }
        return try await call(.PUT, "\(account)/workers/domains",
                              body: try JSONEncoder().encode(Body(hostname: hostname, service: service, zone_id: zoneId)),
                              operation: "attach \(hostname) to Worker \(service)")
    }

    /// The Workers Custom Domain for exactly this hostname, or nil.
    public func findWorkerDomain(hostname: String) async throws -> CloudflareWorkerDomain? {
        let list: [CloudflareWorkerDomain] = try await call(
            .GET, "\(account)/workers/domains", query: [("hostname", hostname)], operation: "look up custom domain \(hostname)")
        return list.first { $0.hostname.lowercased() == hostname.lowercased() }
    }

    public func detachWorkerDomain(id: String) async throws {
        let _: JSONValue? = try await callOptional(
            .DELETE, "\(account)/workers/domains/\(PercentEncoding.segment(id))", operation: "detach custom domain \(id)")
    }

    /// Removes a Cloudflare-for-SaaS custom hostname that deployments made before custom domains created.
    public func deleteCustomHostname(zoneId: String, id: String) async throws {
        let _: JSONValue? = try await callOptional(
            .DELETE, "/zones/\(PercentEncoding.segment(zoneId))/custom_hostnames/\(PercentEncoding.segment(id))", operation: "delete custom hostname \(id)")
    }

    // MARK: The call

    private func json(_ object: [String: String]) -> Data {
        (try? JSONEncoder().encode(object)) ?? Data("{}".utf8)
    }

    /// A call whose `result` must be present.
    private func call<R: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
                                    contentType: String = "application/json", idempotent: Bool? = nil,
                                    operation: String) async throws -> R {
        let (envelope, status): (CloudflareEnvelope<R>, Int) = try await send(
            method, path, query: query, body: body, contentType: contentType, idempotent: idempotent, operation: operation)
        guard let result = envelope.result else {
            throw CloudflareError.undecodable(operation: operation, status: status, detail: "no `result` in the answer")
        }
        return result
    }

    /// A call whose `result` may be null (deletes, settings).
    private func callOptional<R: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                            body: Data? = nil, contentType: String = "application/json",
                                            idempotent: Bool? = nil, operation: String) async throws -> R? {
        let (envelope, _): (CloudflareEnvelope<R>, Int) = try await send(
            method, path, query: query, body: body, contentType: contentType, idempotent: idempotent, operation: operation)
        return envelope.result
    }

    private func send<R: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?,
                                    contentType: String, idempotent: Bool?, operation: String) async throws
        -> (CloudflareEnvelope<R>, Int)
    {
        let url = baseURL + path + PercentEncoding.queryString(query)
        var headers: HTTPHeaders = ["Authorization": token.bearerAuthorization, "Accept": "application/json"]
        if body != nil { headers["Content-Type"] = contentType }
        // The transport must not retry on its own: retries, backoff and 429 handling are decided here.
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body, timeouts: timeouts, retryable: false)
        let mayRepeat = idempotent ?? method.isIdempotent

        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            if let limiter { try await limiter.acquire(accountId: accountId) }
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as HTTPError {
                if error == .cancelled { throw CancellationError() }
                let transient: Bool = switch error {
                case .timedOut, .cannotConnect, .transport: true
                default: false
                }
                if transient && mayRepeat && attempt < retry.maxAttempts {
                    try await pause(backoff(attempt))
                    continue
                }
                throw CloudflareError.transport(operation: operation, error)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw CloudflareError.transport(operation: operation, error)
            }

            if (200..<300).contains(response.status) {
                do {
                    let envelope = try JSONDecoder().decode(CloudflareEnvelope<R>.self, from: response.body)
                    if envelope.success { return (envelope, response.status) }
                    throw CloudflareError.fromResponse(operation: operation, status: response.status, errors: envelope.errors,
                                                       needs: CloudflareTokenPermission.needed(method: method.rawValue, path: path))
                } catch let error as CloudflareError {
                    throw error
                } catch {
                    throw CloudflareError.undecodable(operation: operation, status: response.status, detail: Self.describe(error))
                }
            }

            let errors = (try? JSONDecoder().decode(CloudflareErrorEnvelope.self, from: response.body))?.errors ?? []
            if response.status == 429 {
                let retryAfter = response.headers["Retry-After"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                // A 429 means Cloudflare did not act on the request, so even a POST may be sent again.
                if attempt < retry.maxAttempts {
                    try await pause(min(retry.maxDelay, retryAfter ?? backoff(attempt)))
                    continue
                }
                throw CloudflareError.fromResponse(operation: operation, status: 429, errors: errors, retryAfter: retryAfter)
            }
            if response.status >= 500 && mayRepeat && attempt < retry.maxAttempts {
                try await pause(backoff(attempt))
                continue
            }
            throw CloudflareError.fromResponse(operation: operation, status: response.status, errors: errors,
                                               needs: CloudflareTokenPermission.needed(method: method.rawValue, path: path))
        }
    }

    private func backoff(_ attempt: Int) -> Double {
        retry.jittered(retry.backoff(afterAttempt: attempt))
    }

    private func pause(_ seconds: Double) async throws {
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): "missing field `\(key.stringValue)`"
        case let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx):
            "unexpected type at `\(ctx.codingPath.map(\.stringValue).joined(separator: "."))`"
        case DecodingError.dataCorrupted: "not JSON"
        default: String(describing: error)
        }
    }
}
