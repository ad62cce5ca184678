import Vapor

/// `?page=1&per=50`, with the limits every list shares.
struct PageRequest: Sendable {
    var page, per: Int

    static let maxPer = 200
    /// Far past any list's end (200 a page × 10 million pages), and small enough that
    /// `(page - 1) * per` can never overflow: a page number from a request is checked against it.
    static let maxPage = 10_000_000

    init(page: Int = 1, per: Int = 50) {
        self.page = min(max(1, page), Self.maxPage)
        self.per = min(max(1, per), Self.maxPer)
    }

    /// Reads `page` and `per` from the query; a page beyond `maxPage` (or not a number) is
    /// refused with 422 naming `page`, never trusted into the offset arithmetic.
    init(_ req: Request, per defaultPer: Int = 50) throws {
        self.init(page: try Self.number(req, "page") ?? 1, per: try Self.number(req, "per") ?? defaultPer)
    }

    private static func number(_ req: Request, _ name: String) throws -> Int? {
        guard let text = req.query[String.self, at: name], !text.isEmpty else { return nil }
        guard let n = Int(text), n <= maxPage else {
            throw AppError.invalid([name == "page" ? AppError.field(name, "error.bad_page", [String(text.prefix(20)), "\(maxPage)"])
                                                   : AppError.field(name, "error.bad_per", [String(text.prefix(20)), "\(maxPer)"])])
        }
        return n
    }

    var offset: Int { (page - 1) * per }
}

struct Page<Item: Content>: Content {
    var items: [Item]
    var page, per, total: Int

    var pageCount: Int { max(1, (total + per - 1) / per) }
}

/// The links under a list to the pages before and after it, keeping the list's filters
/// (`Resources/Views/pager.leaf` draws them).
struct Pager: Codable, Sendable {
    var page: Int
    var prevHref, nextHref: String?

    init<Item>(_ list: Page<Item>, _ place: some SitePath, query: [String: String]) {
        self.init(page: list.page, hasNext: list.page < list.pageCount) { place.with(filters: query.merging(["page": "\($0)"]) { a, _ in a }) }
    }

    init(page: Int, hasNext: Bool, href: (Int) -> String) {
        self.page = page
        prevHref = page > 1 ? href(page - 1) : nil
        nextHref = hasNext ? href(page + 1) : nil
    }
}
