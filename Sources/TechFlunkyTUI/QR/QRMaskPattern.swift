// The eight data mask patterns of ISO/IEC 18004 §7.8.2 (table 10). A mask flips the data modules
// where its condition holds, to break up patterns a reader could confuse with function patterns.
enum QRMaskPattern {
    static let all = 0...7

    /// Whether mask `pattern` flips the module in column `x`, row `y`.
    static func flips(_ pattern: Int, x: Int, y: Int) -> Bool {
        switch pattern {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        case 7: ((x + y) % 2 + x * y % 3) % 2 == 0
        default: preconditionFailure("mask pattern \(pattern) out of range")
        }
    }
}
