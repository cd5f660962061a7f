import Foundation

/// The stand-ins' data (accounts, databases, buckets, digests of tokens) is for its owner only: directories 0700,
/// files 0600, whatever umask the process was started with.
///
/// SQLite gives a database's `-wal` and `-shm` files the permissions of the database file itself, so creating the
/// database 0600 before SQLite opens it keeps all three private. (The platform has the same helper: the two modules
/// may not import each other.)
enum PrivateFiles {
    /// Creates `url` and its missing parents as 0700 (exactly: the attributes are set after `mkdir`, past the umask).
    /// A directory that exists already is left as it is: it may be the user's own (`--db /srv/shared/x.sqlite`), and
    /// the files written into it are private by themselves.
    static func directory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Makes sure the file at `path` exists and is 0600 (an empty file is a valid, empty SQLite database), with its
    /// SQLite companions if they are there already.
    static func databaseFile(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        for suffix in ["-wal", "-shm", "-journal"] { _ = chmod(path + suffix, 0o600) }
    }
}
