import Foundation
import TechFlunkyClient
import XCTest

/// How every techflunky finds the one local sandbox daemon of a data directory: the state file, the daemon's
/// lock, the start lock, and a state file left stale by a daemon that is gone.
final class LocalSandboxDirectoryTests: XCTestCase {
    private var directory: LocalSandboxDirectory!

    override func setUpWithError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tf-daemon-\(UUID().uuidString)/techflunky")
        directory = LocalSandboxDirectory(url: url)
        try directory.prepare()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory.url.deletingLastPathComponent())
    }

    private func state(pid: Int32 = getpid(), api: String = "http://127.0.0.1:1") -> LocalSandboxState {
        LocalSandboxState(pid: pid, apiURL: api, sandboxURL: "http://127.0.0.1:2", startedAt: Date(timeIntervalSince1970: 1_800_000_000),
                          logFile: directory.logFile.path, idleTimeoutSeconds: 1800,
                          runningDeployments: [.init(id: "dep_1", listingSlug: "tea-trove", state: "running", domain: "shop.example.com")])
    }

    /// A pid that existed and is gone: a child that has exited and been reaped.
    private func exitedPid() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    func testNothingThereIsAbsent() async {
        let found = await directory.discover { _ in XCTFail("no health check without a state file"); return true }
        XCTAssertEqual(found, .absent)
    }

    func testTheDirectoryAndStateFileAreTheUsersAlone() throws {
        try directory.writeState(state())
        let fm = FileManager.default
        XCTAssertEqual((try fm.attributesOfItem(atPath: directory.url.path)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual((try fm.attributesOfItem(atPath: directory.url.appendingPathComponent("logs").path)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual((try fm.attributesOfItem(atPath: directory.stateFile.path)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(directory.readState(), state(), "the state survives the round trip")
    }

    func testADaemonHoldingTheLockAndAnsweringIsRunning() async throws {
        let lock = try XCTUnwrap(directory.acquireInstanceLock(patience: 0))
        defer { lock.release() }
        try directory.writeState(state(api: "http://127.0.0.1:4242"))
        let asked = URLBox()
        let found = await directory.discover { url in asked.set(url); return true }
        XCTAssertEqual(found, .running(state(api: "http://127.0.0.1:4242")))
        XCTAssertEqual(asked.value, "http://127.0.0.1:4242", "the health check goes to the state's API URL")
    }

    func testADaemonHoldingTheLockThatDoesNotAnswerIsUnresponsiveNotStale() async throws {
        let lock = try XCTUnwrap(directory.acquireInstanceLock(patience: 0))
        defer { lock.release() }
        let none = await directory.discover { _ in true }
        XCTAssertEqual(none, .unresponsive(nil), "a daemon that holds the lock and has not written its state yet is starting")
        try directory.writeState(state())
        let found = await directory.discover { _ in false }
        XCTAssertEqual(found, .unresponsive(state()))
    }

    func testAStateFileWithoutItsLockIsStaleEvenIfThePidExistsAndSomethingAnswers() async throws {
        // The pid was reused by another process (ours), and another server answers on the port.
        try directory.writeState(state())
        let found = await directory.discover { _ in true }
        XCTAssertEqual(found, .stale(state()))
    }

    func testAStateFileWhosePidIsGoneIsStaleWhileTheLockIsHeld() async throws {
        let lock = try XCTUnwrap(directory.acquireInstanceLock(patience: 0))
        defer { lock.release() }
        let gone = try exitedPid()
        XCTAssertFalse(LocalSandboxDirectory.processExists(gone))
        XCTAssertTrue(LocalSandboxDirectory.processExists(getpid()))
        try directory.writeState(state(pid: gone))
        // The lock's holder is not the process the file names: it is starting (its own file comes next).
        let found = await directory.discover { _ in true }
        XCTAssertEqual(found, .unresponsive(nil))
    }

    func testAMalformedStateFileCountsAsNone() async throws {
        try Data("{\"pid\": \"not a number\"".utf8).write(to: directory.stateFile)
        XCTAssertNil(directory.readState())
        let found = await directory.discover { _ in true }
        XCTAssertEqual(found, .absent)
    }

    func testRemovingTheStateLeavesANewerDaemonsFileAlone() throws {
        try directory.writeState(state(pid: 4_000_000))
        directory.removeState(ifOwnedBy: 1234)
        XCTAssertNotNil(directory.readState(), "another daemon's file stays")
        directory.removeState(ifOwnedBy: 4_000_000)
        XCTAssertNil(directory.readState())
    }

    func testOneStarterAtATime() throws {
        let first = try XCTUnwrap(directory.acquireStartLock(patience: 0))
        XCTAssertNil(directory.acquireStartLock(patience: 0.2), "a second starter waits while the first holds the start lock")
        first.release()
        let second = try XCTUnwrap(directory.acquireStartLock(patience: 0))
        second.release()
    }

    func testOneDaemonAtATimeAndTheProbeSeesIt() throws {
        XCTAssertFalse(directory.isInstanceLockHeld)
        let daemon = try XCTUnwrap(directory.acquireInstanceLock(patience: 0))
        XCTAssertTrue(directory.isInstanceLockHeld)
        XCTAssertNil(directory.acquireInstanceLock(patience: 0.2), "a second daemon on the same data directory does not start")
        daemon.release()
        XCTAssertFalse(directory.isInstanceLockHeld, "the lock dies with its holder")
        // The probe itself never keeps a daemon from taking the lock.
        let again = try XCTUnwrap(directory.acquireInstanceLock(patience: 0))
        again.release()
    }

    func testTheDefaultDirectoryFollowsXDG() {
        XCTAssertEqual(LocalSandboxDirectory.defaultURL(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/h"]).path, "/x/data/techflunky")
        XCTAssertEqual(LocalSandboxDirectory.defaultURL(environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]).path, "/h/.local/share/techflunky")
    }
}

private final class URLBox: @unchecked Sendable {
    // @unchecked: `url` is only touched under `lock`.
    private let lock = NSLock()
    private var url: String?
    func set(_ value: String) { lock.withLock { url = value } }
    var value: String? { lock.withLock { url } }
}
