import Foundation
import TechFlunkyCore

/// The per-account notifications: what other parts of the platform call to tell someone something, and the
/// SSE stream `GET /api/notifications/stream` serves.
///
/// Watchlist and saved-search notices (price drops, reserved, sold, back on sale, new matches) and payout
/// releases are written by the stores in the transaction that made the change (`NotificationRecords`);
/// everything else comes through `notify`.
public struct NotificationService: Sendable {
    let store: any MarketStore
    let bell: NotificationBell
    let clock: any PlatformClock
    let heartbeatInterval: Double

    init(store: any MarketStore, bell: NotificationBell, clock: any PlatformClock, heartbeatInterval: Double = 15) {
        self.store = store
        self.bell = bell
        self.clock = clock
        self.heartbeatInterval = heartbeatInterval
    }

    /// Tells `accountId` something: an offer answered (`.offerAnswered`, `referenceId` the offer), a question
    /// answered (`.questionAnswered`, `referenceId` the question), or any other kind. The listing's title is
    /// looked up from `listingSlug`. Every open stream of the account has it within milliseconds.
    public func notify(accountId: String, kind: NotificationKind, message: String, listingSlug: String? = nil, referenceId: String? = nil) async throws {
        try await store.insertNotification(accountId: accountId, kind: kind, message: message, listingSlug: listingSlug,
                                           referenceId: referenceId, now: clock.now())
    }

    enum Item: Sendable {
        case ring
        case heartbeat
    }

    static let pageSize = 200

    /// SSE text chunks: every notification of the account after `lastEventId` (its `id`), then new ones as they
    /// are committed, each as an `event: notification` frame with its `id`; an `event: unread` frame (no id)
    /// with the unread count whenever it changes (marking read in another terminal too); a heartbeat comment
    /// while nothing happens. It never ends by itself.
    public func frames(accountId: String, after lastEventId: Int) -> AsyncStream<String> {
        // A ring while the pump is busy needs remembering once, not once per ring.
        let (items, input) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let (output, out) = AsyncStream<String>.makeStream()
        let store = self.store, bell = self.bell, interval = heartbeatInterval

        let pump = Task {
            let listener = bell.listen { input.yield(.ring) }
            let heartbeat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                    if Task.isCancelled { break }
                    input.yield(.heartbeat)
                }
            }
            defer {
                bell.stopListening(listener)
                heartbeat.cancel()
                input.finish()
                out.finish()
            }
            out.yield("retry: 1000\n\n")
            var sent = lastEventId
            var unread = -1
            func flush() async throws {
                while true {
                    let page = try await store.notifications(accountId: accountId, after: sent, limit: Self.pageSize)
                    for notification in page {
                        out.yield(Self.encode(notification))
                        sent = notification.id
                    }
                    if page.count < Self.pageSize { break }
                }
                let count = try await store.unreadCount(accountId: accountId)
                if count != unread {
                    unread = count
                    out.yield(Self.encodeUnread(count))
                }
            }
            do {
                // Listening began before this read, so nothing committed from here on is missed.
                try await flush()
                for await item in items {
                    if Task.isCancelled { break }
                    switch item {
                    case .heartbeat: out.yield(SSEEncoder.comment("heartbeat"))
                    case .ring: try await flush()
                    }
                }
            } catch {
                // The store failed: end the stream; the client reconnects with Last-Event-ID.
            }
        }
        out.onTermination = { _ in pump.cancel(); input.finish() }
        return output
    }

    static func encode(_ notification: MarketNotification) -> String {
        let data = (try? WireJSON.encode(notification)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SSEEncoder.encode(SSEFrame(id: String(notification.id), event: "notification", data: data))
    }

    static func encodeUnread(_ count: Int) -> String {
        let data = (try? WireJSON.encode(UnreadCount(unreadCount: count))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SSEEncoder.encode(SSEFrame(event: "unread", data: data))
    }
}
