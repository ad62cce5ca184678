import Testing
@testable import SanbaoDomain

@Suite struct StatisticsDomainTests {
    @Test func quartilesInterpolateLikeASpreadsheet() {
        // =QUARTILE.INC({1,2,3,4}, 1) is 1.75; the median 2.5; Q3 3.25.
        let s = NumericSummary(values: [4, 1, 3, 2])
        #expect(s.count == 4 && s.mean == 2.5 && s.min == 1 && s.q1 == 1.75 && s.median == 2.5 && s.q3 == 3.25 && s.max == 4)
        #expect(NumericSummary(values: [7]).median == 7 && NumericSummary(values: []).median == nil)
        #expect(NumericSummary.position(0.5, of: 5) == (2, 0) && NumericSummary.position(0.25, of: 4) == (0, 0.75))
        // A frequency table gives what its values written out give.
        let values: [Double] = [5, 5, 5, 20, 20, 100, 7, 7]
        #expect(NumericSummary(frequencies: [(5, 3), (20, 2), (100, 1), (7, 2), (8, 0)]) == NumericSummary(values: values))
    }

    @Test func aQuestionIsFollowedByKeyAcrossVersions() {
        typealias Q = Questionnaire.Question
        let v1 = Questionnaire(key: "enterprise", version: 1, subject: .enterprise, title: .init("企业", "Enterprise"), sections: [
            .init(key: "s", title: .init("一", "One"), questions: [
                Q("orders", .single, "订单", "Orders", options: [.init("up", "增加", "Up"), .init("down", "减少", "Down")]),
                Q("old", .yesNo, "旧题", "Old question"),
            ]),
        ])
        var v2 = v1
        v2.version = 2
        v2.sections[0].questions = [
            Q("new", .number, "新题", "New question"),
            Q("orders", .single, "订单变化", "Orders change", options: [.init("up", "增加", "Up"), .init("flat", "持平", "Flat")]),
        ]
        let c = QuestionCatalogue([v2, v1])
        #expect(c.entries.map(\.key) == ["new", "orders", "old"], "the newest order, then what it dropped")
        let orders = c.entry("orders")!
        #expect(orders.title.zh == "订单变化" && orders.versions == [1, 2] && orders.options.map(\.key) == ["up", "flat", "down"])
        #expect(c.entry("old")?.versions == [1] && c.entry("new")?.isNumeric == true && c.entry("old")?.values.map(\.key) == ["yes", "no"])
    }

    @Test func aCrossTabAddsUpAndExportsShares() {
        let tab = CrossTab(rowTitle: "规模", columns: [("yes", "是"), ("no", "否")],
                           cells: [("small", "yes", 1), ("small", "no", 3), ("large", "no", 2), ("small", "maybe", 9)],
                           rowOrder: ["large", "medium", "small"]) { $0 == "large" ? "大型" : "小型" }
        #expect(tab.rows.map(\.key) == ["large", "small"] && tab.rows.map(\.counts) == [[0, 2], [1, 3]])
        #expect(tab.columnTotals == [1, 5] && tab.total == 6)
        let table = tab.table(totalLabel: "合计", shareSuffix: "（占比）")
        #expect(table[0] == ["规模", "是", "否", "合计", "是（占比）", "否（占比）"])
        #expect(table[2] == ["小型", "1", "3", "4", "25%", "75%"] && table[3] == ["合计", "1", "5", "6", "16.7%", "83.3%"])
    }
}
