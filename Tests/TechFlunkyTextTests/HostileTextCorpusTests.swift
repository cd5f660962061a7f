import Foundation
import TechFlunkyText
import XCTest

/// One entry of `Tests/Fixtures/hostile-text.json`, the hostile corpus the sanitiser, the TUI's canvas and the
/// scripting commands' output are all tested with: `text` as the API might send it, `line` what
/// `TextSanitizer.line` makes of it (what the CLI prints), `drawn` what a canvas row shows (`TerminalGlyph`).
struct HostileText: Decodable {
    var name: String
    var text: String
    var line: String
    var drawn: String

    static func corpus(_ file: String = #filePath) throws -> [HostileText] {
        let tests = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
        return try JSONDecoder().decode([HostileText].self, from: Data(contentsOf: tests.appendingPathComponent("Fixtures/hostile-text.json")))
    }
}

final class HostileTextCorpusTests: XCTestCase {
    func testEveryEntryIsSanitisedToItsExpectedLine() throws {
        let corpus = try HostileText.corpus()
        XCTAssertGreaterThan(corpus.count, 20)
        for entry in corpus {
            let line = TextSanitizer.line(entry.text)
            XCTAssertEqual(line, entry.line, entry.name)
            XCTAssertEqual(line.unicodeScalars.filter { TextSanitizer.isUnsafe($0.value) }.map(\.value), [], entry.name)
            XCTAssertEqual(TextSanitizer.line(line), line, "\(entry.name): sanitising twice changes nothing")
            let multiline = TextSanitizer.multiline(entry.text)
            XCTAssertFalse(multiline.unicodeScalars.contains { $0 != "\n" && TextSanitizer.isUnsafe($0.value) }, entry.name)
        }
    }

    func testEveryUnsafeScalarClassIsInTheCorpus() throws {
        let all = try HostileText.corpus().map(\.text).joined()
        let scalars = Set(all.unicodeScalars.map(\.value))
        for (what, values) in [("ESC", [0x1B]), ("C1 CSI", [0x9B]), ("C1 OSC", [0x9D]), ("BEL", [0x07]), ("CR", [0x0D]),
                               ("DEL", [0x7F]), ("RLO", [0x202E]), ("isolates", [0x2066, 0x2067, 0x2068, 0x2069]),
                               ("ALM", [0x061C]), ("LS/PS", [0x2028, 0x2029]), ("ZWSP", [0x200B]), ("BOM", [0xFEFF]),
                               ("ZWJ", [0x200D]), ("skin tone", [0x1F3FD]), ("VS16", [0xFE0F])] as [(String, [UInt32])] {
            XCTAssertTrue(values.allSatisfy(scalars.contains), "the corpus lacks \(what)")
        }
        XCTAssertTrue(all.contains("\u{1B}P"), "the corpus lacks a DCS")
        XCTAssertTrue(all.contains("\u{1B}]"), "the corpus lacks an OSC")
    }
}
