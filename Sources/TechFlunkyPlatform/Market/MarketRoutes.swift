import Foundation
import Hummingbird
import TechFlunkyCore

/// `/api/watchlist…`, `/api/saved-searches…`, `/api/notifications…`: the signed-in account's own only.
enum MarketRoutes {
    static let maxNameLength = 80
    static let defaultNotificationLimit = 50
    static let maxNotificationLimit = 200

    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        // MARK: Watchlist

        api.get("watchlist") { _, context -> WatchlistResponse in
            let account = try context.requireAccount()
            return WatchlistResponse(items: try await services.market.watchlist(accountId: account.id, now: services.clock.now()))
        }

        api.put("watchlist/:slug") { _, context -> WatchedListing in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard let watched = try await services.market.watch(accountId: account.id, slug: slug, now: services.clock.now()) else {
                throw PlatformError.notFound("no listing `\(slug)`")
            }
            return watched
        }

        api.delete("watchlist/:slug") { _, context -> Response in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard try await services.market.unwatch(accountId: account.id, slug: slug) else {
                throw PlatformError.notFound("`\(slug)` is not on your watchlist")
            }
            return Response(status: .noContent)
        }

        // MARK: Saved searches

        api.get("saved-searches") { _, context -> SavedSearchesResponse in
            let account = try context.requireAccount()
            return SavedSearchesResponse(searches: try await services.market.savedSearches(accountId: account.id))
        }

        api.post("saved-searches") { request, context -> SavedSearch in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(SaveSearchRequest.self, context: context)
            return try await services.market.saveSearch(accountId: account.id, try validated(body), now: services.clock.now())
        }

        api.delete("saved-searches/:id") { _, context -> Response in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            guard try await services.market.deleteSavedSearch(accountId: account.id, id: id) else {
                throw PlatformError.notFound("no saved search `\(id)` of yours")
            }
            return Response(status: .noContent)
        }

        // MARK: Notifications

        api.get("notifications") { request, context -> NotificationsResponse in
            let account = try context.requireAccount()
            var limit = defaultNotificationLimit
            if let text = request.uri.queryParameters.get("limit") {
                guard let value = Int(text), (1...maxNotificationLimit).contains(value) else {
                    throw PlatformError.badRequest("`limit` must be a number from 1 to \(maxNotificationLimit)", field: "limit")
                }
                limit = value
            }
            var unreadOnly = false
            if let text = request.uri.queryParameters.get("unread") {
                guard text == "true" || text == "false" else { throw PlatformError.badRequest("`unread` must be true or false", field: "unread") }
                unreadOnly = text == "true"
            }
            let list = try await services.market.notifications(accountId: account.id, limit: limit, unreadOnly: unreadOnly)
            return NotificationsResponse(notifications: list, unreadCount: try await services.market.unreadCount(accountId: account.id))
        }

        api.post("notifications/read") { request, context -> UnreadCount in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(MarkNotificationsReadRequest.self, context: context)
            if let ids = body.ids, ids.count > 1000 {
                throw PlatformError.validation("mark at most 1000 ids at once, or use upTo", field: "ids")
            }
            return UnreadCount(unreadCount: try await services.market.markRead(accountId: account.id, body, now: services.clock.now()))
        }

        api.get("notifications/stream") { request, context -> Response in
            let account = try context.requireAccount()
            let after = try DeploymentRoutes.lastEventId(request)
            let frames = services.notifications.frames(accountId: account.id, after: after)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                          HTTPFields.Element.Name("X-Accel-Buffering")!: "no"],
                body: ResponseBody { writer in
                    for await chunk in frames {
                        try await writer.write(ByteBuffer(string: chunk))
                    }
                    try await writer.finish(nil)
                })
        }
    }

    /// A saved search's name and filters, every rule `GET /api/listings` applies to the same fields.
    static func validated(_ body: SaveSearchRequest) throws -> SaveSearchRequest {
        var body = body
        let untrimmedLength = body.name.unicodeScalars.count
        body.name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.name.isEmpty, untrimmedLength <= maxNameLength else {
            throw PlatformError.validation("name must be 1 to \(maxNameLength) characters, not only spaces", field: "name")
        }
        if let q = body.q {
            guard q.unicodeScalars.count <= ListingQuery.maxQueryLength else {
                throw PlatformError.validation("`q` is longer than \(ListingQuery.maxQueryLength) characters", field: "q")
            }
            if q.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { body.q = nil }
        }
        if let category = body.category, category.isEmpty { body.category = nil }
        if let min = body.minPrice, min < 0 { throw PlatformError.validation("minPrice must not be negative", field: "minPrice") }
        if let max = body.maxPrice, max < 0 { throw PlatformError.validation("maxPrice must not be negative", field: "maxPrice") }
        if let min = body.minPrice, let max = body.maxPrice, min > max {
            throw PlatformError.validation("minPrice is above maxPrice", field: "minPrice")
        }
        return body
    }
}
