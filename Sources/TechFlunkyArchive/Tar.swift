import Foundation

/// One entry of a tar archive as it is stored, before any check on it.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file
        case directory
        case symbolicLink(target: String)
        case hardLink(target: String)
        /// A character or block device, a FIFO, or a type this reader does not know (its type flag).
        case special(String)
    }

    public var path: String
    public var kind: Kind
    public var contents: [UInt8]

    public init(path: String, kind: Kind, contents: [UInt8] = []) {
        self.path = path
        self.kind = kind
        self.contents = contents
    }
}

/// Writes and reads POSIX tar (ustar, with pax extended headers for names longer than ustar holds). Only what a
/// package needs: regular files and directories written; every entry type read, so the checks can refuse by name.
public enum Tar {
    static let block = 512

    // MARK: Writing

    /// A ustar archive of `files` (`/`-separated relative paths), mode 0644, mtime 0, so equal input gives equal bytes.
    public static func archive(_ files: [(path: String, contents: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for file in files {
            let name = Array(file.path.utf8)
            if name.count > 100 {
                // pax: `LEN path=VALUE\n`, where LEN counts its own digits.
                let body = " path=\(file.path)\n"
                var length = body.utf8.count + 1
                while "\(length)".utf8.count + body.utf8.count != length { length += 1 }
                let record = Array("\(length)\(body)".utf8)
                out += header(name: Array("PaxHeaders/\(file.path.suffix(80))".utf8.prefix(100)), size: record.count, type: UInt8(ascii: "x"))
                out += padded(record)
            }
            out += header(name: Array(name.prefix(100)), size: file.contents.count, type: UInt8(ascii: "0"))
            out += padded(file.contents)
        }
        out += [UInt8](repeating: 0, count: block * 2)
        return out
    }

    static func header(name: [UInt8], size: Int, type: UInt8, linkTarget: [UInt8] = []) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: block)
        func put(_ bytes: [UInt8], at offset: Int) { for (i, b) in bytes.enumerated() { h[offset + i] = b } }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        h[156] = type
        put(Array(linkTarget.prefix(100)), at: 157)
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return h
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        let rest = bytes.count % block
        return rest == 0 ? bytes : bytes + [UInt8](repeating: 0, count: block - rest)
    }

    // MARK: Reading

    /// Every entry of a tar archive, in order. `maxEntries` bounds the work on hostile input (a header costs 512 bytes,
    /// so the input's size bounds it too). Throws on a damaged header or an entry cut short.
    public static func entries(of bytes: [UInt8], maxEntries: Int, onEntry: (TarEntry) throws(ArchiveError) -> Void) throws(ArchiveError) {
        var offset = 0
        var index = 0
        var paxPath: String?
        var paxSize: Int?
        var gnuLongName: String?
        var gnuLongLink: String?
        while offset + block <= bytes.count {
            let h = bytes[offset..<(offset + block)]
            if h.allSatisfy({ $0 == 0 }) { return }  // the end-of-archive marker
            guard index < maxEntries else { throw .tooManyFiles(limit: maxEntries) }
            guard checksumMatches(h) else { throw .badHeader(entry: index, reason: "its checksum does not match (is this a tar archive?)") }
            let type = h[h.startIndex + 156]
            guard var size = number(h, 124, 12) else { throw .badHeader(entry: index, reason: "its size is not a number") }
            let isMeta = [UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K")].contains(type)
            if let paxSize, !isMeta { size = paxSize }
            let start = offset + block
            guard size >= 0, size <= bytes.count - start else { throw .truncated }
            let contents = Array(bytes[start..<(start + size)])
            offset = start + (size + block - 1) / block * block
            defer { index += 1 }

            switch type {
            case UInt8(ascii: "x"):
                let records = pax(contents)
                paxPath = records["path"] ?? paxPath
                if let value = records["size"] {
                    guard let n = Int(value), n >= 0 else { throw .badHeader(entry: index, reason: "its pax size is not a number") }
                    paxSize = n
                }
                continue
            case UInt8(ascii: "g"):
                continue  // global pax records (git archive's comment): nothing a package uses
            case UInt8(ascii: "L"):
                gnuLongName = string(contents[...])
                continue
            case UInt8(ascii: "K"):
                gnuLongLink = string(contents[...])
                continue
            default:
                break
            }

            var name = string(h[h.startIndex..<(h.startIndex + 100)])
            let magic = h[(h.startIndex + 257)..<(h.startIndex + 262)]
            if Array(magic) == Array("ustar".utf8) {
                let prefix = string(h[(h.startIndex + 345)..<(h.startIndex + 500)])
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            if let long = gnuLongName { name = long }
            if let long = paxPath { name = long }
            let linkTarget = gnuLongLink ?? string(h[(h.startIndex + 157)..<(h.startIndex + 257)])
            paxPath = nil
            paxSize = nil
            gnuLongName = nil
            gnuLongLink = nil

            let kind: TarEntry.Kind
            switch type {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = name.hasSuffix("/") ? .directory : .file
            case UInt8(ascii: "5"): kind = .directory
            case UInt8(ascii: "1"): kind = .hardLink(target: linkTarget)
            case UInt8(ascii: "2"): kind = .symbolicLink(target: linkTarget)
            case UInt8(ascii: "3"): kind = .special("character device")
            case UInt8(ascii: "4"): kind = .special("block device")
            case UInt8(ascii: "6"): kind = .special("FIFO")
            default: kind = .special("tar entry of type `\(Character(Unicode.Scalar(type)).isLetter || Character(Unicode.Scalar(type)).isNumber ? String(Unicode.Scalar(type)) : "\\(\(type))")`")
            }
            try onEntry(TarEntry(path: name, kind: kind, contents: kind == .file ? contents : []))
        }
        if offset < bytes.count { throw .truncated }
    }

    static func checksumMatches(_ h: ArraySlice<UInt8>) -> Bool {
        guard let stored = number(h, 148, 8) else { return false }
        var unsigned = 0
        var signed = 0
        for (i, byte) in h.enumerated() {
            let b = (148..<156).contains(i) ? UInt8(ascii: " ") : byte
            unsigned += Int(b)
            signed += Int(Int8(bitPattern: b))
        }
        return stored == unsigned || stored == signed
    }

    /// An octal field (NUL- or space-terminated), or GNU's base-256 form for large values.
    static func number(_ h: ArraySlice<UInt8>, _ at: Int, _ width: Int) -> Int? {
        let field = h[(h.startIndex + at)..<(h.startIndex + at + width)]
        if let first = field.first, first & 0x80 != 0 {
            var value = Int(first & 0x7F)
            for b in field.dropFirst() {
                guard value < Int.max >> 8 else { return nil }
                value = value << 8 | Int(b)
            }
            return value
        }
        let text = String(decoding: field.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return 0 }
        return Int(text, radix: 8)
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// pax records: `LEN key=value\n` each.
    static func pax(_ data: [UInt8]) -> [String: String] {
        var records: [String: String] = [:]
        var i = 0
        while i < data.count {
            guard let space = data[i...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[i..<space], as: UTF8.self)),
                  // The length counts its own digits and the space (the fuzzer found `003 path=…`): a record shorter
                  // than that, or past the data, ends the records.
                  length > space - i + 1, length <= data.count - i else { break }
            let record = data[(space + 1)..<(i + length)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                var value = record[(equals + 1)...]
                if value.last == UInt8(ascii: "\n") { value = value.dropLast() }
                records[key] = String(decoding: value, as: UTF8.self)
            }
            i += length
        }
        return records
    }
}
