import Foundation

/// Names of what a deployment creates in the buyer's account. Every name starts with the
/// namespace of step 2 (`tf-<short order id>`), so two orders never collide and a retry of the
/// same order finds (adopts) what it made before.
public enum DeploymentNaming {
    /// `tf-` and the first 8 letters/digits of the order id after its type prefix (`ord_`).
    public static func namespace(orderId: String) -> String {
        let tail = orderId.split(separator: "_").last.map(String.init) ?? orderId
        var short = String(tail.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(8))
        if short.count < 4 {
            // Too little to be unique: fall back to a stable hash of the whole id.
            var h: UInt64 = 1469598103934665603
            for b in orderId.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
            short = String(String(h, radix: 36).prefix(8))
        }
        return "tf-\(short)"
    }

    /// `<namespace>-<name>` in the alphabet D1, R2 and Workers all accept (lower-case letters,
    /// digits, `-`), at most 63 characters.
    public static func resourceName(namespace: String, name: String) -> String {
        var cleaned = name.lowercased().map { c -> Character in
            (c.isASCII && (c.isLetter || c.isNumber)) ? c : "-"
        }.reduce(into: "") { $0.append($1) }
        while cleaned.contains("--") { cleaned = cleaned.replacingOccurrences(of: "--", with: "-") }
        cleaned = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if cleaned.isEmpty { cleaned = "x" }
        let full = "\(namespace)-\(cleaned)"
        return String(full.prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
