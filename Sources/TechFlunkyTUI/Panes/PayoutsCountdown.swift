import Foundation

/// The time left until a held payout is released, on the platform's clock: the sandbox clock may run days
/// ahead of this machine's, so the pane takes the platform's `now` from each payouts answer and adds only the
/// time that passed here since that answer arrived.
public struct PayoutsCountdown: Sendable, Hashable {
    /// The platform's clock when it answered.
    public var platformNow: Date
    /// This machine's clock when the answer arrived.
    public var receivedAt: Date

    public init(platformNow: Date, receivedAt: Date) {
        self.platformNow = platformNow
        self.receivedAt = receivedAt
    }

    /// The platform's time now, given this machine's time now.
    public func platformTime(localNow: Date) -> Date {
        platformNow.addingTimeInterval(max(0, localNow.timeIntervalSince(receivedAt)))
    }

    /// Seconds until `holdUntil` on the platform's clock (negative once passed).
    public func remaining(until holdUntil: Date, localNow: Date) -> TimeInterval {
        holdUntil.timeIntervalSince(platformTime(localNow: localNow))
    }

    /// "2d 03h 12m" — days, hours, minutes, rounded up to the next minute so it never shows 0m while time
    /// remains; under a minute "<1m"; once the time has passed, nil (the release is due).
    public static func format(_ seconds: TimeInterval) -> String? {
        guard seconds > 0 else { return nil }
        if seconds < 60 { return "<1m" }
        let minutes = Int((seconds / 60).rounded(.up))
        let days = minutes / 1440, hours = minutes % 1440 / 60, mins = minutes % 60
        if days > 0 { return "\(days)d \(twoDigits(hours))h \(twoDigits(mins))m" }
        if hours > 0 { return "\(hours)h \(twoDigits(mins))m" }
        return "\(mins)m"
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
