import Foundation
import GRDB

/// D1 databases: create, list, read, delete (the database itself is a real SQLite file, `D1DatabaseFiles`).
extension CloudflareStandIn {
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
}
