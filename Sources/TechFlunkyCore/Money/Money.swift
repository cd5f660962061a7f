import Foundation

/// An ISO 4217 currency with the number of minor-unit digits it is counted in.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Upper-case ISO code, e.g. `USD`.
    public let code: String
    /// Minor-unit digits: 2 for USD, 0 for JPY, 3 for KWD.
    public let exponent: Int

    /// `exponent` is clamped to 0…6 (no ISO currency uses more), so formatting can never overflow.
    public init(code: String, exponent: Int) {
        self.code = code.uppercased()
        self.exponent = min(max(exponent, 0), 6)
    }

    /// The currency for an ISO code (any case). Unknown codes count in two decimals, as Stripe does.
    public init(code: String) {
        let upper = code.uppercased()
        self.init(code: upper, exponent: Currency.zeroDecimal.contains(upper) ? 0 : (Currency.threeDecimal.contains(upper) ? 3 : 2))
    }

    public static let usd = Currency(code: "USD", exponent: 2)
    public static let eur = Currency(code: "EUR", exponent: 2)
    public static let gbp = Currency(code: "GBP", exponent: 2)
    public static let jpy = Currency(code: "JPY", exponent: 0)

    /// Stripe's zero-decimal currencies.
    static let zeroDecimal: Set<String> = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]
    static let threeDecimal: Set<String> = ["BHD", "JOD", "KWD", "OMR", "TND"]

    public var symbol: String {
        switch code {
        case "USD": "$"
        case "EUR": "€"
        case "GBP": "£"
        case "JPY": "¥"
        case "CAD": "CA$"
        case "AUD": "A$"
        default: code + " "
        }
    }

    public var description: String { code }

    // Encoded as its code alone: `"USD"`.
    public init(from decoder: Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "currency must be a three-letter ISO 4217 code, got \(code)"))
        }
        self.init(code: code)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}

public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case currencyMismatch(Currency, Currency)
    case overflow
    case negativeAmount

    public var description: String {
        switch self {
        case let .currencyMismatch(a, b): "cannot combine amounts in \(a.code) and \(b.code)"
        case .overflow: "amount is too large"
        case .negativeAmount: "amount must not be negative"
        }
    }
}

/// An amount of money: integer minor units (cents) and a currency. Never a floating-point number.
/// Arithmetic checks currencies and overflow and throws instead of wrapping.
public struct Money: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func usd(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .usd) }
    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public func adding(_ other: Money) throws -> Money {
        guard currency == other.currency else { throw MoneyError.currencyMismatch(currency, other.currency) }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw MoneyError.overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws -> Money {
        guard currency == other.currency else { throw MoneyError.currencyMismatch(currency, other.currency) }
        let (diff, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        guard !overflow else { throw MoneyError.overflow }
        return Money(minorUnits: diff, currency: currency)
    }

    public func multiplied(by factor: Int64) throws -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw MoneyError.overflow }
        return Money(minorUnits: product, currency: currency)
    }

    /// Orders amounts of one currency; amounts in different currencies order by currency code
    /// so sorting never traps. Use `compare` where a mismatch must be an error.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.currency == rhs.currency ? lhs.minorUnits < rhs.minorUnits : lhs.currency.code < rhs.currency.code
    }

    public func compare(_ other: Money) throws -> ComparisonResult {
        guard currency == other.currency else { throw MoneyError.currencyMismatch(currency, other.currency) }
        return minorUnits < other.minorUnits ? .orderedAscending : (minorUnits > other.minorUnits ? .orderedDescending : .orderedSame)
    }

    /// `$1,234.00`, `¥1,234`, `-€5.50`: grouped thousands, the currency's own number of decimals.
    public var formatted: String { format(decimals: true) }

    /// `$1,234` with the minor units dropped (rounded toward zero) — for dense tables.
    public var formattedWhole: String { format(decimals: false) }

    /// Compact form for narrow columns: `$950`, `$9,999`, `$12.5K`, `$1.2M`, `-$3.4B` (whole currency units,
    /// rounded half up at one decimal; a value that rounds to 1000 of a unit moves to the next unit).
    public var formattedCompact: String {
        let divisor = Money.pow10(currency.exponent)
        let magnitude = (minorUnits / divisor).magnitude
        let sign = minorUnits < 0 ? "-" : ""
        if magnitude < 10_000 { return "\(sign)\(currency.symbol)\(Money.grouped(magnitude))" }
        let units: [(UInt64, String)] = [(1_000, "K"), (1_000_000, "M"), (1_000_000_000, "B"), (1_000_000_000_000, "T")]
        for (index, (unit, suffix)) in units.enumerated() {
            // No overflow: magnitude ≤ Int64.max and unit / 20 is small, so the sum fits in UInt64.
            let tenths = (magnitude + unit / 20) / (unit / 10)
            if tenths < 1_000 {
                let text = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
                return "\(sign)\(currency.symbol)\(text)\(suffix)"
            }
            let whole = (magnitude + unit / 2) / unit
            if whole < 1_000 || index == units.count - 1 {
                return "\(sign)\(currency.symbol)\(Money.grouped(whole))\(suffix)"
            }
        }
        return "\(sign)\(currency.symbol)\(Money.grouped(magnitude))"
    }

    /// The same amount with the opposite sign; throws for `Int64.min`, which has no positive twin.
    public func negated() throws -> Money {
        guard minorUnits != .min else { throw MoneyError.overflow }
        return Money(minorUnits: -minorUnits, currency: currency)
    }

    public var description: String { formatted }

    private func format(decimals: Bool) -> String {
        let divisor = UInt64(Money.pow10(currency.exponent))
        let magnitude = minorUnits.magnitude
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        var text = (minorUnits < 0 ? "-" : "") + currency.symbol + Money.grouped(whole)
        if decimals && currency.exponent > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: currency.exponent - digits.count) + digits
        }
        return text
    }

    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3)
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func pow10(_ n: Int) -> Int64 {
        var v: Int64 = 1
        for _ in 0..<n { v *= 10 }
        return v
    }

    // Wire form: {"amount": 123400, "currency": "USD"} — amount in minor units.
    enum CodingKeys: String, CodingKey { case minorUnits = "amount", currency }
}

extension Money {
    /// An amount a person types, in whole units of a two-decimal currency (dollars), as minor units:
    /// `50000`, `50,000`, `$50k`, `1.5m`, `99.99`. Nil for anything else (negative, more than two decimals,
    /// unknown suffix, or an amount past what minor units can hold). Integer arithmetic only: no binary
    /// floating point touches money.
    public static func parseMajorUnits(_ text: String) -> Int64? {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        if s.hasPrefix("$") { s.removeFirst() }
        s = s.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
        var multiplier: Int64 = 1
        if let last = s.last, let m = ["k": Int64(1_000), "m": 1_000_000][String(last)] {
            multiplier = m
            s.removeLast()
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !s.isEmpty, parts.count <= 2, let wholeText = parts.first, !wholeText.isEmpty,
              wholeText.allSatisfy(\.isASCII), wholeText.allSatisfy(\.isNumber), let whole = Int64(wholeText) else { return nil }
        // The fraction is of a unit (`.5k` = 500), in hundredths of the multiplied unit at most.
        var fractionHundredths: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard !f.isEmpty, f.count <= 2, f.allSatisfy(\.isASCII), f.allSatisfy(\.isNumber), let v = Int64(f) else { return nil }
            fractionHundredths = f.count == 1 ? v * 10 : v
        }
        let (wholeMinor, o1) = whole.multipliedReportingOverflow(by: 100)
        let (units, o2) = wholeMinor.addingReportingOverflow(fractionHundredths)
        let (result, o3) = units.multipliedReportingOverflow(by: multiplier)
        guard !o1, !o2, !o3 else { return nil }
        return result
    }
}
