import Foundation
import Logging

/// Wraps the platform's log handler and adds `request_id` to every line written while a request is
/// being answered (`PlatformRequestID.current`), whichever logger wrote it.
struct RequestIDLogHandler: LogHandler {
    static let metadataKey = "request_id"
    var wrapped: any LogHandler

    init(wrapping handler: any LogHandler) {
        // Wrapping twice (a logger rebuilt from a wrapped one) would only add the key twice.
        if let inner = handler as? RequestIDLogHandler { wrapped = inner.wrapped } else { wrapped = handler }
    }

    /// `logger` with its handler wrapped; its label, level and metadata stay as they were.
    static func wrap(_ logger: Logger) -> Logger {
        let handler = RequestIDLogHandler(wrapping: logger.handler)
        return Logger(label: logger.label) { _ in handler }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if let id = PlatformRequestID.current, event.metadata?[Self.metadataKey] == nil {
            event.metadata = (event.metadata ?? [:]).merging([Self.metadataKey: .string(id)]) { current, _ in current }
        }
        wrapped.log(event: event)
    }
}
