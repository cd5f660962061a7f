import Foundation
import GRDB

/// Workers Custom Domains (the hostname's DNS record and certificate come with them) and the smoke
/// endpoint's answer for a deployed Worker.
extension CloudflareStandIn {
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
}
