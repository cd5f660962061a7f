import Foundation
import GRDB
import GRDBSQLite

/// `listing_rank(listings_fts, share₁, share₂, …)`: the BM25 score FTS5's own `bm25()` computes, with the
/// catalog's column weights, except that each term's document frequency comes from the caller: `shareᵢ` is
/// the fraction of listings that contain term i (estimated from a sample, see `SQLiteCatalogStore`).
///
/// FTS5's `bm25()` counts every document that contains each term, on every query, to get those
/// frequencies: over a million listings a common term is in hundreds of thousands of them, and that count
/// cost tens of milliseconds per search while the 500 documents actually ranked cost well under one. The
/// score is otherwise the same: per-column weighted term frequency, length normalised against the average
/// listing (k₁ = 1.2, b = 0.75), lower is better (negated, as `bm25()`).
enum ListingRankFunction {
    static let name = "listing_rank"
    /// title, tagline, description, category, tech_stack: the order of the columns of `listings_fts`.
    static let columnWeights: (Double, Double, Double, Double, Double) = (10, 6, 1, 3, 4)

    /// Adds the function to one connection (call it from `prepareDatabase`, so every connection has it).
    static func register(_ db: Database) throws {
        guard let connection = db.sqliteConnection else { return }
        var api: UnsafeMutablePointer<fts5_api>?
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "SELECT fts5(?1)", -1, &statement, nil) == SQLITE_OK else {
            throw DatabaseError(message: "this SQLite has no FTS5: \(String(cString: sqlite3_errmsg(connection)))")
        }
        defer { sqlite3_finalize(statement) }
        withUnsafeMutablePointer(to: &api) { pointer in
            // The type tag is compared by address and content, so it must outlive the statement: a static string.
            _ = sqlite3_bind_pointer(statement, 1, pointer, pointerTag, nil)
            _ = sqlite3_step(statement)
        }
        guard let api, api.pointee.iVersion >= 2 else { throw DatabaseError(message: "could not reach the FTS5 API") }
        let rc = api.pointee.xCreateFunction(api, name, nil, rank, nil)
        guard rc == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "could not add \(name)") }
    }

    /// A string literal's storage lives as long as the program, at the same address every time.
    private static var pointerTag: UnsafePointer<CChar> {
        let tag: StaticString = "fts5_api_ptr"
        return UnsafeRawPointer(tag.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    static func weight(ofColumn column: Int32) -> Double {
        switch column {
        case 0: columnWeights.0
        case 1: columnWeights.1
        case 2: columnWeights.2
        case 3: columnWeights.3
        case 4: columnWeights.4
        default: 1
        }
    }

    /// The FTS5 auxiliary function itself (a C function pointer: it captures nothing).
    private static let rank: fts5_extension_function = { apiPointer, fts, context, argumentCount, arguments in
        guard let api = apiPointer?.pointee else { return }
        let phrases = Int(api.xPhraseCount(fts))
        var rows: Int64 = 0, tokens: Int64 = 0, length: Int32 = 0, instances: Int32 = 0
        guard api.xRowCount(fts, &rows) == SQLITE_OK, api.xColumnTotalSize(fts, -1, &tokens) == SQLITE_OK,
              api.xColumnSize(fts, -1, &length) == SQLITE_OK, api.xInstCount(fts, &instances) == SQLITE_OK else {
            sqlite3_result_error(context, "listing_rank could not read the match", -1)
            return
        }
        let documents = Double(max(rows, 1))
        let averageLength = max(Double(tokens) / documents, 1)
        let k1 = 1.2, b = 0.75
        let normalisation = k1 * (1 - b + b * Double(length) / averageLength)
        let score = withUnsafeTemporaryAllocation(of: Double.self, capacity: max(phrases, 1)) { frequency -> Double in
            frequency.initialize(repeating: 0)
            for i in 0..<instances {
                var phrase: Int32 = 0, column: Int32 = 0, offset: Int32 = 0
                if api.xInst(fts, i, &phrase, &column, &offset) == SQLITE_OK, phrase >= 0, Int(phrase) < phrases {
                    frequency[Int(phrase)] += weight(ofColumn: column)
                }
            }
            var sum = 0.0
            for i in 0..<phrases {
                // Without a share for this term, treat it as rare (the largest weight a term can have).
                let share = i < Int(argumentCount) ? min(max(sqlite3_value_double(arguments![i]), 0), 1) : 0
                let containing = share * documents
                var idf = log((documents - containing + 0.5) / (containing + 0.5))
                if idf <= 0 { idf = 1e-6 }
                sum += idf * frequency[i] * (k1 + 1) / (frequency[i] + normalisation)
            }
            return sum
        }
        sqlite3_result_double(context, -score)
    }
}
