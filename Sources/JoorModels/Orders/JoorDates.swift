import Foundation

/// JOOR's timestamps: ISO 8601 in UTC, with or without fractional seconds
/// (`2016-07-07T18:17:16+00:00`, `2025-06-01T08:00:00.123Z`).
public enum JoorDates {
    /// The date of an ISO 8601 timestamp, or `nil` when it is not one.
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
