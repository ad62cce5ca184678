import Testing
@testable import SanbaoDomain

@Suite struct ReportPeriodTests {
    @Test func weeksAreISOWeeksFromMondayAndMonthsCalendarMonths() {
        let w = ReportPeriod(.weekly, containing: Day("2026-03-05")!)
        #expect(w.start.description == "2026-03-02" && w.end.description == "2026-03-08" && w.key == "2026-W10")
        // 1 January 2027 is a Friday: its week began on Monday 28 December, week 53 of 2026.
        let turn = ReportPeriod(.weekly, containing: Day("2027-01-01")!)
        #expect(turn.start.description == "2026-12-28" && turn.key == "2026-W53")
        #expect(ReportPeriod(.weekly, containing: Day("2027-01-04")!).key == "2027-W01")
        // 2025-12-29 (Monday) starts week 1 of 2026: 1 January 2026 is a Thursday.
        #expect(ReportPeriod(.weekly, containing: Day("2026-01-01")!).key == "2026-W01")
        let m = ReportPeriod(.monthly, containing: Day("2028-02-10")!)
        #expect(m.start.description == "2028-02-01" && m.end.description == "2028-02-29" && m.key == "2028-02")
        #expect(ReportPeriod(.monthly, containing: Day("2026-12-31")!).next.key == "2027-01")
        for key in ["2026-W10", "2026-W53", "2027-W01", "2026-W01", "2028-02", "2026-12"] { #expect(ReportPeriod(key: key)?.key == key) }
        for bad in ["2026-W54", "2027-W53", "2026-W00", "2026-13", "2026", "W10", "2026-W1", "x-03", "2026-3"] { #expect(ReportPeriod(key: bad) == nil, "\(bad)") }
        let all = ReportPeriod.all(.weekly, from: Day("2026-11-02")!, through: Day("2026-12-31")!)
        #expect(all.count == 9 && all.first?.key == "2026-W45" && all.last?.key == "2026-W53")
    }

    @Test func dueDaysAreWorkingDaysOnTheOfficialCalendar() {
        // The week of 9–15 February 2026 ends on the Sunday before the Spring Festival holiday
        // (16–23 February here): two working days after it fall on the 24th and 25th.
        var holidays = (16...23).map { WorkingCalendar.Exception(day: Day(year: 2026, month: 2, day: $0)!, kind: .holiday, name: "春节") }
        holidays.append(.init(day: Day("2026-02-14")!, kind: .workday, name: "调休"))
        let calendar = WorkingCalendar(holidays)
        let week = ReportPeriod(.weekly, containing: Day("2026-02-11")!)
        #expect(week.due(after: 2, on: calendar).description == "2026-02-25")
        #expect(week.due(after: 0, on: calendar) == week.end)
        let due = Day("2026-02-25")!
        #expect(ReportTimeliness(firstSubmitted: Day("2026-02-25"), due: due, today: Day("2026-03-01")!) == .onTime)
        #expect(ReportTimeliness(firstSubmitted: Day("2026-02-26"), due: due, today: Day("2026-03-01")!) == .late)
        #expect(ReportTimeliness(firstSubmitted: nil, due: due, today: due) == .notDue)
        #expect(ReportTimeliness(firstSubmitted: nil, due: due, today: due.adding(1)) == .missing)
    }
}
