import Foundation
import XCTest
@testable import TechFlunkyCore

/// `ListingPageJSON` writes `GET /api/listings` pages by hand; these hold it to `WireJSON` (JSONEncoder) byte for
/// byte, and fail when a field is added to a page's types without being added to the hand-written encoder.
final class ListingPageJSONTests: XCTestCase {
    /// A small seedable generator, so a failure names a page that can be made again.
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    private struct HostileText: Decodable { var name: String; var text: String }

    private static func hostileCorpus(_ file: String = #filePath) throws -> [String] {
        let tests = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
        return try JSONDecoder().decode([HostileText].self, from: Data(contentsOf: tests.appendingPathComponent("Fixtures/hostile-text.json"))).map(\.text)
    }

    /// Texts an encoder can get wrong: every C0 control, quote, backslash, slash, DEL, C1, bidi, U+2028, emoji, CJK.
    private static func awkwardTexts() throws -> [String] {
        var texts = try hostileCorpus()
        texts += (0..<0x20).map { "c\(String(UnicodeScalar(UInt8($0))))d" }
        texts += ["", "\"", "\\", "/", "a/b\\c\"d", "\u{7f}", "\u{85}\u{9b}", "\u{2028}\u{2029}", "é漢字😀👨‍👩‍👧", "</script>", "\u{0}"]
        return texts
    }

    private static func page(_ generator: inout Generator, texts: [String], pastYear9999: Bool = true) -> ListingPage {
        func text() -> String { texts[Int(generator.next() % UInt64(texts.count))] }
        func integer(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &generator) }
        let edgeAmounts: [Int64] = [0, 1, 9, 10, 99, 100, 1_000_000_00, Int64.max, Int64.min, -1]
        func amount() -> Int64 { generator.next() % 4 == 0 ? edgeAmounts[Int(generator.next() % UInt64(edgeAmounts.count))] : integer(0...500_000_000_00) }
        // Milliseconds from before 1970 to past 9999 (the formatter's fallback), with and without a fraction.
        func date() -> Date {
            switch generator.next() % 5 {
            case 0: Date(timeIntervalSince1970: Double(integer(-62_135_596_800...253_402_300_799)))
            case 1: Date(timeIntervalSince1970: Double(integer(0...4_000_000_000_000)) / 1000)
            case 2: Date(timeIntervalSince1970: Double(integer(0...4_000_000_000)) + 0.1234567)
            case 3 where pastYear9999: Date(timeIntervalSince1970: 253_402_300_800 + Double(integer(0...1_000_000)))
            default: Date(timeIntervalSince1970: Double(integer(-1_000_000...1_000_000)) / 1000)
            }
        }
        let currencies = ["USD", "EUR", "JPY", "KWD"]
        let items = (0..<Int(generator.next() % 60)).map { _ in
            let currency = Currency(code: currencies[Int(generator.next() % 4)])
            return ListingSummary(
                id: "lst_\(generator.next())", slug: text(), title: text(), tagline: text(), category: text(),
                askingPrice: Money(minorUnits: amount(), currency: currency),
                monthlyRevenue: Money(minorUnits: amount(), currency: currency),
                monthlyProfit: Money(minorUnits: amount(), currency: currency),
                ageMonths: Int(integer(-5...Int64(Int32.max))),
                techStack: (0..<Int(generator.next() % 4)).map { _ in text() },
                monthlyVisitors: Int(integer(0...Int64.max)),
                seller: SellerSummary(id: text(), displayName: text(),
                                      memberSince: generator.next() % 2 == 0 ? date() : nil,
                                      listingsCount: generator.next() % 2 == 0 ? Int(integer(0...1_000_000)) : nil),
                createdAt: date(),
                // Absent, empty, or up to twelve months of edge and ordinary amounts.
                revenueSparkline: generator.next() % 3 == 0 ? nil : (0..<Int(generator.next() % 13)).map { _ in amount() })
        }
        return ListingPage(items: items, nextCursor: generator.next() % 2 == 0 ? text() : nil,
                           total: Int(integer(0...Int64.max)), totalIsLowerBound: generator.next() % 2 == 0)
    }

    func testHandWrittenPagesAreJSONEncodersBytesOverASeededCatalog() throws {
        let texts = try Self.awkwardTexts()
        var generator = Generator(state: 0x11_57_1_96e)
        var items = 0
        for round in 0..<300 {
            let page = Self.page(&generator, texts: texts)
            items += page.items.count
            let expected = try WireJSON.encode(page)
            let written = Data(ListingPageJSON.encode(page))
            guard written != expected else { continue }
            XCTFail("page \(round) differs:\n  JSONEncoder: \(String(decoding: expected, as: UTF8.self).prefix(600))\n  by hand:     \(String(decoding: written, as: UTF8.self).prefix(600))")
            return
        }
        XCTAssertGreaterThan(items, 3000, "the seeded pages hold thousands of listings")
    }

    /// Decoded again, a hand-written page is the page it was made from, and its objects have the keys
    /// JSONEncoder's have, at every level (what a reader sees, independent of byte order).
    func testHandWrittenPagesDecodeToTheSamePageWithTheSameKeys() throws {
        let texts = try Self.awkwardTexts()
        var generator = Generator(state: 20)
        var decodedPages = 0
        for _ in 0..<40 {
            let page = Self.page(&generator, texts: texts, pastYear9999: false)
            let written = Data(ListingPageJSON.encode(page))
            let reference = try WireJSON.encode(page)
            // A date JSONDecoder cannot read back (the formatter's own text for a far year) would end the check here.
            if let expected = try? WireJSON.decode(ListingPage.self, from: reference) {
                decodedPages += 1
                XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: written), expected)
            }
            XCTAssertEqual(Self.keyPaths(try JSONSerialization.jsonObject(with: written)),
                           Self.keyPaths(try JSONSerialization.jsonObject(with: reference)))
        }
        XCTAssertEqual(decodedPages, 40, "every page decodes")
    }

    /// Every stored property of the page's types is one the hand-written encoder writes. A field added to
    /// `ListingSummary` (or `SellerSummary`, `Money`, `ListingPage`) fails here until `ListingPageJSON` writes it
    /// and lists it in `encodedProperties`; the byte-for-byte test then holds the new field to JSONEncoder.
    func testEveryStoredPropertyOfThePageTypesIsWritten() throws {
        let summary = ListingSummary(id: "lst_1", slug: "s", title: "t", tagline: "g", category: "c", askingPrice: .usd(1),
                                     monthlyRevenue: .usd(2), monthlyProfit: .usd(3), ageMonths: 4, techStack: ["D1"],
                                     monthlyVisitors: 5, seller: SellerSummary(id: "acc_1", displayName: "Ana"), createdAt: Date(timeIntervalSince1970: 0))
        let values: [String: Any] = [
            "ListingPage": ListingPage(items: [summary], nextCursor: nil, total: 1),
            "ListingSummary": summary,
            "SellerSummary": summary.seller,
            "Money": summary.askingPrice,
        ]
        XCTAssertEqual(Set(values.keys), Set(ListingPageJSON.encodedProperties.keys))
        for (type, value) in values {
            let stored = Set(Mirror(reflecting: value).children.compactMap(\.label))
            XCTAssertEqual(stored, ListingPageJSON.encodedProperties[type],
                           "\(type)'s stored properties differ from what ListingPageJSON writes: add the field to ListingPageJSON.encode")
        }
    }

    private static func keyPaths(_ object: Any, prefix: String = "") -> Set<String> {
        var paths: Set<String> = []
        if let dictionary = object as? [String: Any] {
            for (key, value) in dictionary {
                paths.insert(prefix + "." + key)
                paths.formUnion(keyPaths(value, prefix: prefix + "." + key))
            }
        } else if let array = object as? [Any] {
            for (index, value) in array.enumerated() { paths.formUnion(keyPaths(value, prefix: prefix + "[\(index)]")) }
        }
        return paths
    }
}
