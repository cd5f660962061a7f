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
    /// CR, LF and NUL cannot be carried in `id` (and CR/LF not in `event`): they would end the field
    /// early or make the parser drop the id, so they are removed rather than let a value split a frame.
    public static func encode(_ frame: SSEFrame) -> String {
        var out = ""
        if let id = frame.id { out += "id: \(strip(id, removingNUL: true))\n" }
        if let event = frame.event { out += "event: \(strip(event, removingNUL: false))\n" }
        if let retry = frame.retry, retry >= 0 { out += "retry: \(retry)\n" }
        out += dataLines(frame.data)
        return out + "\n"
    }

    /// A comment line, used as a heartbeat; parsers ignore it. Multi-line text becomes several comments.
    public static func comment(_ text: String = "") -> String {
        lines(text).map { ": \($0)\n" }.joined() + "\n"
    }

    private static func dataLines(_ data: String) -> String {
        lines(data).map { "data: \($0)\n" }.joined()
    }

    /// Splits on CRLF, CR or LF, as the parser will.
    private static func lines(_ text: String) -> [Substring] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func strip(_ value: String, removingNUL: Bool) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && !(removingNUL && $0 == "\0") }))
    }
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
    /// A line longer than this (in bytes) is dropped whole, so a hostile or broken stream cannot make
    /// the client buffer without bound.
    public let maxLineBytes: Int
    private var discardingLongLine = false

    public init(maxLineBytes: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Prepares for the next connection of the same stream: keeps `lastEventId` and `retry` (sent back
    /// as `Last-Event-ID` and used as the delay), drops a half-received frame, and expects a BOM again.
    public mutating func resetForReconnect() {
        buffer.removeAll()
        sawFirstBytes = false
        lastCharWasCR = false
        discardingLongLine = false
        dataLines.removeAll()
        hasData = false
        eventType = nil
        pendingRetry = nil
    }

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
        if discardingLongLine { return nil }
        if buffer.count >= maxLineBytes {
            buffer.removeAll()
            discardingLongLine = true
            return nil
        }
        buffer.append(byte)
        return nil
    }

    private mutating func endLine() -> SSEFrame? {
        if discardingLongLine {
            discardingLongLine = false
            return nil
        }
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
            // Only ASCII digits, as the spec says; a value too large for Int is ignored rather than trapping.
            if !value.isEmpty, value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let ms = Int(value) {
                retry = ms
                pendingRetry = ms
            }
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
        // An empty event type means the default ("message"), the same as none.
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 }
        return SSEFrame(id: lastEventId, event: type, data: dataLines.joined(separator: "\n"), retry: pendingRetry)
    }
}
