import Foundation
import TechFlunkyHTTP

/// A Cloudflare call that did not succeed, with a message a buyer can act on.
///
/// `message` never contains the API token: it is built from the operation, Cloudflare's codes and
/// messages, and the URL path (the token only ever travels in the `Authorization` header).
public struct CloudflareError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// Cloudflare answered with `success: false` (or a non-2xx status).
        case api
        /// 429 after retries ran out; `retryAfter` is what Cloudflare asked for.
        case rateLimited(retryAfter: Double?)
        /// The request never got an answer (connection, timeout, TLS).
        case transport(String)
        /// The answer was not the JSON shape the call expects.
        case undecodable(String)
    }

    /// What the platform was doing, e.g. `create D1 database tf-1a2b3c4d-main`.
    public var operation: String
    public var reason: Reason
    /// HTTP status, when there was an answer.
    public var status: Int?
    /// Cloudflare's own `errors` list.
    public var errors: [CloudflareAPIMessage]
    /// One sentence: what went wrong and what to do.
    public var message: String

    /// The first Cloudflare error code, recorded on the failed step.
    public var code: Int? { errors.first?.code }

    public func has(code: Int) -> Bool { errors.contains { $0.code == code } }

    public func has(anyOf codes: Set<Int>) -> Bool { errors.contains { codes.contains($0.code) } }

    /// Worth trying again later without any change by the buyer.
    public var isTransient: Bool {
        switch reason {
        case .rateLimited, .transport: true
        case .api: (status ?? 0) >= 500
        case .undecodable: false
        }
    }

    public var isNotFound: Bool {
        status == 404 || errors.contains { CloudflareErrorCode.notFound.contains($0.code) }
    }

    public var description: String { message }

    public init(operation: String, reason: Reason, status: Int?, errors: [CloudflareAPIMessage], message: String) {
        self.operation = operation
        self.reason = reason
        self.status = status
        self.errors = errors
        self.message = message
    }

    /// The permission the refused call needed, as Cloudflare's dashboard names it, when the refusal was one.
    public var missingPermission: CloudflareTokenPermission?

    /// Whether Cloudflare refused the call for want of a permission (not a bad token).
    public var isPermissionRefusal: Bool { missingPermission != nil }

    /// Turns Cloudflare's answer into a typed error with an actionable message.
    static func fromResponse(operation: String, status: Int, errors: [CloudflareAPIMessage], retryAfter: Double? = nil,
                             needs permission: CloudflareTokenPermission? = nil) -> CloudflareError
    {
        let reason: Reason = status == 429 ? .rateLimited(retryAfter: retryAfter) : .api
        let refused = CloudflareErrorCode.isPermissionRefusal(status: status, errors: errors)
        let advice = if refused, let permission {
            "the API token lacks the permission “\(permission.rawValue)”; edit the token in the Cloudflare dashboard (My Profile → API Tokens) to add it, or create one with \(CloudflareTokenPermission.deploymentSummary)"
        } else {
            CloudflareErrorCode.advice(status: status, errors: errors, operation: operation)
        }
        let detail = errors.isEmpty
            ? "HTTP \(status)"
            : errors.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
        var error = CloudflareError(
            operation: operation, reason: reason, status: status, errors: errors,
            message: "Could not \(operation) — \(advice) (Cloudflare said \(detail))")
        if refused { error.missingPermission = permission }
        return error
    }

    static func transport(operation: String, _ error: Error) -> CloudflareError {
        let text = (error as? HTTPError)?.description ?? String(describing: error)
        return CloudflareError(
            operation: operation, reason: .transport(text), status: nil, errors: [],
            message: "Could not \(operation) — Cloudflare did not answer (\(text)). Check the network and retry the deployment.")
    }

    static func undecodable(operation: String, status: Int, detail: String) -> CloudflareError {
        CloudflareError(
            operation: operation, reason: .undecodable(detail), status: status, errors: [],
            message: "Could not \(operation) — Cloudflare's answer (HTTP \(status)) was not in the expected form: \(detail)")
    }
}

/// Cloudflare error codes the platform recognises, and what a buyer should do about each.
public enum CloudflareErrorCode {
    public static let invalidToken = 1000
    public static let authentication = 10000
    public static let unauthorized = 9109
    public static let invalidAccessToken = 9106
    public static let d1DatabaseExists = 7502
    public static let d1DatabaseNotFound = 7404
    public static let r2BucketExists = 10004
    /// R2's own error table's "bucket already exists"; the v4 API is commonly seen answering 10004.
    public static let r2BucketAlreadyExists = 10073
    public static let r2BucketExistsCodes: Set<Int> = [r2BucketExists, r2BucketAlreadyExists]
    /// Cloudflare for SaaS is not enabled on the zone ("No quota has been allocated for this zone").
    public static let customHostnameNoQuota = 1404
    /// A Workers Custom Domain on a hostname that already has A/AAAA/CNAME records.
    public static let workerDomainHostnameTaken = 100117
    public static let r2InvalidBucketName = 10005
    public static let r2NoSuchBucket = 10006
    public static let workerNotFound = 10007
    public static let dnsRecordExists = 81057
    public static let dnsHostConflict = 81053
    public static let dnsRecordNotFound = 81044
    public static let customHostnameExists = 1406
    public static let noRoute = 7003
    public static let rateLimited = 971

    static let notFound: Set<Int> = [d1DatabaseNotFound, r2NoSuchBucket, workerNotFound, dnsRecordNotFound, 7000, 1551, 1436]

    static let requiredPermissions = CloudflareTokenPermission.deploymentSummary

    /// A refusal for want of a permission: 403 with Cloudflare's authentication/authorization codes (a
    /// rejected token is 401 or code 1000, and is not this).
    static func isPermissionRefusal(status: Int, errors: [CloudflareAPIMessage]) -> Bool {
        let codes = Set(errors.map(\.code))
        if codes.contains(invalidToken) || codes.contains(invalidAccessToken) { return false }
        return status == 403 && (codes.isEmpty || codes.contains(authentication) || codes.contains(unauthorized))
    }

    static func advice(status: Int, errors: [CloudflareAPIMessage], operation: String) -> String {
        let codes = Set(errors.map(\.code))
        // Refusals with codes of their own come first: a 403 with 1404 is not a missing permission.
        if codes.contains(customHostnameNoQuota) {
            return "the zone has no Cloudflare for SaaS quota, so it cannot hold custom hostnames; deploy to a hostname in one of your own zones instead (it becomes a Workers Custom Domain)"
        }
        if codes.contains(workerDomainHostnameTaken) {
            return "the hostname already has DNS records (A, AAAA or CNAME) that are not the Worker's; delete them in the zone's DNS settings or choose another hostname, then retry"
        }
        if status == 429 || codes.contains(rateLimited) {
            return "Cloudflare is rate-limiting this account; wait a few minutes and retry"
        }
        if codes.contains(invalidToken) || codes.contains(invalidAccessToken) || (codes.contains(authentication) && status == 401)
            || (status == 401 && codes.isEmpty)
        {
            return "the API token was rejected: check it is copied whole, not expired or revoked, and belongs to this account"
        }
        if codes.contains(authentication) || codes.contains(unauthorized) || status == 403 {
            return "the API token lacks a permission this step needs; create a token with \(requiredPermissions)"
        }
        if codes.contains(d1DatabaseExists) {
            return "a D1 database with this name already exists in the account; delete it or retry so the platform adopts it"
        }
        if !codes.isDisjoint(with: r2BucketExistsCodes) {
            return "an R2 bucket with this name already exists; delete it or retry so the platform adopts it"
        }
        if codes.contains(r2InvalidBucketName) {
            return "the bucket name breaks R2's naming rules (3–63 lower-case letters, digits and hyphens); the seller must fix the package"
        }
        if codes.contains(dnsRecordExists) || codes.contains(dnsHostConflict) {
            return "a DNS record with this name already exists in the zone; remove or rename it and retry"
        }
        if codes.contains(customHostnameExists) {
            return "this hostname is already a custom hostname in the zone; remove it and retry"
        }
        if codes.contains(noRoute) || codes.contains(7000) {
            return "the account id was not found, or the token cannot reach it; check the account id"
        }
        if status == 404 {
            return "Cloudflare does not know this resource; check the account id and that the resource exists"
        }
        if status >= 500 {
            return "Cloudflare had an internal problem; retry the deployment in a moment"
        }
        if status == 400 || status == 409 || status == 422 {
            return "Cloudflare refused the request as invalid; if this persists the package needs fixing by the seller"
        }
        return "Cloudflare refused the request"
    }
}

/// A permission of a Cloudflare API token, named as the dashboard's token editor names it.
public enum CloudflareTokenPermission: String, Sendable, Hashable, CaseIterable {
    case accountSettingsRead = "Account Settings: Read"
    case d1Edit = "D1: Edit"
    case r2Edit = "Workers R2 Storage: Edit"
    case workersEdit = "Workers Scripts: Edit"
    case zoneRead = "Zone: Read"
    case dnsEdit = "DNS: Edit"

    /// Every permission a deployment may use, for messages.
    public static let deploymentSummary =
        "Account › Account Settings: Read, D1: Edit, Workers R2 Storage: Edit, Workers Scripts: Edit; and for a custom domain Zone › Zone: Read, DNS: Edit"

    /// The permission a call needs, from its method and API path (after `/client/v4`).
    public static func needed(method: String, path: String) -> CloudflareTokenPermission? {
        // Reads are asked of the Edit permission too: a deployment needs to write wherever it reads.
        if path.contains("/d1/") { return .d1Edit }
        if path.contains("/r2/") { return .r2Edit }
        if path.contains("/workers/") { return .workersEdit }
        if path.contains("/dns_records") { return method == "GET" ? .zoneRead : .dnsEdit }
        if path.hasPrefix("/zones") { return .zoneRead }
        if path.hasPrefix("/accounts/") && !path.contains("/tokens/") { return .accountSettingsRead }
        return nil
    }
}
