/// How often units report their work to the unit above (定期报告): every week (Monday to
/// Sunday) or every calendar month. Set per campaign.
public enum ReportCadence: String, Sendable, Codable, CaseIterable {
    case weekly, monthly
}

/// One reporting period: its days, its key in URLs and storage ("2026-W10" for the week that
/// starts on Monday 2 March 2026, "2026-03" for March), and the day its report is due — a
/// number of working days after it ends, on the official calendar, so a holiday week's report
/// is not late for the holiday.
public struct ReportPeriod: Sendable, Equatable, Hashable, Codable, Comparable {
    public var cadence: ReportCadence
    public var start, end: Day

    public init(cadence: ReportCadence, start: Day, end: Day) {
        self.cadence = cadence
        self.start = start
        self.end = end
    }

    /// The period of `cadence` that holds `day`.
    public init(_ cadence: ReportCadence, containing day: Day) {
        self.cadence = cadence
        switch cadence {
        case .weekly:
            start = day.adding(1 - day.weekday)
            end = start.adding(6)
        case .monthly:
            let p = day.parts
            start = Day(year: p.year, month: p.month, day: 1)!
            let next = p.month == 12 ? Day(year: p.year + 1, month: 1, day: 1)! : Day(year: p.year, month: p.month + 1, day: 1)!
            end = next.adding(-1)
        }
    }

    /// "2026-W10": the ISO week-numbering year and week of the period's Monday (the week of
    /// 4 January is week 1); "2026-03" for a month.
    public var key: String {
        switch cadence {
        case .monthly:
            let p = start.parts
            return "\(p.year)-" + (p.month < 10 ? "0\(p.month)" : "\(p.month)")
        case .weekly:
            let thursday = start.adding(3)
            let year = thursday.year
            let week = (thursday.ordinal - Day(year: year, month: 1, day: 1)!.ordinal) / 7 + 1
            return "\(year)-W" + (week < 10 ? "0\(week)" : "\(week)")
        }
    }

    /// Reads a key back; nil for anything that is not one.
    public init?(key: String) {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let year = Int(parts[0]), (1900...9999).contains(year) else { return nil }
        if parts[1].hasPrefix("W") {
            guard parts[1].count == 3, let week = Int(parts[1].dropFirst()), week >= 1,
                  let jan4 = Day(year: year, month: 1, day: 4) else { return nil }
            let monday = jan4.adding(1 - jan4.weekday).adding(7 * (week - 1))
            self.init(.weekly, containing: monday)
            guard self.key == key else { return nil }
        } else {
            guard parts[1].count == 2, let month = Int(parts[1]), let first = Day(year: year, month: month, day: 1) else { return nil }
            self.init(.monthly, containing: first)
        }
    }

    public var next: ReportPeriod { ReportPeriod(cadence, containing: end.adding(1)) }
    public var previous: ReportPeriod { ReportPeriod(cadence, containing: start.adding(-1)) }

    /// The last day a report for this period is on time.
    public func due(after workingDays: Int, on calendar: WorkingCalendar) -> Day {
        workingDays <= 0 ? end : calendar.adding(workingDays: workingDays, to: end)
    }

    /// Every period that overlaps `first...last`, oldest first.
    public static func all(_ cadence: ReportCadence, from first: Day, through last: Day) -> [ReportPeriod] {
        guard first <= last else { return [] }
        var periods = [ReportPeriod(cadence, containing: first)]
        while periods[periods.count - 1].end < last { periods.append(periods[periods.count - 1].next) }
        return periods
    }

    public static func < (a: ReportPeriod, b: ReportPeriod) -> Bool { a.start < b.start }
}
