import XCTest
@testable import TechFlunkyCore

final class JSONValueTests: XCTestCase {
    func testDecodesEveryKindAndKeepsIntegersApartFromDoubles() throws {
        let value = try JSONValue.decode(Data(#"{"n":null,"b":true,"i":42,"d":1.5,"s":"x","a":[1,"y"],"o":{"k":-7}}"#.utf8))
        XCTAssertEqual(value["n"], .null)
        XCTAssertEqual(value["b"]?.boolValue, true)
        XCTAssertEqual(value["i"], .int(42))
        XCTAssertEqual(value["d"], .double(1.5))
        XCTAssertEqual(value["s"]?.stringValue, "x")
        XCTAssertEqual(value["a"]?.arrayValue, [.int(1), .string("y")])
        XCTAssertEqual(value["o"]?["k"]?.intValue, -7)
        XCTAssertTrue(value["n"]?.isNull ?? false)
        XCTAssertNil(value["missing"])
    }

    func testAccessorsAreStrict() {
        XCTAssertNil(JSONValue.int(7).stringValue)
        XCTAssertNil(JSONValue.string("7").intValue)
        XCTAssertNil(JSONValue.double(7).intValue)
        XCTAssertNil(JSONValue.string("x")["k"])
    }

    func testEncodedIsCompactKeySortedAndRoundTrips() throws {
        let value: JSONValue = ["b": [1, "two", nil], "a": ["url": "https://x.example/p"], "c": true]
        XCTAssertEqual(String(decoding: value.encoded(), as: UTF8.self), #"{"a":{"url":"https://x.example/p"},"b":[1,"two",null],"c":true}"#)
        XCTAssertEqual(try JSONValue.decode(value.encoded()), value)
    }

    func testSubscriptSetsOnlyOnObjects() {
        var object: JSONValue = ["a": 1]
        object["b"] = "x"
        XCTAssertEqual(object, ["a": 1, "b": "x"])
        var array: JSONValue = [1]
        array["b"] = "x"
        XCTAssertEqual(array, [1])
        XCTAssertEqual(JSONValue.from(nil as String?), .null)
        XCTAssertEqual(JSONValue.from(Int64(3)), .int(3))
    }
}
