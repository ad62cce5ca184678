/// The official working-day calendar: Monday to Friday are working days except the listed
/// holidays, and the listed weekend days are worked in exchange (调休上班). Kept as data — the
/// State Council publishes next year's arrangement each November and the office imports it.
public struct WorkingCalendar: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case holiday, workday
    }

    public struct Exception: Sendable, Equatable, Codable {
        public var day: Day
        public var kind: Kind
        public var name: String

        public init(day: Day, kind: Kind, name: String) {
            self.day = day
            self.kind = kind
            self.name = name
        }
    }

    private var exceptions: [Day: Exception] = [:]
    /// The years an official file was imported for; outside them only weekends are days off.
    public private(set) var years: Set<Int> = []

    public init(_ exceptions: [Exception] = [], years: Set<Int>? = nil) {
        for e in exceptions { self.exceptions[e.day] = e }
        self.years = years ?? Set(exceptions.map(\.day.year))
    }

    public var all: [Exception] { exceptions.values.sorted { $0.day < $1.day } }

    public func exception(on day: Day) -> Exception? { exceptions[day] }

    public func isWorkingDay(_ day: Day) -> Bool {
        switch exceptions[day]?.kind {
        case .holiday: false
        case .workday: true
        case nil: !day.isWeekend
        }
    }

    /// The day by which something due in `n` working days must be done: the `n`th working day
    /// after `start` (the day it came in does not count, whatever hour it came in).
    public func adding(workingDays n: Int, to start: Day) -> Day {
        var day = start
        var left = n
        while left > 0 {
            day = day.adding(1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`):
    /// how late something is, or how long it took.
    public func workingDays(from: Day, to: Day) -> Int {
        guard to > from else { return 0 }
        var count = 0
        var day = from.adding(1)
        while day <= to {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(1)
        }
        return count
    }

    /// This calendar with a year's file put in place of what it had for those years.
    public func replacing(years replaced: Set<Int>, with new: [Exception]) -> WorkingCalendar {
        WorkingCalendar(all.filter { !replaced.contains($0.day.year) } + new, years: years.union(replaced))
    }

    // MARK: - The file (`date,kind,name`, as ../shared/calendar/cn-2026.csv)

    public static let header = TableHeader(columns: [.init("date", "日期"), .init("kind", "类型"), .init("name", "名称", required: false)])

    /// Reads an official calendar file. Every row is checked (a real day, `holiday` or
    /// `workday`, a `workday` only on a weekend, each day once); any issue refuses the whole
    /// file, since half a year's holidays would make every deadline in it wrong.
    public static func read(_ records: [CSVRecord]) -> (exceptions: [Exception], years: Set<Int>, issues: [ImportIssue]) {
        var header = Self.header
        let (rows, found) = header.dataRecords(of: records)
        var issues = found
        guard let rows else { return ([], [], issues) }
        var out: [Exception] = []
        var seen: [Day: Int] = [:]
        for record in rows {
            let dateText = header.value("date", in: record)
            let kindText = header.value("kind", in: record).lowercased()
            let name = header.value("name", in: record)
            guard let day = Day(dateText) else {
                issues.append(ImportIssue(row: record.line, column: "date", value: dateText, reason: dateText.isEmpty ? .required : .badDate))
                continue
            }
            guard let kind = Kind(rawValue: kindText) ?? (kindText == "休" ? .holiday : kindText == "班" ? .workday : nil) else {
                issues.append(ImportIssue(row: record.line, column: "kind", value: kindText, reason: .badChoice, detail: "holiday/workday"))
                continue
            }
            if kind == .workday && !day.isWeekend {
                issues.append(ImportIssue(row: record.line, column: "kind", value: kindText, reason: .notAWeekend))
                continue
            }
            if name.count > 50 { issues.append(ImportIssue(row: record.line, column: "name", value: String(name.prefix(20)), reason: .tooLong)) }
            if let first = seen[day] {
                issues.append(ImportIssue(row: record.line, column: "date", value: dateText, reason: .duplicateCode, detail: "\(first)"))
                continue
            }
            seen[day] = record.line
            out.append(Exception(day: day, kind: kind, name: name))
        }
        if out.isEmpty && issues.isEmpty { issues.append(ImportIssue(row: 0, reason: .emptyFile)) }
        return (out, Set(out.map(\.day.year)), issues)
    }
}
