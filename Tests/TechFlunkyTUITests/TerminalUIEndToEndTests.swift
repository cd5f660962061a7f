import Foundation
import TechFlunkyClient
import XCTest

/// The real `techflunky` binary in tmux against a live platform (`techflunky serve` on a kernel-chosen loopback
/// port): start, browse, search, open a listing, resize, quit — and the shell works afterwards.
/// Needs `swift build --product techflunky` first; skipped when the binary or tmux is missing.
final class TerminalUIEndToEndTests: XCTestCase {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func findBinary() -> URL? {
        let candidate = repoRoot.appendingPathComponent(".build/debug/techflunky")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    // Synchronous on purpose: Foundation's `Process.waitUntilExit` needs the main run loop, which an async test
    // leaves blocked.
    func testBrowseSearchOpenResizeAndQuitLeaveAUsableShell() throws {
        guard let binary = Self.findBinary() else { throw XCTSkip("build the techflunky product first") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tf-tui-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let server = try PlatformProcess(binary: binary, dataDir: work.appendingPathComponent("server"), syntheticListings: 300)
        defer { server.stop() }
        let baseURL = try server.waitForPort()
        let auth = try blocking { try await PlatformClient(baseURL: baseURL).login(email: "demo@techflunky.dev", password: "techflunky-demo") }

        let tmux = try TmuxTerminal(command: [binary.path, "--api", baseURL], width: 120, height: 32, environment: [
            "TECHFLUNKY_TOKEN": auth.token, "HOME": work.path, "XDG_CONFIG_HOME": work.appendingPathComponent("config").path,
        ])
        defer { tmux.close() }

        // Browse: the table, the position, who is signed in, connected.
        var screen = try tmux.waitUntil("the first page") { $0.range(of: #"1–\d+ of [\d,]+"#, options: .regularExpression) != nil }
        XCTAssertTrue(screen.contains("Title"))
        XCTAssertTrue(screen.contains("● connected"), screen)
        XCTAssertTrue(screen.contains(auth.account.displayName), screen)
        try tmux.send("Down")
        try tmux.send("PageDown")

        // Search as you type: results narrow without pressing Enter.
        let firstTitle = try XCTUnwrap(tmux.tableTitles().first)
        let word = String(firstTitle.split(separator: " ").first ?? "a")
        try tmux.send("/")
        try tmux.type(word)
        // Full-text search also matches taglines and descriptions, so only the count and the best match are checked.
        screen = try tmux.waitUntil("search results for \(word)") { s in
            guard s.contains("/ \(word)"), let r = s.range(of: #"of [\d,]+\n"#, options: .regularExpression),
                  let total = Int(s[r].dropFirst(3).dropLast().replacingOccurrences(of: ",", with: "")) else { return false }
            return total < 300 && (TmuxTerminal.titles(in: s).first?.localizedCaseInsensitiveContains(word) ?? false)
        }
        try tmux.send("Enter")

        // Open the first result.
        try tmux.send("Enter")
        screen = try tmux.waitFor("Price breakdown")
        XCTAssertTrue(screen.contains("Platform fee 15 %"))
        XCTAssertTrue(screen.contains("b buy"))

        // Resize smaller, too small, and back.
        try tmux.resize(width: 60, height: 15)
        screen = try tmux.waitUntil("a 60-column layout") { s in s.contains("b buy") && s.split(separator: "\n").allSatisfy { $0.count <= 60 } }
        try tmux.resize(width: 20, height: 5)
        try tmux.waitFor("Terminal too")
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor("Price breakdown")

        // Back to Browse, then quit; the shell must echo again.
        try tmux.send("q")
        try tmux.waitFor("/ search")
        try tmux.send("q")
        // The shell prints the exit status, then stty's settings: wait for both.
        screen = try tmux.waitUntil("the exit status and stty's settings") { $0.contains("[exit 0]") && $0.contains("baud") }
        let stty = screen.split(separator: "\n").first { $0.hasPrefix("speed") || $0.contains("baud") } ?? ""
        XCTAssertFalse(stty.isEmpty, screen)
        try tmux.type("echo shell-is-$((40+2))")
        try tmux.send("Enter")
        screen = try tmux.waitFor("shell-is-42")
        XCTAssertTrue(screen.contains("echo shell-is-$((40+2))"), "typed command did not echo:\n\(screen)")
    }

    func testSIGTERMRestoresTheTerminal() throws {
        guard let binary = Self.findBinary() else { throw XCTSkip("build the techflunky product first") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        // Nothing listens on this port: the UI starts, shows the platform as offline, and must still exit cleanly.
        let tmux = try TmuxTerminal(command: [binary.path, "--api", "http://127.0.0.1:9"], width: 90, height: 24, environment: [:])
        defer { tmux.close() }
        try tmux.waitFor("offline")
        let pid = try XCTUnwrap(tmux.programPID(matching: binary.path))
        kill(pid, SIGTERM)
        try tmux.waitFor("[exit 0]")
        try tmux.type("echo after-$((1+1))")
        try tmux.send("Enter")
        try tmux.waitFor("after-2")
    }
}

/// Runs async work from a synchronous test and waits for it.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try box.get()
}

/// Hands a result from a task to the waiting test thread; the semaphore orders the write before the read.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var result: Result<T, any Error>?
    func set(_ r: Result<T, any Error>) { result = r }
    func get() throws -> T { try result!.get() }
}

/// `techflunky serve` on a kernel-chosen loopback port with the demo account and synthetic listings.
final class PlatformProcess {
    let process = Process()
    let errors = Pipe()
    let output = Pipe()

    /// `standIns`: `--sandbox` (the Stripe and Cloudflare stand-ins in the process, so a seller can be onboarded) instead of `--demo`.
    init(binary: URL, dataDir: URL, syntheticListings: Int, standIns: Bool = false) throws {
        process.executableURL = binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"] + (standIns ? ["--sandbox", "--pace", "instant"] : ["--demo"])
            + ["--synthetic", String(syntheticListings), "--data-dir", dataDir.path]
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = "info"
        process.environment = env
        process.standardError = errors
        process.standardOutput = output
        try process.run()
    }

    /// Reads the server's log until it names its port; returns the base URL.
    func waitForPort(timeout: TimeInterval = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var log = ""
        let handle = errors.fileHandleForReading
        while Date() < deadline, process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            log += String(decoding: chunk, as: UTF8.self)
            if let r = log.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let port = log[r].split(separator: ":").last!
                return "http://127.0.0.1:\(port)"
            }
        }
        throw NSError(domain: "PlatformProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "the platform did not start:\n\(log)"])
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// A program in a detached tmux session on a private socket; the pane keeps a shell afterwards so the test can
/// check the terminal was restored.
final class TmuxTerminal {
    let socket = "tf-tui-\(getpid())-\(UUID().uuidString.prefix(8))"

    init(command: [String], width: Int, height: Int, environment: [String: String]) throws {
        var env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"]
        for (k, v) in environment { env[k] = v }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let script = "env \(exports) \(command.map(Self.quote).joined(separator: " ")); echo \"[exit $?]\"; stty -a | head -1; exec sh"
        // The first command forks the tmux server, which would keep an output pipe open forever: no pipe here.
        try tmux(["new-session", "-d", "-s", "t", "-x", String(width), "-y", String(height), "sh", "-c", script], captureOutput: false)
    }

    func close() { _ = try? tmux(["kill-server"], captureOutput: false) }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs tmux with posix_spawn and waitpid: Foundation's `Process` did not notice the client's exit here
    /// (it was left a zombie once the first call had forked the tmux server), and the tests hung.
    @discardableResult
    func tmux(_ args: [String], captureOutput: Bool = true) throws -> String {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-out-\(UUID().uuidString)").path
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, captureOutput ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + args
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw NSError(domain: "tmux", code: Int(rc)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return captureOutput ? ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") : ""
    }

    func send(_ key: String) throws { try tmux(["send-keys", "-t", "t", key]) }
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "t", "-l", text]) }
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "t"]) }
    func resize(width: Int, height: Int) throws { try tmux(["resize-window", "-t", "t", "-x", String(width), "-y", String(height)]) }

    func programPID(matching path: String) throws -> Int32? {
        let panePID = try tmux(["display-message", "-p", "-t", "t", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane runs `sh -c …`, whose child is the program.
        let children = (try? String(contentsOfFile: "/proc/\(panePID)/task/\(panePID)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0) }.first
    }

    /// Titles in the browse table (the rows under the header row).
    func tableTitles() throws -> [String] { TmuxTerminal.titles(in: try screen()) }

    /// The titles in the table: the rows under the header, each after the selection gutter the header is indented by
    /// (the position row below the table is indented by less).
    static func titles(in screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Title") }) else { return [] }
        let gutter = lines[header].prefix { $0 == " " }.count
        return lines[(header + 1)...]
            .prefix { $0.count > gutter && $0.prefix(gutter).allSatisfy { $0 == " " } && $0.dropFirst(gutter).first != " " }
            .map { String($0.dropFirst(gutter).prefix(40)).trimmingCharacters(in: .whitespaces) }
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitUntil("“\(text)”", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
                   _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out waiting for \(what); screen:\n\(last)", file: file, line: line)
        throw XCTSkip("gave up waiting")
    }
}
