import Foundation
import XCTest

/// Drives the real `techflunky` binary in a detached tmux session on a private socket, as a person
/// would: send keys, read the screen back as text.
final class TmuxSession {
    let socket: String
    let name = "tf"
    let home: URL

    /// Starts `command` (argv, run by tmux through the shell) in a `width`×`height` terminal with the given
    /// environment added. `home` gets fresh XDG directories so each test has its own data and config.
    init(command: [String], width: Int = 120, height: Int = 40, environment: [String: String] = [:], home: URL? = nil) throws {
        socket = "tf-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        self.home = home ?? FileManager.default.temporaryDirectory.appendingPathComponent("tf-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.home, withIntermediateDirectories: true)
        var env = [
            "HOME": self.home.path,
            "XDG_CONFIG_HOME": self.home.appendingPathComponent("config").path,
            "XDG_DATA_HOME": self.home.appendingPathComponent("data").path,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        ]
        for (k, v) in environment { env[k] = v }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(TmuxSession.shellQuote($0.value))" }.joined(separator: " ")
        let cmdline = command.map(TmuxSession.shellQuote).joined(separator: " ")
        // The pane keeps a shell after the program exits, so tests can check the terminal is usable again.
        let script = "env \(exports) \(cmdline); echo \"[exit $?]\"; stty -a | head -1 | tr -s ' ' ; exec sh"
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "sh", "-c", script])
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // -u: UTF-8 whatever the test runner's locale, so capture-pane keeps "–", "✔" and CJK as they are.
        p.arguments = ["tmux", "-u", "-L", socket, "-f", "/dev/null"] + args
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C.UTF-8"
        env["LANG"] = "C.UTF-8"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends tmux key names (`Enter`, `Escape`, `Down`, `C-c`) or literal text with `literal: true`.
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", name] + (literal ? ["-l"] : []) + keys)
    }

    func type(_ text: String) throws { try send(text, literal: true) }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// Waits until the screen contains `text` (or the predicate holds); fails the test with the screen on timeout.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitUntil(timeout: timeout, description: "“\(text)”", file: file, line: line) { $0.contains(text) }
    }

    @discardableResult
    func waitUntil(timeout: TimeInterval = 30, description: String, file: StaticString = #filePath, line: UInt = #line,
                   _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out after \(Int(timeout)) s waiting for \(description); the screen shows:\n\(last)", file: file, line: line)
        throw TmuxTimeout()
    }
}

struct TmuxTimeout: Error {}

/// The debug binary built by `swift build --product techflunky`.
enum BuiltBinary {
    static var path: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [".build/debug/techflunky", ".build/x86_64-unknown-linux-gnu/debug/techflunky"] {
            let url = root.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return root.appendingPathComponent(".build/debug/techflunky").path
    }
}
