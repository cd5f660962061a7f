import XCTest
@testable import TechFlunkyTUI

final class QRCodeTests: XCTestCase {
    /// Deterministic text of a given length with a varied byte mix (so padding, counts and blocks vary).
    private func sample(length: Int, seed: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%")
        var state = UInt64(truncatingIfNeeded: seed &* 2_654_435_761 &+ 1)
        return String((0..<length).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int(state >> 33) % alphabet.count]
        })
    }

    private func assertSameModules(_ ours: QRCode, _ reference: QRReferenceEncoder.Symbol, _ label: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.size, reference.size, "\(label): size", file: file, line: line)
        guard ours.size == reference.size else { return }
        var differing: [(Int, Int)] = []
        for y in 0..<ours.size {
            for x in 0..<ours.size where ours.isDark(x: x, y: y) != reference.modules[y][x] { differing.append((x, y)) }
        }
        XCTAssertTrue(differing.isEmpty,
                      "\(label): \(differing.count) modules differ, first at \(differing.prefix(5).map { "(\($0.0),\($0.1))" })",
                      file: file, line: line)
    }

    func testEveryVersionAndLevelMatchesQrencodeModuleForModule() throws {
        try QRReferenceEncoder.requireInstalled()
        for version in 1...40 {
            for level in QRErrorCorrectionLevel.allCases {
                // Between the previous version's capacity and this one's, so this version is the smallest fit
                // and the data, terminator and pad codewords all take part.
                let capacity = QRVersionTable.byteCapacity(version, level)
                let previous = version == 1 ? 0 : QRVersionTable.byteCapacity(version - 1, level)
                let length = previous + 1 + (capacity - previous - 1) * ((version + level.rawValue) % 3) / 2
                let text = sample(length: length, seed: version * 4 + level.rawValue)
                let reference = try QRReferenceEncoder.symbol(text, level: level, version: version)
                XCTAssertEqual(reference.level, level)
                let ours = try QRCode.encode(text, level: level, minVersion: version, mask: reference.mask)
                XCTAssertEqual(ours.version, version, "v\(version)-\(level): smallest version that fits \(length) bytes")
                assertSameModules(ours, reference, "v\(version)-\(level) mask \(reference.mask), \(length) bytes")
            }
        }
    }

    func testEveryMaskMatchesQrencodeWhenQrencodeChoseIt() throws {
        // qrencode picks its own mask; across these inputs it picks each of the eight at least once,
        // so every mask pattern is compared against the reference.
        try QRReferenceEncoder.requireInstalled()
        var masksSeen = Set<Int>()
        var seed = 0
        while masksSeen.count < 8 && seed < 400 {
            let text = sample(length: 20 + seed % 60, seed: 1000 + seed)
            let level = QRErrorCorrectionLevel.allCases[seed % 4]
            let reference = try QRReferenceEncoder.symbol(text, level: level, version: 2 + seed % 5)
            let ours = try QRCode.encode(text, level: level, minVersion: 2 + seed % 5, mask: reference.mask)
            assertSameModules(ours, reference, "seed \(seed) \(level) mask \(reference.mask)")
            masksSeen.insert(reference.mask)
            seed += 1
        }
        XCTAssertEqual(masksSeen, Set(0...7))
    }

    func testCheckoutSizedURLsPickTheSameVersionAsQrencode() throws {
        try QRReferenceEncoder.requireInstalled()
        let urls = [
            "http://127.0.0.1:49152/checkout/cs_test_a1B2c3D4e5F6g7H8i9J0",
            "https://checkout.stripe.com/c/pay/cs_test_a1zV2Vf0Ck9hI3lQ8d8zKxW6b0qRUuP7nJYtG2m5LsE9#fidkdWxOYHwnPyd1blpxYHZxWjA0T"
                + "DxqUmB0X2JzS2ZfYjV8TmRHV2RVYkd0PUhAa19vPXNTT3N%2FaTFCd2ZNMjZhZmp%2FNkRJY1JUdmtGdzR3Mn1Qf0ZRbDdUQktfb19pVGk",
            "https://connect.stripe.com/setup/e/acct_1PqRsTuVwXyZ0123/AbCdEfGhIjKl",
            "https://example.com/ünïcödé/買う?q=🚀",
        ]
        for url in urls {
            for level in QRErrorCorrectionLevel.allCases {
                let reference = try QRReferenceEncoder.symbol(url, level: level)
                let ours = try QRCode.encode(url, level: level, mask: reference.mask)
                XCTAssertEqual(ours.version, reference.version, "\(level) \(url.utf8.count) bytes")
                assertSameModules(ours, reference, "\(level) \(url.prefix(40))…")
            }
        }
    }

    func testAutomaticMaskIsTheLowestPenaltyOfTheEight() throws {
        let text = "http://127.0.0.1:8080/checkout/cs_test_123"
        let chosen = try QRCode.encode(text)
        let penalties = try (0...7).map { mask -> Int in
            let code = try QRCode.encode(text, mask: mask)
            return QRPenalty.score(code.modules, size: code.size)
        }
        XCTAssertEqual(penalties[chosen.mask], penalties.min())
        XCTAssertGreaterThan(Set(penalties).count, 1, "masks should score differently")
    }

    func testPenaltyRulesScoreAsTheStandardSays() {
        // 5×5, all dark: rule 1 — ten lines with one run of five: 10 × 3; rule 2 — 16 blocks × 3;
        // rule 3 — no light module; rule 4 — 100 % dark is ten 5 % steps from 50 %: 10 × 10.
        let dark = [Bool](repeating: true, count: 25)
        XCTAssertEqual(QRPenalty.sameColourRuns(dark, size: 5), 30)
        XCTAssertEqual(QRPenalty.blocks(dark, size: 5), 48)
        XCTAssertEqual(QRPenalty.finderLikePatterns(dark, size: 5), 0)
        XCTAssertEqual(QRPenalty.darkBalance(dark, size: 5), 100)

        // 11×11, light but for 1011101 at the left of row 5: rows give 0000·1011101 (light outside the
        // symbol counts) and 1011101·0000 — two finder-like patterns; columns hold at most one dark module.
        var finder = [Bool](repeating: false, count: 121)
        for (x, d) in [true, false, true, true, true, false, true].enumerated() { finder[5 * 11 + x] = d }
        XCTAssertEqual(QRPenalty.finderLikePatterns(finder, size: 11), 80)
        // Runs: ten light rows of 11 (3 + 6 each); row 5 one light run of 4 (none); columns: x = 1, 5 and 7…10
        // are fully light (3 + 6 each); the five with a dark module at row 5 have two light runs of 5 (3 each).
        XCTAssertEqual(QRPenalty.sameColourRuns(finder, size: 11), 10 * 9 + 6 * 9 + 5 * 6)

        // Rule 4 at the edges: exactly half dark scores nothing; 60 % dark is two whole steps.
        var half = [Bool](repeating: false, count: 100)
        for i in 0..<50 { half[i] = true }
        XCTAssertEqual(QRPenalty.darkBalance(half, size: 10), 0)
        for i in 50..<60 { half[i] = true }
        XCTAssertEqual(QRPenalty.darkBalance(half, size: 10), 20)
    }

    func testReedSolomonMatchesTheStandardsWorkedExample() {
        // "HELLO WORLD" at 1-M (ISO/IEC 18004 annex I and every tutorial since): 16 data codewords, 10 EC codewords.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = QRReedSolomon.remainder(of: data, generator: QRReedSolomon.generator(degree: 10))
        XCTAssertEqual(ecc, [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    func testFormatInformationCodewordsMatchTheStandardsTable() {
        XCTAssertEqual(QRMatrixBuilder.formatBits(level: .medium, mask: 0), 0b101010000010010)
        XCTAssertEqual(QRMatrixBuilder.formatBits(level: .low, mask: 0), 0b111011111000100)
        XCTAssertEqual(QRMatrixBuilder.formatBits(level: .quartile, mask: 7), 0b010101111101101)
        XCTAssertEqual(QRMatrixBuilder.formatBits(level: .high, mask: 5), 0b000001001010101)
    }

    func testTooMuchDataIsATypedErrorNamingTheCapacity() {
        let tooLong = String(repeating: "a", count: 2954)
        XCTAssertThrowsError(try QRCode.encode(tooLong, level: .low)) { error in
            XCTAssertEqual(error as? QRCodeError, .dataTooLong(byteCount: 2954, capacity: 2953, level: .low))
        }
        XCTAssertNoThrow(try QRCode.encode(String(repeating: "a", count: 2953), level: .low))
        XCTAssertThrowsError(try QRCode.encode("x", level: .medium, maxVersion: 1, mask: 8)) { error in
            XCTAssertEqual(error as? QRCodeError, .invalidMask(8))
        }
        XCTAssertThrowsError(try QRCode.encode("x", minVersion: 41)) { error in
            XCTAssertEqual(error as? QRCodeError, .invalidVersion(41))
        }
        XCTAssertThrowsError(try QRCode.encode(String(repeating: "b", count: 20), level: .high, maxVersion: 1)) { error in
            XCTAssertEqual(error as? QRCodeError, .dataTooLong(byteCount: 20, capacity: 7, level: .high))
        }
    }
}
