import Foundation
import GRDB

/// R2 buckets and their CORS rules.
extension CloudflareStandIn {
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
}
