import Foundation

/// `ListingPage` as JSON, written by hand: the same bytes `WireJSON.encode(page)` makes (sorted keys, slashes
/// unescaped, RFC 3339 dates with milliseconds, absent optionals left out), at a fraction of the cost.
///
/// Why: an uncached `GET /api/listings` page spent about half of the platform's CPU in `JSONEncoder` (a perf
/// profile under wrk: 47 % of samples under `JSONEncoder.encode`, most of it generic metadata lookups, boxing
/// and the key sort, against 14 % for the SQLite read). Writing the bytes straight out skips all of that.
///
/// The price is that a field added to `ListingSummary`, `SellerSummary`, `Money` or `ListingPage` must be added
/// here too. `ListingPageJSONTests` fails until it is: it compares this encoder with `JSONEncoder` byte for byte
/// over a seeded catalog and the hostile-text corpus, and checks `encodedProperties` against the types' stored
/// properties (by reflection), so a new field cannot be left out silently.
public enum ListingPageJSON {
    /// The stored properties each type has and this encoder writes, by type name (for the test's reflection check).
    public static let encodedProperties: [String: Set<String>] = [
        "ListingPage": ["items", "nextCursor", "total", "totalIsLowerBound"],
        "ListingSummary": ["id", "slug", "title", "tagline", "category", "askingPrice", "monthlyRevenue", "monthlyProfit",
                           "ageMonths", "techStack", "monthlyVisitors", "seller", "createdAt", "revenueSparkline"],
        "SellerSummary": ["id", "displayName", "memberSince", "listingsCount"],
        "Money": ["minorUnits", "currency"],
    ]

    public static func encode(_ page: ListingPage) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + page.items.count * 560)
        // Keys in byte order, as `.sortedKeys` writes them.
        raw(#"{"items":["#, to: &out)
        for index in page.items.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(page.items[index], to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let cursor = page.nextCursor {
            raw(#","nextCursor":"#, to: &out)
            appendString(cursor, to: &out)
        }
        raw(#","total":"#, to: &out)
        appendInteger(Int64(page.total), to: &out)
        if page.totalIsLowerBound { raw(#","totalIsLowerBound":true"#, to: &out) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func append(_ item: ListingSummary, to out: inout [UInt8]) {
        raw(#"{"ageMonths":"#, to: &out)
        appendInteger(Int64(item.ageMonths), to: &out)
        raw(#","askingPrice":"#, to: &out)
        append(item.askingPrice, to: &out)
        raw(#","category":"#, to: &out)
        appendString(item.category, to: &out)
        raw(#","createdAt":"#, to: &out)
        appendDate(item.createdAt, to: &out)
        raw(#","id":"#, to: &out)
        appendString(item.id, to: &out)
        raw(#","monthlyProfit":"#, to: &out)
        append(item.monthlyProfit, to: &out)
        raw(#","monthlyRevenue":"#, to: &out)
        append(item.monthlyRevenue, to: &out)
        raw(#","monthlyVisitors":"#, to: &out)
        appendInteger(Int64(item.monthlyVisitors), to: &out)
        if let sparkline = item.revenueSparkline {
            raw(#","revenueSparkline":["#, to: &out)
            for (index, value) in sparkline.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendInteger(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        raw(#","seller":"#, to: &out)
        append(item.seller, to: &out)
        raw(#","slug":"#, to: &out)
        appendString(item.slug, to: &out)
        raw(#","tagline":"#, to: &out)
        appendString(item.tagline, to: &out)
        raw(#","techStack":["#, to: &out)
        for (index, name) in item.techStack.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(name, to: &out)
        }
        raw(#"],"title":"#, to: &out)
        appendString(item.title, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    static func append(_ money: Money, to out: inout [UInt8]) {
        raw(#"{"amount":"#, to: &out)
        appendInteger(money.minorUnits, to: &out)
        raw(#","currency":"#, to: &out)
        appendString(money.currency.code, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    static func append(_ seller: SellerSummary, to out: inout [UInt8]) {
        raw(#"{"displayName":"#, to: &out)
        appendString(seller.displayName, to: &out)
        raw(#","id":"#, to: &out)
        appendString(seller.id, to: &out)
        if let count = seller.listingsCount {
            raw(#","listingsCount":"#, to: &out)
            appendInteger(Int64(count), to: &out)
        }
        if let since = seller.memberSince {
            raw(#","memberSince":"#, to: &out)
            appendDate(since, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    // MARK: Scalars, as JSONEncoder writes them

    /// Literal JSON text (keys, punctuation), copied as one block.
    @inline(__always)
    static func raw(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // Digits from the magnitude, most significant first (Int64.min's magnitude fits a UInt64).
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, the C0 controls as `\b \f \n \r \t` or `\u00xx` (lower-case hex, as
    /// JSONEncoder writes them), everything else, `/` and DEL included, as it is.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                start = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
                }
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `WireJSON.formatDate`'s text, quoted; its digits are written straight into the output.
    static func appendDate(_ date: Date, to out: inout [UInt8]) {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, milliseconds >= -62_135_596_800_000, milliseconds < 253_402_300_800_000 else {
            appendString(WireJSON.formatDate(date), to: &out)
            return
        }
        let total = Int64(milliseconds)
        let seconds = total >= 0 ? total / 1000 : (total - 999) / 1000
        let millis = Int(total - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        out.append(UInt8(ascii: "\""))
        digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(millis, 3)
        raw(#"Z""#, to: &out)
    }
}
