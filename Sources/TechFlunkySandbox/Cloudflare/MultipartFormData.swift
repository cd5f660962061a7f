import Foundation

/// A `multipart/form-data` body (RFC 7578), as Cloudflare's Workers upload sends it: a `metadata` JSON part
/// and one part per module, each with its own `Content-Type`.
struct MultipartFormData: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var body: Data
    }

    enum Failure: Error, CustomStringConvertible {
        case noBoundary
        case malformed(String)

        var description: String {
            switch self {
            case .noBoundary: "Content-Type must be multipart/form-data with a boundary"
            case let .malformed(why): "malformed multipart body: \(why)"
            }
        }
    }

    var parts: [Part]

    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary parameter of a `multipart/form-data` content type.
    static func boundary(fromContentType contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    init(body: Data, contentType: String?) throws {
        guard let boundary = Self.boundary(fromContentType: contentType) else { throw Failure.noBoundary }
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var i = 0
        while let found = Self.find(delimiter, in: bytes, from: i) {
            positions.append(found)
            i = found + delimiter.count
        }
        guard positions.count >= 2 else { throw Failure.malformed("no parts delimited by --\(boundary)") }
        let closing = positions.last!
        guard bytes.count >= closing + delimiter.count + 2,
              bytes[closing + delimiter.count] == UInt8(ascii: "-"), bytes[closing + delimiter.count + 1] == UInt8(ascii: "-") else {
            throw Failure.malformed("missing the closing --\(boundary)--")
        }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var from = start + delimiter.count
            // The delimiter line ends in CRLF; the part ends with CRLF before the next delimiter.
            guard from + 2 <= bytes.count, bytes[from] == 13, bytes[from + 1] == 10 else {
                throw Failure.malformed("delimiter line does not end in CRLF")
            }
            from += 2
            var to = end
            if to >= 2, bytes[to - 2] == 13, bytes[to - 1] == 10 { to -= 2 }
            // The blank line must end before the part does (headers running into the next delimiter are no part).
            guard let headerEnd = Self.find(Array("\r\n\r\n".utf8), in: bytes, from: from), headerEnd + 4 <= to else {
                throw Failure.malformed("part without a blank line after its headers")
            }
            let headerText = String(decoding: bytes[from..<headerEnd], as: UTF8.self)
            var name: String?
            var filename: String?
            var contentType: String?
            for line in headerText.components(separatedBy: "\r\n") where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("header line without a colon: \(line)") }
                let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if field == "content-disposition" {
                    for param in Self.parameters(value) {
                        if param.0 == "name" { name = param.1 }
                        if param.0 == "filename" { filename = param.1 }
                    }
                } else if field == "content-type" {
                    contentType = value
                }
            }
            guard let name else { throw Failure.malformed("part without a Content-Disposition name") }
            parts.append(Part(name: name, filename: filename, contentType: contentType, body: Data(bytes[(headerEnd + 4)..<to])))
        }
        self.parts = parts
    }

    /// `form-data; name="metadata"; filename="a.js"` → [("name", "metadata"), ("filename", "a.js")].
    private static func parameters(_ value: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = Substring(value)
        // Skip the disposition type.
        if let semi = rest.firstIndex(of: ";") { rest = rest[rest.index(after: semi)...] } else { return [] }
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == ";" }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: eq)...]
            var val = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped { val.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { val.append(c) }
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                val = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            result.append((key, val))
        }
        return result
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Builds a body (for tests and tools): parts in order, with the given boundary.
    static func encode(_ parts: [Part], boundary: String) -> Data {
        var out = Data()
        for part in parts {
            out.append(Data("--\(boundary)\r\n".utf8))
            var disposition = "Content-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
            out.append(Data("\(disposition)\r\n".utf8))
            if let type = part.contentType { out.append(Data("Content-Type: \(type)\r\n".utf8)) }
            out.append(Data("\r\n".utf8))
            out.append(part.body)
            out.append(Data("\r\n".utf8))
        }
        out.append(Data("--\(boundary)--\r\n".utf8))
        return out
    }
}
