import Foundation
import Synchronization
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

/// A service whose only live part is a deployment event stream the test feeds by hand.
final class HandFedDeploymentService: MarketplaceService {
    let continuation = Mutex<AsyncThrowingStream<DeploymentStreamUpdate, any Error>.Continuation?>(nil)
    let terminated = Mutex(false)
    let asked = Mutex<[(String, Int)]>([])

    func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentStreamUpdate, any Error> {
        asked.withLock { $0.append((id, after)) }
        let (stream, continuation) = AsyncThrowingStream<DeploymentStreamUpdate, any Error>.makeStream()
        continuation.onTermination = { [self] _ in self.terminated.withLock { $0 = true } }
        self.continuation.withLock { $0 = continuation }
        return stream
    }

    func perform(_ request: ServiceRequest) async throws -> ServiceResponse {
        throw ServiceFailure(message: "only the deployment feed is live here")
    }
}

final class DeployEventSubscriptionTests: XCTestCase {
    private func event(_ seq: Int) -> DeploymentEvent {
        DeploymentEvent(seq: seq, deploymentId: "dep_1", kind: .log, at: CheckoutFixtures.t0, step: .verifyCredentials, message: "line \(seq)")
    }

    /// Drains the queue until `count` messages arrived or a second passed.
    private func collect(_ queue: MessageQueue, count: Int) async -> [Message] {
        var out: [Message] = []
        for _ in 0..<200 where out.count < count {
            out += queue.drain()
            if out.count < count { try? await Task.sleep(for: .milliseconds(5)) }
        }
        return out
    }

    private func updates(_ messages: [Message], _ id: SubscriptionID) -> [SubscriptionUpdate] {
        messages.compactMap { if case let .subscription(sid, update) = $0, sid == id { update } else { nil } }
    }

    func testASubscriptionPostsEachUpdateInOrderThenFinished() async {
        let service = HandFedDeploymentService()
        let queue = MessageQueue()
        let runner = EffectRunner(service: service, queue: queue)
        let id = SubscriptionID(7)
        runner.run(.subscribe(id, .deploymentEvents(deploymentId: "dep_1", after: 4)))
        for _ in 0..<200 where service.continuation.withLock({ $0 == nil }) { try? await Task.sleep(for: .milliseconds(5)) }
        XCTAssertEqual(service.asked.withLock { $0.map(\.1) }, [4], "resumes after the given event")
        service.continuation.withLock { c in
            c?.yield(.event(event(5)))
            c?.yield(.reconnecting(since: CheckoutFixtures.t0, attempts: 3, reason: "connection reset"))
            c?.yield(.reconnected)
            c?.yield(.event(event(6)))
            c?.finish()
        }
        let got = updates(await collect(queue, count: 5), id)
        XCTAssertEqual(got, [.deployment(.event(event(5))), .deployment(.reconnecting(since: CheckoutFixtures.t0, attempts: 3, reason: "connection reset")),
                             .deployment(.reconnected), .deployment(.event(event(6))), .finished])
        for _ in 0..<200 where runner.subscriptions.count > 0 { try? await Task.sleep(for: .milliseconds(5)) }
        XCTAssertEqual(runner.subscriptions.count, 0)
    }

    func testUnsubscribeCancelsTheStreamAndNothingMoreIsPosted() async {
        let service = HandFedDeploymentService()
        let queue = MessageQueue()
        let runner = EffectRunner(service: service, queue: queue)
        let id = SubscriptionID(9)
        runner.run(.subscribe(id, .deploymentEvents(deploymentId: "dep_1", after: 0)))
        for _ in 0..<200 where service.continuation.withLock({ $0 == nil }) { try? await Task.sleep(for: .milliseconds(5)) }
        service.continuation.withLock { $0?.yield(.event(event(1))) }
        let first = await collect(queue, count: 1)
        XCTAssertEqual(updates(first, id).count, 1)
        runner.run(.unsubscribe(id))
        for _ in 0..<200 where !service.terminated.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        XCTAssertTrue(service.terminated.withLock { $0 }, "the service's stream is torn down")
        XCTAssertEqual(runner.subscriptions.count, 0)
        let late = service.continuation.withLock { $0?.yield(.event(event(2))) }
        guard case .terminated = late else { return XCTFail("an event after the cancel was still accepted: \(String(describing: late))") }
        await runner.subscriptions.cancelledTasksReturned()
        XCTAssertTrue(updates(queue.drain(), id).isEmpty, "no .finished or .failed after a cancel")
    }

    func testAFailedStreamIsReportedOnce() async {
        let service = HandFedDeploymentService()
        let queue = MessageQueue()
        let runner = EffectRunner(service: service, queue: queue)
        let id = SubscriptionID(3)
        runner.run(.subscribe(id, .deploymentEvents(deploymentId: "dep_1", after: 0)))
        for _ in 0..<200 where service.continuation.withLock({ $0 == nil }) { try? await Task.sleep(for: .milliseconds(5)) }
        service.continuation.withLock { $0?.finish(throwing: ServiceFailure(message: "signed out", code: "unauthorized")) }
        let got = updates(await collect(queue, count: 1), id)
        XCTAssertEqual(got, [.failed(ServiceFailure(message: "signed out", code: "unauthorized"))])
    }
}
