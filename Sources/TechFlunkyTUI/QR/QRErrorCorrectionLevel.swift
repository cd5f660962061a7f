// QR code error-correction levels (ISO/IEC 18004 §6.5.1): how much of the symbol may be damaged and still read.
public enum QRErrorCorrectionLevel: Int, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// About 7 % of codewords recoverable.
    case low = 0
    /// About 15 %.
    case medium = 1
    /// About 25 %.
    case quartile = 2
    /// About 30 %.
    case high = 3

    /// The two bits this level is written as in the format information (L=01, M=00, Q=11, H=10).
    var formatBits: Int {
        switch self {
        case .low: 1
        case .medium: 0
        case .quartile: 3
        case .high: 2
        }
    }

    /// The level a format-information field names, the inverse of `formatBits`.
    init?(formatBits: Int) {
        switch formatBits {
        case 1: self = .low
        case 0: self = .medium
        case 3: self = .quartile
        case 2: self = .high
        default: return nil
        }
    }

    /// The letter the standard and `qrencode -l` use.
    public var description: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }
}
