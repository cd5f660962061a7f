import Foundation

/// A `multipart/form-data` body (RFC 7578), as the Workers script upload takes it.
struct MultipartFormBody: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String
        var data: Data
    }

    let boundary: String
    private(set) var parts: [Part] = []

    init(boundary: String = "----techflunky-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) {
        self.boundary = boundary
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func add(name: String, filename: String? = nil, contentType: String, data: Data) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, data: data))
    }

    /// Quotes a header parameter value: `"` and `\` escaped, CR/LF dropped so a name cannot break the header.
    private static func quoted(_ s: String) -> String {
        let cleaned = s.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(cleaned)\""
    }

    func encoded() -> Data {
        var out = Data()
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\(Self.quoted(part.name))"
            if let filename = part.filename { head += "; filename=\(Self.quoted(filename))" }
            head += "\r\nContent-Type: \(part.contentType)\r\n\r\n"
            out.append(Data(head.utf8))
            out.append(part.data)
            out.append(Data("\r\n".utf8))
        }
        out.append(Data("--\(boundary)--\r\n".utf8))
        return out
    }
}
