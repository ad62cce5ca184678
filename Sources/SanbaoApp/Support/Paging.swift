import Vapor

/// `?page=1&per=50`, with the limits every list shares.
struct PageRequest: Sendable {
    var page: Int
    var per: Int

    static let maxPer = 200

    init(page: Int = 1, per: Int = 50) {
        self.page = max(1, page)
        self.per = min(max(1, per), Self.maxPer)
    }

    init(_ req: Request) {
        self.init(page: req.query[Int.self, at: "page"] ?? 1, per: req.query[Int.self, at: "per"] ?? 50)
    }

    var offset: Int { (page - 1) * per }
}

struct Page<Item: Content>: Content {
    var items: [Item]
    var page: Int
    var per: Int
    var total: Int

    var pageCount: Int { max(1, (total + per - 1) / per) }
}
