import Foundation
import GRDB
import Hummingbird
import XCTest
@testable import TechFlunkySandbox

extension LiveSandbox {
    func cf(_ method: HTTPRequest.Method, _ path: String, token: String? = SandboxServer.demoCloudflareToken,
            _ body: JSONValue? = nil) async throws -> (status: Int, headers: HTTPFields, json: JSONValue) {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let r = try await request(method, "/client/v4\(path)", headers: headers,
                                  body: body.map { String(decoding: $0.encoded(), as: UTF8.self) })
        return (r.status, r.headers, r.json)
    }

    func uploadWorker(account: String, name: String, metadata: JSONValue, modules: [(String, String)],
                      token: String = SandboxServer.demoCloudflareToken) async throws -> (status: Int, json: JSONValue) {
        var parts = [MultipartFormData.Part(name: "metadata", filename: "blob", contentType: "application/json", body: metadata.encoded())]
        for (file, source) in modules {
            parts.append(.init(name: file, filename: file, contentType: "application/javascript+module", body: Data(source.utf8)))
        }
        let boundary = "----sandbox\(UUID().uuidString)"
        let body = String(decoding: MultipartFormData.encode(parts, boundary: boundary), as: UTF8.self)
        let r = try await request(.put, "/client/v4/accounts/\(account)/workers/scripts/\(name)",
                                  headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                                  body: body)
        return (r.status, r.json)
    }
}

final class CloudflareStandInTests: XCTestCase {
    let account = SandboxServer.demoCloudflareAccountId

    func testTokenVerifyAcceptsTheDemoTokenAndRejectsUnknownOnes() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            // The demo token is account-owned: only the account's verify endpoint knows it.
            let ok = try await sandbox.cf(.get, "/accounts/\(account)/tokens/verify")
            XCTAssertEqual(ok.status, 200)
            XCTAssertEqual(ok.json["success"], true)
            XCTAssertEqual(ok.json["result"]?["status"], "active")
            XCTAssertEqual(ok.json["errors"], JSONValue.array([]))
            let asUser = try await sandbox.cf(.get, "/user/tokens/verify")
            XCTAssertEqual(asUser.status, 401, "an account-owned token is not a user token")
            XCTAssertEqual(asUser.json["errors"]?.arrayValue?.first?["code"], 1000)
            // A user's token is the other way round.
            let userToken = try sandbox.server.createCloudflareToken(accountId: account)
            let user = try await sandbox.cf(.get, "/user/tokens/verify", token: userToken)
            XCTAssertEqual(user.json["result"]?["status"], "active")
            let userAtAccount = try await sandbox.cf(.get, "/accounts/\(account)/tokens/verify", token: userToken)
            XCTAssertEqual(userAtAccount.json["errors"]?.arrayValue?.first?["code"], 1000)

            let bad = try await sandbox.cf(.get, "/user/tokens/verify", token: "not-a-token")
            XCTAssertEqual(bad.status, 401)
            XCTAssertEqual(bad.json["success"], false)
            XCTAssertEqual(bad.json["errors"]?.arrayValue?.first?["code"], 1000)
            XCTAssertEqual(bad.json["errors"]?.arrayValue?.first?["message"], "Invalid API Token")

            let elsewhere = try await sandbox.cf(.get, "/accounts/\(account)/d1/database", token: "not-a-token")
            XCTAssertEqual(elsewhere.json["errors"]?.arrayValue?.first?["code"], 10000)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testATooWeakTokenGetsAPermissionErrorAndAnotherAccountIsOffLimits() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let weak = try sandbox.server.createCloudflareToken(accountId: account, permissions: [.d1Read])
            let list = try await sandbox.cf(.get, "/accounts/\(account)/d1/database", token: weak)
            XCTAssertEqual(list.status, 200)
            let create = try await sandbox.cf(.post, "/accounts/\(account)/d1/database", token: weak, ["name": "shop"])
            XCTAssertEqual(create.status, 403)
            XCTAssertEqual(create.json["errors"]?.arrayValue?.first?["code"], 9109)

            let other = try sandbox.server.createCloudflareAccount(name: "Other")
            let cross = try await sandbox.cf(.get, "/accounts/\(other)/d1/database")
            XCTAssertEqual(cross.status, 403)

            let verified = try await sandbox.cf(.get, "/user/tokens/verify", token: weak)
            let tokenId = try XCTUnwrap(verified.json["result"]?["id"]?.stringValue)
            let details = try await sandbox.cf(.get, "/user/tokens/\(tokenId)", token: weak)
            let groups = details.json["result"]?["policies"]?.arrayValue?.first?["permission_groups"]?.arrayValue ?? []
            XCTAssertEqual(groups.compactMap { $0["name"]?.stringValue }, ["D1 Read"])

            try sandbox.server.setCloudflareTokenActive(weak, false)
            let disabled = try await sandbox.cf(.get, "/user/tokens/verify", token: weak)
            XCTAssertEqual(disabled.json["result"]?["status"], "disabled")
            let refused = try await sandbox.cf(.get, "/accounts/\(account)/d1/database", token: weak)
            XCTAssertEqual(refused.status, 401)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testD1CreateDuplicateLookupQueryAndDeleteOnARealSQLiteFile() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let created = try await sandbox.cf(.post, "/accounts/\(account)/d1/database", ["name": "shop-db"])
            XCTAssertEqual(created.status, 200)
            let uuid = try XCTUnwrap(created.json["result"]?["uuid"]?.stringValue)
            let dup = try await sandbox.cf(.post, "/accounts/\(account)/d1/database", ["name": "shop-db"])
            XCTAssertEqual(dup.status, 400)
            XCTAssertEqual(dup.json["errors"]?.arrayValue?.first?["code"], 7502)
            let upper = try await sandbox.cf(.post, "/accounts/\(account)/d1/database", ["name": "Shop-DB"])
            XCTAssertEqual(upper.status, 400, "D1 names are lower-case")

            let found = try await sandbox.cf(.get, "/accounts/\(account)/d1/database?name=shop-db")
            XCTAssertEqual(found.json["result"]?.arrayValue?.first?["uuid"]?.stringValue, uuid)
            XCTAssertEqual(found.json["result_info"]?["total_count"], 1)

            let migrate = try await sandbox.cf(.post, "/accounts/\(account)/d1/database/\(uuid)/query", [
                "sql": "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER); INSERT INTO items (name, price) VALUES (?, ?);",
                "params": ["Widget", 1999],
            ])
            XCTAssertEqual(migrate.status, 200, "\(migrate.json)")
            XCTAssertEqual(migrate.json["result"]?.arrayValue?.count, 2)
            XCTAssertEqual(migrate.json["result"]?.arrayValue?.last?["meta"]?["changes"], 1)
            XCTAssertEqual(migrate.json["result"]?.arrayValue?.last?["meta"]?["last_row_id"], 1)

            let select = try await sandbox.cf(.post, "/accounts/\(account)/d1/database/\(uuid)/query",
                                              ["sql": "SELECT name, price FROM items WHERE price > ?", "params": [100]])
            XCTAssertEqual(select.json["result"]?.arrayValue?.first?["results"], [["name": "Widget", "price": 1999]])

            let broken = try await sandbox.cf(.post, "/accounts/\(account)/d1/database/\(uuid)/query",
                                              ["sql": "INSERT INTO items (name) VALUES ('x'); SELEC nonsense"])
            XCTAssertEqual(broken.status, 400)
            XCTAssertEqual(broken.json["errors"]?.arrayValue?.first?["code"], 7500)
            XCTAssertTrue(broken.json["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("SQLITE_ERROR") ?? false)

            // The file is real SQLite, and the failed batch left nothing behind.
            let file = sandbox.server.d1DatabaseFile(uuid: uuid)
            let count = try await DatabaseQueue(path: file.path).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") }
            XCTAssertEqual(count, 1)

            let deleted = try await sandbox.cf(.delete, "/accounts/\(account)/d1/database/\(uuid)")
            XCTAssertEqual(deleted.status, 200)
            XCTAssertFalse(FileManager.default.fileExists(atPath: file.path))
            let gone = try await sandbox.cf(.get, "/accounts/\(account)/d1/database/\(uuid)")
            XCTAssertEqual(gone.json["errors"]?.arrayValue?.first?["code"], 7404)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testR2BucketNamingDuplicatesAndCORS() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let bad = try await sandbox.cf(.post, "/accounts/\(account)/r2/buckets", ["name": "Bad_Name"])
            XCTAssertEqual(bad.status, 400)
            XCTAssertEqual(bad.json["errors"]?.arrayValue?.first?["code"], 10005)
            let ok = try await sandbox.cf(.post, "/accounts/\(account)/r2/buckets", ["name": "shop-assets"])
            XCTAssertEqual(ok.json["result"]?["name"], "shop-assets")
            let dup = try await sandbox.cf(.post, "/accounts/\(account)/r2/buckets", ["name": "shop-assets"])
            XCTAssertEqual(dup.json["errors"]?.arrayValue?.first?["code"], 10004)
            let list = try await sandbox.cf(.get, "/accounts/\(account)/r2/buckets")
            XCTAssertEqual(list.json["result"]?["buckets"]?.arrayValue?.count, 1)

            let noCors = try await sandbox.cf(.get, "/accounts/\(account)/r2/buckets/shop-assets/cors")
            XCTAssertEqual(noCors.status, 404)
            let rules: JSONValue = ["rules": [["allowed": ["origins": ["https://shop.example"], "methods": ["GET", "PUT"]], "maxAgeSeconds": 3600]]]
            let put = try await sandbox.cf(.put, "/accounts/\(account)/r2/buckets/shop-assets/cors", rules)
            XCTAssertEqual(put.status, 200)
            let got = try await sandbox.cf(.get, "/accounts/\(account)/r2/buckets/shop-assets/cors")
            XCTAssertEqual(got.json["result"], rules)
            let badRule = try await sandbox.cf(.put, "/accounts/\(account)/r2/buckets/shop-assets/cors",
                                               ["rules": [["allowed": ["origins": ["*"], "methods": ["TRACE"]]]]])
            XCTAssertEqual(badRule.status, 400)

            let del = try await sandbox.cf(.delete, "/accounts/\(account)/r2/buckets/shop-assets")
            XCTAssertEqual(del.status, 200)
            let gone = try await sandbox.cf(.get, "/accounts/\(account)/r2/buckets/shop-assets")
            XCTAssertEqual(gone.json["errors"]?.arrayValue?.first?["code"], 10006)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testWorkerUploadChecksBindingsAndModulesAndIsSmokeCheckable() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let createdDB = try await sandbox.cf(.post, "/accounts/\(account)/d1/database", ["name": "shop-db"])
            let dbId = try XCTUnwrap(createdDB.json["result"]?["uuid"]?.stringValue)
            _ = try await sandbox.cf(.post, "/accounts/\(account)/r2/buckets", ["name": "shop-assets"])
            let source = "export default { async fetch(request, env) { return new Response('ok'); } };"
            let metadata: JSONValue = [
                "main_module": "index.js", "compatibility_date": "2024-09-23",
                "bindings": [["type": "d1", "name": "DB", "id": .string(dbId)],
                             ["type": "r2_bucket", "name": "ASSETS", "bucket_name": "shop-assets"],
                             ["type": "plain_text", "name": "MODE", "text": "production"],
                             ["type": "secret_text", "name": "API_KEY", "text": "s3cr3t-value"]],
            ]
            let ok = try await sandbox.uploadWorker(account: account, name: "shop", metadata: metadata, modules: [("index.js", source)])
            XCTAssertEqual(ok.status, 200, "\(ok.json)")
            XCTAssertEqual(ok.json["result"]?["id"], "shop")

            var missingDB = metadata
            missingDB["bindings"] = [["type": "d1", "name": "DB", "id": "00000000-0000-0000-0000-000000000000"]]
            let r1 = try await sandbox.uploadWorker(account: account, name: "shop2", metadata: missingDB, modules: [("index.js", source)])
            XCTAssertEqual(r1.status, 400)
            XCTAssertEqual(r1.json["errors"]?.arrayValue?.first?["code"], 10021)

            var missingBucket = metadata
            missingBucket["bindings"] = [["type": "r2_bucket", "name": "B", "bucket_name": "nope-bucket"]]
            let r2 = try await sandbox.uploadWorker(account: account, name: "shop2", metadata: missingBucket, modules: [("index.js", source)])
            XCTAssertEqual(r2.status, 400)

            let r3 = try await sandbox.uploadWorker(account: account, name: "shop2", metadata: metadata, modules: [("worker.js", source)])
            XCTAssertEqual(r3.status, 400, "main_module without its part")
            XCTAssertTrue(r3.json["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("index.js") ?? false)

            let settings = try await sandbox.cf(.get, "/accounts/\(account)/workers/scripts/shop/settings")
            let bindings = settings.json["result"]?["bindings"]?.arrayValue ?? []
            // The settings document names a D1 binding's variable `binding` (its `name` is the database's).
            XCTAssertEqual(Set(bindings.compactMap { ($0["binding"] ?? $0["name"])?.stringValue }), ["DB", "ASSETS", "MODE", "API_KEY"])
            XCTAssertFalse(settings.json.encoded().contains(Data("s3cr3t-value".utf8)), "a secret is never answered")

            let secret = try await sandbox.cf(.put, "/accounts/\(account)/workers/scripts/shop/secrets",
                                              ["name": "STRIPE_KEY", "text": "sk_test_x", "type": "secret_text"])
            XCTAssertEqual(secret.json["result"]?["name"], "STRIPE_KEY")
            let secrets = try await sandbox.cf(.get, "/accounts/\(account)/workers/scripts/shop/secrets")
            XCTAssertEqual(Set(secrets.json["result"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []), ["API_KEY", "STRIPE_KEY"])

            // Not on workers.dev yet.
            let hidden = try await sandbox.request(.get, "/workers.dev/shop.\(CloudflareStandIn.demoSubdomain).workers.dev/health")
            XCTAssertEqual(hidden.status, 404)
            let sub = try await sandbox.cf(.get, "/accounts/\(account)/workers/subdomain")
            XCTAssertEqual(sub.json["result"]?["subdomain"]?.stringValue, CloudflareStandIn.demoSubdomain)
            let enable = try await sandbox.cf(.post, "/accounts/\(account)/workers/scripts/shop/subdomain", ["enabled": true])
            XCTAssertEqual(enable.json["result"]?["enabled"], true)
            let health = try await sandbox.request(.get, "/workers.dev/shop.\(CloudflareStandIn.demoSubdomain).workers.dev/health")
            XCTAssertEqual(health.status, 200)
            XCTAssertEqual(health.json["status"], "ok")
            XCTAssertEqual(health.json["bindings"]?["DB"], "d1")

            // A fault can make the smoke check fail once, for retry demos.
            sandbox.server.injectFault(SandboxFault(match: "GET /workers.dev/**", status: 503, times: 1))
            let faulted = try await sandbox.request(.get, "/workers.dev/shop.\(CloudflareStandIn.demoSubdomain).workers.dev/health")
            XCTAssertEqual(faulted.status, 503)

            // A CNAME to workers.dev does not route to a Worker, as on Cloudflare...
            let zones = try await sandbox.cf(.get, "/zones?name=\(SandboxServer.demoZone)")
            let zone = try XCTUnwrap(zones.json["result"]?.arrayValue?.first?["id"]?.stringValue)
            _ = try await sandbox.cf(.post, "/zones/\(zone)/dns_records",
                                     ["type": "CNAME", "name": "cname", "content": .string("shop.\(CloudflareStandIn.demoSubdomain).workers.dev")])
            let viaCNAME = try await sandbox.request(.get, "/workers.dev/cname.\(SandboxServer.demoZone)/health")
            XCTAssertEqual(viaCNAME.status, 404, "a CNAME to workers.dev must not reach the Worker")
            // ...a Workers Custom Domain does (its certificate is active at once at the instant pace).
            let attached = try await sandbox.cf(.put, "/accounts/\(account)/workers/domains",
                                                ["hostname": .string("shop.\(SandboxServer.demoZone)"), "service": "shop",
                                                 "zone_id": .string(zone), "environment": "production"])
            XCTAssertEqual(attached.status, 200, "\(attached.json)")
            XCTAssertEqual(attached.json["result"]?["zone_name"]?.stringValue, SandboxServer.demoZone)
            XCTAssertNil(attached.json["result"]?["_certificate_active_at"], "private fields stay private")
            let viaDomain = try await sandbox.request(.get, "/workers.dev/shop.\(SandboxServer.demoZone)/health")
            XCTAssertEqual(viaDomain.status, 200)
            XCTAssertEqual(viaDomain.json["script"], "shop")
            // The custom domain holds the hostname: an A record there conflicts, and a hostname with one cannot be attached.
            let taken = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", ["type": "A", "name": "shop", "content": "192.0.2.1", "ttl": 1])
            XCTAssertEqual(taken.json["errors"]?.arrayValue?.first?["code"], 81053)
            let overCNAME = try await sandbox.cf(.put, "/accounts/\(account)/workers/domains",
                                                 ["hostname": .string("cname.\(SandboxServer.demoZone)"), "service": "shop",
                                                  "zone_id": .string(zone), "environment": "production"])
            XCTAssertEqual(overCNAME.status, 409)
            XCTAssertEqual(overCNAME.json["errors"]?.arrayValue?.first?["code"], 100117)
            let unknown = try await sandbox.request(.get, "/workers.dev/nothing.\(SandboxServer.demoZone)/health")
            XCTAssertEqual(unknown.status, 404)

            // Deleting the bucket the Worker binds breaks the smoke check.
            _ = try await sandbox.cf(.delete, "/accounts/\(account)/r2/buckets/shop-assets")
            let broken = try await sandbox.request(.get, "/workers.dev/shop.\(CloudflareStandIn.demoSubdomain).workers.dev/health")
            XCTAssertEqual(broken.status, 500)
            XCTAssertEqual(broken.json["missing_bindings"], ["ASSETS"])

            let del = try await sandbox.cf(.delete, "/accounts/\(account)/workers/scripts/shop")
            XCTAssertEqual(del.status, 200)
            let gone = try await sandbox.cf(.get, "/accounts/\(account)/workers/scripts/shop/settings")
            XCTAssertEqual(gone.json["errors"]?.arrayValue?.first?["code"], 10007)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testZonesDNSRecordsAndCustomHostnames() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let zones = try await sandbox.cf(.get, "/zones?name=\(SandboxServer.demoZone)")
            let zone = try XCTUnwrap(zones.json["result"]?.arrayValue?.first?["id"]?.stringValue)
            let record: JSONValue = ["type": "CNAME", "name": "shop", "content": "shop.techflunky-demo.workers.dev", "proxied": true, "ttl": 1]
            let created = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", record)
            XCTAssertEqual(created.status, 200, "\(created.json)")
            XCTAssertEqual(created.json["result"]?["name"]?.stringValue, "shop.\(SandboxServer.demoZone)")
            let id = try XCTUnwrap(created.json["result"]?["id"]?.stringValue)
            let dup = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", record)
            XCTAssertEqual(dup.json["errors"]?.arrayValue?.first?["code"], 81057)
            let conflict = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", ["type": "A", "name": "shop", "content": "192.0.2.1"])
            XCTAssertEqual(conflict.json["errors"]?.arrayValue?.first?["code"], 81053)
            let badA = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", ["type": "A", "name": "api", "content": "999.1.1.1"])
            XCTAssertEqual(badA.status, 400)

            let lookup = try await sandbox.cf(.get, "/zones/\(zone)/dns_records?type=CNAME&name=shop.\(SandboxServer.demoZone)")
            XCTAssertEqual(lookup.json["result"]?.arrayValue?.first?["id"]?.stringValue, id)
            let patched = try await sandbox.cf(.patch, "/zones/\(zone)/dns_records/\(id)", ["content": "other.techflunky-demo.workers.dev"])
            XCTAssertEqual(patched.json["result"]?["content"], "other.techflunky-demo.workers.dev")
            XCTAssertEqual(patched.json["result"]?["type"], "CNAME")
            let deleted = try await sandbox.cf(.delete, "/zones/\(zone)/dns_records/\(id)")
            XCTAssertEqual(deleted.json["result"]?["id"]?.stringValue, id)
            let gone = try await sandbox.cf(.get, "/zones/\(zone)/dns_records/\(id)")
            XCTAssertEqual(gone.json["errors"]?.arrayValue?.first?["code"], 81044)

            // Custom hostnames are Cloudflare for SaaS: an ordinary zone has no quota for them.
            let host = try await sandbox.cf(.post, "/zones/\(zone)/custom_hostnames", ["hostname": "shop.buyer-brand.com", "ssl": ["method": "http", "type": "dv"]])
            XCTAssertEqual(host.status, 403)
            XCTAssertEqual(host.json["errors"]?.arrayValue?.first?["code"], 1404)

            // CAA and SRV are written through `data`; `content` alone is refused, and the answer renders it.
            let contentOnly = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", ["type": "CAA", "name": "@", "content": "0 issue \"letsencrypt.org\""])
            XCTAssertEqual(contentOnly.status, 400)
            let caa = try await sandbox.cf(.post, "/zones/\(zone)/dns_records",
                                           ["type": "CAA", "name": "@", "data": ["flags": 0, "tag": "issue", "value": "letsencrypt.org"], "ttl": 3600])
            XCTAssertEqual(caa.status, 200, "\(caa.json)")
            XCTAssertEqual(caa.json["result"]?["content"], "0 issue \"letsencrypt.org\"")
            let srv = try await sandbox.cf(.post, "/zones/\(zone)/dns_records",
                                           ["type": "SRV", "name": "_sip._tcp", "data": ["priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com"], "ttl": 1])
            XCTAssertEqual(srv.json["result"]?["priority"], 10)
            // TTL 1 (automatic) or 60–86400: 30 is for Enterprise zones only.
            let ttl30 = try await sandbox.cf(.post, "/zones/\(zone)/dns_records", ["type": "TXT", "name": "t", "content": "x", "ttl": 30])
            XCTAssertEqual(ttl30.json["errors"]?.arrayValue?.first?["code"], 9021)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testRateLimitAnswers429WithRetryAfter() async throws {
        let sandbox = try await LiveSandbox.start(rateLimit: 3)
        do {
            for _ in 0..<3 {
                let ok = try await sandbox.cf(.get, "/accounts/\(account)/tokens/verify")
                XCTAssertEqual(ok.status, 200)
            }
            let limited = try await sandbox.cf(.get, "/accounts/\(account)/d1/database")
            XCTAssertEqual(limited.status, 429)
            XCTAssertEqual(limited.json["errors"]?.arrayValue?.first?["code"], 971)
            let retry = Int(limited.headers.first { $0.name.canonicalName == "retry-after" }?.value ?? "")
            XCTAssertNotNil(retry)
            XCTAssertGreaterThan(retry ?? 0, 0)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testInjectedFaultFailsAWorkerUploadOnceThenItSucceeds() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let added = try await sandbox.sandbox("/sandbox/faults", ["match": "PUT .../workers/scripts/*", "status": 500, "code": 10013, "times": 1, "delayMs": 0])
            XCTAssertEqual(added.status, 201)
            let metadata: JSONValue = ["main_module": "index.js", "compatibility_date": "2024-09-23"]
            let source = "export default { fetch() { return new Response('hi') } }"
            let failed = try await sandbox.uploadWorker(account: account, name: "flaky", metadata: metadata, modules: [("index.js", source)])
            XCTAssertEqual(failed.status, 500)
            XCTAssertEqual(failed.json["errors"]?.arrayValue?.first?["code"], 10013)
            let retried = try await sandbox.uploadWorker(account: account, name: "flaky", metadata: metadata, modules: [("index.js", source)])
            XCTAssertEqual(retried.status, 200)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testTokensAreStoredOnlyAsDigestsAndStateSurvivesRestart() async throws {
        let dir = temporaryDirectory()
        let first = try await LiveSandbox.start(dataDir: dir)
        let token = try first.server.createCloudflareToken(accountId: account)
        let created = try await first.cf(.post, "/accounts/\(account)/d1/database", token: token, ["name": "kept"])
        XCTAssertEqual(created.status, 200)
        await first.stop()
        // Every file the sandbox wrote (database, WAL, D1 files), not only the main database file.
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        XCTAssertTrue(files.contains { $0.lastPathComponent == "sandbox.sqlite" })
        for file in files where !file.hasDirectoryPath {
            let bytes = try Data(contentsOf: file)
            XCTAssertNil(bytes.range(of: Data(token.utf8)), "the token value is in \(file.lastPathComponent)")
            XCTAssertNil(bytes.range(of: Data(SandboxServer.demoCloudflareToken.utf8)), "the demo token is in \(file.lastPathComponent)")
        }
        let second = try await LiveSandbox.start(dataDir: dir)
        do {
            let list = try await second.cf(.get, "/accounts/\(account)/d1/database?name=kept", token: token)
            XCTAssertEqual(list.json["result"]?.arrayValue?.count, 1)
        } catch { XCTFail("\(error)") }
        await second.stop()
    }

    func testResourceSnapshotShowsWhatAnAccountHoldsAndReturnsToEmpty() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let other = try sandbox.server.createCloudflareAccount(name: "Fresh")
            let token = try sandbox.server.createCloudflareToken(accountId: other)
            let before = try await sandbox.server.cloudflareResources(accountId: other)
            let created = try await sandbox.cf(.post, "/accounts/\(other)/d1/database", token: token, ["name": "app-db"])
            let uuid = try XCTUnwrap(created.json["result"]?["uuid"]?.stringValue)
            _ = try await sandbox.cf(.post, "/accounts/\(other)/r2/buckets", token: token, ["name": "app-files"])
            let during = try await sandbox.request(.get, "/sandbox/cloudflare/accounts/\(other)/resources")
            XCTAssertEqual(during.json["d1"], ["app-db"])
            XCTAssertEqual(during.json["r2"], ["app-files"])
            XCTAssertNotEqual(during.json, before)
            _ = try await sandbox.cf(.delete, "/accounts/\(other)/d1/database/\(uuid)", token: token)
            _ = try await sandbox.cf(.delete, "/accounts/\(other)/r2/buckets/app-files", token: token)
            let after = try await sandbox.server.cloudflareResources(accountId: other)
            XCTAssertEqual(after, before)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testMultipartParserReadsPartsAndRejectsGarbage() throws {
        let parts = [MultipartFormData.Part(name: "metadata", filename: nil, contentType: "application/json", body: Data("{\"a\":1}".utf8)),
                     MultipartFormData.Part(name: "index.js", filename: "index.js", contentType: "application/javascript+module",
                                            body: Data("export default {}\r\n--not-a-boundary".utf8))]
        let body = MultipartFormData.encode(parts, boundary: "XyZ")
        let parsed = try MultipartFormData(body: body, contentType: "multipart/form-data; boundary=\"XyZ\"")
        XCTAssertEqual(parsed.parts.map(\.name), ["metadata", "index.js"])
        XCTAssertEqual(parsed.part(named: "index.js")?.body, Data("export default {}\r\n--not-a-boundary".utf8))
        XCTAssertEqual(parsed.part(named: "index.js")?.contentType, "application/javascript+module")
        XCTAssertThrowsError(try MultipartFormData(body: Data("hello".utf8), contentType: "multipart/form-data; boundary=XyZ"))
        XCTAssertThrowsError(try MultipartFormData(body: body, contentType: "application/json"))
    }

    /// Found by the multipart fuzzer (fuzz/targets/multipart.swift): headers whose blank line runs into the next
    /// delimiter made the parser slice a negative range, a trap that would take the whole sandbox down.
    func testHeadersRunningIntoTheNextDelimiterAreMalformedNotACrash() {
        for body in ["--b\r\nX: y\r\n\r\n--b--", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n--b--\r\n",
                     "--b\r\n\r\n\r\n--b--"] {
            XCTAssertThrowsError(try MultipartFormData(body: Data(body.utf8), contentType: "multipart/form-data; boundary=b"), body.debugDescription)
        }
    }
}

final class CloudflarePaceTests: XCTestCase {
    func testRealisticPaceTakesAboutAsLongAsCloudflareAndInstantNothing() {
        let realistic = CloudflarePace.realistic
        XCTAssertEqual(realistic.latency(method: "GET", path: "/client/v4/user/tokens/verify"), 0.25...0.5)
        XCTAssertEqual(realistic.latency(method: "POST", path: "/client/v4/accounts/a/d1/database"), 0.8...1.4)
        XCTAssertEqual(realistic.latency(method: "PUT", path: "/client/v4/accounts/a/workers/scripts/s"), 1.0...3.0)
        XCTAssertGreaterThanOrEqual(realistic.certificateDelay.lowerBound, 10, "a certificate takes tens of seconds")
        for path in ["/client/v4/user/tokens/verify", "/client/v4/accounts/a/d1/database", "/client/v4/accounts/a/workers/scripts/s"] {
            XCTAssertEqual(CloudflarePace.instant.latency(method: "PUT", path: path), 0...0)
        }
        XCTAssertEqual(CloudflarePace(name: "instant"), .instant)
        XCTAssertEqual(CloudflarePace(name: "Realistic"), .realistic)
        XCTAssertNil(CloudflarePace(name: "fast"))
    }

    func testACertificateIsPendingUntilItsDelayHasPassed() async throws {
        let clock = MovableClock()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pace-\(UUID().uuidString)")
        let sandbox = try await LiveSandbox.start(dataDir: dir, clock: clock)
        sandbox.server.setCloudflarePace(.instant(certificateAfter: 60))
        do {
            let account = SandboxServer.demoCloudflareAccountId
            let zones = try await sandbox.cf(.get, "/zones?name=\(SandboxServer.demoZone)")
            let zone = try XCTUnwrap(zones.json["result"]?.arrayValue?.first?["id"]?.stringValue)
            let upload = try await sandbox.uploadWorker(account: account, name: "paced",
                                                        metadata: ["main_module": "index.js", "compatibility_date": "2024-09-23"],
                                                        modules: [("index.js", "export default { fetch() { return new Response('ok') } }")])
            XCTAssertEqual(upload.status, 200, "\(upload.json)")
            _ = try await sandbox.cf(.put, "/accounts/\(account)/workers/domains",
                                     ["hostname": .string("paced.\(SandboxServer.demoZone)"), "service": "paced", "zone_id": .string(zone), "environment": "production"])
            let pending = try await sandbox.request(.get, "/workers.dev/paced.\(SandboxServer.demoZone)/health")
            XCTAssertEqual(pending.status, 525, "no TLS handshake before the certificate is issued")
            clock.advance(by: 61)
            let live = try await sandbox.request(.get, "/workers.dev/paced.\(SandboxServer.demoZone)/health")
            XCTAssertEqual(live.status, 200)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
        try? FileManager.default.removeItem(at: dir)
    }
}
