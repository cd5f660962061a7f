import Foundation
import TechFlunkyCore
import XCTest

final class CommandLineTests: XCTestCase {
    func run(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try Self.launch(args, environment: environment)
    }

    static func launch(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["TECHFLUNKY_SANDBOX_PACE"] = "instant"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testVersionPrintsTheVersion() throws {
        let r = try run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.output.trimmingCharacters(in: .whitespacesAndNewlines), TechFlunkyVersion.current)
    }

    func testHelpListsTheServerAndSandboxCommands() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("serve"), r.output)
        XCTAssertTrue(r.output.contains("sandbox"), r.output)
    }

    func testUnknownOptionIsAUsageError() throws {
        let r = try run(["--no-such-flag"])
        XCTAssertEqual(r.status, 2, r.output)  // usage errors exit 2, as git and gh do
    }

    func testSandboxStatusSpeaksJSON() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let r = try run(["sandbox", "status", "--json"], environment: ["XDG_DATA_HOME": home.path, "HOME": home.path])
        XCTAssertEqual(r.status, 0, r.output)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any], r.output)
        XCTAssertEqual(json["running"] as? Bool, false)
        XCTAssertEqual(json["dataDir"] as? String, home.appendingPathComponent("techflunky").path)
    }

    func testStoppingASandboxThatDoesNotRunSaysSoAndClearsAStaleStateFile() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-cli-\(UUID().uuidString)")
        let data = home.appendingPathComponent("techflunky")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["XDG_DATA_HOME": home.path, "HOME": home.path]
        let none = try run(["sandbox", "stop"], environment: env)
        XCTAssertEqual(none.status, 0, none.output)
        XCTAssertTrue(none.output.contains("not running"), none.output)
        // A daemon that crashed left its state file (and holds no lock): status says so, stop clears it.
        let stale = #"{"apiURL": "http://127.0.0.1:9", "idleTimeoutSeconds": 1800, "logFile": "/dev/null", "pid": 999999, "runningDeployments": [], "startedAt": "2026-01-01T00:00:00Z"}"#
        try Data(stale.utf8).write(to: data.appendingPathComponent("daemon.json"))
        let status = try run(["sandbox", "status"], environment: env)
        XCTAssertTrue(status.output.contains("stale"), status.output)
        let stop = try run(["sandbox", "stop"], environment: env)
        XCTAssertEqual(stop.status, 0, stop.output)
        XCTAssertTrue(stop.output.contains("removed the state file"), stop.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.appendingPathComponent("daemon.json").path))
    }

    /// A command starts the sandbox daemon and leaves it running; with nothing asked of it for its idle time
    /// and nothing running it exits by itself, removing its state file and freeing its lock.
    func testTheSandboxDaemonExitsAfterItsIdleTime() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["XDG_DATA_HOME": home.path, "HOME": home.path, "XDG_CONFIG_HOME": home.path, "TECHFLUNKY_SANDBOX_IDLE_TIMEOUT": "3s"]
        defer { _ = try? run(["sandbox", "stop", "--force"], environment: env) }
        let listed = try run(["listings", "--limit", "1", "--json"], environment: env)
        XCTAssertEqual(listed.status, 0, listed.output)
        let stateFile = home.appendingPathComponent("techflunky/daemon.json")
        let state = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: stateFile)) as? [String: Any])
        XCTAssertEqual(state["idleTimeoutSeconds"] as? Double, 3)
        let pid = try XCTUnwrap(state["pid"] as? Int32)
        XCTAssertEqual(kill(pid, 0), 0, "the daemon outlives the command that started it")

        let deadline = Date().addingTimeInterval(60)
        while FileManager.default.fileExists(atPath: stateFile.path), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: stateFile.path), "the idle daemon removed its state file")
        let status = try run(["sandbox", "status", "--json"], environment: env)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])?["running"] as? Bool, false, status.output)
        let log = try String(contentsOf: home.appendingPathComponent("techflunky/logs/techflunky.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("reason=idle"), "the log says why it stopped")
    }

    /// Two commands started at once on a fresh data directory start one daemon (the start lock), and both are
    /// answered by it; the daemon does not inherit the Cloudflare token the commands were given.
    func testTwoCommandsStartedAtOnceShareOneDaemon() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["XDG_DATA_HOME": home.path, "HOME": home.path, "XDG_CONFIG_HOME": home.path, "CLOUDFLARE_API_TOKEN": "cf-secret-in-env"]
        defer { _ = try? run(["sandbox", "stop", "--force"], environment: env) }
        let results = ResultsBox()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread {
                results.add(Result { try CommandLineTests.launch(["listings", "--limit", "1", "--json"], environment: env) })
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 300), .success, "both commands finished")
        for result in results.all {
            let r = try result.get()
            XCTAssertEqual(r.status, 0, r.output)
        }
        let log = try String(contentsOf: home.appendingPathComponent("techflunky/logs/techflunky.log"), encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "sandbox daemon ready").count - 1, 1, "one daemon started:\n\(log.suffix(2000))")
        XCTAssertFalse(log.contains("this one exits"), "one command spawned it, the other waited for it (not a second daemon that lost the race)")
        let state = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: home.appendingPathComponent("techflunky/daemon.json"))) as? [String: Any])
        let pid = try XCTUnwrap(state["pid"] as? Int)
        let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))) ?? Data()
        XCTAssertFalse(environ.isEmpty, "the daemon's environment is readable")
        XCTAssertFalse(String(decoding: environ, as: UTF8.self).contains("cf-secret-in-env"), "the daemon never holds the buyer's token")
    }

    /// A running sandbox's health, in `sandbox status` (text and JSON) and in the UI's header, following a
    /// Stripe stand-in that starts failing.
    func testSandboxStatusAndTheHeaderReportThePlatformsHealth() throws {
        let ui = try TmuxSession(command: [BuiltBinary.path])
        try ui.waitUntil(timeout: 240, description: "the browse pane with listings") {
            $0.contains("sandbox") && $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil
        }
        let environment = ["HOME": ui.home.path, "XDG_CONFIG_HOME": ui.home.appendingPathComponent("config").path,
                           "XDG_DATA_HOME": ui.home.appendingPathComponent("data").path]
        let text = try run(["sandbox", "status"], environment: environment)
        XCTAssertEqual(text.status, 0, text.output)
        XCTAssertTrue(text.output.contains("\nhealth:  "), text.output)
        for line in ["database", "Stripe stand-in", "Cloudflare stand-in", "deployments running", "holds past due", "webhooks refused"] {
            XCTAssertTrue(text.output.contains("  \(line)"), "\(line):\n\(text.output)")
        }
        XCTAssertTrue(text.output.range(of: #"Cloudflare stand-in +ok"#, options: .regularExpression) != nil, text.output)

        // The Stripe stand-in starts answering 503.
        let instance = try JSONSerialization.jsonObject(with: Data(contentsOf: ui.home.appendingPathComponent("data/techflunky/daemon.json"))) as? [String: Any]
        let sandbox = try XCTUnwrap(instance?["sandboxURL"] as? String)
        let fault = Process()
        fault.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        fault.arguments = ["-sf", "-o", "/dev/null", "-X", "POST", "\(sandbox)/sandbox/faults", "-d", #"{"match": "GET /v1/charges/*", "status": 503}"#]
        try fault.run()
        fault.waitUntilExit()
        XCTAssertEqual(fault.terminationStatus, 0)

        // The platform asks Stripe at most every 10 s: wait for the answer to change.
        let deadline = Date().addingTimeInterval(30)
        var health: [String: Any] = [:]
        while Date() < deadline {
            let json = try run(["sandbox", "status", "--json"], environment: environment)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], json.output)
            health = report["health"] as? [String: Any] ?? [:]
            let checks = health["checks"] as? [[String: Any]] ?? []
            if checks.first(where: { $0["name"] as? String == "stripe" })?["ok"] as? Bool == false { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTAssertEqual(health["status"] as? String, "degraded", "\(health)")
        let checks = health["checks"] as? [[String: Any]] ?? []
        XCTAssertEqual(checks.first { $0["name"] as? String == "stripe" }?["ok"] as? Bool, false, "\(checks)")
        XCTAssertEqual(checks.first { $0["name"] as? String == "cloudflare" }?["ok"] as? Bool, true, "\(checks)")
        XCTAssertEqual(checks.first { $0["name"] as? String == "database" }?["ok"] as? Bool, true, "\(checks)")
        let degraded = try run(["sandbox", "status"], environment: environment)
        XCTAssertTrue(degraded.output.contains("health:  degraded: Stripe unreachable"), degraded.output)
        XCTAssertTrue(degraded.output.contains("answers HTTP 503"), degraded.output)
        // The header follows at its next poll (every 15 s).
        try ui.waitFor("▲ Stripe unreachable", timeout: 40)
        try ui.send("Q")
        try ui.waitFor("[exit 0]")
    }

    func testRefusalsExitOneWithoutTheUsageText() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("techflunky"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let reset = try run(["sandbox", "reset"], environment: ["XDG_DATA_HOME": home.path, "HOME": home.path])
        XCTAssertEqual(reset.status, 1, reset.output)
        XCTAssertTrue(reset.output.contains("without --yes"), reset.output)
        XCTAssertFalse(reset.output.contains("USAGE") || reset.output.contains("Usage"), reset.output)
        let rollback = try run(["rollback", "dep_x", "--api", "http://127.0.0.1:9"], environment: ["HOME": home.path, "XDG_CONFIG_HOME": home.path])
        XCTAssertEqual(rollback.status, 1, rollback.output)
        XCTAssertFalse(rollback.output.contains("USAGE") || rollback.output.contains("Usage"), rollback.output)
    }
}

/// What the threads of a concurrent test hand back.
private final class ResultsBox: @unchecked Sendable {
    // @unchecked: `results` is only touched under `lock`.
    private let lock = NSLock()
    private var results: [Result<(status: Int32, output: String), Error>] = []
    func add(_ result: Result<(status: Int32, output: String), Error>) { lock.withLock { results.append(result) } }
    var all: [Result<(status: Int32, output: String), Error>] { lock.withLock { results } }
}
