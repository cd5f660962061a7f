import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

final class PlatformServerTests: XCTestCase {
    /// The server binds a kernel-chosen loopback port, answers /healthz there, and stops.
    func testStartsOnAnEphemeralPortAnswersHealthzAndStops() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let running = try await PlatformServer.start(harness.configuration)
        XCTAssertGreaterThan(running.port, 0)
        XCTAssertTrue(running.baseURL.hasPrefix("http://127.0.0.1:"))
        let (status, body) = try rawGET(port: running.port, path: "/healthz")
        XCTAssertEqual(status, 200)
        XCTAssertTrue(body.contains(#""status":"ok""#))
        let (missing, envelope) = try rawGET(port: running.port, path: "/api/nothing-here")
        XCTAssertEqual(missing, 404)
        XCTAssertTrue(envelope.contains(#""code":"not_found""#))
        await running.stop()
        XCTAssertThrowsError(try rawGET(port: running.port, path: "/healthz"), "nothing listens after stop")
    }

    /// A deployment a previous process left running is `interrupted` by the time `start` returns, before any
    /// request reaches the orchestrator (recovery is a start-up step, not a task racing the first request).
    func testStartMarksDeploymentsLeftRunningInterruptedBeforeItAcceptsRequests() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let before = try harness.services()
        let now = before.clock.now()
        let left = Deployment(id: "dep_left", orderId: "ord_left", listingSlug: "shop", accountId: "cf", domain: nil, state: .running,
                              steps: DeploymentStepKind.allCases.enumerated().map { DeploymentStep(kind: $1, state: $0 == 0 ? .running : .pending) },
                              resources: [], url: nil, lastMessage: "Deploying", lastEventId: 1, createdAt: now, updatedAt: now)
        try await before.deployments.store.insert(
            StoredDeployment(deployment: left, buyerId: "acc_buyer"),
            events: [DeploymentEvent(seq: 1, deploymentId: left.id, kind: .deployment, at: now, state: .running, message: "Deploying")])

        let running = try await PlatformServer.start(harness.configuration)
        let stored = try await GRDBDeploymentStore(database: before.database.pool).load(id: left.id)
        await running.stop()
        XCTAssertEqual(stored?.deployment.state, .interrupted)
        XCTAssertEqual(stored?.deployment.steps.first?.state, .failed)
    }
}

/// A minimal HTTP/1.1 GET over a POSIX socket, so server tests do not depend on the libcurl client.
func rawGET(port: Int, path: String) throws -> (Int, String) {
    let fd = try connectLoopback(port: port)
    defer { close(fd) }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        data.append(contentsOf: buffer[0..<n])
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let statusLine = text.split(separator: "\r\n").first, statusLine.split(separator: " ").count >= 2,
          let status = Int(statusLine.split(separator: " ")[1]) else { throw POSIXError(.EBADMSG) }
    let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return (status, body)
}

/// A TCP socket connected to 127.0.0.1:`port` (the caller closes it).
func connectLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    return fd
}
