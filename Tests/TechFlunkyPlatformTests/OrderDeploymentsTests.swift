import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The orders list carries each order's deployments, read together (one store call, a fixed number of
/// queries) rather than once per order.
final class OrderDeploymentsTests: XCTestCase {
    /// Wraps the GRDB store and counts the per-order and the many-orders reads.
    struct CountingDeploymentStore: DeploymentStore {
        actor Calls {
            var perOrder = 0
            var manyOrders = 0
            func countPerOrder() { perOrder += 1 }
            func countManyOrders() { manyOrders += 1 }
        }

        let base: any DeploymentStore
        let calls = Calls()

        var sharedByInstances: Bool { base.sharedByInstances }
        func insert(_ deployment: StoredDeployment, events: [DeploymentEvent], lease: DeploymentLease?) async throws {
            try await base.insert(deployment, events: events, lease: lease)
        }
        func acquireLease(deploymentId: String, _ lease: DeploymentLease, now: Date) async throws -> Bool {
            try await base.acquireLease(deploymentId: deploymentId, lease, now: now)
        }
        func renewLease(deploymentId: String, owner: String, until: Date) async throws -> Bool {
            try await base.renewLease(deploymentId: deploymentId, owner: owner, until: until)
        }
        func releaseLease(deploymentId: String, owner: String) async throws { try await base.releaseLease(deploymentId: deploymentId, owner: owner) }
        func deploymentsWithLapsedLeases(inStates states: [DeploymentState], now: Date) async throws -> [StoredDeployment] {
            try await base.deploymentsWithLapsedLeases(inStates: states, now: now)
        }
        func count(inStates states: [DeploymentState]) async throws -> Int { try await base.count(inStates: states) }
        func deploymentIds(buyerId: String) async throws -> [String] { try await base.deploymentIds(buyerId: buyerId) }
        func eraseDeployments(buyerId: String, unlessAnyIn busyStates: [DeploymentState]) async throws -> DeploymentErasure {
            try await base.eraseDeployments(buyerId: buyerId, unlessAnyIn: busyStates)
        }
        func commit(_ deployment: StoredDeployment, events: [DeploymentEvent]) async throws { try await base.commit(deployment, events: events) }
        func load(id: String) async throws -> StoredDeployment? { try await base.load(id: id) }
        func events(deploymentId: String, after: Int) async throws -> [DeploymentEvent] { try await base.events(deploymentId: deploymentId, after: after) }
        func deployments(inStates states: [DeploymentState]) async throws -> [StoredDeployment] { try await base.deployments(inStates: states) }
        func deployments(orderId: String) async throws -> [StoredDeployment] {
            await calls.countPerOrder()
            return try await base.deployments(orderId: orderId)
        }
        func deployments(orderIds: [String]) async throws -> [String: [StoredDeployment]] {
            await calls.countManyOrders()
            return try await base.deployments(orderIds: orderIds)
        }
    }

    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func deployment(_ id: String, order: String, at offset: TimeInterval, state: DeploymentState = .succeeded,
                           stepsDone: Int = 9, resources: [CreatedResource] = []) -> StoredDeployment {
        let at = start.addingTimeInterval(offset)
        let steps = DeploymentStepKind.allCases.enumerated().map { index, kind in
            DeploymentStep(kind: kind, state: index < stepsDone ? .succeeded : .pending, log: ["\(id) step \(index)"])
        }
        return StoredDeployment(
            deployment: Deployment(id: id, orderId: order, listingSlug: "shop", accountId: "cf_acc", domain: nil, state: state, steps: steps,
                                   resources: resources, url: "https://\(id).example.workers.dev", lastMessage: nil, lastEventId: 1,
                                   createdAt: at, updatedAt: at),
            buyerId: "acc_buyer")
    }

    static func event(for stored: StoredDeployment) -> DeploymentEvent {
        DeploymentEvent(seq: 1, deploymentId: stored.deployment.id, kind: .deployment, at: stored.deployment.createdAt,
                        state: stored.deployment.state, message: "recorded")
    }

    func testOrdersListReadsEveryOrdersDeploymentsInOneStoreCall() async throws {
        try await forEachServerEngine { engine in
            let harness = try PlatformTestHarness()
            defer { harness.cleanUp() }
            // The engine's own stores, its deployment store counted.
            let packages = PackageStore(dataDir: harness.configuration.dataDir, key: harness.configuration.secretsKey)
            var postgres: PostgresDatabase?
            var stores: PlatformStores
            switch engine {
            case .sqlite:
                stores = .sqlite(try PlatformDatabase(path: harness.configuration.dbPath), packages: packages)
            case .postgres:
                let database = try await PostgresTestServer.freshDatabase(logger: harness.configuration.logger)
                postgres = database
                stores = try .postgres(database, packages: packages)
            }
            let store = CountingDeploymentStore(base: stores.deploymentStore)
            stores.deploymentStore = store
            let services = PlatformServices(configuration: harness.configuration, stores: stores)
            let seller = try await CatalogFixtures.seller(services)
            let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
            var orderIds: [String] = []
            for n in 1...5 {
                try await CatalogFixtures.list(services, slug: "shop-\(n)", seller: seller, CatalogFixtures.details(title: "Shop \(n)"))
                let listing = try await services.catalog.listingForSale(slug: "shop-\(n)")!
                let order = StoredOrder(id: "ord_\(n)", listing: listing, buyerId: buyer.id, split: try FeePolicy.standard.split(listing.askingPrice),
                                        now: services.clock.now())
                try await services.orders.insert(order)
                orderIds.append(order.id)
            }
            // Order 1 has two deployments (a failed one, then a succeeded one), order 3 one still running; the rest none.
            let first = Self.deployment("dep_a", order: "ord_1", at: 0, state: .failed, stepsDone: 3)
            let second = Self.deployment("dep_b", order: "ord_1", at: 60)
            let running = Self.deployment("dep_c", order: "ord_3", at: 30, state: .running, stepsDone: 5)
            for stored in [first, second, running] { try await store.insert(stored, events: [Self.event(for: stored)]) }
            let token = try await AccountRoutes.startSession(for: buyer, services: services).token
            let expected = Set(orderIds)

            try await harness.withRouter(services) { client, _ in
                let list = try await client.execute(uri: "/api/orders", method: .get, headers: bearer(token)).decoded(OrdersResponse.self)
                XCTAssertEqual(Set(list.orders.map(\.id)), expected)
                let byId = Dictionary(uniqueKeysWithValues: list.orders.map { ($0.id, $0) })
                XCTAssertEqual(byId["ord_1"]?.deployments.map(\.id), ["dep_b", "dep_a"], "newest first")
                XCTAssertEqual(byId["ord_1"]?.deployments.map(\.state), [.succeeded, .failed])
                XCTAssertEqual(byId["ord_1"]?.deployments.last?.currentStep, DeploymentStepKind.allCases[2])
                XCTAssertEqual(byId["ord_3"]?.deployments.map(\.id), ["dep_c"])
                XCTAssertEqual(byId["ord_3"]?.deployments.first?.currentStep, DeploymentStepKind.allCases[4])
                for id in ["ord_2", "ord_4", "ord_5"] { XCTAssertEqual(byId[id]?.deployments.count ?? 0, 0, id) }
            }
            let listing = (perOrder: await store.calls.perOrder, manyOrders: await store.calls.manyOrders)
            XCTAssertEqual(listing.manyOrders, 1, "five orders, one read of their deployments")
            XCTAssertEqual(listing.perOrder, 0, "no read per order")

            // One order's page reads that order's deployments alone.
            try await harness.withRouter(services) { client, _ in
                let order = try await client.execute(uri: "/api/orders/ord_1", method: .get, headers: bearer(token)).decoded(Order.self)
                XCTAssertEqual(order.deployments.map(\.id), ["dep_b", "dep_a"])
            }
            let perOrder = await store.calls.perOrder
            XCTAssertEqual(perOrder, 1)
            await postgres?.close()
        }
    }

    func testDeploymentsOfManyOrdersComeGroupedNewestFirstWithTheirStepsAndResources() async throws {
        try await forEachDeploymentStore { store, _ in
            let bucket = CreatedResource(kind: "r2_bucket", id: "tf-b", name: "tf-b", created: true, step: DeploymentStepKind.allCases[3])
            let database = CreatedResource(kind: "d1_database", id: "uuid-1", name: "tf-db", created: false, step: DeploymentStepKind.allCases[2])
            let older = Self.deployment("dep_old", order: "ord_1", at: 0, state: .failed, stepsDone: 2, resources: [database])
            let newer = Self.deployment("dep_new", order: "ord_1", at: 10, resources: [database, bucket])
            // More orders than one `IN (…)` list holds, so the reads are split and still grouped right.
            let far = Self.deployment("dep_far", order: "ord_700", at: 5, state: .running, stepsDone: 4, resources: [bucket])
            for stored in [older, newer, far] { try await store.insert(stored, events: [Self.event(for: stored)]) }

            let asked = (1...1_200).map { "ord_\($0)" }
            let found = try await store.deployments(orderIds: asked)
            XCTAssertEqual(Set(found.keys), ["ord_1", "ord_700"])
            XCTAssertEqual(found["ord_1"], [newer, older], "each order's deployments newest first, steps and resources included")
            XCTAssertEqual(found["ord_700"], [far])
            let single = try await store.deployments(orderId: "ord_1")
            XCTAssertEqual(found["ord_1"], single, "the same as the per-order read")
            let none = try await store.deployments(orderIds: [])
            XCTAssertTrue(none.isEmpty)
        }
    }
}
