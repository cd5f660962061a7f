import Foundation
import GRDB

/// Zones, their DNS records, and custom hostnames (Cloudflare for SaaS).
extension CloudflareStandIn {
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
