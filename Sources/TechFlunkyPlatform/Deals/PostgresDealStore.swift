import Foundation
import PostgresNIO
import TechFlunkyCore

/// `DealStore` on PostgreSQL (`pg_v5_deals_market_versions`), with `SQLiteDealStore`'s rules. Where SQLite relies
/// on its single writer, this store relies on PostgreSQL's locks, so instances racing on one database cannot
/// both win:
/// - a first offer locks its listing's row (`FOR UPDATE`) before looking for an open offer of the same buyer,
///   so two first offers at once are serialised and the second finds the first;
/// - answering is one `UPDATE … WHERE state = 'open'`: a second answer waits on the first one's row lock and,
///   once that commits, re-reads the row, finds it no longer open and changes nothing.
public struct PostgresDealStore: DealStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) { self.database = database }

    static let offerSelect = """
        SELECT o.*, l.slug AS listing_slug, l.title AS listing_title, l.price AS listing_price, l.currency AS listing_currency,
               l.status AS listing_status, b.display_name AS buyer_name, s.display_name AS seller_name
        FROM offers o JOIN listings l ON l.id = o.listing_id JOIN accounts b ON b.id = o.buyer_id JOIN accounts s ON s.id = o.seller_id
        """

    static let questionSelect = """
        SELECT q.*, l.slug AS listing_slug, l.title AS listing_title FROM questions q JOIN listings l ON l.id = q.listing_id
        """

    public func offers(accountId: String) async throws -> [StoredOffer] {
        try await database.rows("""
            \(unescaped: Self.offerSelect) WHERE o.buyer_id = \(accountId) OR o.seller_id = \(accountId) ORDER BY o.created_at DESC, o.seq DESC
            """).map(StoredOffer.init(postgres:))
    }

    public func offer(id: String) async throws -> StoredOffer? {
        try await database.rows("\(unescaped: Self.offerSelect) WHERE o.id = \(id)").first.map(StoredOffer.init(postgres:))
    }

    public func insertFirstOffer(_ offer: NewOffer, now: Date) async throws -> StoredOffer? {
        try PostgresDatabase.refuseNul([("message", offer.message ?? "")])
        return try await database.transaction { tx in
            // The listing's row lock serialises first offers on it (across instances): the check below and the insert
            // are one step for everyone else.
            _ = try await tx.rows("SELECT 1 FROM listings WHERE id = \(offer.listingId) FOR UPDATE")
            let blocking = try await tx.rows("""
                \(unescaped: Self.offerSelect)
                WHERE o.listing_id = \(offer.listingId) AND o.buyer_id = \(offer.buyerId)
                  AND ((o.state = 'open' AND o.expires_at > \(StoredTime.encode(now))) OR (o.state = 'accepted' AND o.order_id IS NULL))
                ORDER BY o.created_at DESC, o.seq DESC LIMIT 1
                """).first.map(StoredOffer.init(postgres:))
            if let blocking { return blocking }
            let thread = try await tx.rows("""
                SELECT thread_id FROM offers WHERE listing_id = \(offer.listingId) AND buyer_id = \(offer.buyerId) ORDER BY created_at, seq LIMIT 1
                """).first?.decode(String.self)
            var offer = offer
            offer.threadId = thread ?? offer.threadId
            try await Self.insert(offer, tx)
            return nil
        }
    }

    static func insert(_ offer: NewOffer, _ tx: PostgresTransaction) async throws {
        try await tx.execute("""
            INSERT INTO offers (id, thread_id, listing_id, buyer_id, seller_id, from_party, currency, amount, state, message, created_at,
                                expires_at, previous_offer_id)
            VALUES (\(offer.id), \(offer.threadId), \(offer.listingId), \(offer.buyerId), \(offer.sellerId), \(offer.from.rawValue),
                    \(offer.amount.currency.code), \(offer.amount.minorUnits), 'open', \(offer.message), \(StoredTime.encode(offer.createdAt)),
                    \(StoredTime.encode(offer.expiresAt)), \(offer.previousOfferId))
            """)
    }

    public func answer(offerId: String, state: OfferState, counter: NewOffer?, now: Date) async throws -> Bool {
        try PostgresDatabase.refuseNul([("message", counter?.message ?? "")])
        let time = StoredTime.encode(now)
        return try await database.transaction { tx in
            let changed = try await tx.rows("""
                UPDATE offers SET state = \(state.rawValue), responded_at = \(time)
                WHERE id = \(offerId) AND state = 'open' AND expires_at > \(time) RETURNING 1
                """)
            guard changed.count == 1 else { return false }
            if let counter { try await Self.insert(counter, tx) }
            return true
        }
    }

    public func attachOrder(offerId: String, orderId: String) async throws {
        try await database.execute("UPDATE offers SET order_id = \(orderId) WHERE id = \(offerId)")
    }

    public func insertQuestion(id: String, listingId: String, askerId: String, sellerId: String, text: String, now: Date) async throws {
        try PostgresDatabase.refuseNul([("text", text)])
        try await database.execute("""
            INSERT INTO questions (id, listing_id, asker_id, seller_id, text, asked_at)
            VALUES (\(id), \(listingId), \(askerId), \(sellerId), \(text), \(StoredTime.encode(now)))
            """)
    }

    public func question(id: String) async throws -> StoredQuestion? {
        try await database.rows("\(unescaped: Self.questionSelect) WHERE q.id = \(id)").first.map(StoredQuestion.init(postgres:))
    }

    public func questions(listingId: String) async throws -> [StoredQuestion] {
        try await database.rows("""
            \(unescaped: Self.questionSelect) WHERE q.listing_id = \(listingId) ORDER BY q.asked_at DESC, q.id COLLATE "C" DESC
            """).map(StoredQuestion.init(postgres:))
    }

    public func questions(accountId: String) async throws -> [StoredQuestion] {
        try await database.rows("""
            \(unescaped: Self.questionSelect) WHERE q.asker_id = \(accountId) OR q.seller_id = \(accountId)
            ORDER BY q.asked_at DESC, q.id COLLATE "C" DESC
            """).map(StoredQuestion.init(postgres:))
    }

    public func answerQuestion(id: String, answer: String, publish: Bool?, now: Date) async throws {
        try PostgresDatabase.refuseNul([("answer", answer)])
        let time = StoredTime.encode(now)
        switch publish {
        case true?:
            try await database.execute("""
                UPDATE questions SET answer = \(answer), answered_at = \(time), published_at = COALESCE(published_at, \(time)) WHERE id = \(id)
                """)
        case false?:
            try await database.execute("UPDATE questions SET answer = \(answer), answered_at = \(time), published_at = NULL WHERE id = \(id)")
        case nil:
            try await database.execute("UPDATE questions SET answer = \(answer), answered_at = \(time) WHERE id = \(id)")
        }
    }

    public func setPublished(questionId: String, _ published: Bool, now: Date) async throws {
        let time: Int64? = published ? StoredTime.encode(now) : nil
        try await database.execute("UPDATE questions SET published_at = \(time) WHERE id = \(questionId)")
    }
}

extension StoredOffer {
    /// The columns `PostgresDealStore.offerSelect` selects.
    init(postgres row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        let currency = Currency(code: try r.value("currency", as: String.self))
        id = try r.value("id")
        threadId = try r.value("thread_id")
        listingId = try r.value("listing_id")
        listingSlug = try r.value("listing_slug")
        listingTitle = try r.value("listing_title")
        askingPrice = Money(minorUnits: try r.value("listing_price"), currency: Currency(code: try r.value("listing_currency", as: String.self)))
        listingStatus = ListingStatus(rawValue: try r.value("listing_status", as: String.self)) ?? .withdrawn
        buyerId = try r.value("buyer_id")
        buyerName = try r.value("buyer_name")
        sellerId = try r.value("seller_id")
        sellerName = try r.value("seller_name")
        amount = Money(minorUnits: try r.value("amount"), currency: currency)
        from = OfferParty(rawValue: try r.value("from_party", as: String.self)) ?? .buyer
        storedState = OfferState(rawValue: try r.value("state", as: String.self)) ?? .declined
        message = try r.value("message")
        createdAt = StoredTime.decode(try r.value("created_at", as: Int64.self))
        expiresAt = StoredTime.decode(try r.value("expires_at", as: Int64.self))
        respondedAt = StoredTime.decode(try r.value("responded_at", as: Int64?.self))
        previousOfferId = try r.value("previous_offer_id")
        orderId = try r.value("order_id")
    }
}

extension StoredQuestion {
    /// The columns `PostgresDealStore.questionSelect` selects.
    init(postgres row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        id = try r.value("id")
        listingId = try r.value("listing_id")
        listingSlug = try r.value("listing_slug")
        listingTitle = try r.value("listing_title")
        askerId = try r.value("asker_id")
        sellerId = try r.value("seller_id")
        text = try r.value("text")
        askedAt = StoredTime.decode(try r.value("asked_at", as: Int64.self))
        answer = try r.value("answer")
        answeredAt = StoredTime.decode(try r.value("answered_at", as: Int64?.self))
        publishedAt = StoredTime.decode(try r.value("published_at", as: Int64?.self))
    }
}
