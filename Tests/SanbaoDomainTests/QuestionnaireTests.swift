import Foundation
import Testing
@testable import SanbaoDomain

@Suite struct QuestionnaireTests {
    let enterprise = DefaultQuestionnaires.enterprise

    /// A complete, valid set of answers to the enterprise questionnaire.
    var good: [String: Answer] {
        ["production": .text("mostly"), "orders": .text("down"), "financing_need": .yes(false), "headcount_change": .text("down"),
         "layoffs_planned": .yes(true), "layoffs_count": .number(12), "pay_cuts": .yes(false), "wage_arrears": .yes(false),
         "social_insurance_arrears": .yes(false), "restructuring": .yes(false), "hiring_need": .yes(false),
         "safety_issues": .yes(false), "union_established": .yes(true), "collective_contract": .yes(true), "congress_held": .yes(true)]
    }

    @Test func theDefaultsAreWellFormed() {
        for q in DefaultQuestionnaires.all { #expect(q.structuralProblems.isEmpty, "\(q.key): \(q.structuralProblems)") }
        #expect(enterprise.questions.count >= 25 && DefaultQuestionnaires.worker.questions.count >= 12)
    }

    @Test func completeAnswersPassAndHiddenOnesAreDropped() {
        var answers = good
        answers["financing_amount"] = .number(50)            // asked only when financing is needed
        let (kept, issues) = enterprise.check(answers)
        #expect(issues.isEmpty)
        #expect(kept["financing_amount"] == nil && kept["layoffs_count"] == .number(12) && kept.count == good.count)
    }

    @Test func eachProblemIsNamedByItsQuestion() {
        var answers = good
        answers["production"] = .text("booming")
        answers["layoffs_count"] = .number(0)
        answers["orders"] = nil
        answers["training_need"] = .choices(["skills", "juggling"])
        answers["no_such"] = .text("x")
        answers["wage_arrears"] = .text("是")                  // yes, as a spreadsheet writes it
        let issues = enterprise.check(answers).issues
        #expect(Set(issues) == [AnswerIssue(question: "production", reason: .notAnOption),
                                AnswerIssue(question: "layoffs_count", reason: .outOfRange),
                                AnswerIssue(question: "orders", reason: .required),
                                AnswerIssue(question: "training_need", reason: .notAnOption),
                                AnswerIssue(question: "no_such", reason: .unknownQuestion),
                                AnswerIssue(question: "arrears_workers", reason: .required)])
    }

    @Test func scalesDatesAndYesNoAreChecked() {
        let q = Questionnaire(key: "t", version: 1, subject: .worker, title: .init("t", "t"), sections: [
            .init(key: "s", title: .init("s", "s"), questions: [
                .init("score", .scale, "分", "Score"), .init("day", .date, "日", "Day"), .init("ok", .yesNo, "是否", "OK"),
            ])])
        #expect(q.check(["score": .number(3), "day": .text("2028-02-29"), "ok": .text("no")]).issues.isEmpty)
        #expect(q.check(["score": .number(6), "day": .text("2027-02-29"), "ok": .text("perhaps")]).issues.map(\.reason)
                == [.outOfRange, .badDate, .wrongType])
        #expect(q.check(["score": .number(2.5)]).issues.map(\.reason) == [.wrongType])
    }

    @Test func answersAndQuestionnairesRoundTripThroughJSON() throws {
        let json = #"{"a": true, "b": 3, "c": "x", "d": ["p", "q"]}"#
        let decoded = try JSONDecoder().decode([String: Answer].self, from: Data(json.utf8))
        #expect(decoded == ["a": .yes(true), "b": .number(3), "c": .text("x"), "d": .choices(["p", "q"])])
        let data = try JSONEncoder().encode(enterprise)
        #expect(try JSONDecoder().decode(Questionnaire.self, from: data) == enterprise)
    }

    @Test func structuralProblemsAreFound() {
        var q = enterprise
        q.sections[0].questions.append(.init("production", .text, "重复", "Again"))
        q.sections[0].questions.append(.init("one_option", .single, "单选", "One", options: [.init("a", "甲", "A")]))
        q.sections[0].questions.insert(.init("early", .text, "早", "Early", showIf: .init("union_established", anyOf: ["yes"])), at: 0)
        q.sections[0].questions.append(.init("bad_value", .text, "值", "Value", showIf: .init("orders", anyOf: ["sideways"])))
        let problems = q.structuralProblems
        #expect(problems.count == 4, "\(problems)")
    }
}

@Suite struct AnswerJSONTests {
    @Test func whatIsWrittenReadsBackTheSame() throws {
        let answers: [String: Answer] = [
            "b": .yes(true), "a": .text("说 \"是\"\\ \n\t\u{1}"), "n": .number(12), "x": .number(0.1), "big": .number(-3.5e20),
            "c": .choices(["skills", "safety"]), "none": .choices([]), "no": .yes(false),
        ]
        let text = AnswerJSON.encode(answers)
        #expect(text.hasPrefix(#"{"a":"说 \"是\"\\ \n\t\u0001","b":true,"big":"#))
        #expect(text.contains(#""n":12,"#) && text.contains(#""x":0.1"#))
        let back = try JSONDecoder().decode([String: Answer].self, from: Data(text.utf8))
        #expect(back == answers)
    }
}
