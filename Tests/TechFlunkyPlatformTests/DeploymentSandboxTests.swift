import Foundation
import GRDB
import Logging
import TechFlunkyCore
import TechFlunkyDemoCatalog
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest

@testable import TechFlunkyPlatform

/// The orchestrator against the Cloudflare stand-in (TechFlunkySandbox) over real loopback HTTP
/// with libcurl: the wire formats, fault injection and the real SQLite files of D1.
final class DeploymentSandboxTests: XCTestCase {
    struct Rig {
        let sandbox: SandboxServer
        let token: String
        let accountId: String
        let deploy: DeploymentTestRig
        let client: CloudflareClient
        let network: DeploymentFaultyTransport
    }

    /// `fast` lifts the per-account pacing (and the stand-in's own limit) so dozens of deployments
    /// into one account finish quickly; the pacing itself is tested in `CloudflareClientTests`.
    func makeRig(fast: Bool = false, pace: CloudflarePace = .instant, accountToken: Bool = false, bundleKey: SecretKey? = nil) async throws -> Rig {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-sbx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var logger = Logger(label: "test.sandbox")
        logger.logLevel = .error
        var sandboxConfiguration = SandboxConfiguration(dataDir: dir.appendingPathComponent("sandbox"), logger: logger)
        if fast { sandboxConfiguration.cloudflareRateLimit = 1_000_000 }
        sandboxConfiguration.cloudflarePace = pace
        let sandbox = try await SandboxServer.start(sandboxConfiguration)
        let accountId = SandboxServer.demoCloudflareAccountId
        let token = accountToken ? try sandbox.createCloudflareAccountToken(accountId: accountId)
            : try sandbox.createCloudflareToken(accountId: accountId)
        let curl = CurlHTTPClient()
        let http = DeploymentFaultyTransport(inner: curl)
        let logs = DeploymentLogCapture()
        let deploy = try DeploymentTestRig.make(
            transport: http, dir: dir.appendingPathComponent("platform"), logs: logs,
            configuration: .init(cloudflareAPIBase: sandbox.cloudflareAPIBase, transport: http,
                                 retry: .init(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05),
                                 rateLimiter: fast ? CloudflareRateLimiter(policy: .init(refillPerSecond: 10_000, capacity: 10_000)) : CloudflareRateLimiter(),
                                 smokeCheck: .init(attempts: 2, delay: 0.01, certificateWait: 30, certificatePoll: 0.1,
                                                   rewrite: DeploymentOrchestrator.sandboxSmokeCheckRewrite(sandboxBaseURL: sandbox.baseURL)),
                                 bundleKey: bundleKey))
        let client = CloudflareClient(baseURL: sandbox.cloudflareAPIBase, accountId: accountId, token: CloudflareAPIToken(token), transport: curl)
        return Rig(sandbox: sandbox, token: token, accountId: accountId, deploy: deploy, client: client, network: http)
    }

    func credentials(_ rig: Rig) -> CloudflareCredentials { CloudflareCredentials(accountId: rig.accountId, apiToken: CloudflareAPIToken(rig.token)) }

    func run(_ rig: Rig, order: String, domain: String? = nil) async throws -> Deployment {
        let d = try await rig.deploy.orchestrator.start(
            DeployRequest(orderId: order, cloudflare: credentials(rig), domain: domain), buyerId: "acct_buyer")
        await rig.deploy.orchestrator.waitUntilIdle(d.id)
        return try await rig.deploy.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
    }

    /// Names of everything in the sandbox account that a deployment can create.
    func inventory(_ rig: Rig, scripts: [String], hostnames: [String] = [], records: [(String, String)] = []) async throws -> [String] {
        var out = try await rig.client.listD1Databases().map { "d1:\($0.name)" }
        out += try await rig.client.listR2Buckets().map { "r2:\($0.name)" }
        for s in scripts where try await rig.client.workerExists(name: s) {
            out.append("worker:\(s)")
            if try await rig.client.workerSubdomainEnabled(script: s) { out.append("dev:\(s)") }
            out += try await rig.client.listWorkerSecrets(script: s).map { "secret:\(s)/\($0.name)" }
        }
        if let zone = try await rig.client.findZone(name: SandboxServer.demoZone) {
            for h in hostnames where try await rig.client.findWorkerDomain(hostname: h) != nil { out.append("host:\(h)") }
            for (type, name) in records { out += try await rig.client.findDNSRecords(zoneId: zone.id, type: type, name: name).map { "dns:\($0.type) \($0.name) \($0.content ?? "")" } }
        }
        return out.sorted()
    }

    /// Bundles to deploy: the test bundle plus every package of the demo catalog.
    func bundles() throws -> [URL] {
        var found: [URL] = []
        let catalog = try XCTUnwrap(DemoCatalog.directory, "the TechFlunkyDemoCatalog resource bundle")
        for entry in (try? FileManager.default.contentsOfDirectory(at: catalog, includingPropertiesForKeys: nil)) ?? [] {
            if FileManager.default.fileExists(atPath: entry.appendingPathComponent("techflunky.json").path) { found.append(entry) }
        }
        return found.sorted { $0.path < $1.path }
    }

    func testEveryDemoPackageDeploysAndItsMigrationsRanInTheSQLiteFile() async throws {
        let rig = try await makeRig(fast: true)
        defer { Task { await rig.sandbox.stop() } }
        var dirs = try bundles()
        let own = rig.deploy.dir.appendingPathComponent("bundle-test")
        try DeploymentTestBundle.write(to: own)
        dirs.insert(own, at: 0)
        for (i, dir) in dirs.enumerated() {
            let orderId = "ord_\(String(format: "%04d", i))demo\(UUID().uuidString.prefix(4).lowercased())"
            let manifest = try DeploymentPackage.load(from: dir).manifest
            await rig.deploy.orders.add(DeployableOrder(id: orderId, buyerId: "acct_buyer", listingSlug: manifest.slug, state: .paid, bundleDirectory: dir))
            // Each on a hostname of the demo zone, so its custom domain and every DNS record (CAA through `data`) are made.
            let d = try await run(rig, order: orderId, domain: "pkg\(i).\(SandboxServer.demoZone)")
            XCTAssertEqual(d.state, .succeeded, "\(manifest.slug): \(d.lastMessage ?? "")")
            XCTAssertTrue(d.resources.contains { $0.kind == "worker_domain" && $0.name == "pkg\(i).\(SandboxServer.demoZone)" }, manifest.slug)
            XCTAssertEqual(d.resources.filter { $0.kind == "dns_record" }.count,
                           manifest.cloudflare.dnsRecords.filter { !($0.type == "CNAME" && $0.content == "{{workers_dev}}") }.count, manifest.slug)
            for spec in manifest.cloudflare.d1Databases {
                let name = DeploymentNaming.resourceName(namespace: DeploymentNaming.namespace(orderId: orderId), name: spec.name)
                let resource = try XCTUnwrap(d.resources.first { $0.kind == "d1_database" && $0.name == name }, "\(manifest.slug): \(name)")
                let file = rig.sandbox.d1DatabaseFile(uuid: resource.id)
                let queue = try DatabaseQueue(path: file.path)
                let applied = try await queue.read { try String.fetchAll($0, sql: "SELECT name FROM d1_migrations ORDER BY id") }
                XCTAssertEqual(applied, spec.migrations.map { DeploymentMigrations.name(of: $0) }, "\(manifest.slug): \(name)")
                let tables = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT IN ('d1_migrations', 'sqlite_sequence')") ?? 0 }
                if !spec.migrations.isEmpty { XCTAssertGreaterThan(tables, 0, "\(manifest.slug): the migrations created tables") }
                try queue.close()
            }
        }
    }

    /// A bundle installed with a key lies sealed on disk, and a deployment still gets its real content: the
    /// migrations ran in the D1 file and the uploaded Worker is the seller's code.
    func testSealedBundleIsNotInTheClearOnDiskAndDeploysItsRealContent() async throws {
        let key = SecretKey.generate()
        let rig = try await makeRig(fast: true, bundleKey: key)
        defer { Task { await rig.sandbox.stop() } }
        let source = rig.deploy.dir.appendingPathComponent("bundle-source")
        try DeploymentTestBundle.write(to: source)
        let store = PackageStore(dataDir: rig.deploy.dir.appendingPathComponent("data").path, key: key)
        try store.install(slug: "shop", from: source)
        let stored = store.bundleDirectory(slug: "shop")
        let paths = ["migrations/0001_init.sql", "migrations/0002_plans.sql", "workers/api/index.js", "workers/api/lib/ok.js"]
        for path in paths {
            let plain = try Data(contentsOf: source.appendingPathComponent(path))
            let onDisk = try Data(contentsOf: stored.appendingPathComponent(path))
            XCTAssertNil(onDisk.range(of: plain), "\(path) is not in the clear")
            XCTAssertNil(onDisk.range(of: Data(String(decoding: plain, as: UTF8.self).prefix(12).utf8)), "\(path): not even its start")
            XCTAssertEqual(SealedBundleFile.keyId(of: onDisk), key.id, path)
            let mode = (try FileManager.default.attributesOfItem(atPath: stored.appendingPathComponent(path).path)[.posixPermissions] as? NSNumber)?.intValue
            XCTAssertEqual(mode, 0o600, path)
        }
        XCTAssertEqual(try store.census(), PackageStore.SealingCensus(plain: 0, sealed: [key.id: paths.count]))
        // The manifest stays readable: the listing's page publishes it.
        XCTAssertEqual(try store.manifest(slug: "shop").slug, "shop")

        await rig.deploy.orders.add(DeployableOrder(id: "ord_sealed0001", buyerId: "acct_buyer", listingSlug: "shop", state: .paid, bundleDirectory: stored))
        let d = try await run(rig, order: "ord_sealed0001")
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        let database = try XCTUnwrap(d.resources.first { $0.kind == "d1_database" })
        let queue = try DatabaseQueue(path: rig.sandbox.d1DatabaseFile(uuid: database.id).path)
        let columns = try await queue.read { try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('customers') ORDER BY cid") }
        XCTAssertEqual(columns, ["id", "email", "plan"], "both sealed migrations ran as the seller wrote them")
        try queue.close()
        // What the stand-in stored of the upload, read from its own database (its script download answers with a
        // content type Cloudflare's document does not list, which the contract check would count against us).
        let script = try XCTUnwrap(d.resources.first { $0.kind == "worker_script" }).name
        let standIn = try DatabaseQueue(path: rig.deploy.dir.deletingLastPathComponent().appendingPathComponent("sandbox/sandbox.sqlite").path)
        let scriptJSON = try await standIn.read { try Data.fetchOne($0, sql: "SELECT json FROM cf_object WHERE kind = 'script' AND name = ?", arguments: [script]) }
        try standIn.close()
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(scriptJSON)) as? [String: Any])
        let modules = try XCTUnwrap(object["modules"] as? [[String: Any]])
        var uploaded: [Data] = []
        for module in modules {
            if let content = module["content"] as? String, let bytes = Data(base64Encoded: content) { uploaded.append(bytes) }
        }
        XCTAssertEqual(uploaded.count, 2, "both modules were uploaded")
        for path in ["workers/api/index.js", "workers/api/lib/ok.js"] {
            let plain = try Data(contentsOf: source.appendingPathComponent(path))
            XCTAssertTrue(uploaded.contains(plain), "\(path): the Worker module is the seller's code, opened")
        }
    }

    /// A platform started with another key (or none) refuses a sealed bundle before it creates anything, and says
    /// which key the bundle needs.
    func testSealedBundleWithTheWrongKeyIsRefusedWithTheKeysNamed() async throws {
        let sealing = SecretKey.generate(), other = SecretKey.generate()
        let rig = try await makeRig(fast: true, bundleKey: other)
        defer { Task { await rig.sandbox.stop() } }
        let source = rig.deploy.dir.appendingPathComponent("bundle-source")
        try DeploymentTestBundle.write(to: source)
        let store = PackageStore(dataDir: rig.deploy.dir.appendingPathComponent("data").path, key: sealing)
        try store.install(slug: "shop", from: source)
        await rig.deploy.orders.add(DeployableOrder(id: "ord_wrongkey01", buyerId: "acct_buyer", listingSlug: "shop", state: .paid,
                                                    bundleDirectory: store.bundleDirectory(slug: "shop")))
        do {
            _ = try await rig.deploy.orchestrator.start(DeployRequest(orderId: "ord_wrongkey01", cloudflare: credentials(rig)), buyerId: "acct_buyer")
            XCTFail("a bundle sealed with another key must be refused")
        } catch let error as DeploymentError {
            XCTAssertTrue(error.description.contains("sealed with key \(sealing.id)"), error.description)
            XCTAssertTrue(error.description.contains("platform's key is \(other.id)"), error.description)
        }
        let account = try await rig.sandbox.cloudflareResources(accountId: rig.accountId)
        XCTAssertEqual(account["workers"]?.arrayValue ?? [], [], "nothing was created")
        XCTAssertThrowsError(try DeploymentPackage.load(from: store.bundleDirectory(slug: "shop"))) { error in
            XCTAssertTrue("\(error)".contains("the platform has no key"), "\(error)")
        }
        // A flipped byte in a sealed file is named as damage, not as a wrong key.
        let migration = store.bundleDirectory(slug: "shop").appendingPathComponent("migrations/0001_init.sql")
        var bytes = try Data(contentsOf: migration)
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: migration)
        let package = try DeploymentPackage.load(from: store.bundleDirectory(slug: "shop"), key: sealing)
        XCTAssertThrowsError(try package.file("migrations/0001_init.sql")) { error in
            XCTAssertTrue("\(error)".contains("was changed or damaged"), "\(error)")
        }
        XCTAssertEqual(String(decoding: try package.file("workers/api/lib/ok.js"), as: UTF8.self), "export const ok = () => new Response('ok');")
    }

    func testFaultAtEachStepThenRetrySucceedsWithNoDuplicateResource() async throws {
        let rig = try await makeRig(fast: true)
        defer { Task { await rig.sandbox.stop() } }
        let faults: [(DeploymentStepKind, String)] = [
            (.verifyCredentials, "GET /accounts/*"),
            (.createDatabases, "POST /accounts/*/d1/database/*/query"),
            (.createBuckets, "POST /accounts/*/r2/buckets"),
            (.uploadWorkers, "PUT /accounts/*/workers/scripts/*"),
            (.configureDomain, "PUT /accounts/*/workers/domains"),
            (.configureDNS, "POST /zones/*/dns_records"),
            (.configureEnvironment, "PUT /accounts/*/workers/scripts/*/secrets"),
            (.postDeploy, "network:/workers.dev/"),
        ]
        for (i, (step, match)) in faults.enumerated() {
            let orderId = "ord_\(String(format: "%02d", i))fault\(UUID().uuidString.prefix(4).lowercased())"
            try await rig.deploy.addPaidOrder(orderId)
            let ns = DeploymentNaming.namespace(orderId: orderId)
            let domain = "shop\(i).\(SandboxServer.demoZone)"
            rig.sandbox.faults.clear()
            if match.hasPrefix("network:") {
                rig.network.arm(String(match.dropFirst("network:".count)))
            } else {
                rig.sandbox.injectFault(SandboxFault(match: match, status: 500, code: 10013, message: "injected", times: nil))
            }
            let failed = try await run(rig, order: orderId, domain: domain)
            XCTAssertEqual(failed.state, .failed, "\(step)")
            XCTAssertEqual(failed.step(step)?.state, .failed, "\(step): \(failed.lastMessage ?? "")")
            rig.sandbox.faults.clear()
            rig.network.arm(nil)
            _ = try await rig.deploy.orchestrator.retry(deploymentId: failed.id, buyerId: "acct_buyer", credentials: credentials(rig))
            await rig.deploy.orchestrator.waitUntilIdle(failed.id)
            let done = try await rig.deploy.orchestrator.deployment(id: failed.id, buyerId: "acct_buyer")
            XCTAssertEqual(done.state, .succeeded, "\(step): \(done.lastMessage ?? "")")
            let mine = try await inventory(rig, scripts: ["\(ns)-api"], hostnames: [domain], records: [("CNAME", "www.\(domain)")])
                .filter { $0.contains(ns) || $0.contains(domain) }
            XCTAssertEqual(mine, ["d1:\(ns)-main", "dev:\(ns)-api", "dns:CNAME www.\(domain) \(domain)", "host:\(domain)",
                                  "r2:\(ns)-assets", "secret:\(ns)-api/SESSION_SECRET", "worker:\(ns)-api"], "\(step)")
            let frozen = await rig.deploy.orders.frozen[orderId]
            XCTAssertNil(frozen, "\(step): success lifts any freeze")
        }
    }

    func testRollbackLeavesTheSandboxAccountAsItWas() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        let orderId = "ord_rollback01"
        try await rig.deploy.addPaidOrder(orderId)
        let ns = DeploymentNaming.namespace(orderId: orderId)
        let domain = "rb.\(SandboxServer.demoZone)"
        let probe: () async throws -> [String] = {
            try await self.inventory(rig, scripts: ["\(ns)-api"], hostnames: [domain], records: [("CNAME", "www.\(domain)")])
        }
        let before = try await probe()
        let d = try await run(rig, order: orderId, domain: domain)
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        let during = try await probe()
        XCTAssertNotEqual(during, before)
        _ = try await rig.deploy.orchestrator.rollback(deploymentId: d.id, buyerId: "acct_buyer", credentials: credentials(rig))
        await rig.deploy.orchestrator.waitUntilIdle(d.id)
        let rolled = try await rig.deploy.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
        XCTAssertEqual(rolled.state, .rolledBack, rolled.lastMessage ?? "")
        let after = try await probe()
        XCTAssertEqual(after, before)
    }

    /// The switch an update made lives in the store, not in the process: an orchestrator started afresh over the same
    /// database (a restart) rolls the finished update back and the Worker serves the version it served before.
    func testARollbackOfAFinishedUpdateAfterARestartServesThePreviousWorkerVersionAgain() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        let orderId = "ord_updrestart1"
        try await rig.deploy.addPaidOrder(orderId)
        let domain = "upd.\(SandboxServer.demoZone)"
        let first = try await run(rig, order: orderId, domain: domain)
        XCTAssertEqual(first.state, .succeeded, first.lastMessage ?? "")
        let script = "\(DeploymentNaming.namespace(orderId: orderId))-api"
        let before = try await rig.client.activeWorkerVersion(script: script)
        XCTAssertNotNil(before)

        // 1.1.0: the Worker's code changes.
        let bundle = rig.deploy.dir.appendingPathComponent("bundle-\(orderId)")
        let manifestURL = bundle.appendingPathComponent("techflunky.json")
        var manifest = try JSONDecoder().decode(PackageManifest.self, from: Data(contentsOf: manifestURL))
        manifest.version = "1.1.0"
        try JSONEncoder().encode(manifest).write(to: manifestURL)
        try "export const ok = () => new Response('ok, 1.1.0');".write(
            to: bundle.appendingPathComponent("workers/api/lib/ok.js"), atomically: true, encoding: .utf8)
        let started = try await rig.deploy.orchestrator.update(deploymentId: first.id, buyerId: "acct_buyer", credentials: credentials(rig))
        await rig.deploy.orchestrator.waitUntilIdle(started.id)
        let updated = try await rig.deploy.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
        XCTAssertEqual(updated.state, .succeeded, updated.lastMessage ?? "")
        XCTAssertEqual(updated.resources.filter { $0.kind == "worker_version" }.map(\.id), ["\(script)/\(before ?? "?")"])
        let during = try await rig.client.activeWorkerVersion(script: script)
        XCTAssertNotEqual(during, before)

        // A fresh orchestrator and store over the same database file.
        let restarted = try DeploymentTestRig.make(
            transport: rig.network, dir: rig.deploy.dir, orders: rig.deploy.orders,
            configuration: .init(cloudflareAPIBase: rig.sandbox.cloudflareAPIBase, transport: rig.network,
                                 retry: .init(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)))
        _ = try await restarted.orchestrator.rollback(deploymentId: updated.id, buyerId: "acct_buyer", credentials: credentials(rig))
        await restarted.orchestrator.waitUntilIdle(updated.id)
        let rolled = try await restarted.orchestrator.deployment(id: updated.id, buyerId: "acct_buyer")
        XCTAssertEqual(rolled.state, .rolledBack, rolled.lastMessage ?? "")
        XCTAssertEqual(rolled.lastMessage, "Rolled back: 1 Worker serves its previous version again")
        let after = try await rig.client.activeWorkerVersion(script: script)
        XCTAssertEqual(after, before, "the Worker serves its 1.0.0 version again")
        let base = try await restarted.orchestrator.deployment(id: first.id, buyerId: "acct_buyer")
        XCTAssertEqual(base.state, .succeeded)
        let stays = try await rig.client.workerExists(name: script)
        XCTAssertTrue(stays, "the Worker 1.0.0 created stays")
    }

    func testTokenAppearsNowhereAfterADeployment() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        try await rig.deploy.addPaidOrder("ord_secret0001")
        let d = try await run(rig, order: "ord_secret0001")
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        let events = try await rig.deploy.store.events(deploymentId: d.id, after: 0)
        XCTAssertFalse(String(decoding: try WireJSON.encode(events), as: UTF8.self).contains(rig.token))
        try rig.deploy.queue.close()
        let needle = Data(rig.token.utf8)
        let files = FileManager.default.enumerator(at: rig.deploy.dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        XCTAssertTrue(files.contains { $0.lastPathComponent == "platform.sqlite" })
        for file in files {
            XCTAssertNil(((try? Data(contentsOf: file)) ?? Data()).range(of: needle), "token in \(file.path)")
        }
        XCTAssertFalse(rig.deploy.logs.text.contains(rig.token))
    }

    // MARK: The real service's rules

    func events(_ rig: Rig, _ id: String) async throws -> [DeploymentEvent] {
        try await rig.deploy.store.events(deploymentId: id, after: 0)
    }

    func testCustomDomainIsAttachedAndProvisionedUntilItsCertificateThenLive() async throws {
        let rig = try await makeRig(pace: .instant(certificateAfter: 2))
        defer { Task { await rig.sandbox.stop() } }
        try await rig.deploy.addPaidOrder("ord_domain0001")
        let domain = "shop.\(SandboxServer.demoZone)"
        let d = try await run(rig, order: "ord_domain0001", domain: domain)
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        XCTAssertEqual(d.url, "https://\(domain)")
        let attached = try await rig.client.findWorkerDomain(hostname: domain)
        XCTAssertEqual(attached?.service, DeploymentNaming.resourceName(namespace: DeploymentNaming.namespace(orderId: "ord_domain0001"), name: "api"))
        XCTAssertTrue(d.resources.contains { $0.kind == "worker_domain" && $0.name == domain && $0.created })
        let all = try await events(rig, d.id)
        let states = all.compactMap { $0.kind == .deployment ? $0.state : nil }
        let provisioned = try XCTUnwrap(states.firstIndex(of: .provisioned), "\(states)")
        XCTAssertEqual(states.last, .succeeded)
        XCTAssertLessThan(provisioned, states.lastIndex(of: .succeeded)!)
        XCTAssertTrue(all.contains { $0.step == .postDeploy && $0.stepState == .waiting }, "the wait is a step state")
        XCTAssertFalse(all.contains { $0.stepState == .failed }, "waiting for a certificate is not a failure")
        // Rollback detaches the custom domain.
        _ = try await rig.deploy.orchestrator.rollback(deploymentId: d.id, buyerId: "acct_buyer", credentials: credentials(rig))
        await rig.deploy.orchestrator.waitUntilIdle(d.id)
        let gone = try await rig.client.findWorkerDomain(hostname: domain)
        XCTAssertNil(gone)
    }

    func testAccountOwnedTokenIsVerifiedAtItsAccount() async throws {
        let rig = try await makeRig(accountToken: true)
        defer { Task { await rig.sandbox.stop() } }
        try await rig.deploy.addPaidOrder("ord_acctok0001")
        let d = try await run(rig, order: "ord_acctok0001")
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
    }

    func testWrongAccountIdIsNamedAsSuchNotAsAMissingPermission() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        let other = try rig.sandbox.createCloudflareAccount(name: "Someone else")
        let orderId = "ord_wrongacct01"
        try await rig.deploy.addPaidOrder(orderId)
        let started = try await rig.deploy.orchestrator.start(
            DeployRequest(orderId: orderId, cloudflare: CloudflareCredentials(accountId: other, apiToken: CloudflareAPIToken(rig.token))), buyerId: "acct_buyer")
        await rig.deploy.orchestrator.waitUntilIdle(started.id)
        let d = try await rig.deploy.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
        XCTAssertEqual(d.step(.verifyCredentials)?.state, .failed)
        let message = d.step(.verifyCredentials)?.message ?? ""
        XCTAssertTrue(message.contains("not an account this token can reach"), message)
        XCTAssertTrue(message.contains(SandboxServer.demoCloudflareAccountId), "names the account the token reaches: \(message)")
        XCTAssertFalse(message.contains("lacks"), message)
    }

    func testDomainOutsideTheAccountsZonesNamesTheZones() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        try await rig.deploy.addPaidOrder("ord_nozone0001")
        let d = try await run(rig, order: "ord_nozone0001", domain: "shop.example.com")
        XCTAssertEqual(d.step(.verifyCredentials)?.state, .failed)
        let message = d.step(.verifyCredentials)?.message ?? ""
        XCTAssertTrue(message.contains("its zones are \(SandboxServer.demoZone)"), message)
    }

    func testTokenThatCanReadButNotWriteR2FailsBeforeAnythingIsCreated() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        var permissions = CloudflarePermission.deployment
        permissions.remove(.r2Write)
        permissions.insert(.r2Read)
        let token = try rig.sandbox.createCloudflareToken(accountId: rig.accountId, permissions: permissions)
        let before = try await rig.sandbox.cloudflareResources(accountId: rig.accountId)
        try await rig.deploy.addPaidOrder("ord_readonly01")
        let started = try await rig.deploy.orchestrator.start(
            DeployRequest(orderId: "ord_readonly01", cloudflare: CloudflareCredentials(accountId: rig.accountId, apiToken: CloudflareAPIToken(token))), buyerId: "acct_buyer")
        await rig.deploy.orchestrator.waitUntilIdle(started.id)
        let d = try await rig.deploy.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
        XCTAssertEqual(d.step(.verifyCredentials)?.state, .failed, d.lastMessage ?? "")
        XCTAssertTrue(d.lastMessage?.contains("Workers R2 Storage: Edit") ?? false, d.lastMessage ?? "")
        XCTAssertEqual(d.step(.createDatabases)?.state, .pending)
        let after = try await rig.sandbox.cloudflareResources(accountId: rig.accountId)
        XCTAssertEqual(after, before, "nothing was created")
    }

    func testAPermissionRefusedAfterResourcesWereMadeRemovesThem() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        let before = try await rig.sandbox.cloudflareResources(accountId: rig.accountId)
        try await rig.deploy.addPaidOrder("ord_refused001")
        rig.sandbox.injectFault(SandboxFault(match: "PUT /accounts/*/workers/scripts/*/secrets", status: 403, code: 10000,
                                             message: "Authentication error", times: nil))
        let d = try await run(rig, order: "ord_refused001")
        XCTAssertEqual(d.state, .failed)
        XCTAssertEqual(d.step(.configureEnvironment)?.state, .failed)
        XCTAssertTrue(d.lastMessage?.contains("Workers Scripts: Edit") ?? false, d.lastMessage ?? "")
        XCTAssertTrue(d.lastMessage?.contains("was removed") ?? false, d.lastMessage ?? "")
        XCTAssertEqual(d.resources, [])
        let after = try await rig.sandbox.cloudflareResources(accountId: rig.accountId)
        XCTAssertEqual(after, before, "the account is as it was")
        // Fixed, a retry starts over and finishes.
        rig.sandbox.faults.clear()
        _ = try await rig.deploy.orchestrator.retry(deploymentId: d.id, buyerId: "acct_buyer", credentials: credentials(rig))
        await rig.deploy.orchestrator.waitUntilIdle(d.id)
        let done = try await rig.deploy.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
        XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
    }

    func testCAARecordsAreWrittenThroughData() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        let found = try await rig.client.findZone(name: SandboxServer.demoZone)
        let zone = try XCTUnwrap(found)
        let input = try XCTUnwrap(CloudflareDNSRecordInput.fromPackage(type: "CAA", name: "caa.\(SandboxServer.demoZone)",
                                                                       content: "0 issue \"letsencrypt.org\"", ttl: 3600, proxied: nil, priority: nil))
        XCTAssertNil(input.content, "content is read-only for CAA")
        let made = try await rig.client.createDNSRecord(zoneId: zone.id, input)
        XCTAssertEqual(made.content, "0 issue \"letsencrypt.org\"")
        XCTAssertTrue(input.matches(made))
    }

    func testGeneratedSecretsAreShownOnceAndWrittenNowhere() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        try await rig.deploy.addPaidOrder("ord_secrets001")
        let d = try await run(rig, order: "ord_secrets001")
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        XCTAssertTrue(d.lastMessage?.contains("1 generated secret is ready to be shown once") ?? false, d.lastMessage ?? "")
        let first = try await rig.deploy.orchestrator.revealSecrets(deploymentId: d.id, buyerId: "acct_buyer")
        guard case let .secrets(secrets) = first else { return XCTFail("\(first)") }
        XCTAssertEqual(secrets.map(\.name), ["SESSION_SECRET"])
        let value = try XCTUnwrap(secrets.first?.value)
        XCTAssertEqual(value.count, 64)
        XCTAssertFalse("\(secrets)".contains(value), "a printed secret does not show its value")
        let second = try await rig.deploy.orchestrator.revealSecrets(deploymentId: d.id, buyerId: "acct_buyer")
        XCTAssertEqual(second, .gone, "shown once")
        do {
            _ = try await rig.deploy.orchestrator.revealSecrets(deploymentId: d.id, buyerId: "someone_else")
            XCTFail("only the buyer")
        } catch {}
        // Nowhere on disk (platform and stand-in data, both under the rig's directory) and in no log line.
        try rig.deploy.queue.close()
        let needle = Data(value.utf8)
        let root = rig.deploy.dir.deletingLastPathComponent()
        for file in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap({ $0 as? URL }) ?? [] {
            XCTAssertNil(((try? Data(contentsOf: file)) ?? Data()).range(of: needle), "secret in \(file.path)")
        }
        XCTAssertFalse(rig.deploy.logs.text.contains(value))
    }

    func testARetryCanCorrectTheAccountIdAndTheDomain() async throws {
        let rig = try await makeRig()
        defer { Task { await rig.sandbox.stop() } }
        let other = try rig.sandbox.createCloudflareAccount(name: "Typo")
        try await rig.deploy.addPaidOrder("ord_correct001")
        let started = try await rig.deploy.orchestrator.start(
            DeployRequest(orderId: "ord_correct001", cloudflare: CloudflareCredentials(accountId: other, apiToken: CloudflareAPIToken(rig.token)),
                          domain: "shop.example.com"), buyerId: "acct_buyer")
        await rig.deploy.orchestrator.waitUntilIdle(started.id)
        let wrong = try await rig.deploy.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
        XCTAssertEqual(wrong.state, .failed)
        // Both corrected in the retry: the right account and a hostname in its zone.
        let domain = "fixed.\(SandboxServer.demoZone)"
        _ = try await rig.deploy.orchestrator.retry(deploymentId: started.id, buyerId: "acct_buyer", credentials: credentials(rig), domain: domain)
        await rig.deploy.orchestrator.waitUntilIdle(started.id)
        let done = try await rig.deploy.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
        XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
        XCTAssertEqual(done.accountId, rig.accountId)
        XCTAssertEqual(done.url, "https://\(domain)")
        // Once the domain is attached, moving to another needs a rollback first; so does another account.
        do {
            _ = try await rig.deploy.orchestrator.retry(deploymentId: started.id, buyerId: "acct_buyer", credentials: credentials(rig),
                                                       domain: "else.\(SandboxServer.demoZone)")
            XCTFail("a succeeded deployment is not retried, and an attached domain is not moved")
        } catch {}
    }
}
