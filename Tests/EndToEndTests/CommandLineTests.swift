import Foundation
import TechFlunkyCore
import XCTest

final class CommandLineTests: XCTestCase {
    func run(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
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
        let instance = try JSONSerialization.jsonObject(with: Data(contentsOf: ui.home.appendingPathComponent("data/techflunky/instance.json"))) as? [String: Any]
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
