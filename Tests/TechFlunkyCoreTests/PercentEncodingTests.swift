import XCTest
@testable import TechFlunkyCore

final class PercentEncodingTests: XCTestCase {
    func testSegmentKeepsOnlyUnreservedCharacters() {
        XCTAssertEqual(PercentEncoding.segment("AZaz09-._~"), "AZaz09-._~")
        XCTAssertEqual(PercentEncoding.segment("../../etc"), "..%2F..%2Fetc")
        XCTAssertEqual(PercentEncoding.segment("a b?c#d&e=f%"), "a%20b%3Fc%23d%26e%3Df%25")
    }

    func testNonASCIIIsEncodedAsUTF8() {
        XCTAssertEqual(PercentEncoding.segment("büch"), "b%C3%BCch")
        XCTAssertEqual(PercentEncoding.segment("日本"), "%E6%97%A5%E6%9C%AC")
        XCTAssertEqual(PercentEncoding.segment("é"), "%C3%A9", "a non-ASCII letter is not let through")
    }

    func testQueryStringEncodesKeysAndValuesInOrder() {
        XCTAssertEqual(PercentEncoding.queryString([]), "")
        XCTAssertEqual(PercentEncoding.queryString([("name", "café.example"), ("q", "a&b=c"), ("type", "CNAME")]),
                       "?name=caf%C3%A9.example&q=a%26b%3Dc&type=CNAME")
    }
}
