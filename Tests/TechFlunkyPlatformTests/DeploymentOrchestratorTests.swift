import Foundation
import GRDB
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

@testable import TechFlunkyPlatform

/// The orchestrator against an in-memory Cloudflare account (`CloudflareFakeAccount`) and a real
/// SQLite store.
final class DeploymentOrchestratorTests: XCTestCase {
    let token = "cf-test-token-0123456789abcdefSECRET"

    func request(_ orderId: String = "ord_7f3a9c21e4", account: String = "0123456789abcdef0123456789abcdef", domain: String? = nil) -> DeployRequest {
        DeployRequest(orderId: orderId, cloudflare: CloudflareCredentials(accountId: account, apiToken: CloudflareAPIToken(token)), domain: domain)
    }

    var credentials: CloudflareCredentials { CloudflareCredentials(accountId: "0123456789abcdef0123456789abcdef", apiToken: CloudflareAPIToken(token)) }

    func deploy(_ rig: DeploymentTestRig, domain: String? = nil, order: String = "ord_7f3a9c21e4") async throws -> Deployment {
        let d = try await rig.orchestrator.start(request(order, domain: domain), buyerId: "acct_buyer")
        await rig.orchestrator.waitUntilIdle(d.id)
        return try await rig.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
    }

    func assertSequential(_ rig: DeploymentTestRig, _ d: Deployment, file: StaticString = #filePath, line: UInt = #line) async throws {
        let events = try await rig.store.events(deploymentId: d.id, after: 0)
        XCTAssertEqual(events.map(\.seq), Array(1...d.lastEventId), "events numbered without gaps", file: file, line: line)
    }

    func testDeploysAllStepsAndReallyRunsTheMigrations() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let d = try await deploy(rig)
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        XCTAssertEqual(d.steps.map(\.kind), DeploymentStepKind.allCases)
        XCTAssertEqual(d.steps.filter { $0.state == .succeeded }.count, 8)
        XCTAssertEqual(d.step(.configureDNS)?.state, .skipped, "no domain, no DNS")
        XCTAssertEqual(d.url, "https://tf-7f3a9c21-api.buyer.workers.dev")
        try await assertSequential(rig, d)

        let db = try XCTUnwrap(cf.database(named: "tf-7f3a9c21-main"))
        let migrations = try await db.read { try String.fetchAll($0, sql: "SELECT name FROM d1_migrations ORDER BY id") }
        XCTAssertEqual(migrations, ["0001_init.sql", "0002_plans.sql"])
        let columns = try await db.read { try Row.fetchAll($0, sql: "PRAGMA table_info(customers)").map { $0["name"] as String } }
        XCTAssertEqual(columns, ["id", "email", "plan"])
        XCTAssertEqual(cf.inventory, ["d1:tf-7f3a9c21-main", "r2:tf-7f3a9c21-assets", "secret:tf-7f3a9c21-api/SESSION_SECRET",
                                      "worker:tf-7f3a9c21-api+dev"])
        let unfreezes = await rig.orders.unfreezes
        XCTAssertEqual(unfreezes, ["ord_7f3a9c21e4"])
    }

    func testCustomDomainGetsHostnameAndDNSRecords() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let d = try await deploy(rig, domain: "Shop.Example-Buyer.dev")
        XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
        XCTAssertEqual(d.url, "https://shop.example-buyer.dev")
        XCTAssertTrue(cf.inventory.contains("host:shop.example-buyer.dev"))
        XCTAssertTrue(cf.inventory.contains("dns:CNAME www.shop.example-buyer.dev"))
    }

    /// A bucket made between our look-up and our create answers "exists" with 10004 or R2's 10073: adopted either way.
    func testBucketThatExistsIsAdoptedWhicheverCodeSaysSo() async throws {
        for code in [10004, 10073] {
            let cf = CloudflareFakeAccount(token: token)
            cf.bucketExistsCode = code
            cf.addBucket("tf-7f3a9c21-assets")
            cf.inject("GET", "/r2/buckets/tf-7f3a9c21-assets", status: 404, code: 10006, times: 1)
            let rig = try DeploymentTestRig.make(transport: cf)
            try await rig.addPaidOrder()
            let d = try await deploy(rig)
            XCTAssertEqual(d.state, .succeeded, "\(code): \(d.lastMessage ?? "")")
            XCTAssertEqual(d.resources.first { $0.kind == "r2_bucket" }?.created, false, "\(code): adopted, not created")
        }
    }

    func testDeployingTwiceAdoptsInsteadOfDuplicating() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        _ = try await deploy(rig, domain: "shop.example-buyer.dev")
        let after = cf.inventory
        let again = try await deploy(rig, domain: "shop.example-buyer.dev")
        XCTAssertEqual(again.state, .succeeded, again.lastMessage ?? "")
        XCTAssertEqual(cf.inventory, after)
        XCTAssertTrue(again.resources.allSatisfy { !$0.created }, "the second run created nothing")
        let db = try XCTUnwrap(cf.database(named: "tf-7f3a9c21-main"))
        let count = try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM d1_migrations") }
        XCTAssertEqual(count, 2, "migrations are not applied twice")
    }

    /// For each step that calls Cloudflare: fail it, check the failure is recorded there (and the
    /// payout frozen for the package's own steps), retry, and end with exactly a clean run's resources.
    func testFailureAtEachStepThenRetrySucceedsWithoutDuplicates() async throws {
        let clean = CloudflareFakeAccount(token: token)
        let cleanRig = try DeploymentTestRig.make(transport: clean)
        try await cleanRig.addPaidOrder()
        _ = try await deploy(cleanRig, domain: "shop.example-buyer.dev")
        let expected = clean.inventory

        let faults: [(DeploymentStepKind, String, String)] = [
            (.verifyCredentials, "GET", "/user/tokens/verify"),
            (.createDatabases, "POST", "/d1/database"),
            (.createBuckets, "POST", "/r2/buckets"),
            (.uploadWorkers, "PUT", "/workers/scripts/"),
            (.configureDomain, "PUT", "/workers/domains"),
            (.configureDNS, "POST", "/dns_records"),
            (.configureEnvironment, "PUT", "/secrets"),
            (.postDeploy, "GET", "/health"),
        ]
        for (step, method, path) in faults {
            let cf = CloudflareFakeAccount(token: token)
            cf.inject(method, path, status: 500, code: 10013, times: 10)
            let rig = try DeploymentTestRig.make(transport: cf)
            try await rig.addPaidOrder()
            let failed = try await deploy(rig, domain: "shop.example-buyer.dev")
            XCTAssertEqual(failed.state, .failed, "\(step)")
            XCTAssertEqual(failed.step(step)?.state, .failed, "\(step): \(failed.lastMessage ?? "")")
            XCTAssertTrue(failed.steps.filter { $0.kind.number > step.number }.allSatisfy { $0.state == .pending }, "\(step)")
            let frozen = await rig.orders.frozen["ord_7f3a9c21e4"]
            XCTAssertEqual(frozen != nil, step.isPackageStep, "\(step): payout frozen only for the package's own steps")

            cf.clearFaults()
            _ = try await rig.orchestrator.retry(deploymentId: failed.id, buyerId: "acct_buyer", credentials: credentials)
            await rig.orchestrator.waitUntilIdle(failed.id)
            let done = try await rig.orchestrator.deployment(id: failed.id, buyerId: "acct_buyer")
            XCTAssertEqual(done.state, .succeeded, "\(step): \(done.lastMessage ?? "")")
            XCTAssertEqual(cf.inventory, expected, "\(step): no duplicate or missing resource")
            let frozenAfter = await rig.orders.frozen["ord_7f3a9c21e4"]
            XCTAssertNil(frozenAfter, "\(step): success lifts the freeze")
            try await assertSequential(rig, done)
        }
    }

    func testRollbackLeavesTheAccountAsItWas() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let before = cf.inventory
        let d = try await deploy(rig, domain: "shop.example-buyer.dev")
        XCTAssertEqual(d.state, .succeeded)
        XCTAssertNotEqual(cf.inventory, before)
        _ = try await rig.orchestrator.rollback(deploymentId: d.id, buyerId: "acct_buyer", credentials: credentials)
        await rig.orchestrator.waitUntilIdle(d.id)
        let rolled = try await rig.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
        XCTAssertEqual(rolled.state, .rolledBack, rolled.lastMessage ?? "")
        XCTAssertEqual(cf.inventory, before)
        XCTAssertTrue(rolled.resources.isEmpty)
        // Newest first: the last thing created is the first removed.
        let deletes = cf.requests.filter { $0.hasPrefix("DELETE") || $0.hasSuffix("/subdomain") }
        XCTAssertTrue(deletes.last?.contains("/d1/database/") ?? false, "\(deletes)")
        try await assertSequential(rig, rolled)
    }

    func testRollbackKeepsWhatItOnlyAdopted() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let first = try await deploy(rig)
        let second = try await deploy(rig)
        _ = try await rig.orchestrator.rollback(deploymentId: second.id, buyerId: "acct_buyer", credentials: credentials)
        await rig.orchestrator.waitUntilIdle(second.id)
        XCTAssertEqual(cf.inventory.count, 4, "the first deployment's resources are not the second's to remove")
        _ = try await rig.orchestrator.rollback(deploymentId: first.id, buyerId: "acct_buyer", credentials: credentials)
        await rig.orchestrator.waitUntilIdle(first.id)
        XCTAssertEqual(cf.inventory, [])
    }

    func testRestartMarksRunningDeploymentInterruptedAndRetryResumes() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let gate = GatedTransport(inner: cf, blockPathContaining: "/workers/scripts/tf-7f3a9c21-api")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-restart-\(UUID().uuidString)")
        let rigA = try DeploymentTestRig.make(transport: gate, dir: dir)
        try await rigA.addPaidOrder()
        let d = try await rigA.orchestrator.start(request(), buyerId: "acct_buyer")
        let blocked = await gate.waitUntilBlocked()
        XCTAssertTrue(blocked, "the run never reached the gated request")
        await rigA.orchestrator.abandonRuns()  // the process "dies" mid-step 5
        let mid = try await rigA.store.load(id: d.id)
        XCTAssertEqual(mid?.deployment.state, .running)

        gate.open()
        let rigB = try DeploymentTestRig.make(transport: cf, dir: dir, orders: rigA.orders)
        let recovered = try await rigB.orchestrator.recoverInterrupted()
        XCTAssertEqual(recovered, [d.id])
        let interrupted = try await rigB.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
        XCTAssertEqual(interrupted.state, .interrupted)
        XCTAssertEqual(interrupted.step(.uploadWorkers)?.state, .failed)
        XCTAssertEqual(interrupted.step(.createBuckets)?.state, .succeeded)

        _ = try await rigB.orchestrator.retry(deploymentId: d.id, buyerId: "acct_buyer", credentials: credentials)
        await rigB.orchestrator.waitUntilIdle(d.id)
        let done = try await rigB.orchestrator.deployment(id: d.id, buyerId: "acct_buyer")
        XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
        XCTAssertEqual(cf.inventory.count, 4)
        XCTAssertEqual(cf.requests.filter { $0 == "POST /accounts/0123456789abcdef0123456789abcdef/d1/database" }.count, 1, "the database is created once")
        try await assertSequential(rigB, done)
    }

    func testTokenIsWrittenNowhere() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        cf.inject("POST", "/r2/buckets", status: 403, code: 10000, times: 1)
        let failed = try await deploy(rig)
        XCTAssertEqual(failed.state, .failed)
        _ = try await rig.orchestrator.retry(deploymentId: failed.id, buyerId: "acct_buyer", credentials: credentials)
        await rig.orchestrator.waitUntilIdle(failed.id)
        _ = try await rig.orchestrator.rollback(deploymentId: failed.id, buyerId: "acct_buyer", credentials: credentials)
        await rig.orchestrator.waitUntilIdle(failed.id)
        try rig.queue.close()

        let needle = Data(token.utf8)
        let files = FileManager.default.enumerator(at: rig.dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        XCTAssertTrue(files.contains { $0.lastPathComponent == "platform.sqlite" })
        for file in files {
            let data = (try? Data(contentsOf: file)) ?? Data()
            XCTAssertNil(data.range(of: needle), "token found in \(file.lastPathComponent)")
        }
        XCTAssertFalse(rig.logs.text.isEmpty)
        XCTAssertFalse(rig.logs.text.contains(token), "token in logs")
    }

    func testBadTokenFailsStepOneAndCreatesNothing() async throws {
        let cf = CloudflareFakeAccount(token: "the-real-token")
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let d = try await deploy(rig)
        XCTAssertEqual(d.state, .failed)
        XCTAssertEqual(d.step(.verifyCredentials)?.state, .failed)
        XCTAssertEqual(d.step(.verifyCredentials)?.errorCode, 1000)
        XCTAssertTrue(d.step(.verifyCredentials)?.message?.contains("token was rejected") ?? false, d.lastMessage ?? "")
        XCTAssertEqual(cf.inventory, [])
        let frozen = await rig.orders.frozen
        XCTAssertTrue(frozen.isEmpty, "a buyer's bad token is not the seller's fault")
    }

    func testTokenWithoutR2PermissionFailsBeforeAnythingIsCreated() async throws {
        let cf = CloudflareFakeAccount(token: token)
        cf.permissions.remove("r2")
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let d = try await deploy(rig)
        XCTAssertEqual(d.step(.verifyCredentials)?.state, .failed)
        XCTAssertTrue(d.lastMessage?.contains("Workers R2 Storage: Edit") ?? false, d.lastMessage ?? "")
        XCTAssertEqual(cf.inventory, [])
    }

    func testManyDeploymentsAtOnceStayIsolated() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        let ids = (0..<6).map { "ord_\(String(format: "%02d", $0))aa11bb22" }
        for id in ids { try await rig.addPaidOrder(id) }
        var started: [String] = []
        for id in ids { started.append(try await rig.orchestrator.start(request(id), buyerId: "acct_buyer").id) }
        for id in started { await rig.orchestrator.waitUntilIdle(id) }
        for id in started {
            let d = try await rig.orchestrator.deployment(id: id, buyerId: "acct_buyer")
            XCTAssertEqual(d.state, .succeeded, d.lastMessage ?? "")
            try await assertSequential(rig, d)
        }
        XCTAssertEqual(cf.inventory.count, 4 * ids.count)
    }

    func testTwoSimultaneousStartsOfOneOrderRunOnce() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        let orchestrator = rig.orchestrator
        let req = request()
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? await orchestrator.start(req, buyerId: "acct_buyer")) != nil } }
            var ok = 0
            for await started in group where started { ok += 1 }
            return ok
        }
        XCTAssertEqual(results, 1, "one start wins; the others are told a deployment is running or starting")
        for d in try await rig.store.deployments(orderId: "ord_7f3a9c21e4") { await orchestrator.waitUntilIdle(d.deployment.id) }
    }

    func testOnlyThePaidOrdersBuyerMayDeployOrSee() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let rig = try DeploymentTestRig.make(transport: cf)
        try await rig.addPaidOrder()
        try await rig.addPaidOrder("ord_unpaid000", state: .pendingPayment)
        do {
            _ = try await rig.orchestrator.start(request(), buyerId: "acct_someone_else")
            XCTFail("someone else's order")
        } catch DeploymentError.notFound {}
        do {
            _ = try await rig.orchestrator.start(request("ord_unpaid000"), buyerId: "acct_buyer")
            XCTFail("unpaid order")
        } catch DeploymentError.orderNotPaid {}
        do {
            _ = try await rig.orchestrator.start(request(domain: "not a domain"), buyerId: "acct_buyer")
            XCTFail("bad domain")
        } catch let DeploymentError.invalidRequest(field, _) { XCTAssertEqual(field, "domain") }
        let d = try await deploy(rig)
        do {
            _ = try await rig.orchestrator.deployment(id: d.id, buyerId: "acct_someone_else")
            XCTFail("someone else's deployment")
        } catch DeploymentError.notFound {}
        do {
            _ = try await rig.orchestrator.rollback(deploymentId: d.id, buyerId: "acct_buyer",
                                                    credentials: CloudflareCredentials(accountId: "fedcba9876543210fedcba9876543210", apiToken: CloudflareAPIToken(token)))
            XCTFail("other account")
        } catch DeploymentError.accountMismatch {}
    }
}

/// Holds requests whose path contains a string until opened (or the waiting task is cancelled),
/// to stop a run in the middle of a step.
final class GatedTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `lock` guards `isOpen` and `blocked`.
    private let lock = NSLock()
    private var isOpen = false
    private var blocked = false
    let inner: any HTTPTransport
    let blockPath: String

    init(inner: any HTTPTransport, blockPathContaining: String) {
        self.inner = inner
        blockPath = blockPathContaining
    }

    func open() { lock.withLock { isOpen = true } }

    /// Waits (up to `seconds`) until a request reached the gate; false when none did.
    func waitUntilBlocked(seconds: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !lock.withLock({ blocked }) {
            guard Date() < deadline else { return false }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return true
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.url.contains(blockPath) {
            lock.withLock { blocked = true }
            while !lock.withLock({ isOpen }) {
                try await Task.sleep(nanoseconds: 2_000_000)  // throws CancellationError when the run is abandoned
            }
        }
        return try await inner.send(request)
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse { try await inner.stream(request) }
}
