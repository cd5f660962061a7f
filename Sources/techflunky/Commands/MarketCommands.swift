import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// `techflunky notifications [--follow] [--json] [--unread] [--mark-read]`
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "Your notifications: price drops and status changes of watched listings, saved-search matches, payouts, answers.",
        discussion: """
            Newest first. With --follow, prints each new notification as it arrives (oldest first, the listed ones \
            included) until Ctrl-C; with --json that is one JSON object per line (NDJSON).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Keep printing new notifications as they arrive.") var follow = false
    @Flag(name: .long, help: "Only those not yet read.") var unread = false
    @Flag(name: .long, help: "Mark the listed notifications read.") var markRead = false
    @Option(name: .long, help: "How many to list (1 to 200).") var limit = 20

    func validate() throws {
        guard (1...200).contains(limit) else { throw ValidationError("--limit must be from 1 to 200 (got \(limit))") }
    }

    func run() async throws {
        try await connection.withClient(signedIn: true) { client in try await show(client) }
    }

    private func show(_ client: PlatformClient) async throws {
        let response = try await client.notifications(limit: limit, unreadOnly: unread)
        let out = TerminalOutput()
        if follow {
            // Oldest first, then live: one stream of lines to read or pipe.
            for notification in response.notifications.reversed() { try print(notification, out) }
            if !output.json { TerminalOutput.note("Following new notifications… (Ctrl-C stops)") }
            let newest = response.notifications.map(\.id).max() ?? 0
            for try await update in client.notificationUpdates(after: newest) {
                switch update {
                case let .notification(notification): try print(notification, out)
                case let .reconnecting(_, reason): TerminalOutput.note("Connection lost (\(reason)); reconnecting…")
                case .reconnected: TerminalOutput.note("Reconnected.")
                case .unread: break
                }
            }
            return
        }
        var unreadCount = response.unreadCount
        if markRead, !response.notifications.isEmpty {
            unreadCount = try await client.markNotificationsRead(MarkNotificationsReadRequest(ids: response.notifications.map(\.id)))
        }
        if output.json { return try out.json(NotificationsResponse(notifications: response.notifications, unreadCount: unreadCount)) }
        if response.notifications.isEmpty {
            return out.line(unread ? "No unread notifications." : "No notifications yet. Watch a listing (techflunky watchlist add SLUG) or save a search (techflunky searches save NAME).")
        }
        out.table([
            .init(title: "ID", alignRight: true, maxWidth: nil), .init(title: "WHEN", maxWidth: nil), .init(title: "", maxWidth: nil),
            .init(title: "KIND", maxWidth: nil), .init(title: "MESSAGE"), .init(title: "LISTING", maxWidth: 40),
        ], response.notifications.map { n in
            [String(n.id), TerminalOutput.date(n.createdAt), n.isUnread ? "●" : " ", n.kind.rawValue, n.message, n.listingSlug ?? "—"]
        })
        out.line()
        out.line("\(unreadCount) unread" + (markRead ? "" : (unreadCount > 0 ? " (--mark-read marks the listed ones read)" : "")))
    }

    private func print(_ notification: MarketNotification, _ out: TerminalOutput) throws {
        if output.json { return try out.json(notification, pretty: false) }
        let slug = notification.listingSlug.map { "  (\(TerminalOutput.clean($0)))" } ?? ""
        out.line("\(TerminalOutput.date(notification.createdAt))  \(TerminalOutput.clean(notification.message))\(slug)")
    }
}

/// `techflunky watchlist [add SLUG | remove SLUG]`
struct WatchlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist", abstract: "Listings you watch: their price drops and status changes become notifications.",
        subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The listings you watch and where each stands.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let items = try await connection.withClient(signedIn: true) { try await $0.watchlist() }
            let out = TerminalOutput()
            if output.json { return try out.json(WatchlistResponse(items: items)) }
            if items.isEmpty { return out.line("You watch no listing. Add one with `techflunky watchlist add SLUG` (or w in the UI).") }
            out.table([
                .init(title: "SLUG", maxWidth: nil), .init(title: "STATE", maxWidth: nil), .init(title: "PRICE", alignRight: true),
                .init(title: "TITLE", maxWidth: 50),
            ], items.map { item in
                let state = item.reservedUntil.map { "reserved until \(TerminalOutput.date($0))" } ?? item.saleState.label
                return [item.listing.slug, state, item.listing.askingPrice.formattedWhole, item.listing.title]
            })
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Watch a listing.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The listing's slug.") var slug: String

        func run() async throws {
            let watched = try await connection.withClient(signedIn: true) { try await $0.watch(slug: slug) }
            let out = TerminalOutput()
            if output.json { return try out.json(watched) }
            out.line("Watching \(TerminalOutput.clean(watched.listing.title)) (\(watched.saleState.label)). `techflunky notifications --follow` tells you when it changes.")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop watching a listing.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The listing's slug.") var slug: String

        func run() async throws {
            try await connection.withClient(signedIn: true) { try await $0.unwatch(slug: slug) }
            TerminalOutput().line("No longer watching \(TerminalOutput.clean(slug)).")
        }
    }
}

/// `techflunky searches [save NAME … | delete NAME]`
struct SearchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "searches", abstract: "Saved searches: a new listing that matches one becomes a notification.",
        subcommands: [List.self, Save.self, Delete.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Your saved searches.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let searches = try await connection.withClient(signedIn: true) { try await $0.savedSearches() }
            let out = TerminalOutput()
            if output.json { return try out.json(SavedSearchesResponse(searches: searches)) }
            if searches.isEmpty { return out.line("No saved searches. Save one with `techflunky searches save NAME --search WORDS` (or + in the UI).") }
            out.table([
                .init(title: "ID", maxWidth: nil), .init(title: "NAME", maxWidth: 30), .init(title: "SEARCH"),
                .init(title: "CATEGORY"), .init(title: "PRICE", maxWidth: nil),
            ], searches.map { s in [s.id, s.name, s.q ?? "—", s.category ?? "any", SavedSearchText.priceRange(s.minPrice, s.maxPrice)] })
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "save", abstract: "Save a search under a name (the same name replaces it).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "A name for the search.") var name: String
        @Option(name: .long, help: "Full-text search words.") var search: String?
        @Option(name: .long, help: "Only this category.") var category: String?
        @Option(name: .long, help: "Minimum asking price in dollars: 50000, 50k, 1.5m.") var minPrice: String?
        @Option(name: .long, help: "Maximum asking price in dollars: 250000, 250k.") var maxPrice: String?

        func validate() throws {
            for (flag, value) in [("--min-price", minPrice), ("--max-price", maxPrice)] {
                if let value, Money.parseMajorUnits(value) == nil {
                    throw ValidationError("\(flag) is an amount in dollars such as 50000, 50k or 1.5m (got \(value))")
                }
            }
        }

        func run() async throws {
            let request = SaveSearchRequest(name: name, q: search, category: category, minPrice: minPrice.flatMap(Money.parseMajorUnits),
                                            maxPrice: maxPrice.flatMap(Money.parseMajorUnits))
            let saved = try await connection.withClient(signedIn: true) { try await $0.saveSearch(request) }
            let out = TerminalOutput()
            if output.json { return try out.json(saved) }
            out.line("Saved “\(TerminalOutput.clean(saved.name))” (\(saved.id)). New listings that match become notifications.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a saved search, by id or name.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The saved search's id or name.") var search: String

        func run() async throws {
            let name = try await connection.withClient(signedIn: true) { client -> String in
                let all = try await client.savedSearches()
                guard let match = all.first(where: { $0.id == search }) ?? all.first(where: { $0.name == search }) else {
                    throw CommandRefusal("no saved search \(search); `techflunky searches` lists them")
                }
                try await client.deleteSavedSearch(id: match.id)
                return match.name
            }
            TerminalOutput().line("Deleted “\(TerminalOutput.clean(name))”.")
        }
    }
}

enum SavedSearchText {
    static func priceRange(_ min: Int64?, _ max: Int64?) -> String {
        func money(_ v: Int64) -> String { Money.usd(v).formattedWhole }
        switch (min, max) {
        case (nil, nil): return "any"
        case let (lo?, nil): return "from \(money(lo))"
        case let (nil, hi?): return "up to \(money(hi))"
        case let (lo?, hi?): return "\(money(lo))–\(money(hi))"
        }
    }
}

extension SaleState {
    /// How a person reads it.
    var label: String {
        switch self {
        case .forSale: "for sale"
        case .reserved: "reserved"
        case .sold: "sold"
        case .withdrawn: "withdrawn"
        }
    }
}
