import Foundation
import XCTest
@testable import TechFlunkyCore

final class PackageManifestValidatorTests: XCTestCase {
    private let validator = PackageManifestValidator(today: "2026-11-26")

    /// Problems of `Fixtures.manifest` after `change`, checked against its bundle files.
    private func problems(files: Set<String>? = Fixtures.manifestFiles, _ change: (inout PackageManifest) -> Void) -> [ManifestProblem] {
        var manifest = Fixtures.manifest
        change(&manifest)
        return validator.validate(manifest, bundleFiles: files)
    }

    private func assertProblem(at path: String, containing text: String? = nil, in problems: [ManifestProblem],
                               file: StaticString = #filePath, line: UInt = #line) {
        let matching = problems.filter { problem in problem.path == path && (text.map { problem.message.contains($0) } ?? true) }
        XCTAssertFalse(matching.isEmpty, "expected a problem at \(path)\(text.map { " mentioning \($0)" } ?? ""); got \(problems)",
                       file: file, line: line)
    }

    func testTheFixtureManifestIsValid() {
        XCTAssertEqual(validator.validate(Fixtures.manifest, bundleFiles: Fixtures.manifestFiles), [])
        XCTAssertEqual(validator.validate(Fixtures.manifest), [])
    }

    func testVersionMustBeSemver() {
        for bad in ["1.0", "v1.0.0", "01.2.3", "1.2.3-", "1.2.3-beta..1", "1.2.3-01", "", "1.2.3.4"] {
            assertProblem(at: "version", containing: "semantic version", in: problems { $0.version = bad })
        }
        for good in ["0.0.1", "1.2.3-beta.1", "10.20.30+build.007", "1.0.0-rc-1+sha.5114f85"] {
            XCTAssertEqual(problems { $0.version = good }, [], good)
        }
    }

    func testSlugRules() {
        for bad in ["ab", "Recipe-Box", "-recipes", "recipes-", "recipe box", "recipé", String(repeating: "a", count: 65)] {
            assertProblem(at: "slug", in: problems { $0.slug = bad })
        }
        XCTAssertEqual(problems { $0.slug = "abc" }, [])
        XCTAssertEqual(problems { $0.slug = String(repeating: "a", count: 64) }, [])
    }

    func testIdAndNameMustBePresent() {
        let found = problems { $0.id = ""; $0.name = "  " }
        assertProblem(at: "id", in: found)
        assertProblem(at: "name", in: found)
        assertProblem(at: "name", containing: "control", in: problems { $0.name = "Recipe\u{1B}[2JBox" })
    }

    func testR2BucketNames() {
        for bad in ["ab", "-photos", "photos-", "Photos", "photos_bucket", String(repeating: "b", count: 64)] {
            let found = problems {
                $0.cloudflare.r2Buckets.append(R2BucketSpec(name: bad))
            }
            assertProblem(at: "cloudflare.r2_buckets[1].name", containing: "3–63", in: found)
        }
        XCTAssertEqual(problems { $0.cloudflare.r2Buckets.append(R2BucketSpec(name: "abc")) }, [])
    }

    func testWorkerAndDatabaseNames() {
        let found = problems {
            $0.cloudflare.workers[0].name = "Recipe API"
            $0.cloudflare.d1Databases[0].name = "-db"
        }
        assertProblem(at: "cloudflare.workers[0].name", containing: "worker script names", in: found)
        assertProblem(at: "cloudflare.d1_databases[0].name", containing: "D1", in: found)
        XCTAssertEqual(problems { $0.cloudflare.workers[0].name = "recipe_api-2"; $0.cloudflare.smokeChecks = nil }, [])
        assertProblem(at: "cloudflare.workers[0].name", in: problems { $0.cloudflare.workers[0].name = String(repeating: "w", count: 64) })
    }

    func testNamesMustBeUnique() {
        let found = problems {
            $0.cloudflare.r2Buckets.append(R2BucketSpec(name: "recipebox-photos"))
            $0.cloudflare.d1Databases.append(D1DatabaseSpec(name: "recipebox-db", migrations: []))
            var twin = $0.cloudflare.workers[0]
            twin.routes = nil
            $0.cloudflare.workers.append(twin)
        }
        assertProblem(at: "cloudflare.r2_buckets[1].name", containing: "unique", in: found)
        assertProblem(at: "cloudflare.d1_databases[1].name", containing: "unique", in: found)
        assertProblem(at: "cloudflare.workers[1].name", containing: "unique", in: found)
    }

    func testAPackageNeedsAWorker() {
        assertProblem(at: "cloudflare.workers", in: problems { $0.cloudflare.workers = []; $0.cloudflare.smokeChecks = [] })
    }

    func testBindingsMustNameDeclaredResourcesOfTheRightType() {
        let found = problems {
            $0.cloudflare.workers[0].bindings = [
                WorkerBinding(type: .d1, name: "DB", database: "recipebox-photos"),
                WorkerBinding(type: .r2Bucket, name: "FILES", bucket: "recipebox-db"),
                WorkerBinding(type: .d1, name: "OTHER"),
                WorkerBinding(type: .plainText, name: "MODE"),
                WorkerBinding(type: .r2Bucket, name: "MIXED", database: "recipebox-db", bucket: "recipebox-photos"),
            ]
        }
        assertProblem(at: "cloudflare.workers[0].bindings[0].database", containing: "recipebox-db", in: found)
        assertProblem(at: "cloudflare.workers[0].bindings[1].bucket", containing: "names no bucket", in: found)
        assertProblem(at: "cloudflare.workers[0].bindings[2].database", containing: "needs `database`", in: found)
        assertProblem(at: "cloudflare.workers[0].bindings[3].text", in: found)
        assertProblem(at: "cloudflare.workers[0].bindings[4].database", containing: "takes no", in: found)
        XCTAssertEqual(found.count, 5, "\(found)")
    }

    func testBindingNamesAreIdentifiersAndUniquePerWorker() {
        let found = problems {
            $0.cloudflare.workers[0].bindings.append(WorkerBinding(type: .plainText, name: "2FAST", text: "x"))
            $0.cloudflare.workers[0].bindings.append(WorkerBinding(type: .plainText, name: "DB", text: "x"))
            $0.cloudflare.workers[0].vars = ["SITE_NAME": "x", "PLAN": "x", "bad-name": "x"]
            $0.cloudflare.workers[0].secrets = ["SESSION_SECRET", "SESSION_SECRET"]
        }
        assertProblem(at: "cloudflare.workers[0].bindings[3].name", containing: "identifier", in: found)
        assertProblem(at: "cloudflare.workers[0].bindings[4].name", containing: "unique", in: found)
        assertProblem(at: "cloudflare.workers[0].vars.PLAN", containing: "already used by cloudflare.workers[0].bindings[2].name", in: found)
        assertProblem(at: "cloudflare.workers[0].vars.bad-name", containing: "identifier", in: found)
        assertProblem(at: "cloudflare.workers[0].secrets[1]", containing: "unique", in: found)
        // The same binding name in two different workers is fine.
        XCTAssertEqual(problems {
            var second = $0.cloudflare.workers[0]
            second.name = "recipebox-cron"
            second.routes = nil
            $0.cloudflare.workers.append(second)
        }, [])
    }

    func testSecretValuesNeverBelongInTheManifest() {
        let found = problems { $0.cloudflare.workers[0].bindings.append(WorkerBinding(type: .secretText, name: "API_KEY", text: "sk_live_x")) }
        assertProblem(at: "cloudflare.workers[0].bindings[3].text", containing: "never", in: found)
    }

    func testPlainTextIsLimitedToFiveKilobytes() {
        let found = problems { $0.cloudflare.workers[0].vars = ["BIG": String(repeating: "x", count: 5 * 1024 + 1)] }
        assertProblem(at: "cloudflare.workers[0].vars.BIG", containing: "5 KB", in: found)
    }

    func testMigrationNamesAndNumbering() {
        func migrations(_ names: [String]) -> [ManifestProblem] {
            let paths = names.map { "migrations/\($0)" }
            return problems(files: nil) { $0.cloudflare.d1Databases[0].migrations = paths }
        }
        let path = "cloudflare.d1_databases[0].migrations"
        XCTAssertEqual(migrations(["0001_init.sql", "0002_tags.sql", "0003_more_tables.sql"]), [])
        XCTAssertEqual(migrations([]), [])
        assertProblem(at: "\(path)[0]", containing: "from 0001", in: migrations(["0002_init.sql"]))
        assertProblem(at: "\(path)[1]", containing: "0002 is missing", in: migrations(["0001_init.sql", "0003_tags.sql"]))
        assertProblem(at: "\(path)[1]", containing: "used twice", in: migrations(["0001_init.sql", "0001_tags.sql"]))
        assertProblem(at: "\(path)[2]", containing: "number order", in: migrations(["0001_a.sql", "0003_c.sql", "0002_b.sql"]))
        for bad in ["init.sql", "1_init.sql", "0001-init.sql", "0001_.sql", "0001_Init.sql", "0001_init.SQL.txt"] {
            assertProblem(at: "\(path)[0]", in: migrations([bad]))
        }
        // A gap is reported once, not once for every later file.
        XCTAssertEqual(migrations(["0001_a.sql", "0003_c.sql", "0004_d.sql"]).count, 1)
    }

    func testDNSRecordTypesAndTTL() {
        let found = problems {
            $0.cloudflare.dnsRecords = [
                DNSRecordSpec(type: "PTR", name: "x", content: "y"),
                DNSRecordSpec(type: "TXT", name: "@", content: "v=spf1 -all", ttl: 30),
                DNSRecordSpec(type: "TXT", name: "_dmarc", content: "v=DMARC1; p=none", ttl: 86_401),
                DNSRecordSpec(type: "TXT", name: "a", content: "ok", ttl: 60),
                DNSRecordSpec(type: "TXT", name: "b", content: "ok", ttl: 86_400),
            ]
        }
        assertProblem(at: "cloudflare.dns_records[0].type", containing: "CAA", in: found)
        assertProblem(at: "cloudflare.dns_records[1].ttl", in: found)
        assertProblem(at: "cloudflare.dns_records[2].ttl", in: found)
        XCTAssertEqual(found.count, 3, "\(found)")
    }

    func testDNSContentMatchesTheRecordType() {
        func record(_ r: DNSRecordSpec) -> [ManifestProblem] { problems { $0.cloudflare.dnsRecords = [r] } }
        let content = "cloudflare.dns_records[0].content"
        XCTAssertEqual(record(DNSRecordSpec(type: "A", name: "legacy", content: "192.0.2.10")), [])
        // The buyer's hostname itself is the Worker's custom domain: no A/AAAA/CNAME may take it.
        assertProblem(at: "cloudflare.dns_records[0].name", containing: "Workers Custom Domain",
                      in: record(DNSRecordSpec(type: "A", name: "@", content: "192.0.2.10")))
        for bad in ["192.0.2", "256.1.1.1", "01.2.3.4", "{{workers_dev}}", "example.com"] {
            assertProblem(at: content, containing: "IPv4", in: record(DNSRecordSpec(type: "A", name: "legacy", content: bad)))
        }
        for good in ["2001:db8::10", "::1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.1"] {
            XCTAssertEqual(record(DNSRecordSpec(type: "AAAA", name: "media", content: good)), [], good)
        }
        for bad in ["2001:db8:::1", "1:2:3:4:5:6:7:8:9", "192.0.2.10", "2001:db8::g"] {
            assertProblem(at: content, containing: "IPv6", in: record(DNSRecordSpec(type: "AAAA", name: "media", content: bad)))
        }
        XCTAssertEqual(record(DNSRecordSpec(type: "CNAME", name: "shop", content: "{{workers_dev}}")), [])
        assertProblem(at: content, containing: "host name", in: record(DNSRecordSpec(type: "CNAME", name: "shop", content: "not a host")))
        assertProblem(at: content, containing: "placeholder", in: record(DNSRecordSpec(type: "CNAME", name: "shop", content: "{{zone}}")))
        XCTAssertEqual(record(DNSRecordSpec(type: "MX", name: "@", content: "mx.example.net", priority: 10)), [])
        assertProblem(at: "cloudflare.dns_records[0].priority", in: record(DNSRecordSpec(type: "MX", name: "@", content: "mx.example.net")))
        assertProblem(at: "cloudflare.dns_records[0].priority", in: record(DNSRecordSpec(type: "TXT", name: "@", content: "x", priority: 1)))
        XCTAssertEqual(record(DNSRecordSpec(type: "CAA", name: "@", content: "0 issue \"letsencrypt.org\"")), [])
        assertProblem(at: content, containing: "CAA", in: record(DNSRecordSpec(type: "CAA", name: "@", content: "0 allow letsencrypt.org")))
        XCTAssertEqual(record(DNSRecordSpec(type: "SRV", name: "_sip._tcp", content: "5 5060 sip.example.com", priority: 10)), [])
        assertProblem(at: content, containing: "SRV", in: record(DNSRecordSpec(type: "SRV", name: "_sip._tcp", content: "5 sip.example.com", priority: 10)))
        assertProblem(at: "cloudflare.dns_records[0].name", containing: "_service._proto",
                      in: record(DNSRecordSpec(type: "SRV", name: "sip", content: "5 5060 sip.example.com", priority: 10)))
        XCTAssertEqual(record(DNSRecordSpec(type: "NS", name: "eu", content: "ns1.example.net")), [])
        assertProblem(at: "cloudflare.dns_records[0].name", containing: "apex", in: record(DNSRecordSpec(type: "NS", name: "@", content: "ns1.example.net")))
        assertProblem(at: "cloudflare.dns_records[0].proxied", in: record(DNSRecordSpec(type: "TXT", name: "@", content: "x", proxied: true)))
        assertProblem(at: "cloudflare.dns_records[0].ttl", containing: "automatic", in: record(DNSRecordSpec(type: "A", name: "@", content: "192.0.2.1", ttl: 300, proxied: true)))
        assertProblem(at: "cloudflare.dns_records[0].name", in: record(DNSRecordSpec(type: "A", name: "bad name", content: "192.0.2.1")))
    }

    func testCNAMECannotShareItsName() {
        let found = problems {
            $0.cloudflare.dnsRecords = [
                DNSRecordSpec(type: "CNAME", name: "www", content: "{{workers_dev}}"),
                DNSRecordSpec(type: "TXT", name: "www", content: "hello"),
            ]
        }
        assertProblem(at: "cloudflare.dns_records[0]", containing: "CNAME", in: found)
    }

    func testCompatibilityDateIsARealDateNotInTheFuture() {
        for bad in ["2024-02-30", "2023-02-29", "2024-13-01", "24-09-23", "2024-9-23", "yesterday", "2024-09-23T00:00:00Z"] {
            assertProblem(at: "cloudflare.workers[0].compatibility_date", containing: "real date",
                          in: problems { $0.cloudflare.workers[0].compatibilityDate = bad })
        }
        XCTAssertEqual(problems { $0.cloudflare.workers[0].compatibilityDate = "2024-02-29" }, [])
        assertProblem(at: "cloudflare.workers[0].compatibility_date", containing: "future",
                      in: problems { $0.cloudflare.workers[0].compatibilityDate = "2026-11-27" })
        XCTAssertEqual(problems { $0.cloudflare.workers[0].compatibilityDate = "2026-11-26" }, [])
    }

    func testReferencedFilesMustExistAndStayInsideTheBundle() {
        let found = problems {
            $0.cloudflare.workers[0].main = "workers/api/missing.js"
            $0.cloudflare.workers[0].modules = ["../secrets.js", "/etc/passwd.js", "workers//lib.js"]
            $0.cloudflare.d1Databases[0].migrations[1] = "migrations/0002_gone.sql"
            $0.businessAssets["pitchDeck"] = "assets/deck.md"
        }
        assertProblem(at: "cloudflare.workers[0].main", containing: "not in the package bundle", in: found)
        assertProblem(at: "cloudflare.workers[0].modules[0]", containing: "..", in: found)
        assertProblem(at: "cloudflare.workers[0].modules[1]", containing: "absolute", in: found)
        assertProblem(at: "cloudflare.workers[0].modules[2]", containing: "empty segments", in: found)
        assertProblem(at: "cloudflare.d1_databases[0].migrations[1]", containing: "not in the package bundle", in: found)
        assertProblem(at: "businessAssets.pitchDeck", containing: "not in the package bundle", in: found)
        assertProblem(at: "cloudflare.workers[0].main", containing: ".js", in: problems { $0.cloudflare.workers[0].main = "workers/api/index.py" })
    }

    func testWithoutABundleFileExistenceIsNotChecked() {
        XCTAssertEqual(problems(files: nil) { $0.cloudflare.workers[0].main = "workers/api/elsewhere.js" }, [])
    }

    func testSmokeChecksNameADeclaredWorker() {
        let found = problems {
            $0.cloudflare.smokeChecks = [
                SmokeCheckSpec(worker: "recipebox-web", path: "/health"),
                SmokeCheckSpec(worker: "recipebox-api", path: "health", expectStatus: 700),
            ]
        }
        assertProblem(at: "cloudflare.smoke_checks[0].worker", containing: "recipebox-api", in: found)
        assertProblem(at: "cloudflare.smoke_checks[1].path", in: found)
        assertProblem(at: "cloudflare.smoke_checks[1].expect_status", in: found)
    }

    func testOnlyOneWorkerHasRoutes() {
        let found = problems {
            var second = $0.cloudflare.workers[0]
            second.name = "recipebox-web"
            $0.cloudflare.workers.append(second)
        }
        assertProblem(at: "cloudflare.workers[1].routes", containing: "only one worker", in: found)
    }

    func testCORSRules() {
        let found = problems {
            $0.cloudflare.r2Buckets[0].cors = [CORSRule(allowed: .init(origins: ["example.com"], methods: ["PATCH"]), maxAgeSeconds: -1)]
        }
        assertProblem(at: "cloudflare.r2_buckets[0].cors[0].allowed.origins[0]", in: found)
        assertProblem(at: "cloudflare.r2_buckets[0].cors[0].allowed.methods[0]", in: found)
        assertProblem(at: "cloudflare.r2_buckets[0].cors[0].maxAgeSeconds", in: found)
    }

    func testEveryProblemIsReportedAtOnce() {
        let found = problems {
            $0.version = "1"
            $0.slug = "X"
            $0.cloudflare.r2Buckets[0].name = "-"
            $0.cloudflare.dnsRecords[0].ttl = 5
        }
        let paths = Set(found.map(\.path))
        XCTAssertTrue(paths.isSuperset(of: ["version", "slug", "cloudflare.r2_buckets[0].name", "cloudflare.dns_records[0].ttl"]), "\(found)")
    }

    func testMessagesShowHostileValuesSafely() {
        let found = problems { $0.slug = "a\u{1B}[31mred" }
        let message = try? XCTUnwrap(found.first { $0.path == "slug" }?.message)
        XCTAssertFalse(message?.contains("\u{1B}") ?? true)
        XCTAssertTrue(message?.contains("\\u{1b}") ?? false, message ?? "")
    }

    // MARK: Decoding

    private func decodeProblems(_ json: String) -> [ManifestProblem] {
        do {
            _ = try PackageManifestValidator.decode(Data(json.utf8))
            XCTFail("expected \(json) to fail")
            return []
        } catch {
            return error.problems
        }
    }

    private func manifestJSON(replacing old: String, with new: String) throws -> String {
        let json = String(decoding: try WireJSON.encode(Fixtures.manifest), as: UTF8.self)
        XCTAssertTrue(json.contains(old), "fixture JSON lacks \(old)")
        return json.replacingOccurrences(of: old, with: new)
    }

    func testDecodingTheFixtureRoundTrips() throws {
        let data = try WireJSON.encode(Fixtures.manifest)
        XCTAssertEqual(try PackageManifestValidator.decode(data), Fixtures.manifest)
        XCTAssertEqual(try validator.decodeAndValidate(data, bundleFiles: Fixtures.manifestFiles), Fixtures.manifest)
    }

    func testMalformedJSONIsAProblemAtTheRoot() {
        let found = decodeProblems(#"{"id": "x", "#)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.path, "")
        XCTAssertTrue(found.first?.message.contains("not valid JSON") ?? false, "\(found)")
    }

    func testMissingKeyNamesItsPath() throws {
        let json = try manifestJSON(replacing: #""compatibility_date":"2024-09-23","#, with: "")
        XCTAssertEqual(decodeProblems(json), [ManifestProblem(path: "cloudflare.workers[0].compatibility_date", message: "is required but missing: a string")])
    }

    func testEveryMissingKeyIsReportedAtOnce() throws {
        var json = try manifestJSON(replacing: #""compatibility_date":"2024-09-23","#, with: "")
        json = json.replacingOccurrences(of: #""version":"1.4.2""#, with: #""unused":"1.4.2""#)
        json = json.replacingOccurrences(of: #""name":"#, with: #""unused":"#)  // every name key
        let found = decodeProblems(json)
        let paths = Set(found.map(\.path))
        XCTAssertTrue(found.allSatisfy { $0.message.hasPrefix("is required but missing: ") }, "\(found)")
        XCTAssertTrue(paths.isSuperset(of: ["version", "name", "cloudflare.workers[0].compatibility_date", "cloudflare.workers[0].name"]),
                      "\(found)")
        XCTAssertEqual(found.count, paths.count, "each missing key once: \(found)")
    }

    func testAWholeMissingObjectIsOneProblemNotOneForEachKeyInside() throws {
        let data = try JSONSerialization.jsonObject(with: WireJSON.encode(Fixtures.manifest)) as! [String: Any]
        var trimmed = data
        trimmed["cloudflare"] = nil
        trimmed["id"] = nil
        let found = decodeProblems(String(decoding: try JSONSerialization.data(withJSONObject: trimmed), as: UTF8.self))
        XCTAssertEqual(Set(found.map(\.path)), ["cloudflare", "id"], "\(found)")
    }

    func testAnotherFileIsNamedForItsOwnErrors() {
        do {
            _ = try PackageManifestValidator.decode(PublishListingRequest.self, from: Data("{ not json".utf8), file: "listing.json")
            XCTFail("expected a problem")
        } catch {
            XCTAssertTrue(error.problems.first?.message.hasPrefix("listing.json is not valid JSON") ?? false, "\(error.problems)")
        }
    }

    func testWrongTypeNamesItsPath() throws {
        let json = try manifestJSON(replacing: #""ttl":3600"#, with: #""ttl":"an hour""#)
        XCTAssertEqual(decodeProblems(json), [ManifestProblem(path: "cloudflare.dns_records[1].ttl", message: "must be a whole number (got a string (\"an hour\"))")])
    }

    func testUnknownBindingTypeListsTheAcceptedOnes() throws {
        let json = try manifestJSON(replacing: #""type":"plain_text""#, with: #""type":"kv_namespace""#)
        let found = decodeProblems(json)
        XCTAssertEqual(found.first?.path, "cloudflare.workers[0].bindings[2].type")
        XCTAssertTrue(found.first?.message.contains("d1, r2_bucket, plain_text, secret_text") ?? false, "\(found)")
    }

    /// The issue's case: a type error, a missing key and five other problems, all seven in one run.
    func testATypeErrorAMissingKeyAndFiveRulesAreAllReportedInOneRun() throws {
        var json = try manifestJSON(replacing: #""ttl":3600"#, with: #""ttl":"an hour""#)                 // type error
        json = json.replacingOccurrences(of: #""compatibility_date":"2024-09-23","#, with: "")           // missing key
        json = json.replacingOccurrences(of: #""version":"1.4.2""#, with: #""version":"1.4""#)           // 1
        json = json.replacingOccurrences(of: #""slug":"recipebox""#, with: #""slug":"Recipe Box""#)      // 2
        json = json.replacingOccurrences(of: #""name":"recipebox-photos""#, with: #""name":"-""#)        // 3 (and the binding naming it: 4)
        json = json.replacingOccurrences(of: #""routes":["/*"]"#, with: #""routes":["*"]"#)             // 5
        let found = validator.problems(in: Data(json.utf8), bundleFiles: Fixtures.manifestFiles)
        let expected: [(String, String)] = [
            ("cloudflare.dns_records[1].ttl", "must be a whole number"),
            ("cloudflare.workers[0].compatibility_date", "is required but missing: a string"),
            ("version", "semantic version"),
            ("slug", "lower-case"),
            ("cloudflare.r2_buckets[0].name", "R2 bucket names"),
            ("cloudflare.workers[0].bindings[1].bucket", "names no bucket"),
            ("cloudflare.workers[0].routes[0]", "starting with `/`"),
        ]
        for (path, text) in expected { assertProblem(at: path, containing: text, in: found) }
        XCTAssertEqual(found.count, 7, "exactly these seven, none twice: \(found)")
    }

    func testAValueOfTheWrongShapeIsNotAlsoReportedByTheRules() throws {
        // `version` a number: one problem (the type), not a second one about semver on the stand-in.
        let json = try manifestJSON(replacing: #""version":"1.4.2""#, with: #""version":142"#)
        let found = validator.problems(in: Data(json.utf8), bundleFiles: Fixtures.manifestFiles)
        XCTAssertEqual(found, [ManifestProblem(path: "version", message: "must be a string (got a number (142))")])
    }

    func testAMissingNameIsNotAlsoAnUnknownReference() throws {
        let json = try manifestJSON(replacing: #","name":"recipebox-db""#, with: "")
        let found = validator.problems(in: Data(json.utf8), bundleFiles: Fixtures.manifestFiles)
        XCTAssertEqual(found.map(\.path), ["cloudflare.d1_databases[0].name"], "\(found)")
    }

    func testTypeErrorsDeepInListsAndMapsNameTheirPath() throws {
        var json = try manifestJSON(replacing: #""SITE_NAME":"RecipeBox""#, with: #""SITE_NAME":7"#)
        json = json.replacingOccurrences(of: #""migrations":["#, with: #""migrations":[null,"#)
        json = json.replacingOccurrences(of: #""proxied":true"#, with: #""proxied":"yes""#)
        let found = validator.problems(in: Data(json.utf8), bundleFiles: Fixtures.manifestFiles)
        assertProblem(at: "cloudflare.workers[0].vars.SITE_NAME", containing: "must be a string (got a number (7))", in: found)
        assertProblem(at: "cloudflare.d1_databases[0].migrations[0]", containing: "must be a string (got null)", in: found)
        assertProblem(at: "cloudflare.dns_records[0].proxied", containing: "must be true or false", in: found)
        XCTAssertEqual(found.count, 3, "\(found)")
    }

    func testADocumentThatIsNotAnObjectIsOneProblem() {
        let found = validator.problems(in: Data("[1, 2]".utf8))
        XCTAssertEqual(found, [ManifestProblem(path: "", message: "must be an object (got a list)")])
    }

    func testDecodeAndValidateThrowsEveryValidationProblem() throws {
        let json = try manifestJSON(replacing: #""version":"1.4.2""#, with: #""version":"one""#)
        do {
            _ = try validator.decodeAndValidate(Data(json.utf8), bundleFiles: Fixtures.manifestFiles)
            XCTFail("expected a validation error")
        } catch {
            XCTAssertEqual(error.problems.map(\.path), ["version"])
            XCTAssertEqual(error.apiError.error.code, APIErrorCode.validation)
            XCTAssertEqual(error.apiError.error.field, "version")
            XCTAssertEqual(error.apiError.error.problems, error.problems)
            XCTAssertTrue(error.description.contains("version: must be a semantic version"), error.description)
        }
    }
}

final class PackageManifestDecodingDefaultsTests: XCTestCase {
    func testTTLAndExpectedStatusHaveDefaults() throws {
        let record = try WireJSON.decode(DNSRecordSpec.self, from: Data(#"{"type":"CNAME","name":"www","content":"{{workers_dev}}"}"#.utf8))
        XCTAssertEqual(record.ttl, 1)
        let smoke = try WireJSON.decode(SmokeCheckSpec.self, from: Data(#"{"worker":"api","path":"/health"}"#.utf8))
        XCTAssertEqual(smoke.expectStatus, 200)
        XCTAssertThrowsError(try WireJSON.decode(SmokeCheckSpec.self, from: Data(#"{"worker":"api"}"#.utf8)))
    }
}
