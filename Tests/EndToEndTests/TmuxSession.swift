import Foundation
import XCTest

/// Drives the real `techflunky` binary in a detached tmux session on a private socket, as a person
/// would: send keys, read the screen back as text.
final class TmuxSession {
    let socket: String
    let name = "tf"
    let home: URL
    /// A session that made its own home stops the sandbox daemon started there when it goes away.
    private let ownsHome: Bool

    /// Starts `command` (argv, run by tmux through the shell) in a `width`×`height` terminal with the given
    /// environment added. `home` gets fresh XDG directories so each test has its own data and config.
    init(command: [String], width: Int = 120, height: Int = 40, environment: [String: String] = [:], home: URL? = nil) throws {
        socket = "tf-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        ownsHome = home == nil
        self.home = home ?? FileManager.default.temporaryDirectory.appendingPathComponent("tf-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.home, withIntermediateDirectories: true)
        var env = [
            "HOME": self.home.path,
            "XDG_CONFIG_HOME": self.home.appendingPathComponent("config").path,
            "XDG_DATA_HOME": self.home.appendingPathComponent("data").path,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            // The embedded sandbox paces Cloudflare realistically for people; the journeys run it instant.
            "TECHFLUNKY_SANDBOX_PACE": "instant",
            // A net under the tests' own `sandbox stop`: a daemon a crashed test run left behind exits soon.
            "TECHFLUNKY_SANDBOX_IDLE_TIMEOUT": "10m",
        ]
        for (k, v) in environment { env[k] = v }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(TmuxSession.shellQuote($0.value))" }.joined(separator: " ")
        let cmdline = command.map(TmuxSession.shellQuote).joined(separator: " ")
        // The pane keeps a shell after the program exits, so tests can check the terminal is usable again.
        let script = "env \(exports) \(cmdline); echo \"[exit $?]\"; echo \"[tty $(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' ')]\"; exec sh"
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "sh", "-c", script])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        if ownsHome { TmuxSession.stopSandbox(home: home) }
    }

    /// `techflunky sandbox stop --force` on `home`'s data: the daemon the UIs started there outlives them,
    /// and a test run must leave none behind. Returns what the command printed.
    @discardableResult
    static func stopSandbox(home: URL) -> String {
        (try? run(["env", "HOME=\(home.path)", "XDG_DATA_HOME=\(home.appendingPathComponent("data").path)",
                   BuiltBinary.path, "sandbox", "stop", "--force"])) ?? ""
    }

    /// `techflunky` with `arguments` on `home`'s data (and the sessions' environment), its output.
    static func techflunky(_ arguments: [String], home: URL) throws -> String {
        try run(["env", "HOME=\(home.path)", "XDG_DATA_HOME=\(home.appendingPathComponent("data").path)",
                 "XDG_CONFIG_HOME=\(home.appendingPathComponent("config").path)", "TECHFLUNKY_SANDBOX_PACE=instant",
                 BuiltBinary.path] + arguments)
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        // -u: UTF-8 whatever the test runner's locale, so capture-pane keeps "–", "✔" and CJK as they are.
        try TmuxSession.run(["tmux", "-u", "-L", socket, "-f", "/dev/null"] + args)
    }

    /// Runs a command with posix_spawn and waitpid, its output captured in a file. Foundation's `Process`
    /// is not used here: `tmux new-session` forks the server from the client, and `waitUntilExit` was seen
    /// never to return for such a client (left a zombie), hanging the test.
    static func run(_ argv: [String]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C.UTF-8"
        env["LANG"] = "C.UTF-8"
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
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
