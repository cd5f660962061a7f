import Foundation
import GRDB

/// Workers scripts (multipart uploads checked against what exists), their settings and secrets, and the
/// workers.dev subdomain of the account and of each script.
extension CloudflareStandIn {
    static func validScriptName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63 && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// `PUT …/workers/scripts/{name}`: as on Cloudflare, the upload is a new version deployed to all traffic at once.
    func uploadScript(_ db: Database, accountId: String, name: String, form: MultipartFormData) throws -> JSONValue {
        guard Self.validScriptName(name) else {
            throw CloudflareAPIError.badRequest(10016, "Invalid Worker name '\(name)': use lower-case letters, digits, '-' and '_' (at most 63).")
        }
        let existing = try SandboxDatabase.getCloudflare(db, kind: "script", id: "\(accountId)/\(name)")?.object
        let content = try versionContent(db, accountId: accountId, name: name, form: form, served: existing)
        let version = try storeVersion(db, accountId: accountId, script: name, content: content, source: "api")
        _ = try storeDeployment(db, accountId: accountId, script: name, shares: [(version["id"]?.stringValue ?? "", 100)], annotations: nil)
        return publicScript(try script(db, accountId: accountId, name: name))
    }

    /// What an upload defines (modules, bindings, compatibility settings), checked as Cloudflare checks it; secret
    /// bindings come from the version serving now when the metadata keeps them (`keep_bindings`).
    func versionContent(_ db: Database, accountId: String, name: String, form: MultipartFormData, served existing: JSONValue?) throws -> JSONValue {
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
        if let annotations = metadata["annotations"] {
            if let message = annotations["workers/message"]?.stringValue, message.count > 50 {
                throw CloudflareAPIError.badRequest(10021, "annotations.workers/message is longer than 50 characters.")
            }
            if let tag = annotations["workers/tag"]?.stringValue, tag.count > 20 {
                throw CloudflareAPIError.badRequest(10021, "annotations.workers/tag is longer than 20 characters.")
            }
        }
        let etag = SandboxIDs.sha256Hex(form.parts.map { $0.name + ":" + $0.body.base64EncodedString() }.joined(separator: "|"))
        return [
            "etag": .string(etag), "handlers": ["fetch"], "compatibility_date": metadata["compatibility_date"] ?? nil,
            "compatibility_flags": metadata["compatibility_flags"] ?? [], "has_modules": .bool(metadata["main_module"] != nil),
            "main_module": .string(main), "bindings": .array(bindings), "modules": .array(modules),
            "annotations": metadata["annotations"] ?? nil,
        ]
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
        for kind in ["worker_version", "worker_deployment"] {
            for item in try SandboxDatabase.listCloudflare(db, kind: kind, accountId: accountId, parent: name) {
                try SandboxDatabase.deleteCloudflare(db, kind: kind, id: "\(accountId)/\(name)/\(item["id"]?.stringValue ?? "")")
            }
        }
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
        try redeploy(db, accountId: accountId, script: name, served: s, source: "secret")
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
        try redeploy(db, accountId: accountId, script: name, served: s, source: "secret")
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
}
