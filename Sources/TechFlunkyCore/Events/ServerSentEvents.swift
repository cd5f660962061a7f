import Foundation

/// One Server-Sent Events message (WHATWG HTML, "Server-sent events").
public struct SSEFrame: Sendable, Hashable {
    public var id: String?
    public var event: String?
    public var data: String
    public var retry: Int?

    public init(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil) {
        self.id = id
        self.event = event
        self.data = data
        self.retry = retry
    }
}

public enum SSEEncoder {
    /// Encodes a frame; multi-line data becomes several `data:` lines. Ends with a blank line.
    public static func encode(_ frame: SSEFrame) -> String {
        var out = ""
        if let id = frame.id { out += "id: \(id)\n" }
        if let event = frame.event { out += "event: \(event)\n" }
        if let retry = frame.retry { out += "retry: \(retry)\n" }
        let normalized = frame.data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            out += "data: \(line)\n"
        }
        return out + "\n"
    }

    /// A comment line, used as a heartbeat; parsers ignore it.
    public static func comment(_ text: String = "") -> String { ": \(text)\n\n" }
}

/// An incremental SSE parser: feed it bytes as they arrive (a line or even a UTF-8 sequence may be
/// split across reads) and it returns the frames completed so far. Handles LF, CR and CRLF line
/// ends, a leading BOM, comments, `retry`, and remembers the last event id as the spec says.
public struct SSEParser: Sendable {
    private var buffer: [UInt8] = []
    private var sawFirstBytes = false
    private var lastCharWasCR = false
    private var dataLines: [String] = []
    private var hasData = false
    private var eventType: String?
    private var pendingRetry: Int?
    /// The last event ID buffer; persists across frames, as the spec requires.
    public private(set) var lastEventId: String?
    /// The reconnection time the server asked for, in milliseconds.
    public private(set) var retry: Int?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEFrame] {
        var frames: [SSEFrame] = []
        for byte in bytes {
            if !sawFirstBytes {
                buffer.append(byte)
                // Strip one leading UTF-8 BOM.
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if buffer.count < 3 && Array(bom.prefix(buffer.count)) == buffer { continue }
                if buffer == bom { buffer.removeAll(); sawFirstBytes = true; continue }
                sawFirstBytes = true
                let pending = buffer
                buffer.removeAll()
                for b in pending { if let f = consume(b) { frames.append(f) } }
                continue
            }
            if let f = consume(byte) { frames.append(f) }
        }
        return frames
    }

    public mutating func feed(_ text: String) -> [SSEFrame] { feed(Array(text.utf8)) }

    private mutating func consume(_ byte: UInt8) -> SSEFrame? {
        if byte == 0x0A {  // LF
            if lastCharWasCR { lastCharWasCR = false; return nil }  // CRLF: the CR already ended the line.
            return endLine()
        }
        if byte == 0x0D {  // CR
            lastCharWasCR = true
            return endLine()
        }
        lastCharWasCR = false
        buffer.append(byte)
        return nil
    }

    private mutating func endLine() -> SSEFrame? {
        let line = String(decoding: buffer, as: UTF8.self)
        buffer.removeAll(keepingCapacity: true)
        if line.isEmpty { return dispatch() }
        if line.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = ""
        }
        switch field {
        case "event": eventType = String(value)
        case "data":
            dataLines.append(String(value))
            hasData = true
        case "id":
            if !value.contains("\0") { lastEventId = String(value) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }), let ms = Int(value) { retry = ms; pendingRetry = ms }
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEFrame? {
        defer {
            dataLines.removeAll()
            hasData = false
            eventType = nil
            pendingRetry = nil
        }
        guard hasData else { return nil }
        return SSEFrame(id: lastEventId, event: eventType, data: dataLines.joined(separator: "\n"), retry: pendingRetry)
    }
}
