import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The data directory of the local sandbox marketplace and the files through which its one daemon is found,
/// as tmux finds its server through a socket and Docker its daemon: `daemon.json` says where the daemon
/// answers, `instance.lock` is held (flock) by the daemon for as long as it lives, and `start.lock` is
/// held by whoever is starting one, so two `techflunky` started at once start one daemon.
///
/// The lock, not the pid, says whether a daemon lives: a pid can be reused after a crash, a flock dies with
/// its process. A state file whose daemon no longer holds the lock, or whose pid is gone, is stale.
public struct LocalSandboxDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// `$XDG_DATA_HOME/techflunky`, else `~/.local/share/techflunky`.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("techflunky")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/techflunky")
    }

    public var stateFile: URL { url.appendingPathComponent("daemon.json") }
    public var instanceLockFile: URL { url.appendingPathComponent("instance.lock") }
    public var startLockFile: URL { url.appendingPathComponent("start.lock") }
    public var logFile: URL { url.appendingPathComponent("logs/techflunky.log") }

    /// Creates the directory and its `logs/` with mode 0700 (and tightens them if they exist).
    public func prepare() throws {
        let fm = FileManager.default
        for dir in [url, url.appendingPathComponent("logs")] {
            do {
                try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw LocalSandboxError.dataDirectory("cannot create \(dir.path): \(error.localizedDescription)")
            }
            _ = chmod(dir.path, 0o700)
        }
    }

    // MARK: State file

    /// The state file's contents; nil when there is none or it cannot be read (a half-written or foreign file is
    /// as good as none: the daemon that wrote it is found through the lock).
    public func readState() -> LocalSandboxState? {
        guard let data = try? Data(contentsOf: stateFile) else { return nil }
        return try? LocalSandboxState.decoder.decode(LocalSandboxState.self, from: data)
    }

    /// Writes the state atomically (a reader sees the old file or the new one), mode 0600.
    public func writeState(_ state: LocalSandboxState) throws {
        let data = try LocalSandboxState.encoder.encode(state)
        let temporary = url.appendingPathComponent(".daemon.json.\(getpid()).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LocalSandboxError.dataDirectory("cannot write \(temporary.path): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == data.count, rename(temporary.path, stateFile.path) == 0 else {
            unlink(temporary.path)
            throw LocalSandboxError.dataDirectory("cannot write \(stateFile.path)")
        }
    }

    /// Removes the state file if it still describes `pid` (a newer daemon's file is left alone).
    public func removeState(ifOwnedBy pid: Int32) {
        if let state = readState(), state.pid != pid { return }
        unlink(stateFile.path)
    }

    // MARK: Locks

    /// Whether a live process holds `instance.lock` right now (a probe that takes the lock for an instant when
    /// it is free; the daemon retries its own lock for a moment, so a probe never keeps it from starting).
    public var isInstanceLockHeld: Bool {
        let fd = open(instanceLockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// Takes `instance.lock` for the daemon's life, retrying for `patience` seconds (a probe may hold it for
    /// an instant); nil when another daemon holds it.
    public func acquireInstanceLock(patience: TimeInterval = 2) -> HeldLock? {
        HeldLock.acquire(instanceLockFile.path, patience: patience)
    }

    /// Takes `start.lock`, waiting up to `patience` seconds for another starter; nil if it is still held then.
    public func acquireStartLock(patience: TimeInterval) -> HeldLock? {
        HeldLock.acquire(startLockFile.path, patience: patience)
    }

    // MARK: Discovery

    public enum Discovery: Sendable, Equatable {
        /// A daemon holds the lock, its process exists and it answers its health check.
        case running(LocalSandboxState)
        /// A daemon holds the lock but does not answer (yet): it is starting, or hung.
        case unresponsive(LocalSandboxState?)
        /// A state file is left from a daemon that is gone (its lock is free or its pid does not exist).
        case stale(LocalSandboxState)
        /// No daemon and no state file.
        case absent
    }

    /// Finds the daemon. `answers` is the health check (`GET /healthz` on the state's API URL).
    public func discover(answers: @Sendable (String) async -> Bool) async -> Discovery {
        let state = readState()
        let held = isInstanceLockHeld
        if let state {
            guard held, Self.processExists(state.pid) else { return held ? .unresponsive(nil) : .stale(state) }
            return await answers(state.apiURL) ? .running(state) : .unresponsive(state)
        }
        return held ? .unresponsive(nil) : .absent
    }

    /// `kill(pid, 0)`: the process exists (EPERM: it does, as another user's).
    public static func processExists(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// `processExists`, and not a zombie (`/proc/<pid>/stat`'s state `Z`): a process that has exited but that whoever
    /// inherited it has not reaped yet still answers `kill(pid, 0)`.
    public static func processIsRunning(_ pid: Int32) -> Bool {
        guard processExists(pid) else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// An flock held until `release()` or the end of the process (the descriptor is close-on-exec, so a
    /// child the holder starts does not inherit it).
    public final class HeldLock: Sendable {
        private let fd: Int32

        private init(fd: Int32) { self.fd = fd }

        static func acquire(_ path: String, patience: TimeInterval) -> HeldLock? {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            let deadline = Date().addingTimeInterval(patience)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard Date() < deadline else {
                    close(fd)
                    return nil
                }
                usleep(50_000)
            }
            return HeldLock(fd: fd)
        }

        public func release() {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }
}

public enum LocalSandboxError: Error, CustomStringConvertible, Sendable {
    case dataDirectory(String)

    public var description: String {
        switch self {
        case let .dataDirectory(detail): detail
        }
    }
}
