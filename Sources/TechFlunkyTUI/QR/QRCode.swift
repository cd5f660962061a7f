// A QR code symbol (ISO/IEC 18004, Model 2) made by the project's own encoder: byte mode, levels L/M/Q/H,
// versions 1–40, Reed–Solomon error correction with block interleaving, the mask chosen by the standard's
// penalty rules, format and version information. Pure values, no I/O; drawn by `QRHalfBlockRenderer`.
public struct QRCode: Sendable, Hashable {
    /// 1…40; the symbol is `4 × version + 17` modules on a side.
    public let version: Int
    public let errorCorrection: QRErrorCorrectionLevel
    /// The data mask applied, 0…7.
    public let mask: Int
    /// Modules per side (without the quiet zone).
    public let size: Int
    /// Row-major, `true` = dark.
    let modules: [Bool]

    /// Whether the module in column `x`, row `y` is dark. Outside the symbol (the quiet zone) is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// Encodes text as UTF-8 in byte mode, in the smallest version from `minVersion` that holds it.
    /// `mask` forces a mask pattern; by default the one with the lowest penalty is chosen.
    public static func encode(_ text: String, level: QRErrorCorrectionLevel = .medium, minVersion: Int = 1,
                              maxVersion: Int = 40, mask: Int? = nil) throws(QRCodeError) -> QRCode {
        try encode(bytes: Array(text.utf8), level: level, minVersion: minVersion, maxVersion: maxVersion, mask: mask)
    }

    public static func encode(bytes: [UInt8], level: QRErrorCorrectionLevel = .medium, minVersion: Int = 1,
                              maxVersion: Int = 40, mask: Int? = nil) throws(QRCodeError) -> QRCode {
        guard QRVersionTable.versions.contains(minVersion) else { throw .invalidVersion(minVersion) }
        guard QRVersionTable.versions.contains(maxVersion), maxVersion >= minVersion else {
            throw .invalidVersion(maxVersion)
        }
        if let mask, !QRMaskPattern.all.contains(mask) { throw .invalidMask(mask) }
        guard let version = (minVersion...maxVersion).first(where: {
            bytes.count <= QRVersionTable.byteCapacity($0, level)
        }) else {
            throw .dataTooLong(byteCount: bytes.count, capacity: QRVersionTable.byteCapacity(maxVersion, level),
                               level: level)
        }
        let data = dataCodewords(bytes, version: version, level: level)
        let codewords = interleavedWithErrorCorrection(data, version: version, level: level)

        var matrix = QRMatrixBuilder(version: version)
        matrix.drawFunctionPatterns()
        matrix.placeCodewords(codewords)

        let chosenMask: Int
        if let mask {
            chosenMask = mask
        } else {
            // Score each mask on the finished symbol, format information included.
            var best = (mask: 0, penalty: Int.max)
            for candidate in QRMaskPattern.all {
                var trial = matrix
                trial.applyMask(candidate)
                trial.drawFormatInformation(level: level, mask: candidate)
                let penalty = QRPenalty.score(trial.modules, size: trial.size)
                if penalty < best.penalty { best = (candidate, penalty) }
            }
            chosenMask = best.mask
        }
        matrix.applyMask(chosenMask)
        matrix.drawFormatInformation(level: level, mask: chosenMask)
        return QRCode(version: version, errorCorrection: level, mask: chosenMask, size: matrix.size,
                      modules: matrix.modules)
    }

    /// The data codewords: mode indicator 0100, the byte count, the bytes, a terminator of up to four
    /// zero bits, zero bits to the byte boundary, then the pad codewords 0xEC 0x11 alternately.
    static func dataCodewords(_ bytes: [UInt8], version: Int, level: QRErrorCorrectionLevel) -> [UInt8] {
        let capacityBits = QRVersionTable.dataCodewords(version, level) * 8
        var bits = QRBitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: QRVersionTable.byteModeCountBits(version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count * 8 < capacityBits {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into the version's blocks (short blocks first, long ones one codeword longer),
    /// appends each block's Reed–Solomon codewords, and interleaves: data column by column, then
    /// error correction column by column.
    static func interleavedWithErrorCorrection(_ data: [UInt8], version: Int,
                                               level: QRErrorCorrectionLevel) -> [UInt8] {
        let blockCount = QRVersionTable.errorCorrectionBlocks[level.rawValue][version]
        let eccLength = QRVersionTable.eccCodewordsPerBlock[level.rawValue][version]
        let total = QRVersionTable.totalCodewords(version)
        let shortBlocks = blockCount - total % blockCount
        let shortDataLength = total / blockCount - eccLength
        let generator = QRReedSolomon.generator(degree: eccLength)

        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortDataLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<(offset + length)])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(QRReedSolomon.remainder(of: block, generator: generator))
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for column in 0...shortDataLength {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }
}
