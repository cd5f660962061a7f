import Foundation

/// A backup as one file: a POSIX tar (ustar, with pax records for long paths and large files) that `tar -xf`
/// also reads. `backup.json` comes first, then the files it lists in its order. Written and read by us so that
/// reading trusts nothing: only regular files and directories, relative paths without `..`, header checksums
/// checked, a truncated archive refused. What the files hold is checked afterwards against the manifest's
/// SHA-256s (`PlatformBackup.verify`).
enum BackupArchive {
    static let blockSize = 512

    // MARK: Writing

    /// Writes the files of the backup directory `source` named by `paths` (in that order) into a new archive at
    /// `destination`, 0600 from the start, synced before it returns.
    static func write(from source: URL, paths: [String], to destination: URL) throws {
        let fd = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError.failed("cannot create \(destination.path): \(String(cString: strerror(errno)))") }
        let out = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            var directories: Set<String> = []
            for path in paths {
                // Parent directories first, so any tar recreates them with the backup's permissions.
                var parent = ""
                for part in path.split(separator: "/").dropLast() {
                    parent += (parent.isEmpty ? "" : "/") + part
                    if directories.insert(parent).inserted {
                        try writeHeader(to: out, path: parent + "/", size: 0, type: "5", mode: 0o700)
                    }
                }
                let url = source.appendingPathComponent(path)
                let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
                try writeHeader(to: out, path: path, size: size, type: "0", mode: 0o600)
                let input = try FileHandle(forReadingFrom: url)
                defer { try? input.close() }
                var written: Int64 = 0
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try out.write(contentsOf: chunk)
                    written += Int64(chunk.count)
                }
                guard written == size else { throw BackupError.failed("\(url.path) changed size while it was archived") }
                try out.write(contentsOf: Data(count: padding(size)))
            }
            try out.write(contentsOf: Data(count: blockSize * 2))
            try out.synchronize()
            try out.close()
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
    }

    private static func writeHeader(to out: FileHandle, path: String, size: Int64, type: Character, mode: Int) throws {
        let nameFits = path.utf8.count <= 100
        let sizeFits = size < 0o77777777777
        if !nameFits || !sizeFits {
            var records = ""
            if !nameFits { records += paxRecord("path", path) }
            if !sizeFits { records += paxRecord("size", String(size)) }
            let body = Data(records.utf8)
            try out.write(contentsOf: header(name: "PaxHeaders/\(String(path.suffix(80)).replacingOccurrences(of: "/", with: "_"))",
                                             size: Int64(body.count), type: "x", mode: 0o600))
            try out.write(contentsOf: body + Data(count: padding(Int64(body.count))))
        }
        try out.write(contentsOf: header(name: nameFits ? path : String(path.suffix(99)), size: sizeFits ? size : 0, type: type, mode: mode))
    }

    /// A pax record: `<length> <key>=<value>\n`, where the length counts itself.
    static func paxRecord(_ key: String, _ value: String) -> String {
        let rest = " \(key)=\(value)\n".utf8.count
        var length = rest + 1
        while String(length).count + rest != length { length = String(length).count + rest }
        return "\(length) \(key)=\(value)\n"
    }

    static func header(name: String, size: Int64, type: Character, mode: Int) -> Data {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int64, at offset: Int, width: Int) {
            put(String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8), at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(Int64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        put(String(type), at: 156, width: 1)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int64($1) }
        octal(sum, at: 148, width: 7)
        return Data(block)
    }

    static func padding(_ size: Int64) -> Int {
        let rest = Int(size % Int64(blockSize))
        return rest == 0 ? 0 : blockSize - rest
    }

    // MARK: Reading

    /// Unpacks `archive` into the new directory `target` (0700 directories, 0600 files). Throws
    /// `BackupError.archiveDamaged` for anything that is not an archive this program wrote intact.
    static func extract(_ archive: URL, into target: URL) throws {
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: archive) } catch {
            throw BackupError.sourceMissing(archive.path)
        }
        defer { try? input.close() }
        try PlatformBackup.createPrivateDirectory(target)
        var pax: [String: String] = [:]
        var sawEnd = false
        var entries = 0
        func damaged(_ detail: String) -> BackupError { .archiveDamaged(path: archive.path, detail: detail) }

        while true {
            let block = try input.read(upToCount: blockSize) ?? Data()
            if block.isEmpty { break }
            guard block.count == blockSize else { throw damaged("it ends in the middle of a header (truncated)") }
            if block.allSatisfy({ $0 == 0 }) { sawEnd = true; break }
            let bytes = [UInt8](block)
            guard let stored = octalValue(bytes[148..<156]) else { throw damaged("entry \(entries + 1) has no readable header checksum") }
            var sum: Int64 = 0
            for (i, byte) in bytes.enumerated() { sum += (148..<156).contains(i) ? 32 : Int64(byte) }
            guard sum == stored else { throw damaged("the header of entry \(entries + 1) does not match its checksum") }
            let type = bytes[156]
            guard var size = octalValue(bytes[124..<136]), size >= 0 else { throw damaged("entry \(entries + 1) has no readable size") }
            var name = string(bytes[0..<100])
            let prefix = string(bytes[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
            if let path = pax["path"] { name = path }
            if let paxSize = pax["size"] {
                guard let value = Int64(paxSize), value >= 0 else { throw damaged("entry \(entries + 1) has a bad pax size") }
                size = value
            }
            entries += 1
            switch type {
            case UInt8(ascii: "x"):
                guard size <= 64 * 1024 else { throw damaged("a pax header of \(size) bytes") }
                let body = try readExactly(input, Int(size), orThrow: damaged("it ends inside a pax header (truncated)"))
                _ = try readExactly(input, padding(size), orThrow: damaged("it ends inside a pax header (truncated)"))
                pax = try parsePax(body, orThrow: damaged("a pax header does not parse"))
                continue
            case UInt8(ascii: "5"):
                let path = name.hasSuffix("/") ? String(name.dropLast()) : name
                guard PlatformBackup.isSafeRelativePath(path) else { throw damaged("it names `\(path)`, outside the backup") }
                try PlatformBackup.createPrivateDirectory(target.appendingPathComponent(path))
            case UInt8(ascii: "0"), 0:
                guard PlatformBackup.isSafeRelativePath(name), !name.hasSuffix("/") else { throw damaged("it names `\(name)`, outside the backup") }
                let url = target.appendingPathComponent(name)
                guard !FileManager.default.fileExists(atPath: url.path) else { throw damaged("it holds `\(name)` twice") }
                try PlatformBackup.createPrivateDirectory(url.deletingLastPathComponent())
                let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
                guard fd >= 0 else { throw BackupError.failed("cannot write \(url.path): \(String(cString: strerror(errno)))") }
                let out = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                var left = size
                while left > 0 {
                    let chunk = try input.read(upToCount: Int(min(left, 1 << 20))) ?? Data()
                    guard !chunk.isEmpty else { try? out.close(); throw damaged("it ends inside `\(name)` (truncated)") }
                    try out.write(contentsOf: chunk)
                    left -= Int64(chunk.count)
                }
                try out.close()
                _ = try readExactly(input, padding(size), orThrow: damaged("it ends inside `\(name)` (truncated)"))
            default:
                throw damaged("entry `\(name)` is not a regular file or directory (type \(Character(UnicodeScalar(type))))")
            }
            pax = [:]
        }
        guard sawEnd else { throw damaged("it has no end-of-archive marker (truncated)") }
    }

    private static func readExactly(_ input: FileHandle, _ count: Int, orThrow error: BackupError) throws -> Data {
        guard count > 0 else { return Data() }
        let data = try input.read(upToCount: count) ?? Data()
        guard data.count == count else { throw error }
        return data
    }

    static func parsePax(_ body: Data, orThrow error: BackupError) throws -> [String: String] {
        var records: [String: String] = [:]
        var rest = Substring(String(decoding: body, as: UTF8.self))
        while !rest.isEmpty {
            guard let space = rest.firstIndex(of: " "), let length = Int(rest[rest.startIndex..<space]), length > 0,
                  rest.utf8.count >= length else { throw error }
            let record = String(decoding: Array(rest.utf8.prefix(length)), as: UTF8.self)
            guard record.hasSuffix("\n"), let equals = record.firstIndex(of: "="), let recordSpace = record.firstIndex(of: " "), recordSpace < equals else { throw error }
            records[String(record[record.index(after: recordSpace)..<equals])] = String(record[record.index(after: equals)...].dropLast())
            rest = Substring(String(decoding: Array(rest.utf8.dropFirst(length)), as: UTF8.self))
        }
        return records
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func octalValue(_ bytes: ArraySlice<UInt8>) -> Int64? {
        let text = string(bytes).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : Int64(text, radix: 8)
    }
}
