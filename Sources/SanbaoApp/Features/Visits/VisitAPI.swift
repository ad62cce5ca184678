import Foundation
import SanbaoDomain
import Vapor

/// `/api/v1/visits`: the phone's submissions and everyone's reads, scoped like the rest.
struct VisitAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.visits, use: list)
        routes.on(.POST, APIRoute.visits, upTo: "2mb", use: submit)
        routes.get(APIRoute.visit(":id"), use: show)
        routes.on(.PUT, APIRoute.visit(":id"), upTo: "2mb", use: resubmit)
        routes.post(APIRoute.visitAction(":id", "accept"), use: accept)
        routes.post(APIRoute.visitAction(":id", "return"), use: giveBack)
        routes.on(.POST, APIRoute.visitAction(":id", "photos"), upTo: "9mb", use: addPhoto)
    }

    /// The image itself as the body (`Content-Type: image/jpeg` or `image/png`).
    func addPhoto(req: Request) async throws -> Response {
        let s = try service(req)
        let photo = try await s.addPhoto(to: try id(req), data: body(req))
        return try await photo.encodeResponse(status: .created, for: req)
    }

    private func service(_ req: Request) throws -> VisitService {
        VisitService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    private func id(_ req: Request) throws -> UUID { try req.visitID() }

    private func body(_ req: Request) -> [UInt8] { req.bodyBytes }

    /// 201 with the new visit's receipt; 200 with the same receipt when the Idempotency-Key was seen before.
    func submit(req: Request) async throws -> Response {
        try req.requirePrincipal().require(.recordVisits)
        guard let key = req.headers.first(name: "Idempotency-Key") else {
            throw AppError.invalid([AppError.field("Idempotency-Key", "visit.reason.required")])
        }
        let s = try service(req)
        req.keepsReadCaches = true
        let (receipt, created) = try await s.submit(body: body(req), idempotencyKey: key)
        let response = try await receipt.encodeResponse(status: created ? .created : .ok, for: req)
        response.headers.replaceOrAdd(name: .location, value: receipt.url)
        return response
    }

    func list(req: Request) async throws -> Page<VisitRow> {
        try await service(req).list(try PageRequest(req), status: req.query["status"])
    }

    func show(req: Request) async throws -> VisitDTO {
        let s = try service(req)
        return try await s.dto(try await s.visit(try id(req)))
    }

    /// The corrected visit, with `If-Match: <revision>` (the revision it was corrected from).
    func resubmit(req: Request) async throws -> VisitDTO {
        let s = try service(req)
        try s.principal.require(.recordVisits)
        let id = try id(req)
        _ = try await s.visit(id)    // someone else's visit is not found before the header is looked at
        let visit = try await s.resubmit(id, body: body(req), revision: try req.ifMatchRevision())
        return try await s.dto(visit)
    }

    struct Review: Content {
        var revision: Int
        var comment: String?
    }

    func accept(req: Request) async throws -> VisitDTO {
        let s = try service(req)
        let review = try req.content.decode(Review.self)
        return try await s.dto(try await s.review(try id(req), accept: true, comment: review.comment ?? "", revision: review.revision))
    }

    func giveBack(req: Request) async throws -> VisitDTO {
        let s = try service(req)
        let review = try req.content.decode(Review.self)
        return try await s.dto(try await s.review(try id(req), accept: false, comment: review.comment ?? "", revision: review.revision))
    }
}

/// What the visit routes of the API and of the pages read from a request, in one place.
extension Request {
    func visitID() throws -> UUID {
        guard let id = parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError(.notFound, "error.not_found") }
        return id
    }

    var bodyBytes: [UInt8] { body.data.map { Array($0.readableBytesView) } ?? [] }

    /// `If-Match: 3` (or `"3"`): the revision a correction was made from.
    func ifMatchRevision() throws -> Int {
        guard let text = headers.first(name: .ifMatch)?.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/")), let n = Int(text) else {
            throw AppError.invalid([AppError.field("If-Match", "visit.reason.required")])
        }
        return n
    }
}
