import XCTest
@testable import TechFlunkySandbox

final class StripeFormTests: XCTestCase {
    func testBracketKeysNestIntoObjectsAndArrays() throws {
        let form = try StripeForm(encoded: "line_items[0][price_data][currency]=usd&line_items[0][quantity]=2"
            + "&metadata[order_id]=o%201&expand[]=payment_intent&expand[]=line_items&name=A+B")
        XCTAssertEqual(form["line_items[0][price_data][currency]"], "usd")
        XCTAssertEqual(form.indices(under: "line_items"), [0])
        XCTAssertEqual(form.dictionary(under: "metadata"), ["order_id": "o 1"])
        XCTAssertEqual(form.list("expand"), ["payment_intent", "line_items"])
        XCTAssertEqual(form["name"], "A B")
        guard case let .map(root) = form.tree, case let .map(items)? = root["line_items"], case let .map(first)? = items["0"],
              case let .map(priceData)? = first["price_data"] else { return XCTFail("not nested: \(form.tree)") }
        XCTAssertEqual(priceData["currency"], .value("usd"))
    }

    func testUnbalancedBracketsAreAParameterError() {
        XCTAssertThrowsError(try StripeForm(encoded: "metadata[order=1")) { error in
            XCTAssertEqual((error as? StripeAPIError)?.code, "parameter_invalid")
        }
        XCTAssertThrowsError(try StripeForm(encoded: "[x]=1"))
    }

    func testEncodeRoundTripsThroughParse() throws {
        let pairs = [("metadata[note]", "a&b=c ü"), ("line_items[0][quantity]", "1")]
        let form = try StripeForm(encoded: StripeForm.encode(pairs))
        XCTAssertEqual(form["metadata[note]"], "a&b=c ü")
        XCTAssertEqual(form["line_items[0][quantity]"], "1")
    }

    func testSignatureMatchesStripesTestVector() {
        let v1 = StripeSignature.v1(secret: "whsec_test_secret", timestamp: 1492774577,
                                    payload: Data(#"{"id":"evt_test_webhook","object":"event"}"#.utf8))
        XCTAssertEqual(v1, "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a")
    }

    func testHTMLEscapingNeutralisesMarkupAndControls() {
        XCTAssertEqual(HTMLText.escape("<script>\"a\"&'b'</script>\u{1B}"),
                       "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;&#xFFFD;")
    }

    func testFaultPatternsMatchSegmentsAndPrefixes() {
        XCTAssertTrue(FaultInjector.matches("PUT /accounts/*/workers/scripts/*", method: "PUT",
                                            path: "/client/v4/accounts/abc/workers/scripts/shop"))
        XCTAssertFalse(FaultInjector.matches("PUT /accounts/*/workers/scripts/*", method: "GET",
                                             path: "/client/v4/accounts/abc/workers/scripts/shop"))
        XCTAssertFalse(FaultInjector.matches("PUT /accounts/*/workers/scripts/*", method: "PUT",
                                             path: "/client/v4/accounts/abc/workers/scripts/shop/secrets"))
        XCTAssertTrue(FaultInjector.matches("PUT .../workers/scripts/*", method: "PUT",
                                            path: "/client/v4/accounts/abc/workers/scripts/shop"))
        XCTAssertTrue(FaultInjector.matches("/v1/transfers", method: "POST", path: "/v1/transfers"))
    }
}
