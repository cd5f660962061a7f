import Foundation
import TechFlunkyCore
import TechFlunkyHTTP

// Watchlist, saved searches and notifications: the typed calls, and the live notifications stream.
extension PlatformClient {
    public func watchlist() async throws -> [WatchedListing] {
        let response: WatchlistResponse = try await call(.GET, "/api/watchlist")
        return response.items
    }

    public func watch(slug: String) async throws -> WatchedListing {
        try await call(.PUT, "/api/watchlist/\(PercentEncoding.segment(slug))")
    }

    public func unwatch(slug: String) async throws {
        try await callWithoutResult(.DELETE, "/api/watchlist/\(PercentEncoding.segment(slug))")
    }

    public func savedSearches() async throws -> [SavedSearch] {
        let response: SavedSearchesResponse = try await call(.GET, "/api/saved-searches")
        return response.searches
    }

    public func saveSearch(_ request: SaveSearchRequest) async throws -> SavedSearch {
        try await call(.POST, "/api/saved-searches", body: request)
    }

    public func deleteSavedSearch(id: String) async throws {
        try await callWithoutResult(.DELETE, "/api/saved-searches/\(PercentEncoding.segment(id))")
    }

    public func notifications(limit: Int = 50, unreadOnly: Bool = false) async throws -> NotificationsResponse {
        var query = [("limit", String(limit))]
        if unreadOnly { query.append(("unread", "true")) }
        return try await call(.GET, "/api/notifications", query: query)
    }

    /// Marks notifications read; answers how many are still unread.
    public func markNotificationsRead(_ request: MarkNotificationsReadRequest) async throws -> Int {
        let response: UnreadCount = try await call(.POST, "/api/notifications/read", body: request)
        return response.unreadCount
    }

    /// The account's notifications live after `after` (a notification id; 0: every one there is), then the
    /// unread count whenever it changes; reconnects with backoff and resumes with `Last-Event-ID`. Ends only
    /// when its consumer stops, or with an error retrying cannot fix (signed out).
    public func notificationUpdates(after: Int = 0, options: DeploymentEventStream.Options = .init()) -> AsyncThrowingStream<NotificationStreamUpdate, any Error> {
        let (stream, continuation) = AsyncThrowingStream<NotificationStreamUpdate, any Error>.makeStream()
        let task = Task { [self] in
            var last = after
            var failures = 0
            var since: Date?
            var announced = false
            do {
                while true {
                    try Task.checkCancellation()
                    var headers: HTTPHeaders = ["Accept": "text/event-stream", "Cache-Control": "no-cache"]
                    if last > 0 { headers["Last-Event-ID"] = String(last) }
                    if let token { headers["Authorization"] = "Bearer \(token)" }
                    var reason = "the stream ended"
                    do {
                        let response = try await transport.stream(HTTPRequest(url: baseURL + "/api/notifications/stream", headers: headers,
                                                                               timeouts: .streaming))
                        if response.status != 200 {
                            var body = Data()
                            for try await chunk in response.body where body.count < 64 * 1024 { body.append(chunk) }
                            let error = ClientError.from(status: response.status, body: body)
                            guard response.status == 429 || response.status >= 500 else { throw error }
                            reason = error.description
                        } else {
                            if announced { continuation.yield(.reconnected) }
                            announced = false
                            since = nil
                            failures = 0
                            var parser = SSEParser()
                            for try await chunk in response.body {
                                for frame in parser.feed(chunk) {
                                    switch frame.event {
                                    case "notification":
                                        guard let n = try? WireJSON.decode(MarketNotification.self, from: Data(frame.data.utf8)), n.id > last else { continue }
                                        last = n.id
                                        continuation.yield(.notification(n))
                                    case "unread":
                                        if let count = try? WireJSON.decode(UnreadCount.self, from: Data(frame.data.utf8)) {
                                            continuation.yield(.unread(count.unreadCount))
                                        }
                                    default: continue
                                    }
                                }
                            }
                        }
                    } catch let error as HTTPError {
                        if error == .cancelled { throw CancellationError() }
                        reason = ClientError.from(error, base: baseURL).description
                    }
                    failures += 1
                    let start = since ?? Date()
                    since = start
                    if !announced, Date().timeIntervalSince(start) >= options.unreachableNotice {
                        continuation.yield(.reconnecting(since: start, reason: reason))
                        announced = true
                    }
                    let policy = RetryPolicy(maxAttempts: .max, baseDelay: options.initialBackoff, maxDelay: options.maxBackoff, jitter: .upperHalf)
                    try await Task.sleep(nanoseconds: UInt64(policy.jittered(policy.backoff(afterAttempt: failures)) * 1e9))
                }
            } catch is CancellationError {
                continuation.finish(throwing: ClientError.cancelled)
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// What the notifications stream delivers.
public enum NotificationStreamUpdate: Sendable, Hashable {
    case notification(MarketNotification)
    /// How many notifications are unread now.
    case unread(Int)
    /// The platform has not answered since then; the stream keeps trying.
    case reconnecting(since: Date, reason: String)
    case reconnected
}
