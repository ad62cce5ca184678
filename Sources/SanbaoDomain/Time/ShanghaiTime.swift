import Foundation

/// The campaign's clock: the database keeps UTC instants; people read and type days and times
/// in China's time zone. The one place that turns one into the other.
public enum ShanghaiTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai")!

    private static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }

    /// The day an instant falls on in China.
    public static func day(_ date: Date) -> Day { Day(date, in: zone) }

    /// Midnight in China at the start of `day`, as an instant (days typed by a person may be
    /// any year: never a crash, whatever the calendar makes of year 0).
    public static func start(of day: Day) -> Date {
        let p = day.parts
        return calendar.date(from: DateComponents(year: p.year, month: p.month, day: p.day))
            ?? Date(timeIntervalSince1970: Double(day.ordinal) * 86_400 - Double(zone.secondsFromGMT()))
    }

    /// `YYYY-MM-DD` typed by a person, as the instant its day starts; nil when not a day.
    public static func start(of text: String) -> Date? { Day(text).map { start(of: $0) } }

    /// "2026-11-20 09:41".
    public static func minute(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// "2026-11-20 09:41:07".
    public static func second(_ date: Date) -> String {
        let c = calendar.dateComponents([.second], from: date)
        return minute(date) + String(format: ":%02d", c.second ?? 0)
    }

    /// "09:41".
    public static func clock(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}
