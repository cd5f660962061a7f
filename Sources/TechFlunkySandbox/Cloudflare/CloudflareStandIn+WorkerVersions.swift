import Foundation
import GRDB
import TechFlunkyCore

/// Worker versions and deployments (Workers Versions API). Every upload is a version: `PUT` of the script makes
/// one and deploys it to all traffic at once, `POST …/versions` makes one that serves nothing until a deployment
/// (`POST …/deployments`, `strategy: percentage`) names it, and a change of secrets is a new version deployed at
/// once. The script object holds what the deployment's main version defines, which is what its hosts answer with.
extension CloudflareStandIn {
    /// `POST …/workers/scripts/{name}/versions`: a version of an existing script, not deployed.
    func uploadVersion(_ db: Database, accountId: String, name: String, form: MultipartFormData) throws -> JSONValue {
        let served = try script(db, accountId: accountId, name: name)
        let content = try versionContent(db, accountId: accountId, name: name, form: form, served: served)
        let version = try storeVersion(db, accountId: accountId, script: name, content: content, source: "api")
        return uploadedVersion(version)
    }

    /// `GET …/versions`: newest first, in Cloudflare's short form.
    func listVersions(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        _ = try script(db, accountId: accountId, name: name)
        return ["items": .array(try versions(db, accountId: accountId, script: name).map(shortVersion))]
    }

    /// `GET …/versions/{id}`.
    func getVersion(_ db: Database, accountId: String, name: String, versionId: String) throws -> JSONValue {
        _ = try script(db, accountId: accountId, name: name)
        guard let version = try SandboxDatabase.getCloudflare(db, kind: "worker_version", id: "\(accountId)/\(name)/\(versionId)")?.object else {
            throw CloudflareAPIError.notFound(10007, "Version \(versionId) of Worker '\(name)' was not found.")
        }
        var full = uploadedVersion(version)
        full["startup_time_ms"] = nil
        return full
    }

    /// `POST …/deployments`: which versions serve, by percentage (one at 100, or two that add up to 100).
    func createDeployment(_ db: Database, accountId: String, name: String, body: JSONValue) throws -> JSONValue {
        _ = try script(db, accountId: accountId, name: name)
        guard body["strategy"]?.stringValue == "percentage" else {
            throw CloudflareAPIError.badRequest(10021, "strategy must be \"percentage\".")
        }
        guard let list = body["versions"]?.arrayValue, (1...2).contains(list.count) else {
            throw CloudflareAPIError.badRequest(10021, "A deployment names one or two versions.")
        }
        var shares: [(String, Double)] = []
        for (i, item) in list.enumerated() {
            guard let id = item["version_id"]?.stringValue,
                  let percentage = item["percentage"]?.doubleValue ?? item["percentage"]?.intValue.map(Double.init) else {
                throw CloudflareAPIError.badRequest(10021, "versions[\(i)] needs version_id and percentage.")
            }
            guard percentage >= 0.01 && percentage <= 100 else {
                throw CloudflareAPIError.badRequest(10021, "versions[\(i)].percentage must be from 0.01 to 100.")
            }
            guard try SandboxDatabase.getCloudflare(db, kind: "worker_version", id: "\(accountId)/\(name)/\(id)") != nil else {
                throw CloudflareAPIError.badRequest(10021, "Version \(id) does not belong to Worker '\(name)'.")
            }
            guard !shares.contains(where: { $0.0 == id }) else { throw CloudflareAPIError.badRequest(10021, "Version \(id) is named twice.") }
            shares.append((id, percentage))
        }
        guard abs(shares.reduce(0) { $0 + $1.1 } - 100) < 0.0001 else {
            throw CloudflareAPIError.badRequest(10021, "The versions' percentages must add up to 100.")
        }
        if let message = body["annotations"]?["workers/message"]?.stringValue, message.count > 50 {
            throw CloudflareAPIError.badRequest(10021, "annotations.workers/message is longer than 50 characters.")
        }
        return try storeDeployment(db, accountId: accountId, script: name, shares: shares, annotations: body["annotations"])
    }

    /// `GET …/deployments`: newest first.
    func listDeployments(_ db: Database, accountId: String, name: String) throws -> JSONValue {
        _ = try script(db, accountId: accountId, name: name)
        let all = try SandboxDatabase.listCloudflare(db, kind: "worker_deployment", accountId: accountId, parent: name)
            .sorted { ($0["seq"]?.intValue ?? 0) > ($1["seq"]?.intValue ?? 0) }
        return ["deployments": .array(all.map(publicDeployment))]
    }

    // MARK: Storage

    func versions(_ db: Database, accountId: String, script name: String) throws -> [JSONValue] {
        try SandboxDatabase.listCloudflare(db, kind: "worker_version", accountId: accountId, parent: name)
            .sorted { ($0["number"]?.intValue ?? 0) > ($1["number"]?.intValue ?? 0) }
    }

    func storeVersion(_ db: Database, accountId: String, script name: String, content: JSONValue, source: String) throws -> JSONValue {
        let number = (try versions(db, accountId: accountId, script: name).first?["number"]?.intValue ?? 0) + 1
        var version = content
        let id = SandboxIDs.uuid()
        version["id"] = .string(id)
        version["number"] = .int(number)
        version["created_on"] = .string(timestamp)
        version["source"] = .string(source)
        try SandboxDatabase.putCloudflare(db, kind: "worker_version", id: "\(accountId)/\(name)/\(id)", accountId: accountId, parent: name, name: id, version)
        return version
    }

    /// Records a deployment and makes its main version (the largest share) what the script serves.
    func storeDeployment(_ db: Database, accountId: String, script name: String, shares: [(String, Double)],
                         annotations: JSONValue?) throws -> JSONValue {
        let seq = (try SandboxDatabase.listCloudflare(db, kind: "worker_deployment", accountId: accountId, parent: name)
            .compactMap { $0["seq"]?.intValue }.max() ?? 0) + 1
        let id = SandboxIDs.uuid()
        let deployment: JSONValue = [
            "id": .string(id), "seq": .int(seq), "created_on": .string(timestamp), "source": "api", "strategy": "percentage",
            "author_email": "sandbox@techflunky.test",
            "versions": .array(shares.map { ["version_id": .string($0.0), "percentage": .double($0.1)] }),
            "annotations": annotations ?? nil,
        ]
        try SandboxDatabase.putCloudflare(db, kind: "worker_deployment", id: "\(accountId)/\(name)/\(id)", accountId: accountId, parent: name, name: id, deployment)
        let main = shares.max { $0.1 < $1.1 }?.0 ?? ""
        guard let version = try SandboxDatabase.getCloudflare(db, kind: "worker_version", id: "\(accountId)/\(name)/\(main)")?.object else {
            throw CloudflareAPIError(status: 500, code: 10013, message: "The sandbox lost version \(main) of Worker '\(name)'.")
        }
        let existing = try SandboxDatabase.getCloudflare(db, kind: "script", id: "\(accountId)/\(name)")?.object
        var served: JSONValue = [
            "id": .string(name), "created_on": existing?["created_on"] ?? .string(timestamp), "modified_on": .string(timestamp),
            "workers_dev": existing?["workers_dev"] ?? false, "deployed_version": .string(main),
        ]
        if let previews = existing?["previews_enabled"] { served["previews_enabled"] = previews }
        for key in ["etag", "handlers", "compatibility_date", "compatibility_flags", "has_modules", "main_module", "bindings", "modules"] {
            served[key] = version[key] ?? nil
        }
        try SandboxDatabase.putCloudflare(db, kind: "script", id: "\(accountId)/\(name)", accountId: accountId, name: name, served)
        return publicDeployment(deployment)
    }

    /// A change the script's settings make (a secret set or deleted): a new version of what serves, deployed at once.
    func redeploy(_ db: Database, accountId: String, script name: String, served: JSONValue, source: String) throws {
        var content: JSONValue = [:]
        for key in ["etag", "handlers", "compatibility_date", "compatibility_flags", "has_modules", "main_module", "bindings", "modules"] {
            content[key] = served[key] ?? nil
        }
        let version = try storeVersion(db, accountId: accountId, script: name, content: content, source: source)
        _ = try storeDeployment(db, accountId: accountId, script: name, shares: [(version["id"]?.stringValue ?? "", 100)], annotations: nil)
    }

    // MARK: Wire shapes

    private func versionMetadata(_ v: JSONValue) -> JSONValue {
        ["author_email": "sandbox@techflunky.test", "author_id": "sandbox", "created_on": v["created_on"] ?? nil,
         "modified_on": v["created_on"] ?? nil, "source": v["source"] ?? "api"]
    }

    func shortVersion(_ v: JSONValue) -> JSONValue {
        var out: JSONValue = ["id": v["id"] ?? nil, "number": v["number"] ?? nil, "metadata": versionMetadata(v)]
        if let a = v["annotations"], a != .null { out["annotations"] = a }
        return out
    }

    func uploadedVersion(_ v: JSONValue) -> JSONValue {
        var out = shortVersion(v)
        let bindings = (v["bindings"]?.arrayValue ?? []).map { b -> JSONValue in
            var b = b
            b["digest"] = nil
            if b["type"]?.stringValue == "secret_text" { b["text"] = nil }
            return b
        }
        out["resources"] = ["bindings": .array(bindings),
                            "script": ["etag": v["etag"] ?? nil, "handlers": v["handlers"] ?? ["fetch"], "last_deployed_from": "api"],
                            "script_runtime": ["usage_model": "standard"]]
        out["startup_time_ms"] = 0
        return out
    }

    func publicDeployment(_ d: JSONValue) -> JSONValue {
        var out = d
        out["seq"] = nil
        if out["annotations"] == .null { out["annotations"] = nil }
        return out
    }
}
