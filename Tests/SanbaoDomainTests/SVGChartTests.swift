import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SanbaoDomain

@Suite struct SVGChartTests {
    /// Parses the SVG as XML and collects the elements by name, with their attributes.
    final class Reader: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [String] = []
        private var current = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" || name == "title" { texts.append(current) }
            current = ""
        }

        static func read(_ svg: String) throws -> Reader {
            let reader = Reader()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = reader
            #expect(parser.parse(), "well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
            return reader
        }

        func all(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
    }

    @Test func theVisitedMapShowsEachAreasShareAsAreas() throws {
        let svg = VisitedMap(areas: [
            .init(name: "蜀山区", lat: 31.85, lon: 117.26, visited: 50, target: 100, href: "/dashboard?unit=340104&stage=2"),
            .init(name: "瑶海<区>", lat: 31.86, lon: 117.31, visited: 0, target: 25),
            .init(name: "无坐标", lat: .nan, lon: 117.0, visited: 1, target: 1),
        ]).svg(title: "走访覆盖地图", visitedLabel: "已走访", notVisitedLabel: "尚未走访")
        let r = try Reader.read(svg)
        let circles = r.all("circle").dropFirst(2).compactMap { $0["r"].flatMap(Double.init) }   // after the legend's two
        // 蜀山: the outer circle for 100, the inner for 50 (half the area); 瑶海: 25 → half the radius, nothing inside.
        #expect(circles.count == 4)
        #expect(abs(circles[1] * circles[1] * 2 - circles[0] * circles[0]) < 10, "half visited, half the area (radii to 0.1)")
        #expect(abs(circles[2] * 2 - circles[0]) < 0.2 && circles[3] == 0)
        #expect(r.texts.contains("蜀山区 50%") && r.texts.contains("瑶海<区> 0%") && !r.texts.contains { $0.hasPrefix("无坐标") })
        #expect(r.all("a").first?["href"] == "/dashboard?unit=340104&stage=2" && svg.contains("瑶海&lt;区&gt;"))
    }

    @Test func barsAreProportionalAndLabelledInChinese() throws {
        let svg = SVGChart.bars(title: "各区走访进度", categories: ["蜀山区", "瑶海区", "包河区"],
                                series: [.init("已走访", [40, 20, 0])])
        let r = try Reader.read(svg)
        #expect(r.elements.first?.attributes["role"] == "img" && r.elements.first?.attributes["aria-label"] == "各区走访进度")
        let bars = r.all("rect")
        #expect(bars.count == 3)
        let heights = bars.compactMap { Double($0["height"] ?? "") }
        #expect(heights[0] == 2 * heights[1] && heights[2] == 0)
        #expect(r.texts.contains("蜀山区") && r.texts.contains("各区走访进度"))
        #expect(r.texts.contains("蜀山区 已走访 40"), "each bar tells its number")
    }

    @Test func stackedBarsAddUpAndHaveALegend() throws {
        let svg = SVGChart.bars(title: "问题办理", categories: ["A", "B"],
                                series: [.init("已办结", [3, 1]), .init("未办结", [1, 3])], stacked: true)
        let r = try Reader.read(svg)
        let bars = r.all("rect").filter { $0["width"] != "12.0" }          // without the legend's swatches
        #expect(bars.count == 4)
        let a = bars[0...1].compactMap { Double($0["height"] ?? "") }.reduce(0, +)
        let b = bars[2...3].compactMap { Double($0["height"] ?? "") }.reduce(0, +)
        #expect(abs(a - b) < 0.2, "both columns total 4")
        #expect(r.texts.contains("已办结") && r.texts.contains("未办结"))
    }

    @Test func linesDonutsAndSmallMultiplesAreWellFormedEvenWhenEmptyOrOdd() throws {
        let days = (1...30).map { "11-\($0)" }
        _ = try Reader.read(SVGChart.line(title: "每日走访", labels: days, series: [.init("走访", days.indices.map(Double.init))]))
        _ = try Reader.read(SVGChart.line(title: "空", labels: [], series: []))
        _ = try Reader.read(SVGChart.bars(title: "空", categories: [], series: []))
        _ = try Reader.read(SVGChart.bars(title: "非数", categories: ["x"], series: [.init("s", [.nan])]))
        let donut = try Reader.read(SVGChart.donut(title: "满意度", slices: [("满意", 6), ("基本满意", 3), ("不满意", 1)]))
        #expect(donut.all("path").count == 3 && donut.texts.contains("10"))
        let whole = try Reader.read(SVGChart.donut(title: "全部", slices: [("满意", 5), ("不满意", 0)]))
        #expect(whole.all("circle").count == 1, "one slice is the whole ring")
        let multiples = try Reader.read(SVGChart.smallMultiples(title: "各区", labels: ["1", "2", "3"],
                                                                 panels: (1...6).map { .init("区\($0)", [1, 2, Double($0)]) }, columns: 4))
        #expect(multiples.all("polyline").count == 6 && multiples.elements.first?.attributes["viewBox"] == "0 0 640 180")
    }

    @Test func namesAreEscapedAndScalesAreRound() throws {
        let r = try Reader.read(SVGChart.bars(title: "A&B <单位>", categories: ["\"引号\""], series: [.init("s", [1])]))
        #expect(r.texts.contains("A&B <单位>") && r.texts.contains("\"引号\""))
        #expect(SVGChart.niceCeiling(0) == 1 && SVGChart.niceCeiling(7) == 10 && SVGChart.niceCeiling(120) == 200)
        #expect(SVGChart.niceCeiling(2_400) == 2_500 && SVGChart.niceCeiling(10_000) == 10_000)
        // Gridlines at round values: 25 in fifths, 20 in quarters, 10 in fifths.
        #expect(SVGChart.divisions(25) == 5 && SVGChart.divisions(20) == 4 && SVGChart.divisions(10) == 5 && SVGChart.divisions(2_500) == 5)
        #expect(SVGChart.number(1_234_567) == "1,234,567" && SVGChart.number(2.5) == "2.5")
    }
}
