import Foundation
import Logging

/// A swift-log handler that appends one line per message to a file, for the embedded default: the
/// servers log there, never onto the terminal the UI draws on.
struct FileLogHandler: LogHandler {
    /// Serialises writes from the servers' many threads onto one file handle.
    final class Sink: @unchecked Sendable {
        // @unchecked: every access to `handle` happens under `lock`.
        private let lock = NSLock()
        private let handle: FileHandle

        init(url: URL) throws {
            let fm = FileManager.default
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !fm.fileExists(atPath: url.path) {
                guard fm.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
                }
            }
            handle = try FileHandle(forWritingTo: url)
            handle.seekToEndOfFile()
        }

        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            handle.write(Data(line.utf8))
        }

        /// The file descriptor, so stray writes to stderr can be sent here too.
        var fileDescriptor: Int32 { handle.fileDescriptor }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = Date.now.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        sink.write("\(stamp) \(level) \(label): \(message)\(fields.isEmpty ? "" : " " + fields)\n")
    }
}
