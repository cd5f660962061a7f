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
}
