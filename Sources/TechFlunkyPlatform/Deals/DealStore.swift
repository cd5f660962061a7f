import Foundation
import GRDB
import TechFlunkyCore

/// Offers and questions. Every change that depends on what is stored (one open offer per thread, answering only
/// an open offer) is checked and written in one transaction, so two answers at once cannot both win.
public protocol DealStore: Sendable {
    func offers(accountId: String) async throws -> [StoredOffer]
    func offer(id: String) async throws -> StoredOffer?
    /// Writes `offer` unless the buyer has an offer on the listing that is open at `now` or accepted and not yet
    /// bought (returned instead). The thread id of an earlier thread on the listing is reused.
    func insertFirstOffer(_ offer: NewOffer, now: Date) async throws -> StoredOffer?
    /// Moves an open offer (not expired at `now`) to `state`, and writes `counter` with it when countering.
    /// False when the offer was no longer open.
    func answer(offerId: String, state: OfferState, counter: NewOffer?, now: Date) async throws -> Bool
    func attachOrder(offerId: String, orderId: String) async throws

    func insertQuestion(id: String, listingId: String, askerId: String, sellerId: String, text: String, now: Date) async throws
    func question(id: String) async throws -> StoredQuestion?
    func questions(listingId: String) async throws -> [StoredQuestion]
    /// Asked by the account, or on its listings; newest first.
    func questions(accountId: String) async throws -> [StoredQuestion]
    /// `publish`: true publishes, false hides, nil leaves it as it is.
    func answerQuestion(id: String, answer: String, publish: Bool?, now: Date) async throws
    func setPublished(questionId: String, _ published: Bool, now: Date) async throws
}

public struct SQLiteDealStore: DealStore {
    let database: PlatformDatabase

    public init(database: PlatformDatabase) { self.database = database }

    static let offerSelect = """
        SELECT o.*, l.slug AS listing_slug, l.title AS listing_title, l.price AS listing_price, l.currency AS listing_currency,
               l.status AS listing_status, b.display_name AS buyer_name, s.display_name AS seller_name
        FROM offers o JOIN listings l ON l.id = o.listing_id JOIN accounts b ON b.id = o.buyer_id JOIN accounts s ON s.id = o.seller_id
        """

    static let questionSelect = """
        SELECT q.*, l.slug AS listing_slug, l.title AS listing_title FROM questions q JOIN listings l ON l.id = q.listing_id
        """

    public func offers(accountId: String) async throws -> [StoredOffer] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: Self.offerSelect + " WHERE o.buyer_id = ? OR o.seller_id = ? ORDER BY o.created_at DESC, o.rowid DESC",
                             arguments: [accountId, accountId]).map(StoredOffer.init(row:))
        }
    }

    public func offer(id: String) async throws -> StoredOffer? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: Self.offerSelect + " WHERE o.id = ?", arguments: [id]).map(StoredOffer.init(row:))
        }
    }

    public func insertFirstOffer(_ offer: NewOffer, now: Date) async throws -> StoredOffer? {
        try await database.pool.write { db in
            let blocking = try Row.fetchOne(db, sql: Self.offerSelect + """
                 WHERE o.listing_id = ? AND o.buyer_id = ?
                   AND ((o.state = 'open' AND o.expires_at > ?) OR (o.state = 'accepted' AND o.order_id IS NULL))
                 ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1
                """, arguments: [offer.listingId, offer.buyerId, StoredTime.encode(now)]).map(StoredOffer.init(row:))
            if let blocking { return blocking }
            let thread = try String.fetchOne(db, sql: "SELECT thread_id FROM offers WHERE listing_id = ? AND buyer_id = ? ORDER BY created_at, rowid LIMIT 1",
                                             arguments: [offer.listingId, offer.buyerId])
            var offer = offer
            offer.threadId = thread ?? offer.threadId
            try Self.insert(offer, db)
            return nil
        }
    }

    static func insert(_ offer: NewOffer, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO offers (id, thread_id, listing_id, buyer_id, seller_id, from_party, currency, amount, state, message, created_at,
                                expires_at, previous_offer_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)
            """, arguments: [offer.id, offer.threadId, offer.listingId, offer.buyerId, offer.sellerId, offer.from.rawValue,
                             offer.amount.currency.code, offer.amount.minorUnits, offer.message, StoredTime.encode(offer.createdAt),
                             StoredTime.encode(offer.expiresAt), offer.previousOfferId])
    }

    public func answer(offerId: String, state: OfferState, counter: NewOffer?, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            let time = StoredTime.encode(now)
            try db.execute(sql: "UPDATE offers SET state = ?, responded_at = ? WHERE id = ? AND state = 'open' AND expires_at > ?",
                           arguments: [state.rawValue, time, offerId, time])
            guard db.changesCount == 1 else { return false }
            if let counter { try Self.insert(counter, db) }
            return true
        }
    }

    public func attachOrder(offerId: String, orderId: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE offers SET order_id = ? WHERE id = ?", arguments: [orderId, offerId])
        }
    }

    public func insertQuestion(id: String, listingId: String, askerId: String, sellerId: String, text: String, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO questions (id, listing_id, asker_id, seller_id, text, asked_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, listingId, askerId, sellerId, text, StoredTime.encode(now)])
        }
    }

    public func question(id: String) async throws -> StoredQuestion? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: Self.questionSelect + " WHERE q.id = ?", arguments: [id]).map(StoredQuestion.init(row:))
        }
    }

    public func questions(listingId: String) async throws -> [StoredQuestion] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: Self.questionSelect + " WHERE q.listing_id = ? ORDER BY q.asked_at DESC, q.id DESC",
                             arguments: [listingId]).map(StoredQuestion.init(row:))
        }
    }

    public func questions(accountId: String) async throws -> [StoredQuestion] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: Self.questionSelect + " WHERE q.asker_id = ? OR q.seller_id = ? ORDER BY q.asked_at DESC, q.id DESC",
                             arguments: [accountId, accountId]).map(StoredQuestion.init(row:))
        }
    }

    public func answerQuestion(id: String, answer: String, publish: Bool?, now: Date) async throws {
        let time = StoredTime.encode(now)
        try await database.pool.write { db in
            switch publish {
            case true?:
                try db.execute(sql: "UPDATE questions SET answer = ?, answered_at = ?, published_at = COALESCE(published_at, ?) WHERE id = ?",
                               arguments: [answer, time, time, id])
            case false?:
                try db.execute(sql: "UPDATE questions SET answer = ?, answered_at = ?, published_at = NULL WHERE id = ?", arguments: [answer, time, id])
            case nil:
                try db.execute(sql: "UPDATE questions SET answer = ?, answered_at = ? WHERE id = ?", arguments: [answer, time, id])
            }
        }
    }

    public func setPublished(questionId: String, _ published: Bool, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE questions SET published_at = ? WHERE id = ?",
                           arguments: [published ? StoredTime.encode(now) : nil, questionId])
        }
    }
}
