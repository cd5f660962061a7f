import Foundation

/// The session tokens of `techflunky login`, one per platform URL, in `session.json` in the config
/// directory. Keyed by URL so a token is never sent to a server other than the one that issued it.
/// The file is created with mode 0600 in a 0700 directory and replaced atomically (write a
/// temporary file opened 0600 with O_EXCL, then rename), so it is never readable by others, not
/// even for a moment, and a crash leaves the old file or the new one, never half of one.
public struct SessionTokenStore: Sendable {
    public let directory: ConfigDirectory

    public init(directory: ConfigDirectory) { self.directory = directory }

    private struct FileContents: Codable {
        var sessions: [String: String]
    }

    public func token(for apiURL: String) throws -> String? {
        try read().sessions[apiURL]
    }

    public func save(token: String, for apiURL: String) throws {
        var contents = try read()
        contents.sessions[apiURL] = token
        try store(contents)
    }

    /// Forgets the token of one platform; returns whether there was one.
    @discardableResult
    public func remove(for apiURL: String) throws -> Bool {
        var contents = try read()
        guard contents.sessions.removeValue(forKey: apiURL) != nil else { return false }
        try store(contents)
        return true
    }

    private var path: String { directory.tokenFile.path }

    private func read() throws -> FileContents {
        guard let data = FileManager.default.contents(atPath: path) else { return FileContents(sessions: [:]) }
        do {
            return try JSONDecoder().decode(FileContents.self, from: data)
        } catch {
            throw ClientError.configuration("\(path) is damaged; delete it and run `techflunky login` again")
        }
    }

    private func store(_ contents: FileContents) throws {
        let dir = directory.url.path
        if !FileManager.default.fileExists(atPath: dir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(contents)
        let temporary = dir + "/.session.json.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ClientError.configuration("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        // The umask cannot widen 0600, but a pre-set ACL or odd umask could narrow it oddly: set it exactly.
        ok = ok && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ClientError.configuration("cannot write \(path): \(reason)")
        }
    }
}
