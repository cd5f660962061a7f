import Foundation
import XCTest
@testable import TechFlunkyCore

/// The parser against the WHATWG "Server-sent events" processing model.
final class ServerSentEventsTests: XCTestCase {
    private func parse(_ chunks: [String]) -> (frames: [SSEFrame], parser: SSEParser) {
        var parser = SSEParser()
        var frames: [SSEFrame] = []
        for chunk in chunks { frames += parser.feed(chunk) }
        return (frames, parser)
    }

    private func parse(_ text: String) -> [SSEFrame] { parse([text]).frames }

    func testIdEventAndData() {
        XCTAssertEqual(parse("id: 7\nevent: step\ndata: {\"seq\":7}\n\n"), [SSEFrame(id: "7", event: "step", data: #"{"seq":7}"#)])
    }

    func testMultiLineDataIsJoinedWithLF() {
        XCTAssertEqual(parse("data: first\ndata: second\ndata:third\n\n"), [SSEFrame(data: "first\nsecond\nthird")])
    }

    func testOnlyOneLeadingSpaceIsRemoved() {
        XCTAssertEqual(parse("data:  two spaces\n\n").first?.data, " two spaces")
        XCTAssertEqual(parse("data:no space\n\n").first?.data, "no space")
    }

    func testRetrySetsTheReconnectionTime() {
        let (frames, parser) = parse(["retry: 2500\ndata: x\n\n"])
        XCTAssertEqual(frames.first?.retry, 2500)
        XCTAssertEqual(parser.retry, 2500)
    }

    func testRetryWithAnythingButDigitsIsIgnored() {
        for bad in ["retry: 25x\n", "retry: -5\n", "retry: 1.5\n", "retry:\n", "retry: ٣\n", "retry: 99999999999999999999999\n"] {
            let (_, parser) = parse([bad + "data: x\n\n"])
            XCTAssertNil(parser.retry, bad)
        }
    }

    func testRetryWithoutDataDispatchesNothingButApplies() {
        let (frames, parser) = parse(["retry: 100\n\n"])
        XCTAssertEqual(frames, [])
        XCTAssertEqual(parser.retry, 100)
    }

    func testCommentsAreIgnored() {
        XCTAssertEqual(parse(": heartbeat\n\n: another\ndata: x\n: inside\n\n"), [SSEFrame(data: "x")])
    }

    func testLineEndingsLFCRAndCRLF() {
        let expected = [SSEFrame(id: "1", event: "e", data: "a\nb")]
        XCTAssertEqual(parse("id: 1\nevent: e\ndata: a\ndata: b\n\n"), expected)
        XCTAssertEqual(parse("id: 1\revent: e\rdata: a\rdata: b\r\r"), expected)
        XCTAssertEqual(parse("id: 1\r\nevent: e\r\ndata: a\r\ndata: b\r\n\r\n"), expected)
        XCTAssertEqual(parse("id: 1\r\nevent: e\rdata: a\ndata: b\r\n\n"), expected, "mixed line ends")
    }

    func testCRLFSplitAcrossFeedsIsOneLineEnd() {
        XCTAssertEqual(parse(["data: a\r", "\ndata: b\r", "\n\r", "\n"]).frames, [SSEFrame(data: "a\nb")])
    }

    func testLeadingBOMIsStrippedOnce() {
        let bom = "\u{FEFF}"
        XCTAssertEqual(parse(bom + "data: x\n\n"), [SSEFrame(data: "x")])
        // A BOM split across feeds.
        var parser = SSEParser()
        XCTAssertEqual(parser.feed([0xEF]) + parser.feed([0xBB]) + parser.feed([0xBF] + Array("data: y\n\n".utf8)), [SSEFrame(data: "y")])
        // A second BOM is not special: here it makes the field name "\u{FEFF}data", which is unknown.
        XCTAssertEqual(parse(bom + bom + "data: x\n\n"), [])
        // A stream that merely starts with 0xEF is not mangled.
        var other = SSEParser()
        XCTAssertEqual(other.feed(Array("data: é\n\n".utf8)), [SSEFrame(data: "é")])
    }

    func testAFieldSplitAcrossFeeds() {
        XCTAssertEqual(parse(["da", "ta: hel", "lo\n", "\n"]).frames, [SSEFrame(data: "hello")])
        XCTAssertEqual(parse(["id: 4", "2\nevent: lo", "g\ndata: x\n\n"]).frames, [SSEFrame(id: "42", event: "log", data: "x")])
    }

    func testAMultiByteCharacterSplitAcrossFeeds() {
        let bytes = Array("data: 日本 👍🏽 é\n\n".utf8)
        var parser = SSEParser()
        var frames: [SSEFrame] = []
        for byte in bytes { frames += parser.feed([byte]) }  // one byte per read
        XCTAssertEqual(frames, [SSEFrame(data: "日本 👍🏽 é")])
    }

    func testIdContainingNULIsIgnored() {
        let (frames, parser) = parse(["id: 5\ndata: a\n\nid: 6\0x\ndata: b\n\n"])
        XCTAssertEqual(frames.map(\.id), ["5", "5"])
        XCTAssertEqual(parser.lastEventId, "5")
    }

    func testLastEventIdPersistsAndAnEmptyIdResetsIt() {
        let (frames, parser) = parse(["id: 9\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"])
        XCTAssertEqual(frames.map(\.id), ["9", "9", ""])
        XCTAssertEqual(parser.lastEventId, "")
    }

    func testEmptyDataLines() {
        XCTAssertEqual(parse("data\n\n"), [SSEFrame(data: "")])
        XCTAssertEqual(parse("data:\n\n"), [SSEFrame(data: "")])
        XCTAssertEqual(parse("data\ndata\n\n"), [SSEFrame(data: "\n")])
        XCTAssertEqual(parse("data: a\ndata:\n\n"), [SSEFrame(data: "a\n")])
    }

    func testABlockWithoutDataDispatchesNothingAndResetsTheEventType() {
        XCTAssertEqual(parse("event: step\n\ndata: x\n\n"), [SSEFrame(data: "x")])
    }

    func testEventTypeDoesNotCarryOver() {
        XCTAssertEqual(parse("event: a\ndata: 1\n\ndata: 2\n\n").map(\.event), ["a", nil])
    }

    func testUnknownFieldsAndFieldsWithoutColonAreIgnored() {
        XCTAssertEqual(parse("foo: bar\nevent\ndata: x\nDATA: y\n\n"), [SSEFrame(event: nil, data: "x")], "an empty event type is the default")
    }

    func testAnUnterminatedFrameAtTheEndIsNotDispatched() {
        XCTAssertEqual(parse("data: x\n"), [])
        XCTAssertEqual(parse("data: x"), [])
    }

    func testInvalidUTF8BecomesReplacementCharacters() {
        var parser = SSEParser()
        XCTAssertEqual(parser.feed(Array("data: a".utf8) + [0xFF] + Array("b\n\n".utf8)), [SSEFrame(data: "a\u{FFFD}b")])
    }

    func testOverlongLinesAreDroppedWhole() {
        var parser = SSEParser(maxLineBytes: 16)
        let frames = parser.feed("data: " + String(repeating: "x", count: 100) + "\ndata: ok\n\n")
        XCTAssertEqual(frames, [SSEFrame(data: "ok")])
    }

    func testResetForReconnectKeepsTheLastEventId() {
        var parser = SSEParser()
        _ = parser.feed("retry: 300\nid: 12\ndata: a\n\ndata: half")
        parser.resetForReconnect()
        XCTAssertEqual(parser.lastEventId, "12")
        XCTAssertEqual(parser.retry, 300)
        XCTAssertEqual(parser.feed("\u{FEFF}data: b\n\n"), [SSEFrame(id: "12", data: "b")], "the half frame is gone")
    }

    // MARK: Encoder

    func testEncoderWritesFieldsAndABlankLine() {
        XCTAssertEqual(SSEEncoder.encode(SSEFrame(id: "3", event: "step", data: "a\nb", retry: 1000)),
                       "id: 3\nevent: step\nretry: 1000\ndata: a\ndata: b\n\n")
        XCTAssertEqual(SSEEncoder.encode(SSEFrame(data: "")), "data: \n\n")
        XCTAssertEqual(SSEEncoder.comment("ping"), ": ping\n\n")
    }

    func testEncoderCannotBeTrickedIntoSplittingAFrame() {
        let hostile = SSEFrame(id: "1\ndata: injected", event: "step\r\nid: 99", data: "x\r\ny\rz")
        let (frames, parser) = parse([SSEEncoder.encode(hostile)])
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(frames.first?.id, "1data: injected")
        XCTAssertEqual(frames.first?.event, "stepid: 99")
        XCTAssertEqual(frames.first?.data, "x\ny\nz")
        XCTAssertEqual(parser.lastEventId, "1data: injected")
        XCTAssertEqual(parse(SSEEncoder.comment("a\nevent: b") + "data: c\n\n"), [SSEFrame(data: "c")])
    }

    func testEncodedFramesParseBackWhateverTheChunking() {
        var rng = SeededGenerator(seed: 42)
        let alphabet = Array("ab :\n\r\té日👍🏽{}\"")
        for _ in 0..<300 {
            let count = Int(rng.next() % 5) + 1
            var frames: [SSEFrame] = []
            for i in 0..<count {
                let length = Int(rng.next() % 20)
                let data = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
                frames.append(SSEFrame(id: String(i + 1), event: rng.next() % 2 == 0 ? "log" : nil, data: data))
            }
            let bytes = Array(frames.map(SSEEncoder.encode).joined().utf8)
            var parser = SSEParser()
            var parsed: [SSEFrame] = []
            var index = 0
            while index < bytes.count {
                let size = Int(rng.next() % 7) + 1
                parsed += parser.feed(bytes[index..<min(index + size, bytes.count)])
                index += size
            }
            let normalized = frames.map { frame in
                var f = frame
                f.data = f.data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                return f
            }
            XCTAssertEqual(parsed, normalized)
        }
    }
}
