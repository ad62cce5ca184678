import Foundation
import Vapor

/// A page is a model plus a template. The model is plain data, built by a pure function from
/// what a service returned; the template draws it and takes every path from it (`shell.links`,
/// `#path`). Because a model is `Codable`, a page renders in a test from a recorded fixture
/// with no database (`PageRenderTests`).
protocol PageModel: Codable, Sendable {
    /// The template under `Resources/Views`, named once.
    static var template: String { get }
    var shell: Shell { get }
}

extension Request {
    /// Draws a page. With `SANBAO_RECORD_PAGES=dir` set, each model drawn is also written to
    /// `dir/<template>.json` (lists cut to three items): how the render tests' fixtures are made.
    func render<Page: PageModel>(_ page: Page, status: HTTPStatus = .ok) async throws -> Response {
        if let dir = application.services.recordPagesTo { try PageRecorder.write(page, to: dir) }
        let response = try await view.render(Page.template, page).encodeResponse(for: self)
        response.status = status
        return response
    }
}

enum PageRecorder {
    static func fileName(_ template: String) -> String { template.replacingOccurrences(of: "/", with: "_") + ".json" }

    static func write<Page: PageModel>(_ page: Page, to dir: String) throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(page))
        let data = try JSONSerialization.data(withJSONObject: cut(json), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: dir).appendingPathComponent(fileName(Page.template)))
    }

    /// Three items of every list are enough to draw a page and keep the fixture readable; a
    /// drawn map or chart (a long SVG string) is left out.
    static func cut(_ value: Any) -> Any {
        switch value {
        case let list as [Any]: list.prefix(3).map(cut)
        case let object as [String: Any]: object.mapValues(cut)
        case let text as String where text.count > 8_000: "<!-- \(text.count) characters left out -->"
        default: value
        }
    }
}
