/// Why a QR code could not be made, with what the caller needs to choose differently.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data does not fit even the largest version allowed at this level.
    case dataTooLong(byteCount: Int, capacity: Int, level: QRErrorCorrectionLevel)
    /// Versions run from 1 to 40.
    case invalidVersion(Int)
    /// Mask patterns are numbered 0 to 7.
    case invalidMask(Int)

    public var description: String {
        switch self {
        case let .dataTooLong(count, capacity, level):
            "\(count) bytes do not fit a QR code at level \(level) (at most \(capacity) bytes); use a lower level or shorter text"
        case let .invalidVersion(v): "QR version \(v) does not exist (1–40)"
        case let .invalidMask(m): "QR mask pattern \(m) does not exist (0–7)"
        }
    }
}
