import Foundation
import Glibc
import TechFlunkyClient

/// Finds the local sandbox daemon of a data directory, starting it first when none runs: the one way the
/// UI and the scripting commands reach the embedded default.
///
/// A running daemon is found through its state file and health check without any lock. Otherwise the
/// launcher takes `start.lock` (so of two `techflunky` started at once, one starts the daemon and the other
/// waits for it), clears a stale state file, starts `techflunky sandbox daemon` detached (a session of its
/// own, stdin from /dev/null, stdout and stderr appended to the log file) and waits until it answers.
struct SandboxLauncher: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let directory: LocalSandboxDirectory
    /// The first start builds the demo world (seconds on a fast machine, a minute or two on a slow one).
    var startTimeout: TimeInterval = 600

    init(directory: LocalSandboxDirectory = LocalSandboxDirectory(url: EmbeddedMarketplace.defaultDataDirectory())) {
        self.directory = directory
    }

    /// `GET /healthz` on `apiURL`.
    @Sendable static func answers(_ apiURL: String) async -> Bool {
        (try? await PlatformClient(baseURL: apiURL, transport: ConnectionOptions.sharedTransport).health()) != nil
    }

    /// The running daemon's state, after starting one if needed. `progress` is told when this call starts it.
    func ensureRunning(progress: @Sendable (String) -> Void = { _ in }) async throws -> LocalSandboxState {
        if case let .running(state) = await directory.discover(answers: Self.answers) { return state }
        try directory.prepare()
        let deadline = Date().addingTimeInterval(startTimeout)
        let startLock = try await acquireStartLock(until: deadline)
        defer { startLock.release() }

        var child: pid_t?
        var childExit: String?
        var lastUnresponsive: LocalSandboxState?
        while true {
            switch await directory.discover(answers: Self.answers) {
            case let .running(state):
                return state
            case let .unresponsive(state):
                if child == nil, lastUnresponsive == nil, let state {
                    progress("Waiting for the local sandbox (pid \(state.pid)) to answer…")
                }
                lastUnresponsive = state ?? lastUnresponsive
            case let .stale(state):
                directory.removeState(ifOwnedBy: state.pid)
                fallthrough
            case .absent:
                if child == nil {
                    let seeded = FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("world.json").path)
                    progress(seeded ? "Starting the local sandbox marketplace…"
                                    : "Setting up the local sandbox marketplace (first start: building the demo world)…")
                    child = try Self.spawnDaemon(logFile: directory.logFile)
                }
            }
            // Our daemon exited and none holds the lock (a daemon that lost a race to another exits too, and
            // then the other one is found above).
            if let pid = child, childExit == nil { childExit = Self.exitStatus(of: pid) }
            if let status = childExit, !directory.isInstanceLockHeld {
                throw Failure(description: """
                    the local sandbox daemon exited (\(status)) before it answered. The end of its log (\(directory.logFile.path)):
                    \(Self.tail(of: directory.logFile))
                    """)
            }
            guard Date() < deadline else {
                let who = lastUnresponsive.map { "pid \($0.pid) at \($0.apiURL)" } ?? "a daemon"
                throw Failure(description: """
                    \(who) holds the local sandbox in \(directory.url.path) but does not answer after \(Int(startTimeout)) s; \
                    see \(directory.logFile.path), or stop it with `techflunky sandbox stop --force`
                    """)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func acquireStartLock(until deadline: Date) async throws -> LocalSandboxDirectory.HeldLock {
        while true {
            if let lock = directory.acquireStartLock(patience: 0) { return lock }
            guard Date() < deadline else {
                throw Failure(description: "another techflunky has been starting the local sandbox for too long; remove \(directory.startLockFile.path) if none runs")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: The process

    /// glibc's `POSIX_SPAWN_SETSID` (2.26+; not exported to Swift): the child starts a session of its own, so
    /// the terminal's Ctrl-C, hang-up and job control never reach it.
    private static let spawnSetSID: Int32 = 0x80

    /// Variables the daemon must not inherit: a buyer's Cloudflare token, a session token, another platform.
    static let keptFromDaemon: Set<String> = ["CLOUDFLARE_API_TOKEN", "TECHFLUNKY_TOKEN", "TECHFLUNKY_API"]

    /// Starts `techflunky sandbox daemon` detached, its stdout and stderr appended to `logFile` (0600).
    static func spawnDaemon(logFile: URL) throws -> pid_t {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let log = open(logFile.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard log >= 0 else {
            throw Failure(description: "cannot open the sandbox's log file \(logFile.path): \(String(cString: strerror(errno)))")
        }
        defer { close(log) }

        keepDescriptorsFromChildren()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default dispositions and an empty mask: whatever the UI ignored or blocked, the daemon hears SIGTERM.
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(spawnSetSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments: [String] = [executable, "sandbox", "daemon"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // The daemon outlives this command: it gets none of the secrets a command may have been given.
        let environment: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
            .filter { !Self.keptFromDaemon.contains($0.key) }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
        guard rc == 0 else {
            throw Failure(description: "cannot start the local sandbox daemon (\(executable) sandbox daemon): \(String(cString: strerror(rc)))")
        }
        Self.children.add(pid)
        return pid
    }

    /// Marks every descriptor above stderr close-on-exec, so the daemon inherits none of this process's pipes
    /// or sockets: a script reading `techflunky listings | …` to its end, or a test reading the command's
    /// output, would otherwise wait for the daemon to exit.
    private static func keepDescriptorsFromChildren() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap(Int32.init) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// The exit status of a daemon this process started, once it has exited (reaps it); nil while it runs.
    static func exitStatus(of pid: pid_t) -> String? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        Self.children.remove(pid)
        let code = (status >> 8) & 0xff, signal = status & 0x7f
        return signal == 0 ? "exit status \(code)" : "signal \(signal)"
    }

    /// Reaps the daemons this process started that have exited since (a long-lived UI would keep zombies).
    static func reapExitedChildren() {
        for pid in children.all { _ = exitStatus(of: pid) }
    }

    /// Pids of the daemons this process started.
    final class Children: @unchecked Sendable {
        // @unchecked: `pids` is only touched under `lock`.
        private let lock = NSLock()
        private var pids: Set<pid_t> = []
        func add(_ pid: pid_t) { lock.withLock { _ = pids.insert(pid) } }
        func remove(_ pid: pid_t) { lock.withLock { _ = pids.remove(pid) } }
        var all: [pid_t] { lock.withLock { Array(pids) } }
    }

    static let children = Children()

    /// The last lines of the log, for an error message (sanitised by the caller's output path).
    static func tail(of file: URL, lines: Int = 15) -> String {
        guard let data = try? Data(contentsOf: file) else { return "(no log)" }
        let text = String(decoding: data.suffix(8192), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
