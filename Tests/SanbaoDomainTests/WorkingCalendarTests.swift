import Foundation
import Testing
@testable import SanbaoDomain

@Suite struct WorkingCalendarTests {
    /// The official 2026 file (shipped with the product, from ../shared/calendar), as the office imports it.
    static func official() throws -> WorkingCalendar {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Resources/Calendar/cn-2026.csv")
        var parser = CSVParser()
        let records = try parser.feed(bytes: Array(try Data(contentsOf: url)), final: true)
        let (exceptions, years, issues) = WorkingCalendar.read(records)
        #expect(issues.isEmpty, "\(issues)")
        #expect(years == [2026])
        return WorkingCalendar(exceptions, years: years)
    }

    @Test func daysCountAndWeekdaysRight() {
        #expect(Day("1970-01-01")!.ordinal == 0 && Day("1970-01-01")!.weekday == 4)
        #expect(Day("2026-02-13")!.weekday == 5 && Day("2026-02-14")!.weekday == 6)
        #expect(Day("2024-02-29")!.adding(366).description == "2025-03-01")
        #expect(Day("2026-02-29") == nil && Day("2026-2-01") == nil && Day("1969-12-31")!.ordinal == -1)
        let earlyInHefei = Date(timeIntervalSince1970: 1_790_030_000)   // 2026-09-21 22:33 UTC = 09-22 06:33 in Hefei
        #expect(Day(earlyInHefei, in: TimeZone(identifier: "Asia/Shanghai")!).description == "2026-09-22")
        #expect(Day(earlyInHefei, in: TimeZone(identifier: "UTC")!).description == "2026-09-21")
    }

    @Test func aDeadlineSkipsTheHolidayAndCountsTheSwappedSaturday() throws {
        let calendar = try Self.official()
        // Reported on Friday 13 February, before the Spring Festival: Saturday the 14th is worked,
        // the 15th–23rd are holidays, so three working days end on Wednesday the 25th.
        let friday = Day("2026-02-13")!
        #expect(calendar.isWorkingDay(Day("2026-02-14")!) && !calendar.isWorkingDay(Day("2026-02-16")!))
        #expect(calendar.adding(workingDays: 3, to: friday).description == "2026-02-25")
        #expect(calendar.adding(workingDays: 1, to: friday).description == "2026-02-14")
        // National Day: 30 September (Wednesday) + 3 → 8, 9 and the swapped Saturday 10 October.
        #expect(calendar.adding(workingDays: 3, to: Day("2026-09-30")!).description == "2026-10-10")
        // An ordinary week, and a weekend start.
        #expect(calendar.adding(workingDays: 5, to: Day("2026-11-20")!).description == "2026-11-27")
        #expect(calendar.adding(workingDays: 1, to: Day("2026-11-21")!).description == "2026-11-23")
        // How late: working days after the deadline.
        #expect(calendar.workingDays(from: Day("2026-02-13")!, to: Day("2026-02-25")!) == 3)
        #expect(calendar.workingDays(from: Day("2026-02-25")!, to: Day("2026-02-25")!) == 0)
    }

    @Test func aBadFileIsRefusedRowByRow() {
        let records = [CSVRecord(line: 1, fields: ["date", "kind", "name"]),
                       CSVRecord(line: 2, fields: ["2027-02-30", "holiday", "春节"]),
                       CSVRecord(line: 3, fields: ["2027-02-08", "workday", "调休"]),    // a Monday
                       CSVRecord(line: 4, fields: ["2027-02-06", "rest", ""]),
                       CSVRecord(line: 5, fields: ["2027-02-07", "workday", "春节调休上班"]),
                       CSVRecord(line: 6, fields: ["2027-02-07", "holiday", ""])]
        let (exceptions, years, issues) = WorkingCalendar.read(records)
        #expect(issues.map { "\($0.row) \($0.column) \($0.reason.rawValue)" } ==
                ["2 date bad_date", "3 kind not_a_weekend", "4 kind bad_choice", "6 date duplicate_code"])
        #expect(exceptions.count == 1 && years == [2027])
        #expect(WorkingCalendar.read([CSVRecord(line: 1, fields: ["day", "kind"])]).issues.map(\.reason) == [.unknownColumn, .missingColumn])
    }

    @Test func nextYearsFileReplacesOnlyItsYear() throws {
        let calendar = try Self.official()
        let next = calendar.replacing(years: [2027], with: [.init(day: Day("2027-01-01")!, kind: .holiday, name: "元旦")])
        #expect(next.years == [2026, 2027])
        #expect(!next.isWorkingDay(Day("2027-01-01")!) && !next.isWorkingDay(Day("2026-10-01")!))
        let again = next.replacing(years: [2027], with: [])
        #expect(again.isWorkingDay(Day("2027-01-01")!) && again.all.count == calendar.all.count)
    }
}

@Suite struct ProblemLifecycleTests {
    func walk(_ steps: [ProblemStep], from start: ProblemStatus = .reported) -> (ProblemStatus, reworks: Int, refused: ProblemRefusal?) {
        var status = start
        var reworks = 0
        for step in steps {
            switch ProblemLifecycle.step(step, from: status) {
            case .success(let next):
                status = next.status
                if next.rework { reworks += 1 }
            case .failure(let refusal):
                return (status, reworks, refusal)
            }
        }
        return (status, reworks, nil)
    }

    @Test func theIssuesStoryEndsClosedWithOneRework() {
        let story: [ProblemStep] = [.dispatch, .giveBack(reason: "不属于本区管辖"), .dispatch, .accept, .note, .refer, .resolve,
                                    .callback(.unsatisfied), .note, .resolve, .callback(.basicallySatisfied)]
        let (status, reworks, refused) = walk(story)
        #expect(status == .closed && reworks == 1 && refused == nil)
    }

    @Test func illegalStepsAreRefusedWithAReason() {
        #expect(walk([.resolve]).refused == ProblemRefusal(reason: "not_now", status: .reported, step: "resolve"))
        #expect(walk([.dispatch, .giveBack(reason: "  ")]).refused?.reason == "reason_required")
        #expect(walk([.dispatch, .accept, .callback(.satisfied)]).refused?.step == "callback")
        #expect(walk([.dispatch, .accept, .resolve, .callback(.satisfied), .note]).refused?.status == .closed)
        #expect(walk([.dispatch, .accept, .dispatch]).refused != nil, "an accepted problem is not dispatched again")
    }
}
