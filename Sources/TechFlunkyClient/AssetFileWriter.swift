import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Writing downloaded files safely: a plain name inside the chosen directory, created new (no following a link an
/// attacker left there), 0600.
public enum AssetFileWriter {
    /// Why a file was not written, in words for the person.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Letters, digits, `.`, `-`, `_` of the name's last component, without leading dots; `fallback` when nothing is left.
    public static func safeName(_ name: String, fallback: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        var kept = String(last.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .map(Character.init))
        while kept.hasPrefix(".") { kept.removeFirst() }
        kept = String(kept.prefix(120))
        if kept.isEmpty {
            let safeFallback = String(fallback.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }.map(Character.init))
            return safeFallback.isEmpty ? "asset" : safeFallback
        }
        return kept
    }

    public static func makeDirectory(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure(description: "\(directory.path) is a file, not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot make \(directory.path): \(error.localizedDescription)")
        }
    }

    public static func write(_ data: Data, to target: URL, in directory: URL, replacing: Bool) throws {
        // The name has no `/` and is not `.` or `..` (safeName), so the file is directly inside the directory.
        guard target.deletingLastPathComponent().standardizedFileURL.path == directory.standardizedFileURL.path else {
            throw Failure(description: "refusing to write \(target.path): outside \(directory.path)")
        }
        if replacing { unlink(target.path) }
        let fd = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "it already exists (use --force to replace it)" : String(cString: strerror(errno))
            throw Failure(description: "cannot write \(target.path): \(reason)")
        }
        defer { close(fd) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = posixWrite(fd, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                guard n > 0 else { throw Failure(description: "cannot write \(target.path): \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
        fchmod(fd, 0o600)
    }

    #if canImport(Glibc)
    static let posixWrite = Glibc.write
    #else
    static let posixWrite = Darwin.write
    #endif
}
