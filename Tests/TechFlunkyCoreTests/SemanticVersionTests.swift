import TechFlunkyCore
import XCTest

final class SemanticVersionTests: XCTestCase {
    func testParsesSemverAndRefusesWhatIsNot() {
        XCTAssertEqual(SemanticVersion("1.2.3")?.description, "1.2.3")
        XCTAssertEqual(SemanticVersion("2.0.0-beta.1+build.7")?.preRelease, ["beta", "1"])
        XCTAssertEqual(SemanticVersion("2.0.0-beta.1+build.7")?.build, ["build", "7"])
        for bad in ["1.2", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3+", "1..3", "1.2.3.4", "", "1.2.x", "1.2.3-be_ta"] {
            XCTAssertNil(SemanticVersion(bad), bad)
        }
    }

    func testOrdersByPrecedence() throws {
        // The order semver.org gives, each above the one before.
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
                       "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0"]
        let versions = try ordered.map { try XCTUnwrap(SemanticVersion($0)) }
        for (a, b) in zip(versions, versions.dropFirst()) {
            XCTAssertLessThan(a, b, "\(a) < \(b)")
            XCTAssertFalse(b < a, "\(b) is not below \(a)")
        }
        XCTAssertTrue(try XCTUnwrap(SemanticVersion("1.0.0+a")).hasSamePrecedence(as: try XCTUnwrap(SemanticVersion("1.0.0+b"))))
    }

    func testAnOrderOffersAnUpdateOnlyWhenANewerVersionIsPublished() {
        var order = Order(id: "ord_1", listingSlug: "s", listingTitle: "S", buyerId: "b", sellerId: "s", state: .paid,
                          amount: .usd(100), platformFee: .usd(15), sellerShare: .usd(85), createdAt: Date())
        order.deployedVersion = "1.0.0"
        order.latestVersion = "1.0.0"
        XCTAssertFalse(order.updateAvailable)
        order.latestVersion = "1.1.0"
        XCTAssertTrue(order.updateAvailable)
        order.state = .refunded
        XCTAssertFalse(order.updateAvailable, "a refunded order deploys nothing")
        order.state = .paid
        order.deployedVersion = nil
        XCTAssertFalse(order.updateAvailable, "nothing deployed: deploy, not update")
    }
}
