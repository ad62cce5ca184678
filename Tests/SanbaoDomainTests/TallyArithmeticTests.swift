import Foundation
import Testing
@testable import SanbaoDomain

@Suite struct TallyArithmeticTests {
    let root = UUID(), district = UUID(), street = UUID(), enterprise = UUID()
    var path: String { UnitPath(parent: UnitPath(parent: UnitPath(parent: nil, id: root), id: district), id: street).text }

    func visit(_ answers: [TallyArithmetic.Answer] = [], day: String = "2026-11-02") -> TallyArithmetic.Contribution {
        TallyArithmetic.Contribution(unitPath: path, stageKey: "S1", day: day, enterpriseID: enterprise, workers: 3, questionnaires: 4,
                                     problems: 1, section: "C", size: "small", answers: answers)
    }

    @Test func aVisitCountsAtItsUnitAndEveryUnitAbove() {
        let d = TallyArithmetic.deltas([visit(), visit(day: "2026-11-03")], sign: 1)
        for unit in [root, district, street] {
            let day = d[TallyArithmetic.Key(unit: unit, stage: "S1", day: "2026-11-02")]
            #expect(day?.visits == 1 && day?.workers == 3 && day?.questionnaires == 4 && day?.problems == 1)
        }
        #expect(d.count == 6)
    }

    @Test func takingOffWhatWasAddedLeavesNothing() {
        let added = TallyArithmetic.deltas([visit()], sign: 1), taken = TallyArithmetic.deltas([visit()], sign: -1)
        var sum = added
        for (k, c) in taken {
            sum[k, default: .init()].visits += c.visits
            sum[k, default: .init()].workers += c.workers
            sum[k, default: .init()].questionnaires += c.questionnaires
            sum[k, default: .init()].problems += c.problems
        }
        #expect(sum.values.allSatisfy { $0.isZero })
        #expect(TallyArithmetic.sortedRows(sum).isEmpty)
    }

    @Test func anEnterpriseIsClaimedOncePerStageAndUnitWhateverTheOrder() {
        let claims = TallyArithmetic.candidateClaims([visit(), visit(day: "2026-11-05")])
        #expect(claims.count == 3 && Set(claims.map(\.unit)) == [root, district, street])
        #expect(claims == TallyArithmetic.candidateClaims([visit(day: "2026-11-05"), visit()]))
    }

    @Test func answersCountValuesNumbersAndPairsDownToTheStreets() {
        let r = UUID()
        let answers = [TallyArithmetic.Answer(response: r, questionnaire: "enterprise", question: "production", category: "normal"),
                       TallyArithmetic.Answer(response: r, questionnaire: "enterprise", question: "hiring", category: "yes"),
                       TallyArithmetic.Answer(response: r, questionnaire: "enterprise", question: "staff", number: 120)]
        let d = TallyArithmetic.answerDeltas([visit(answers)], sign: 1)
        let key = TallyArithmetic.AnswerKey(unit: district, stage: "S1", questionnaire: "enterprise", question: "production", value: "normal",
                                            section: "C", size: "small")
        #expect(d.counts[key] == 1)
        #expect(d.numbers[TallyArithmetic.NumberKey(unit: street, stage: "S1", questionnaire: "enterprise", question: "staff", value: 120)] == 1)
        let pair = TallyArithmetic.PairKey(unit: root, stage: "S1", questionnaire: "enterprise", first: "hiring", firstValue: "yes",
                                           second: "production", secondValue: "normal")
        #expect(d.pairs[pair] == 1, "the questions of a pair in key order")
        #expect(TallyArithmetic.answerDeltas([visit(answers)], sign: -1).counts[key] == -1)
    }
}
