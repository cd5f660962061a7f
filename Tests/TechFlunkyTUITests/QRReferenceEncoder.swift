import Foundation
import XCTest
@testable import TechFlunkyTUI

/// Debian's `qrencode` (libqrencode 4.x), run as the reference our encoder's matrices are checked against.
struct QRReferenceEncoder {
    static let path = "/usr/bin/qrencode"

    /// A reference symbol as qrencode drew it, with the level and mask read back from its format information.
    struct Symbol {
        let size: Int
        let modules: [[Bool]]
        let level: QRErrorCorrectionLevel
        let mask: Int

        var version: Int { (size - 17) / 4 }
    }

    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("qrencode is not installed at \(path) (apt-get install qrencode)")
        }
    }

    /// `qrencode -8 -t <type> -l <level> -v <version> -m <margin> <text>`; version 0 lets qrencode choose.
    static func run(_ text: String, type: String, level: QRErrorCorrectionLevel, version: Int, margin: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-8", "-t", type, "-l", level.description, "-v", String(version), "-m", String(margin), text]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw XCTSkip("qrencode failed (\(process.terminationStatus)): \(errorText)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The module matrix from `-t ASCII -m 0` ("##" dark, two spaces light), level and mask decoded.
    static func symbol(_ text: String, level: QRErrorCorrectionLevel, version: Int = 0) throws -> Symbol {
        let ascii = try run(text, type: "ASCII", level: level, version: version, margin: 0)
        let rows: [[Bool]] = ascii.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            let chars = Array(line)
            return stride(from: 0, to: chars.count, by: 2).map { chars[$0] == "#" }
        }
        let size = rows.count
        guard size >= 21, rows.allSatisfy({ $0.count == size }) else {
            throw ReferenceError.malformed("qrencode printed \(size) rows of widths \(Set(rows.map(\.count)))")
        }
        // The first copy of the format information, bit i at the positions ISO/IEC 18004 figure 25 gives.
        var positions: [(x: Int, y: Int)] = (0...5).map { (8, $0) }
        positions += [(8, 7), (8, 8), (7, 8)]
        positions += (9..<15).map { (14 - $0, 8) }
        var bits = 0
        for (i, p) in positions.enumerated() where rows[p.y][p.x] { bits |= 1 << i }
        for candidate in QRErrorCorrectionLevel.allCases {
            for mask in 0...7 where QRMatrixBuilder.formatBits(level: candidate, mask: mask) == bits {
                return Symbol(size: size, modules: rows, level: candidate, mask: mask)
            }
        }
        throw ReferenceError.malformed("format bits \(String(bits, radix: 2)) are not a valid codeword")
    }

    enum ReferenceError: Error { case malformed(String) }
}
