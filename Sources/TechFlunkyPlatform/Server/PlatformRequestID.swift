import Foundation
import HTTPTypes

/// The id that ties together a request, its response and every log line written while answering it.
///
/// A caller (a proxy, the CLI, a support ticket) may send its own `X-Request-Id`; it is taken when it is
/// sane (1–128 visible ASCII characters, so it cannot forge log lines or carry control sequences) and
/// replaced by a fresh one otherwise. The id is echoed in the response and carried in a task-local, which
/// `RequestIDLogHandler` adds to each line, so log calls deep in the Stripe client or the deployment
/// orchestrator carry it without being handed a request logger.
public enum PlatformRequestID {
    /// The id of the request the current task is answering, if any.
    @TaskLocal public static var current: String?

    public static let maximumLength = 128

    /// `header` when it is a usable id, else nil.
    public static func accepting(_ header: String?) -> String? {
        guard let header, !header.isEmpty, header.utf8.count <= maximumLength else { return nil }
        // Visible ASCII only: no spaces, quotes that would break a log line's structure, or control bytes.
        guard header.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else { return nil }
        return header
    }

    /// The caller's id when it is usable, else a new one.
    public static func resolve(_ header: String?) -> String { accepting(header) ?? generate() }

    /// 128 random bits as 32 lower-case hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`, accepted from callers and echoed in every platform response.
    public static let requestID = HTTPField.Name("X-Request-Id")!
}
